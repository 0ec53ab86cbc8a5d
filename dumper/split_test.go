package dumper

import (
	"slices"
	"testing"
)

// TestIntRangeHalves checks the sub-ranges one worker reads from a range nobody splits: each
// half of what is left, the last at most 2*sub key values, with no gap or overlap.
func TestIntRangeHalves(t *testing.T) {
	r := newIntRange(&tableOutput{}, "id", 1, 1_000_000, false, false, false)
	var got []string
	for {
		c, ok := r.next()
		if !ok {
			break
		}
		got = append(got, c.cond(r.col))
	}
	want := []string{
		"(`id` >= 1) AND (`id` < 500001)",
		"(`id` >= 500001) AND (`id` < 750001)",
		"(`id` >= 750001) AND (`id` < 875001)",
		"(`id` >= 875001) AND (`id` < 1000001)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sub-ranges\n%q\nwant\n%q", got, want)
	}
	// The table's only range: its first sub-range has no lower bound, its last no upper bound.
	r = newIntRange(&tableOutput{}, "id", 1, 5000, true, true, false)
	got = got[:0]
	for c, ok := r.next(); ok; c, ok = r.next() {
		got = append(got, c.cond(r.col))
	}
	want = []string{"(`id` < 2501)", "(`id` >= 2501) AND (`id` < 3751)", "(`id` >= 3751)"}
	if !slices.Equal(got, want) {
		t.Errorf("whole table: sub-ranges\n%q\nwant\n%q", got, want)
	}
}

func TestWholeTables(t *testing.T) {
	sizes := func(n ...int64) []*table {
		var ts []*table
		for _, s := range n {
			ts = append(ts, &table{DataLength: s})
		}
		return ts
	}
	for _, c := range []struct {
		sizes   []int64
		threads int
		want    []bool
	}{
		{[]int64{100, 100, 100, 100}, 2, []bool{true, true, true, false}},
		{[]int64{100, 100, 100}, 2, []bool{true, true, false}},
		{[]int64{1000, 10, 10}, 2, []bool{false, true, false}}, // one big table: cut it
		{[]int64{1000, 10, 10}, 1, []bool{true, true, true}},
		{[]int64{100, 0}, 4, []bool{false, false}},
		{nil, 2, []bool{}},
	} {
		if got := wholeTables(sizes(c.sizes...), c.threads); !slices.Equal(got, c.want) {
			t.Errorf("sizes %v threads %d: %v, want %v", c.sizes, c.threads, got, c.want)
		}
	}
}
