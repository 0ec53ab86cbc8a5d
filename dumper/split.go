package dumper

import (
	"strconv"
	"sync"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// intRange is a chunk of a dense integer key that its worker reads in sub-ranges, one SELECT
// each, so that an idle worker can take the half not yet read (split): the table's tail is
// shared instead of left to one worker. Each sub-range is half of what is left, and the last
// one at most 2*sub key values: few SELECTs, because every range condition costs the server
// per row (on MariaDB 10.11, 100k-row sub-ranges took 5-8 % more server CPU than one scan). It covers key values [cur, hi), plus
// everything below when openLo (and the NULL keys when nulls), plus everything from hi up when
// openHi. Safe for concurrent use.
type intRange struct {
	out    *tableOutput
	col    string // quoted key column
	sub    int64  // key values below which a sub-range is not halved again
	mu     sync.Mutex
	cur    int64 // first key value not yet handed out
	hi     int64
	openLo bool // the next sub-range has no lower bound (the table's first range, not begun)
	nulls  bool // with openLo: the NULL keys belong to this range
	openHi bool
	done   bool
}

// span is a sub-range of an intRange: key values [a, b), plus everything below a when lowOpen
// (and the NULL keys when nulls), plus everything from b up when highOpen.
type span struct {
	a, b                     int64
	lowOpen, highOpen, nulls bool
}

// cond is the span's condition on key column col (quoted); "" for every row.
func (s span) cond(col string) string {
	lower, upper := col+" >= "+strconv.FormatInt(s.a, 10), col+" < "+strconv.FormatInt(s.b, 10)
	switch {
	case s.lowOpen && s.highOpen:
		lower, upper = "", ""
	case s.lowOpen && s.nulls:
		lower, upper = col+" IS NULL OR "+upper, ""
	case s.lowOpen:
		lower = ""
	case s.highOpen:
		upper = ""
	}
	return and(lower, upper)
}

// next returns the next sub-range to read, or ok=false when the range is done.
func (r *intRange) next() (s span, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return span{}, false
	}
	a := r.cur
	b := r.hi
	if rest := r.hi - a; rest > 2*r.sub {
		b = a + rest/2
	}
	s = span{a: a, b: b, lowOpen: r.openLo, highOpen: b >= r.hi && r.openHi, nulls: r.openLo && r.nulls}
	r.cur, r.openLo = b, false
	r.done = b >= r.hi
	return s, true
}

// split gives the upper half of what is left to a new range, or returns nil when less than four
// sub-ranges are left.
func (r *intRange) split() *intRange {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done || r.hi-r.cur < 4*r.sub {
		return nil
	}
	mid := r.cur + (r.hi-r.cur)/2
	n := &intRange{out: r.out, col: r.col, sub: r.sub, cur: mid, hi: r.hi, openHi: r.openHi}
	r.hi, r.openHi = mid, false
	// Counted while r is held: r's reader cannot end its chunk, and with it perhaps the
	// table, before the new range is counted in.
	r.out.begin()
	return n
}

func (r *intRange) left() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return 0
	}
	return r.hi - r.cur
}

// ranges holds the splittable ranges handed out, for idle workers to split the largest.
type ranges struct {
	mu  sync.Mutex
	all []*intRange
}

func (s *ranges) add(r *intRange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, r)
}

// steal splits the range with the most key values left and returns the new half, or nil.
func (s *ranges) steal() *intRange {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := s.all[:0]
	var best *intRange
	var most int64
	for _, r := range s.all {
		n := r.left()
		if n == 0 {
			continue
		}
		live = append(live, r)
		if n > most {
			best, most = r, n
		}
	}
	s.all = live
	if best == nil {
		return nil
	}
	n := best.split()
	if n != nil {
		s.all = append(s.all, n)
	}
	return n
}

// newIntRange is the range [lo, lo+n) of key col; first ranges take everything below lo (and the
// NULL keys if nullable), last ranges everything from lo+n up.
func newIntRange(out *tableOutput, col string, lo, n int64, first, last, nullable bool) *intRange {
	sub := min(max(n/8, 1000), 100000)
	return &intRange{out: out, col: sqltext.QuoteIdent(col), sub: sub, cur: lo, hi: lo + n,
		openLo: first, nulls: first && nullable, openHi: last}
}
