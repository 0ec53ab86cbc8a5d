package loader

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/wire"
)

// TestTSVBulkValues checks the conversion of a tsv line into bulk INSERT parameters: escapes
// decoded, \N a NULL, an empty field an empty value, and a line with another field count an
// error naming both counts.
func TestTSVBulkValues(t *testing.T) {
	conv := tsvBulkValues(4)
	got, err := conv([]byte("x"), []byte(`a\tb	\N		c\\d\nend`))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("x")
	for _, v := range [][]byte{[]byte("a\tb"), nil, {}, []byte("c\\d\nend")} {
		want = wire.AppendBulkValue(want, v)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// A one-column table's empty first line is '', not NULL.
	if got, want := mustConv(t, tsvBulkValues(1), ""), wire.AppendBulkValue(nil, []byte{}); !bytes.Equal(got, want) {
		t.Errorf("empty line: got %q, want %q", got, want)
	}
	for line, n := range map[string]string{"a\tb\tc": "3 fields", "a\tb\tc\td\te": "5 fields", "": "1 fields"} {
		if _, err := conv(nil, []byte(line)); err == nil || !strings.Contains(err.Error(), n+", the load clause has 4") {
			t.Errorf("%q: err %v, want %q", line, err, n)
		}
	}
	// A backslash before a raw tab or at the line's end escapes it for LOAD DATA, which would
	// cut the line elsewhere: refused. An even run of backslashes is escaped backslashes.
	for line, field := range map[string]string{"a\\\tb\tc\td": "field 1", "a\tb\tc\td\\": "field 4", "a\\\\\\\tb\tc\td": "field 1"} {
		if _, err := conv(nil, []byte(line)); err == nil || !strings.Contains(err.Error(), field+" ends in an escaping backslash") {
			t.Errorf("%q: err %v, want %q ending in an escaping backslash", line, err, field)
		}
	}
	if _, err := conv(nil, []byte("a\\\\\tb\tc\td\\\\")); err != nil {
		t.Errorf("even runs of backslashes: %v", err)
	}
}

func mustConv(t *testing.T, conv func(dst, line []byte) ([]byte, error), line string) []byte {
	t.Helper()
	var l []byte
	if line != "" {
		l = []byte(line)
	}
	got, err := conv(nil, l)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
