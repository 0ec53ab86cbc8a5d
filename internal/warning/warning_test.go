package warning

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestCounter(t *testing.T) {
	var buf bytes.Buffer
	c := &Counter{Log: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := c.Warn("not_a_replica", "the server is not a replica", "host", "db1"); err != nil {
		t.Fatal(err)
	}
	if c.Count() != 1 || !strings.Contains(buf.String(), "warning=not_a_replica") || !strings.Contains(buf.String(), "host=db1") {
		t.Errorf("count %d, log %q: want 1 and the warning's name and attributes", c.Count(), buf.String())
	}
	s := &Counter{Strict: true}
	err := s.Warn("not_a_replica", "the server is not a replica")
	var se *StrictError
	if !errors.As(err, &se) || se.Name != "not_a_replica" || s.Count() != 0 {
		t.Errorf("strict: err %v, count %d: want a StrictError and no count", err, s.Count())
	}
}
