package loader

import (
	"context"
	"sync/atomic"
	"time"
)

// Snapshot is the state of a restore at one moment, for progress printers.
type Snapshot struct {
	Tables, TablesDone int   // tables to restore, and those whose data, indexes and foreign keys are in
	Bytes, BytesDone   int64 // bytes of data files (on disk, as the metadata counts them) to load, and loaded
	Rows, RowsDone     int64 // rows to load (from the metadata), and loaded (estimated per file from its size)
	IndexBuilds        int   // index and foreign-key jobs running now
	Elapsed            time.Duration
}

// Progress receives snapshots about once a second while a restore runs (Report), and once at the
// end (Done). Calls come from one goroutine. The UI layer (cmd/sluice) prints them.
type Progress interface {
	Report(Snapshot)
	Done(Snapshot)
}

type noProgress struct{}

func (noProgress) Report(Snapshot) {}
func (noProgress) Done(Snapshot)   {}

// counters are the restore's progress, updated by workers and the monitor.
type counters struct {
	start                 time.Time
	tables                int
	bytes, rows           int64
	tablesDone, indexRuns atomic.Int64
	bytesDone, rowsDone   atomic.Int64
}

func (c *counters) snapshot() Snapshot {
	return Snapshot{Tables: c.tables, TablesDone: int(c.tablesDone.Load()), Bytes: c.bytes, BytesDone: c.bytesDone.Load(),
		Rows: c.rows, RowsDone: c.rowsDone.Load(), IndexBuilds: int(c.indexRuns.Load()), Elapsed: time.Since(c.start)}
}

// report calls p.Report every interval until ctx is done, then p.Done once; it returns when
// Done has returned.
func (c *counters) report(ctx context.Context, p Progress, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.Report(c.snapshot())
		case <-ctx.Done():
			p.Done(c.snapshot())
			return
		}
	}
}
