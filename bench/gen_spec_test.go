package bench

import (
	"strings"
	"testing"
)

func TestParseDataset(t *testing.T) {
	good := []struct {
		spec string
		want Dataset
	}{
		{"indexed:4x1000000", Dataset{Kind: KindIndexed, Tables: 4, Rows: 1000000, Seed: 1, Database: DefaultDatabase}},
		{"sysbench:2x10k,seed=7", Dataset{Kind: KindSysbench, Tables: 2, Rows: 10000, Seed: 7, Database: DefaultDatabase}},
		{"mixed:200000,db=shop", Dataset{Kind: KindMixed, Rows: 200000, Seed: 1, Database: "shop"}},
		{"mixed:3M,seed=-5,db=x", Dataset{Kind: KindMixed, Rows: 3000000, Seed: -5, Database: "x"}},
		{"indexed:2x300k,layout=2-1-0", Dataset{Kind: KindIndexed, Tables: 2, Rows: 300000, Seed: 1, Database: DefaultDatabase, Layout: "2-1-0"}},
	}
	for _, c := range good {
		got, err := ParseDataset(c.spec)
		if err != nil {
			t.Errorf("ParseDataset(%q): %v", c.spec, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseDataset(%q) = %+v, want %+v", c.spec, got, c.want)
		}
		again, err := ParseDataset(got.String())
		if err != nil || again != got {
			t.Errorf("ParseDataset(%q.String() = %q) = %+v, %v; want %+v", c.spec, got.String(), again, err, got)
		}
	}

	bad := map[string]string{
		"indexed":                    "missing ':'",
		"bogus:4x10":                 "unknown kind",
		"indexed:1000":               "not TABLESxROWS",
		"indexed:ax10":               "table count",
		"indexed:0x10":               "at least 1 table",
		"sysbench:2x0":               "at least 1 row",
		"sysbench:2x1.5M":            "row count",
		"mixed:-3":                   "row count",
		"mixed:10,seed=one":          "seed",
		"mixed:10,color=blue":        "unknown option",
		"mixed:10,db=":               "database name",
		"indexed:2x10,layout=3-0-0":  "want 0 to 2 1-column",
		"indexed:2x10,layout=0-0-0":  "no index",
		"indexed:2x10,layout=2-1":    "want A-B-C",
		"sysbench:2x10,layout=2-1-0": "only the indexed kind",
		"indexed:2x10,db=" + strings.Repeat("d", 65): "database name",
	}
	for spec, want := range bad {
		_, err := ParseDataset(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDataset(%q) error = %v, want one mentioning %q", spec, err, want)
		}
	}
}

func TestValidateRejectsUnknownKind(t *testing.T) {
	err := Dataset{Kind: "tpcc", Rows: 1, Database: "x"}.Validate()
	if err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("Validate() = %v, want an unknown-kind error", err)
	}
}

// TestIndexedLayout checks that a layout picks its indexes in order from the 2-3-2 set.
func TestIndexedLayout(t *testing.T) {
	for layout, want := range map[string]string{
		"2-0-0": "ADD KEY k1 (c1), ADD KEY k2 (c2)",
		"2-1-0": "ADD KEY k1 (c1), ADD KEY k2 (c2), ADD KEY k3 (c3, c4)",
		"0-0-1": "ADD KEY k6 (c6, c7, c8)",
	} {
		ts := indexedTables(Dataset{Kind: KindIndexed, Tables: 1, Rows: 1, Layout: layout})
		if ts[0].keys != want {
			t.Errorf("layout %s: keys %q, want %q", layout, ts[0].keys, want)
		}
	}
	if ts := indexedTables(Dataset{Kind: KindIndexed, Tables: 1, Rows: 1}); strings.Count(ts[0].keys, "ADD KEY") != 7 {
		t.Errorf("default layout: keys %q, want 7", ts[0].keys)
	}
}
