package dumper

import "sync/atomic"

// Progress receives a dump's progress as it happens. Implementations must be safe for concurrent
// use: every worker calls Add. The dumper declares it and the command line prints it (restic's
// design); a nil Options.Progress reports nowhere.
type Progress interface {
	// Estimate is called once, before data is dumped, with the information_schema estimates of
	// the rows and bytes (DATA_LENGTH) of the tables whose data is dumped.
	Estimate(rows, bytes int64)
	// Add counts rows written and their bytes before compression.
	Add(rows, bytes int64)
}

type nopProgress struct{}

func (nopProgress) Estimate(int64, int64) {}
func (nopProgress) Add(int64, int64)      {}

// Counters is a Progress held in atomic counters; Snapshot reads them for a printer.
type Counters struct {
	estRows, estBytes, rows, bytes atomic.Int64
}

// Estimate records the expected totals.
func (c *Counters) Estimate(rows, bytes int64) {
	c.estRows.Store(rows)
	c.estBytes.Store(bytes)
}

// Add counts rows and bytes written.
func (c *Counters) Add(rows, bytes int64) {
	c.rows.Add(rows)
	c.bytes.Add(bytes)
}

// ProgressSnapshot is one reading of Counters: rows and bytes (before compression) written so
// far, and the estimated totals (0 until the dump has estimated them).
type ProgressSnapshot struct {
	Rows, Bytes, EstRows, EstBytes int64
}

// Snapshot reads the counters.
func (c *Counters) Snapshot() ProgressSnapshot {
	return ProgressSnapshot{Rows: c.rows.Load(), Bytes: c.bytes.Load(), EstRows: c.estRows.Load(), EstBytes: c.estBytes.Load()}
}
