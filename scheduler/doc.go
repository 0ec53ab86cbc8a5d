// Package scheduler owns the worker pools, job ordering (largest table first) and the monitor
// goroutine that moves each table through created, loading, data done, indexing and done.
package scheduler
