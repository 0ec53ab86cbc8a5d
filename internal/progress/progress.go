package progress

import (
	"context"
	"sync/atomic"
	"time"
)

// Snapshot is a run's progress at one moment. Totals are estimates (a dump's come from
// information_schema, a load's from the dump's metadata) and may be exceeded; 0 means unknown.
type Snapshot struct {
	Tables, TablesDone int64 // tables to do, and those finished
	Rows, RowsDone     int64 // rows expected, and rows done
	Bytes, BytesDone   int64 // bytes expected (a dump: DATA_LENGTH; a load: data files on disk), and done
	Running            int64 // jobs besides data running now (a load's index and foreign-key builds)
	// Lag is how far a follower (binlog-archive) is behind its source: the time since the
	// timestamp of the last event it took, 0 when the source said it has nothing newer. Always
	// 0 for dump and load.
	Lag     time.Duration
	Elapsed time.Duration
}

// Reporter receives snapshots: Report about once a second while a run works and Done once at
// its end (also after an error or an interrupt). Calls come from one goroutine, one at a time.
type Reporter interface {
	Report(Snapshot)
	Done(Snapshot)
}

// Nop is the Reporter that reports nowhere, the default when a library's Options leave
// Progress nil.
var Nop Reporter = nop{}

type nop struct{}

func (nop) Report(Snapshot) {}
func (nop) Done(Snapshot)   {}

// Counters are a run's progress, updated by any number of goroutines. The zero value is ready;
// its clock starts at the first call of Start (or of Report).
type Counters struct {
	start                      atomic.Int64 // UnixNano
	tables, rows, bytes        atomic.Int64
	tablesDone, rowsDone, done atomic.Int64
	running                    atomic.Int64
	behind                     atomic.Int64 // UnixNano of the last event followed, 0 when caught up
}

// Behind records that a follower's last event is from t; the zero t says it is caught up
// with its source. Snapshot.Lag is the time since t.
func (c *Counters) Behind(t time.Time) {
	if t.IsZero() {
		c.behind.Store(0)
		return
	}
	c.behind.Store(t.UnixNano())
}

// Start starts the clock that Snapshot.Elapsed reads, if it has not started.
func (c *Counters) Start() { c.start.CompareAndSwap(0, time.Now().UnixNano()) }

// Plan adds to the expected totals: tables, rows and bytes.
func (c *Counters) Plan(tables, rows, bytes int64) {
	c.tables.Add(tables)
	c.rows.Add(rows)
	c.bytes.Add(bytes)
}

// Add counts rows and bytes done.
func (c *Counters) Add(rows, bytes int64) {
	c.rowsDone.Add(rows)
	c.done.Add(bytes)
}

// TableDone counts one table finished.
func (c *Counters) TableDone() { c.tablesDone.Add(1) }

// Running adds delta (+1 when a job starts, -1 when it ends) to the jobs running.
func (c *Counters) Running(delta int64) { c.running.Add(delta) }

// Snapshot reads the counters.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{Tables: c.tables.Load(), TablesDone: c.tablesDone.Load(), Rows: c.rows.Load(), RowsDone: c.rowsDone.Load(),
		Bytes: c.bytes.Load(), BytesDone: c.done.Load(), Running: c.running.Load()}
	if t := c.start.Load(); t != 0 {
		s.Elapsed = time.Since(time.Unix(0, t))
	}
	if t := c.behind.Load(); t != 0 {
		s.Lag = max(0, time.Since(time.Unix(0, t)))
	}
	return s
}

// Report calls r.Report with a snapshot every interval until ctx is done, then r.Done once, and
// returns after Done has returned. A nil r reports nowhere. Run it in its own goroutine and
// cancel ctx when the work is over (see Go).
func (c *Counters) Report(ctx context.Context, r Reporter, interval time.Duration) {
	if r == nil {
		r = Nop
	}
	c.Start()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.Report(c.Snapshot())
		case <-ctx.Done():
			r.Done(c.Snapshot())
			return
		}
	}
}

// Go runs c.Report(r, every second) in a goroutine and returns the function that ends it: it
// makes the final Done call and waits for it, so a caller's summary follows the last snapshot.
func (c *Counters) Go(r Reporter) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		c.Report(ctx, r, time.Second)
	}()
	return func() {
		cancel()
		<-finished
	}
}
