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

// earlyChecks recomputes chunk checksums on a connection of its own while the data phase goes
// on, so that the server's idle cores do the verification that otherwise runs after every table
// is loaded. A chunk whose data files the dump recorded (dumpdir.Chunk.Files) is checked as soon
// as those files are in, while their rows are still in the target's buffer pool; the other
// chunks of a table once its last data file is in. Checking whole tables at their end took 2-5 s
// of a 15-20 s load of sysbench 4×1M at -t 2 (tables larger than the 256 MB pool are read back
// from disk; bench/README.md, "Checksums per data file"). One goroutine checks the chunks one
// at a time, in the order they become ready; once the data phase is over (stop) the chunks it
// has not started are left to verifyChecksums' parallel pass, and with them their whole table:
// a table counts as checked early only when every one of its chunks was, and a table one of
// whose checks fails to run (a query error) is left to that pass, which reports the error.
//
// The data is final once its files are in: deferred indexes and foreign keys do not change rows,
// and triggers, routines and events are created after the data phase.
type earlyChecks struct {
	r       *restore
	queue   chan chunkItem
	stopped atomic.Bool
	wg      sync.WaitGroup

	mu      sync.Mutex
	waiting map[string][]chunkItem     // data file name -> the chunks that wait for it
	left    map[chunkItem]int          // chunk -> its files not yet in
	tables  map[*tablePlan]*earlyTable // the tables with chunks this run may check early
}

// earlyTable is what the early checks know of one table. The table was checked early once
// every one of its chunks was (checked == len of its chunks).
type earlyTable struct {
	checks  []chunkCheck // its chunks, read by its first check (chunkChecks); only run touches it
	checked int          // chunks checked
	failed  bool         // a check failed to run: the table is left to the final pass
	tally   *checkTally  // what its checks found
}

// chunkItem is chunk n of p.
type chunkItem struct {
	p *tablePlan
	n int
}

// startEarlyChecks starts the checking goroutine for plans, whose sched[i].Files this run loads
// (those the journal does not record as done); nil (which checks nothing) when --checksum skip.
// A table with no file to load in this run is left to the final pass, and so is one a chunk of
// which lies in a file loaded before (resume).
func (r *restore) startEarlyChecks(ctx context.Context, plans []*tablePlan, sched []scheduler.Table) *earlyChecks {
	if r.o.Checksum == ChecksumSkip {
		return nil
	}
	e := &earlyChecks{r: r, waiting: map[string][]chunkItem{},
		left: map[chunkItem]int{}, tables: map[*tablePlan]*earlyTable{}}
	chunks := 0
	for i, st := range sched {
		p := plans[i]
		if len(st.Files) == 0 || p.t.Kind != dumpdir.KindTable || p.t.Checksum != checksum.Algorithm || len(p.t.Chunks) == 0 {
			continue
		}
		e.tables[p] = &earlyTable{tally: &checkTally{rows: map[*tablePlan]int64{}}}
		chunks += len(p.t.Chunks)
		for n, ch := range p.t.Chunks {
			for _, f := range ch.Files {
				c := chunkItem{p, n}
				e.waiting[f] = append(e.waiting[f], c)
				e.left[c]++
			}
		}
	}
	e.queue = make(chan chunkItem, chunks)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(ctx)
	}()
	return e
}

// fileDone queues the chunks whose last file was name, a data file just loaded. Called
// from the worker that loaded it.
func (e *earlyChecks) fileDone(name string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.waiting[name] {
		if e.left[c]--; e.left[c] == 0 {
			e.queue <- c // never blocks: the buffer holds every chunk
		}
	}
	delete(e.waiting, name)
}

// dataDone queues the chunks of p that name no files, once the scheduler reports every data
// file of it in (scheduler.DataDone), if this run loaded one. Called from the scheduler's
// observer.
func (e *earlyChecks) dataDone(p *tablePlan) {
	if e == nil || e.tables[p] == nil { // tables is not written after startEarlyChecks
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for n, ch := range p.t.Chunks {
		if len(ch.Files) == 0 {
			e.queue <- chunkItem{p, n}
		}
	}
}

// stop ends the early checks once the data phase is over: the check under way finishes, the
// chunks not started are left to verifyChecksums. It returns once the goroutine has ended.
func (e *earlyChecks) stop() {
	if e == nil {
		return
	}
	e.stopped.Store(true)
	e.mu.Lock()
	close(e.queue)
	e.mu.Unlock()
	e.wg.Wait()
}

func (e *earlyChecks) run(ctx context.Context) {
	var conn *sql.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for c := range e.queue {
		if e.stopped.Load() || ctx.Err() != nil || e.hasFailed(c.p) {
			continue // drained; left to the final pass
		}
		if conn == nil {
			cn, err := e.r.db.Conn(ctx)
			if err == nil {
				err = setSession(ctx, cn)
			}
			if err != nil {
				e.r.o.Log.Debug("early checksums: no connection, left to the end", "err", err)
				if cn != nil {
					cn.Close()
				}
				return
			}
			conn = cn
		}
		if err := e.check(ctx, conn, c); err != nil {
			e.r.o.Log.Debug("early checksum failed, left to the end", "table", c.p.String(), "chunk", c.n, "err", err)
			e.mu.Lock()
			e.tables[c.p].failed = true
			e.mu.Unlock()
		}
	}
}

// hasFailed reports whether a check of p failed to run.
func (e *earlyChecks) hasFailed(p *tablePlan) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tables[p].failed
}

// check verifies chunk c on conn into its table's tally, which counts only once every chunk of
// the table ran, so that a table either counts whole or is left to the final pass.
func (e *earlyChecks) check(ctx context.Context, conn *sql.Conn, c chunkItem) error {
	t := e.tables[c.p]
	if t.checks == nil {
		checks, err := chunkChecks(ctx, conn, c.p)
		if err != nil {
			return err
		}
		t.checks = checks
	}
	if err := e.r.checkChunk(ctx, conn, t.checks[c.n], t.tally); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t.checked++
	return nil
}

// checked reports whether p was checked early (false on nil).
func (e *earlyChecks) checked(p *tablePlan) bool {
	if e == nil {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done(p)
}

// done reports whether every chunk of p was checked; e.mu held.
func (e *earlyChecks) done(p *tablePlan) bool {
	t := e.tables[p]
	return t != nil && t.checked == len(p.t.Chunks)
}

// count returns how many tables were checked early.
func (e *earlyChecks) count() int {
	if e == nil {
		return 0
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for p := range e.tables {
		if e.done(p) {
			n++
		}
	}
	return n
}

// addTo adds what the early checks of the tables checked whole found to t.
func (e *earlyChecks) addTo(t *checkTally) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for p, et := range e.tables {
		if e.done(p) {
			t.rows[p] += et.tally.rows[p]
			t.diffs = append(t.diffs, et.tally.diffs...)
		}
	}
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
