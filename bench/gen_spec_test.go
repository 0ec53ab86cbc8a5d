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
		"indexed":             "missing ':'",
		"bogus:4x10":          "unknown kind",
		"indexed:1000":        "not TABLESxROWS",
		"indexed:ax10":        "table count",
		"indexed:0x10":        "at least 1 table",
		"sysbench:2x0":        "at least 1 row",
		"sysbench:2x1.5M":     "row count",
		"mixed:-3":            "row count",
		"mixed:10,seed=one":   "seed",
		"mixed:10,color=blue": "unknown option",
		"mixed:10,db=":        "database name",
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
