package loader

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/scheduler"
)

// TestWorkerTime checks the per-worker summary: busy seconds by job kind, and idle as the rest
// of the phase's wall time.
func TestWorkerTime(t *testing.T) {
	wt := newWorkerTime(2)
	wt.start = time.Now().Add(-10 * time.Second)
	wt.add(0, scheduler.DataJob, 6*time.Second)
	wt.add(0, scheduler.IndexJob, 3*time.Second)
	wt.add(1, scheduler.DataJob, 2*time.Second)
	wt.add(5, scheduler.DataJob, time.Hour) // no such worker: ignored
	var buf bytes.Buffer
	wt.log(slog.New(slog.NewTextHandler(&buf, nil)))
	out := buf.String()
	for _, want := range []string{
		"worker=0 data_seconds=6 index_seconds=3 constraint_seconds=0 idle_seconds=1.",
		"worker=1 data_seconds=2 index_seconds=0 constraint_seconds=0 idle_seconds=8.",
		`msg="data phase" seconds=10.`, "idle_share=0.45",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
