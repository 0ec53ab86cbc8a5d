package scheduler

import (
	"context"
	"fmt"
	"slices"
)

// Load runs every job of tables on workers+indexWorkers goroutines through Run, with a monitor
// goroutine (Run's producer) that hands out the jobs and moves each table through its Stages:
//
//   - data jobs go out in Order (largest table first), files of one table in their order, at
//     most workers at once; in Load (not LoadStream) a worker is given a file of a table no
//     other worker is loading while there is one, and shares a table only when no other has
//     files left: two LOAD DATA statements into one InnoDB table wait on each other (with an
//     AUTO_INCREMENT column the table-level AUTO-INC lock is held to the end of each LOAD DATA,
//     MariaDB manual "AUTO_INCREMENT Handling in InnoDB", innodb_autoinc_lock_mode 1; and both
//     writers latch the same index trees; measured in bench/README.md "Bulk insert and table
//     affinity");
//   - a table's IndexJob is queued as soon as its last data file is in, and queued index and
//     constraint jobs go out before data jobs. The indexWorkers goroutines beyond workers are
//     what lets index builds run beside workers data jobs (myloader's separate
//     --max-threads-for-index-creation): a build whose table is read back from disk waits on
//     its reads more than it computes, and the data jobs use the CPU it leaves
//     (bench/README.md "Index builds on connections of their own"). While data jobs remain, at
//     most max(indexWorkers, 1) IndexJobs run at once; once every data job is handed out,
//     index builds may take every goroutine, so the last tables' builds run side by side
//     instead of one after another. indexWorkers 0 (tests) runs the builds on the data
//     workers' goroutines, one at a time while data jobs remain;
//   - a table's ConstraintJob is queued once the table and every table in its Refs are Indexed.
//
// work runs one job on the goroutine's own connection (worker is 0..workers+indexWorkers-1);
// observe, if not nil, is called from the monitor goroutine each time a table changes stage
// (first with Created for every table, in position order). Load returns nil once every table is
// Done, or the first error of work (which cancels ctx for the others), or ctx.Err().
func Load(ctx context.Context, tables []Table, workers, indexWorkers int,
	work func(ctx context.Context, worker int, j Job) error, observe func(table int, s Stage)) error {
	for i, t := range tables {
		for _, r := range t.Refs {
			if r < 0 || r >= len(tables) {
				return fmt.Errorf("scheduler: table %d references table %d of %d", i, r, len(tables))
			}
		}
	}
	return LoadStream(ctx, tables, nil, workers, indexWorkers, work, observe)
}

// Arrival is a data file of Table that has become ready while a LoadStream runs (File, by the
// caller's numbering), or with Last the end of that table's files (File unused).
type Arrival struct {
	Table, File int
	Last        bool
}

// LoadStream is Load for tables whose data files arrive while it runs (sluice copy: the dump
// writes them as the load goes): tables with Open set take their files from arrivals, in the
// order they come, and reach DataDone only after their Arrival with Last (or once arrivals is
// closed, which ends every open table). At most workers arrived files wait to be handed out:
// beyond that LoadStream stops reading arrivals, so a producer faster than the load waits.
// While arrivals is open, index builds keep within max(indexWorkers, 1) even when no data job
// waits, since more may come. arrivals nil is Load.
func LoadStream(ctx context.Context, tables []Table, arrivals <-chan Arrival, workers, indexWorkers int,
	work func(ctx context.Context, worker int, j Job) error, observe func(table int, s Stage)) error {
	for i, t := range tables {
		for _, r := range t.Refs {
			if r < 0 || r >= len(tables) {
				return fmt.Errorf("scheduler: table %d references table %d of %d", i, r, len(tables))
			}
		}
	}
	workers, indexWorkers = max(workers, 1), max(indexWorkers, 0)
	m := newMonitor(tables, workers, max(indexWorkers, 1), observe)
	m.arrivals, m.maxQueued = arrivals, workers
	if arrivals == nil {
		m.workers = workers // table affinity for Load only (see nextData)
	}
	events := make(chan Job, max(m.total, workers+indexWorkers))
	return Run(ctx, workers+indexWorkers, func(ctx context.Context, jobs chan<- Job) error {
		return m.run(ctx, jobs, events)
	}, func(ctx context.Context, w int, j Job) error {
		if err := work(ctx, w, j); err != nil {
			return err
		}
		// The monitor reads events until every table is done, which needs this job's event.
		return Send(ctx, events, j)
	})
}

// monitor is the state of Load's producer goroutine; only that goroutine touches it.
type monitor struct {
	tables       []Table
	stage        []Stage
	queued       []bool  // the table's constraint job was queued
	dependents   [][]int // tables whose Refs include the table, ascending
	filesLeft    []int
	data         []Job // data jobs not yet handed out, in order
	loading      []int // per table, its data jobs handed out and not finished
	workers      int   // workers taking jobs; with one, affinity has nothing to choose
	ready        []Job // index and constraint jobs ready to hand out, in order of readiness
	total        int   // jobs in all
	notDone      int   // tables not Done
	indexRunning int
	indexMax     int
	dataRunning  int // data jobs handed out and not finished
	dataMax      int // at most this many data jobs run at once (Load's workers)
	observe      func(int, Stage)
	open         []bool         // the table's files still arrive (Table.Open, until its Last)
	arrivals     <-chan Arrival // nil once closed, or for Load
	maxQueued    int            // arrivals are read while fewer data jobs than this wait
}

func newMonitor(tables []Table, dataMax, indexMax int, observe func(int, Stage)) *monitor {
	if observe == nil {
		observe = func(int, Stage) {}
	}
	m := &monitor{tables: tables, stage: make([]Stage, len(tables)), queued: make([]bool, len(tables)), filesLeft: make([]int, len(tables)),
		loading: make([]int, len(tables)), workers: 1,
		notDone: len(tables), indexMax: indexMax, dataMax: dataMax, observe: observe, open: make([]bool, len(tables))}
	for _, i := range Order(tables) {
		for _, f := range tables[i].Files {
			m.data = append(m.data, Job{Kind: DataJob, Table: i, File: f})
		}
	}
	m.total = len(m.data)
	m.dependents = make([][]int, len(tables))
	for i, t := range tables {
		for _, r := range t.Refs {
			if d := m.dependents[r]; len(d) == 0 || d[len(d)-1] != i {
				m.dependents[r] = append(d, i)
			}
		}
	}
	for i, t := range tables {
		m.filesLeft[i] = len(t.Files)
		if t.Index {
			m.total++
		}
		if t.Constraint {
			m.total++
		}
		observe(i, Created)
	}
	for i, t := range tables {
		m.open[i] = t.Open
		if m.filesLeft[i] == 0 && !t.Open {
			m.dataDone(i)
		}
	}
	return m
}

func (m *monitor) set(t int, s Stage) {
	m.stage[t] = s
	m.observe(t, s)
	if s == Done {
		m.notDone--
	}
}

func (m *monitor) dataDone(t int) {
	m.set(t, DataDone)
	if m.tables[t].Index {
		m.ready = append(m.ready, Job{Kind: IndexJob, Table: t})
		return
	}
	m.indexed(t)
}

// indexed marks t Indexed and queues the constraint jobs that were waiting for it. Only t and
// the tables referencing it can have become ready, so only they are looked at (a scan of every
// table here made a restore of n tables cost n² checks), in table order as before.
func (m *monitor) indexed(t int) {
	m.set(t, Indexed)
	candidates := append([]int{t}, m.dependents[t]...)
	slices.Sort(candidates)
	for _, u := range slices.Compact(candidates) {
		if m.stage[u] != Indexed || !m.refsIndexed(u) {
			continue
		}
		if !m.tables[u].Constraint {
			m.set(u, Done)
			continue
		}
		if !m.queued[u] {
			m.queued[u] = true
			m.ready = append(m.ready, Job{Kind: ConstraintJob, Table: u})
		}
	}
}

func (m *monitor) refsIndexed(t int) bool {
	for _, r := range m.tables[t].Refs {
		if m.stage[r] < Indexed {
			return false
		}
	}
	return true
}

// next returns the job to offer workers now: the first ready job allowed to run, else the
// next data job (nextData) while fewer than dataMax run. The index-build bound holds only while
// data jobs remain.
func (m *monitor) next() (Job, bool) {
	for _, j := range m.ready {
		if j.Kind != IndexJob || m.indexRunning < m.indexMax || len(m.data) == 0 && m.arrivals == nil {
			return j, true
		}
	}
	if len(m.data) > 0 && m.dataRunning < m.dataMax {
		return m.data[m.nextData()], true
	}
	return Job{}, false
}

// nextData returns the position in m.data of the data job to offer: the first of a table no
// worker is loading, else the first. Files of one table stay in their order, since each
// table's jobs keep theirs in m.data. The scan passes over the files of the (at most workers)
// tables being loaded. A LoadStream (sluice copy) keeps the arrival order: with affinity, copy
// of mixed:600k at -t 2 took 7.0-7.1 s against 5.0-5.6 s without (bench/README.md); a likely
// cause is that there index builds stay within indexWorkers until the dump ends, and spreading
// the workers over tables finishes each table's data later, so more builds wait for that end.
func (m *monitor) nextData() int {
	if m.workers > 1 {
		for i, j := range m.data {
			if m.loading[j.Table] == 0 {
				return i
			}
		}
	}
	return 0
}

// handedOut records that a worker took j.
func (m *monitor) handedOut(j Job) {
	switch j.Kind {
	case DataJob:
		if i := slices.Index(m.data, j); i == 0 {
			m.data = m.data[1:]
		} else {
			m.data = slices.Delete(m.data, i, i+1)
		}
		m.loading[j.Table]++
		m.dataRunning++
		if m.stage[j.Table] == Created {
			m.set(j.Table, Loading)
		}
		return
	case IndexJob:
		m.indexRunning++
		m.set(j.Table, Indexing)
	}
	m.ready = slices.DeleteFunc(m.ready, func(r Job) bool { return r == j })
}

// finished records that a worker finished j.
func (m *monitor) finished(j Job) {
	switch j.Kind {
	case DataJob:
		m.loading[j.Table]--
		m.dataRunning--
		if m.filesLeft[j.Table]--; m.filesLeft[j.Table] == 0 && !m.open[j.Table] {
			m.dataDone(j.Table)
		}
	case IndexJob:
		m.indexRunning--
		m.indexed(j.Table)
	case ConstraintJob:
		m.set(j.Table, Done)
	}
}

// drain takes the finished jobs already waiting in events, so that the next offer knows which
// tables are still being loaded.
func (m *monitor) drain(events <-chan Job) {
	for {
		select {
		case f := <-events:
			m.finished(f)
		default:
			return
		}
	}
}

// arrived takes an Arrival (ok false: arrivals closed, which ends every open table).
func (m *monitor) arrived(a Arrival, ok bool) {
	if !ok {
		m.arrivals = nil
		for t, open := range m.open {
			if open {
				m.close(t)
			}
		}
		return
	}
	if a.Table < 0 || a.Table >= len(m.tables) || !m.open[a.Table] {
		return // not a table of this load, or already ended
	}
	if a.Last {
		m.close(a.Table)
		return
	}
	m.data = append(m.data, Job{Kind: DataJob, Table: a.Table, File: a.File})
	m.filesLeft[a.Table]++
	m.total++
}

// close ends an open table's arrivals: its data is done once its files are in.
func (m *monitor) close(t int) {
	m.open[t] = false
	if m.filesLeft[t] == 0 {
		m.dataDone(t)
	}
}

// run is Load's producer: it offers the next job while receiving finished jobs, until every
// table is Done.
func (m *monitor) run(ctx context.Context, jobs chan<- Job, events <-chan Job) error {
	for {
		// Finished jobs first, then the check: the last table may be Done only by a drained
		// event, and then no event is left for the select below to wait for.
		if m.drain(events); m.notDone == 0 {
			return nil
		}
		j, ok := m.next()
		out := jobs
		if !ok {
			out = nil // nothing to offer: wait for a finished job
		}
		in := m.arrivals
		if len(m.data) >= m.maxQueued {
			in = nil // enough waiting: the producer waits for the load
		}
		select {
		case out <- j:
			m.handedOut(j)
		case f := <-events:
			m.finished(f)
		case a, ok := <-in:
			m.arrived(a, ok)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
