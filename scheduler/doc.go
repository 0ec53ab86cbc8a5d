// Package scheduler owns the worker pools, job ordering (largest table first) and the monitor
// goroutine that moves each table through created, loading, data done, indexing and done.
// Load takes every table's data files up front (a dump directory); LoadStream takes them as
// they arrive (sluice copy, where the dump writes them while the load runs), reading arrivals
// only while few wait, so that a producer faster than the load waits for it. Run is the one
// worker skeleton under them all; All runs a pipeline's few long-lived stages on it (the
// dumper's schema writer, syncer and data workers; a copy's dump and load).
package scheduler
