package progress

import (
	"sync"
	"testing"
	"time"
)

type recorder struct {
	mu      sync.Mutex
	reports []Snapshot
	done    []Snapshot
}

func (r *recorder) Report(s Snapshot) { r.mu.Lock(); r.reports = append(r.reports, s); r.mu.Unlock() }
func (r *recorder) Done(s Snapshot)   { r.mu.Lock(); r.done = append(r.done, s); r.mu.Unlock() }

func TestCountersReportAndDone(t *testing.T) {
	var c Counters
	c.Plan(2, 100, 1000)
	rec := &recorder{}
	stop := c.Go(rec)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				c.Add(1, 10)
			}
			c.Running(1)
			c.Running(-1)
		})
	}
	wg.Wait()
	c.TableDone()
	time.Sleep(1100 * time.Millisecond) // at least one Report
	stop()
	if len(rec.done) != 1 {
		t.Fatalf("Done called %d times, want once", len(rec.done))
	}
	if len(rec.reports) == 0 {
		t.Fatal("no Report in 1.1 s with a 1 s interval")
	}
	want := Snapshot{Tables: 2, TablesDone: 1, Rows: 100, RowsDone: 100, Bytes: 1000, BytesDone: 1000}
	got := rec.done[0]
	if got.Elapsed < time.Second {
		t.Errorf("Elapsed %v, want at least 1 s", got.Elapsed)
	}
	got.Elapsed = 0
	if got != want {
		t.Errorf("final snapshot %+v, want %+v", got, want)
	}
}
