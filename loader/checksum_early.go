package loader

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// earlyChecks recomputes the chunk checksums of each table as soon as its last data file is
// in, on a connection of its own, while the other tables still load: the server's idle cores
// do the verification that otherwise runs after every table is loaded (on sysbench 4×250k at
// -t 2 that final pass took 1.3 s of a 10 s load; bench/README.md). One goroutine checks the
// tables one at a time, in the order their data completes; once the data phase is over (stop)
// the tables it has not started are left to verifyChecksums' parallel pass. A table whose
// check fails to run (a query error) is left to that pass too, which reports the error.
//
// The data is final once its last file is in: deferred indexes and foreign keys do not change
// rows, and triggers, routines and events are created after the data phase.
type earlyChecks struct {
	r       *restore
	queue   chan *tablePlan
	loads   []bool // loads[i]: this run loads a data file of plans[i]
	stopped atomic.Bool
	wg      sync.WaitGroup

	mu    sync.Mutex
	done  map[*tablePlan]bool
	tally *checkTally
}

// startEarlyChecks starts the checking goroutine for plans, whose sched[i].Files this run loads
// (those the journal does not record as done); nil (which checks nothing) when --checksum skip.
// A table with no file to load in this run is left to the final pass.
func (r *restore) startEarlyChecks(ctx context.Context, plans []*tablePlan, sched []scheduler.Table) *earlyChecks {
	if r.o.Checksum == ChecksumSkip {
		return nil
	}
	e := &earlyChecks{r: r, queue: make(chan *tablePlan, len(plans)), loads: make([]bool, len(plans)),
		done: map[*tablePlan]bool{}, tally: &checkTally{rows: map[*tablePlan]int64{}}}
	for i, st := range sched {
		e.loads[i] = len(st.Files) > 0
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(ctx)
	}()
	return e
}

// dataDone queues plans[t] for checking once the scheduler reports every data file of it in
// (scheduler.DataDone), if this run loaded one. Called from the scheduler's observer.
func (e *earlyChecks) dataDone(t int, p *tablePlan) {
	if e == nil || !e.loads[t] {
		return
	}
	if p.t.Kind == dumpdir.KindTable && p.t.Checksum == checksum.Algorithm {
		e.queue <- p // never blocks: the buffer holds every table
	}
}

// stop ends the early checks once the data phase is over: the check under way finishes, the
// tables not started are left to verifyChecksums. It returns once the goroutine has ended.
func (e *earlyChecks) stop() {
	if e == nil {
		return
	}
	e.stopped.Store(true)
	close(e.queue)
	e.wg.Wait()
}

func (e *earlyChecks) run(ctx context.Context) {
	var conn *sql.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for p := range e.queue {
		if e.stopped.Load() || ctx.Err() != nil {
			continue // drained; left to the final pass
		}
		if conn == nil {
			c, err := e.r.db.Conn(ctx)
			if err == nil {
				err = setSession(ctx, c)
			}
			if err != nil {
				e.r.o.Log.Debug("early checksums: no connection, left to the end", "err", err)
				if c != nil {
					c.Close()
				}
				return
			}
			conn = c
		}
		if err := e.check(ctx, conn, p); err != nil {
			e.r.o.Log.Debug("early checksum failed, left to the end", "table", p.String(), "err", err)
		}
	}
}

// check verifies every chunk of p on conn into a tally of its own, merged only when all of
// them ran, so that a table either counts whole or is left to the final pass.
func (e *earlyChecks) check(ctx context.Context, conn *sql.Conn, p *tablePlan) error {
	checks, err := chunkChecks(ctx, conn, p)
	if err != nil {
		return err
	}
	t := &checkTally{rows: map[*tablePlan]int64{}}
	for _, c := range checks {
		if err := e.r.checkChunk(ctx, conn, c, t); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done[p] = true
	e.tally.rows[p] += t.rows[p]
	e.tally.diffs = append(e.tally.diffs, t.diffs...)
	return nil
}

// checked reports whether p was checked early (false on nil).
func (e *earlyChecks) checked(p *tablePlan) bool {
	if e == nil {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done[p]
}

// count returns how many tables were checked early.
func (e *earlyChecks) count() int {
	if e == nil {
		return 0
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.done)
}

// addTo adds what the early checks found to t.
func (e *earlyChecks) addTo(t *checkTally) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for p, n := range e.tally.rows {
		t.rows[p] += n
	}
	t.diffs = append(t.diffs, e.tally.diffs...)
}

// setSession runs checksum.Session on c.
func setSession(ctx context.Context, c *sql.Conn) error {
	for _, q := range checksum.Session {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
