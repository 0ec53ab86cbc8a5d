package scheduler

import (
	"cmp"
	"slices"
)

// Stage is where a table is in a restore. A table moves forward only:
// Created → Loading → DataDone → Indexing → Indexed → Done. Tables without deferred
// indexes pass through Indexing at once; tables without foreign keys go from Indexed to Done.
type Stage int

const (
	Created  Stage = iota // the table exists (PRIMARY KEY only); no data file started
	Loading               // at least one data file was handed to a worker
	DataDone              // every data file is in; the index job is queued
	Indexing              // the deferred-index job is running
	Indexed               // deferred indexes are in; foreign keys wait for the tables they reference
	Done                  // indexes and foreign keys are in
)

func (s Stage) String() string {
	switch s {
	case Created:
		return "created"
	case Loading:
		return "loading"
	case DataDone:
		return "data done"
	case Indexing:
		return "indexing"
	case Indexed:
		return "indexed"
	case Done:
		return "done"
	}
	return "stage?"
}

// Kind is the kind of a Job.
type Kind int

const (
	DataJob       Kind = iota // load one data file
	IndexJob                  // add a table's deferred indexes
	ConstraintJob             // add a table's foreign keys
)

func (k Kind) String() string {
	switch k {
	case DataJob:
		return "data"
	case IndexJob:
		return "index"
	case ConstraintJob:
		return "constraint"
	}
	return "job?"
}

// Job is one unit of work handed to a worker: Table is the position of the table in the
// slice given to Load; File is the caller's number of the data file (DataJob only).
type Job struct {
	Kind  Kind
	Table int
	File  int
}

// Table is what the scheduler needs to know about one table. Files, Index and Constraint
// list the work still to do (a resumed restore leaves out what its journal says is done).
type Table struct {
	Bytes, Rows int64 // size of the table's data files (bytes) and rows, from the dump metadata: order only
	Files       []int // data files still to load, in load order, by the caller's numbering
	Index       bool  // an index job is still to run
	Constraint  bool  // a constraint job is still to run
	Refs        []int // tables (positions) the foreign keys reference; each must be Indexed first
	// Open says that more data files of the table will arrive while the load runs (LoadStream):
	// its data is not done until an Arrival with Last says so.
	Open bool
}

// Order returns the positions of tables, largest first: by Bytes, then Rows, then position
// (so equal tables keep their order). Loading the largest tables first keeps the last minutes of
// a restore from being one big table loading on one connection while the others idle.
func Order(tables []Table) []int {
	idx := make([]int, len(tables))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(tables[b].Bytes, tables[a].Bytes); c != 0 {
			return c
		}
		return cmp.Compare(tables[b].Rows, tables[a].Rows)
	})
	return idx
}
