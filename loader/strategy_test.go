package loader

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice/schema"
)

// TestChooseStrategy checks the decisions of --defer-indexes auto and that forced modes and
// --defer-min-rows keep their meaning.
func TestChooseStrategy(t *testing.T) {
	sysbench := schema.IndexShape{Count: 1, EntryBytes: 15} // KEY k_1 (k)
	indexed := schema.IndexShape{Count: 7, EntryBytes: 133} // bench's indexed, 2-3-2 layout
	fulltext := schema.IndexShape{Count: 1, Fulltext: 1}    // FULLTEXT only
	mixed := schema.IndexShape{Count: 2, Fulltext: 1, EntryBytes: 20}
	const pool = 256 << 20
	cases := []struct {
		name          string
		in            strategyInput
		mode          schema.DeferMode
		strat, reason string // reason: a substring
	}{
		{"no secondary index", strategyInput{rows: 1e6, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferAll, "", ""},
		{"below --defer-min-rows", strategyInput{rows: 500, shape: indexed, pool: pool, threads: 2, minRows: 10000, forced: schema.DeferAuto},
			schema.DeferNone, "inline", "fewer than --defer-min-rows 10000"},
		{"min rows wins over a forced mode", strategyInput{rows: 500, shape: indexed, pool: pool, threads: 2, minRows: 10000, forced: schema.DeferAll},
			schema.DeferNone, "inline", "--defer-min-rows"},
		{"tiny table: inline", strategyInput{rows: 100, shape: sysbench, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferFulltext, "inline", "100 rows × 1 indexes = 100 entries"},
		{"sysbench 4x100k: inline", strategyInput{rows: 100000, shape: sysbench, pool: pool, threads: 2, minRows: 10000, forced: schema.DeferAuto},
			schema.DeferFulltext, "inline", "at most 150000"},
		{"at the crossover: inline", strategyInput{rows: 50000, shape: schema.IndexShape{Count: 3, EntryBytes: 45}, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferFulltext, "inline", "= 150000 entries"},
		{"just above: deferred", strategyInput{rows: 50001, shape: schema.IndexShape{Count: 3, EntryBytes: 45}, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferAll, "deferred", "more than 150000"},
		{"fits the pool but many entries: deferred", strategyInput{rows: 250000, shape: sysbench, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferAll, "deferred", "one sorted build after the data is cheaper"},
		{"exceeds the pool's share", strategyInput{rows: 1250000, shape: indexed, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferAll, "deferred", "exceed the table's share of the buffer pool (256 MiB ÷ 2 ÷ -t 2 = 64 MiB)"},
		{"more threads, smaller share", strategyInput{rows: 200000, shape: indexed, pool: pool, threads: 8, forced: schema.DeferAuto},
			schema.DeferAll, "deferred", "÷ -t 8 = 16 MiB"},
		{"fulltext only: deferred even when tiny", strategyInput{rows: 10, shape: fulltext, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferAll, "deferred", "FULLTEXT/SPATIAL indexes only"},
		{"inline keeps fulltext deferred", strategyInput{rows: 10, shape: mixed, pool: pool, threads: 2, forced: schema.DeferAuto},
			schema.DeferFulltext, "inline", "10 rows × 1 indexes"},
		{"forced none", strategyInput{rows: 1e6, shape: indexed, pool: pool, threads: 2, forced: schema.DeferNone},
			schema.DeferNone, "inline", "--defer-indexes none"},
		{"forced all on a tiny table", strategyInput{rows: 10, shape: sysbench, pool: pool, threads: 2, forced: schema.DeferAll},
			schema.DeferAll, "deferred", "--defer-indexes all"},
		{"forced fulltext", strategyInput{rows: 1e6, shape: mixed, pool: pool, threads: 2, forced: schema.DeferFulltext},
			schema.DeferFulltext, "deferred", "--defer-indexes fulltext"},
	}
	for _, tc := range cases {
		got := chooseStrategy(tc.in)
		if got.mode != tc.mode || got.name != tc.strat || !strings.Contains(got.reason, tc.reason) {
			t.Errorf("%s: chooseStrategy = %+v, want mode %s, %q, reason containing %q", tc.name, got, tc.mode, tc.strat, tc.reason)
		}
	}
}
