package catalog

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Policy is which complete dumps prune keeps, as restic's `forget` reads its flags: the
// KeepLast newest; then, going from the newest back, the newest dump of each of the last
// KeepDaily days that have a dump, of each of the last KeepWeekly ISO weeks, and of each of
// the last KeepMonthly months (days, weeks and months in the local time zone). A dump is kept
// if any rule keeps it. Whatever the policy, the newest complete dump is kept.
type Policy struct {
	KeepLast, KeepDaily, KeepWeekly, KeepMonthly int
}

// Check refuses a policy that keeps nothing (restic refuses it too: pruning everything but the
// newest dump is never what a --keep flag left out meant) and negative counts.
func (p Policy) Check() error {
	if p.KeepLast < 0 || p.KeepDaily < 0 || p.KeepWeekly < 0 || p.KeepMonthly < 0 {
		return errors.New("--keep-* counts must be 0 or more")
	}
	if p.KeepLast+p.KeepDaily+p.KeepWeekly+p.KeepMonthly == 0 {
		return errors.New("no policy: give at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly")
	}
	return nil
}

// Decision is what prune does with one dump, and why.
type Decision struct {
	Dump   Dump
	Remove bool
	Reason string // the rules that keep it, or why it goes
}

// Plan decides, for dumps as List returns them (newest first), which to keep by p: complete
// dumps by the policy (the newest always); running dumps always; failed and stale dumps (and
// damaged ones, once older than the stale period) go; the policy counts complete dumps only.
func Plan(dumps []Dump, p Policy, o Options) []Decision {
	if o.StaleAfter <= 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	type bucket struct {
		name  string
		n     int
		last  string
		label func(time.Time) string
	}
	rules := []*bucket{
		{name: "last", n: p.KeepLast}, // every dump is a bucket of its own
		{name: "daily", n: p.KeepDaily, label: func(t time.Time) string { return t.Format("2006-01-02") }},
		{name: "weekly", n: p.KeepWeekly, label: func(t time.Time) string {
			y, w := t.ISOWeek()
			return fmt.Sprintf("%d-W%02d", y, w)
		}},
		{name: "monthly", n: p.KeepMonthly, label: func(t time.Time) string { return t.Format("2006-01") }},
	}
	out := make([]Decision, 0, len(dumps))
	newest := true
	for _, d := range dumps {
		dec := Decision{Dump: d}
		switch d.State {
		case Complete:
			var why []string
			if newest {
				why = append(why, "newest complete")
				newest = false
			}
			t := d.Started.Local()
			for _, r := range rules {
				if r.n == 0 {
					continue
				}
				l := d.Path
				if r.label != nil {
					l = r.label(t)
				}
				if l != r.last {
					r.last = l
					r.n--
					why = append(why, r.name)
				}
			}
			if len(why) == 0 {
				dec.Remove, dec.Reason = true, "not kept by the policy"
			} else {
				dec.Reason = "kept: " + strings.Join(why, ", ")
			}
		case Running:
			dec.Reason = "kept: a dump is writing it (heartbeat " + ago(o.Now, d.Heartbeat) + ")"
		case Failed:
			dec.Remove, dec.Reason = true, "failed dump"
		case Stale:
			dec.Remove, dec.Reason = true, "incomplete, no heartbeat for "+ago(o.Now, d.Heartbeat)
		case Damaged:
			if o.Now.Sub(d.Started) >= o.StaleAfter {
				dec.Remove, dec.Reason = true, "damaged: "+d.Note
			} else {
				dec.Reason = "kept: damaged but recent: " + d.Note
			}
		}
		out = append(out, dec)
	}
	return out
}

// ago says how long before now t was, to the second; "never" for a zero t.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}
