package bench

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestAppendText(t *testing.T) {
	cases := map[string]string{
		"plain":           "plain",
		"a\tb":            `a\tb`,
		"a\nb\r\n":        `a\nb\r\n`,
		`back\slash`:      `back\\slash`,
		`\N`:              `\\N`,
		"nul\x00":         `nul\0`,
		"emoji 😀 'quote'": "emoji 😀 'quote'",
	}
	for in, want := range cases {
		if got := string(appendText(nil, in)); got != want {
			t.Errorf("appendText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(appendNull(nil)); got != `\N` {
		t.Errorf("appendNull = %q, want \\N", got)
	}
}

func TestAppendCents(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 99: "0.99", 12345: "123.45", -250: "-2.50"} {
		if got := string(appendCents(nil, cents)); got != want {
			t.Errorf("appendCents(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestUUIDText(t *testing.T) {
	got := string(appendUUIDText(nil, 1, 1, 0))
	if len(got) != 36 || got[8] != '-' || got[13] != '-' || got[14] != '4' || got[18] != '-' || got[23] != '-' ||
		!strings.ContainsRune("89ab", rune(got[19])) {
		t.Errorf("appendUUIDText = %q, want a version-4 UUID in text form", got)
	}
	if got == string(appendUUIDText(nil, 1, 1, 1)) || got == string(appendUUIDText(nil, 2, 1, 0)) {
		t.Errorf("appendUUIDText gives %q for different rows or seeds", got)
	}
}

// readAll drains rows [start, end) of table n (0-based) through rowSource.
func readAll(t *testing.T, tables []genTable, n int, seed, start, end int64) []byte {
	t.Helper()
	b, err := io.ReadAll(newRowSource(&tables[n], seed, n+1, start, end))
	if err != nil {
		t.Fatalf("%s rows %d-%d: %v", tables[n].name, start, end, err)
	}
	return b
}

// TestRowsShape checks, without a server, that every generated line has exactly one
// field per LOAD DATA column (so escaping never leaks a tab or newline), that the line
// count is exact, and that splitting a table into chunks or changing the seed behaves.
func TestRowsShape(t *testing.T) {
	for _, d := range []Dataset{
		{Kind: KindIndexed, Tables: 2, Rows: 3*blockRows + 7, Seed: 1},
		{Kind: KindSysbench, Tables: 1, Rows: 2*blockRows + 1, Seed: 1},
		{Kind: KindMixed, Rows: 2*blockRows + 100, Seed: 1},
	} {
		tables := datasetTables(d)
		for n, tb := range tables {
			whole := readAll(t, tables, n, d.Seed, 0, tb.rows)
			lines := bytes.Split(bytes.TrimSuffix(whole, []byte("\n")), []byte("\n"))
			if int64(len(lines)) != tb.rows {
				t.Errorf("%s %s: %d lines, want %d", d.Kind, tb.name, len(lines), tb.rows)
			}
			cols := strings.Count(strings.Split(strings.TrimPrefix(tb.load, "("), ")")[0], ",") + 1
			for i, l := range lines {
				if got := bytes.Count(l, []byte("\t")) + 1; got != cols {
					t.Fatalf("%s %s line %d has %d fields, want %d: %q", d.Kind, tb.name, i+1, got, cols, l)
				}
			}
			var chunked []byte
			for s := int64(0); s < tb.rows; s += blockRows {
				chunked = append(chunked, readAll(t, tables, n, d.Seed, s, min(s+blockRows, tb.rows))...)
			}
			if !bytes.Equal(whole, chunked) {
				t.Errorf("%s %s: rows generated in blocks differ from rows generated in one go", d.Kind, tb.name)
			}
			if other := readAll(t, tables, n, d.Seed+1, 0, tb.rows); bytes.Equal(whole, other) {
				t.Errorf("%s %s: seeds %d and %d give the same rows", d.Kind, tb.name, d.Seed, d.Seed+1)
			}
		}
	}
}

func TestMixedSizes(t *testing.T) {
	want := map[string]int64{"customers": 500, "products": 100, "orders": 3333, "order_items": 10000, "event_log": 5000}
	for _, tb := range mixedTables(Dataset{Kind: KindMixed, Rows: 10000}) {
		if tb.rows != want[tb.name] {
			t.Errorf("mixed:10000 %s has %d rows, want %d", tb.name, tb.rows, want[tb.name])
		}
	}
	for _, tb := range mixedTables(Dataset{Kind: KindMixed, Rows: 1}) {
		if tb.rows != 1 {
			t.Errorf("mixed:1 %s has %d rows, want 1", tb.name, tb.rows)
		}
	}
}
