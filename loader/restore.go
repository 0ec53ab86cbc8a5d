package loader

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/wire"
	"github.com/sluicedb/sluice/scheduler"
)

// restore is one run of Run once the checks are done. Its fields are set up front; workers
// write only their own conns[w] and current[w] slots and the atomic counters.
type restore struct {
	db          *sql.DB
	socks       *wire.Sockets // db's sockets, from which the checksum pass reads rows back
	main        *sql.Conn     // schema and post-data statements
	meta        *dumpdir.Metadata
	dir         *dumpdir.Dir // where the dump's files are
	o           *Options
	id          string
	nonce       string // for LOAD DATA reader handler names
	j           *journal
	plans       []*tablePlan // tables and sequences (scheduled), then views
	progress    map[string]fileProgress
	localInfile bool
	bound       txBound // every data transaction stays under it
	c           progress.Counters
	conns       []*sql.Conn
	connIDs     []int64           // CONNECTION_ID() of each worker connection, for killQueries
	current     []string          // database each worker connection uses
	users       *accounts.Restore // the dump's accounts; nil when none are restored
	early       *earlyChecks      // the tables checksummed during the data phase; nil for none
	wt          *workerTime       // each worker's data, index and idle seconds in the data phase
	bulkRefused atomic.Bool       // the server refused a bulk INSERT command (wire.IsBulkUnsupported): LOAD DATA from then on

	// mu guards, while a pipe is followed (follow.go), the data files arriving: meta.Files,
	// the plans' DataFiles and piped.
	mu    sync.Mutex
	piped map[string]int64 // rows of each data file that came through the pipe
}

func newRestore(ctx context.Context, db *sql.DB, dir *dumpdir.Dir, meta *dumpdir.Metadata, o *Options, id string, j *journal, plans []*tablePlan) (*restore, error) {
	r := &restore{db: db, meta: meta, dir: dir, o: o, id: id, nonce: nonce(), j: j, plans: plans,
		conns: make([]*sql.Conn, o.connections()), connIDs: make([]int64, o.connections()), current: make([]string, o.connections())}
	var err error
	if r.main, err = prepare(ctx, db, o); err != nil {
		return nil, err
	}
	r.progress = map[string]fileProgress{}
	if r.keepsProgress() {
		if err := createProgressTable(ctx, r.main); err != nil {
			r.close()
			return nil, err
		}
		if r.progress, err = readProgress(ctx, r.main, id); err != nil {
			r.close()
			return nil, err
		}
	}
	if err := r.checkLocalInfile(ctx); err != nil {
		r.close()
		return nil, err
	}
	lim, err := readTxLimits(ctx, r.main)
	if err != nil {
		r.close()
		return nil, err
	}
	r.bound = lim.bound(o.MaxTxBytes)
	o.Log.Info("transaction bound", "bytes", r.bound.bytes, "rows", r.bound.rows, "from", r.bound.from)
	if def := lim.bound(0); o.MaxTxBytes > def.bytes && def.from != "default" {
		o.Log.Warn("--max-transaction-bytes is above a quarter of the target's transaction size limit: the server may refuse transactions",
			"max_transaction_bytes", o.MaxTxBytes, "limit", def.from)
	}
	return r, nil
}

// killQueries stops what the worker connections are still running on the server after a
// failure or Ctrl-C: the driver only closes a cancelled query's socket, and the server would go
// on with an index build until it finished.
func (r *restore) killQueries() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := r.db.Conn(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	for _, id := range r.connIDs {
		if id != 0 {
			c.ExecContext(ctx, fmt.Sprintf("KILL QUERY %d", id)) // an idle or gone connection is fine
		}
	}
}

// close returns the restore's connections to the pool; it may be called more than once.
func (r *restore) close() {
	for i, c := range r.conns {
		if c != nil {
			c.Close()
			r.conns[i] = nil
		}
	}
	if r.main != nil {
		r.main.Close()
		r.main = nil
	}
}

// conn returns worker w's connection, preparing it on first use.
func (r *restore) conn(ctx context.Context, w int) (*sql.Conn, error) {
	if r.conns[w] == nil {
		c, err := prepare(ctx, r.db, r.o)
		if err != nil {
			return nil, err
		}
		if err := c.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&r.connIDs[w]); err != nil {
			c.Close()
			return nil, err
		}
		r.conns[w] = c
	}
	return r.conns[w], nil
}

// useOn makes db worker w's current database.
func (r *restore) useOn(ctx context.Context, w int, db string) error {
	if r.current[w] == db {
		return nil
	}
	r.current[w] = ""
	if err := use(ctx, r.conns[w], db); err != nil {
		return err
	}
	r.current[w] = db
	return nil
}

// run does the restore's phases.
func (r *restore) run(ctx context.Context, dbs []dumpdir.Database) (*Result, error) {
	res := &Result{}
	if r.o.NoSchemas {
		dbs = nil // no CREATE DATABASE, routines, events or database-wide triggers
	}
	if err := r.createDatabases(ctx, dbs); err != nil {
		return nil, err
	}
	if err := r.createUsers(ctx); err != nil {
		return nil, err
	}
	var tables, views []*tablePlan
	for _, p := range r.plans {
		if p.t.Kind == dumpdir.KindView {
			views = append(views, p)
		} else {
			tables = append(tables, p)
		}
		if p.t.SchemaFile != "" {
			res.Tables++
		}
	}
	if err := r.createTables(ctx, tables); err != nil {
		return nil, err
	}
	if err := r.truncateReloads(ctx, tables); err != nil {
		return nil, err
	}
	if err := r.loadTables(ctx, tables, res); err != nil {
		return nil, err
	}
	if err := r.restoreStats(ctx, tables); err != nil {
		return nil, err
	}
	if err := r.createPostData(ctx, views, dbs); err != nil {
		return nil, err
	}
	if err := r.grantUsers(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

// createDatabases creates the databases (IF NOT EXISTS, so it is repeatable), with the dumped
// CREATE DATABASE options unless -B renames them.
func (r *restore) createDatabases(ctx context.Context, dbs []dumpdir.Database) error {
	for _, d := range dbs {
		q := "CREATE DATABASE IF NOT EXISTS " + quoteIdent(r.o.target(d.Name))
		if d.SchemaFile != "" && r.o.TargetDB == "" {
			stmts, err := readScript(ctx, r.dir, r.meta, d.SchemaFile)
			if err != nil {
				return err
			}
			for _, s := range stmts {
				if rest, ok := strings.CutPrefix(s, "CREATE DATABASE "); ok {
					// mydumper writes CREATE DATABASE /*!32312 IF NOT EXISTS*/ `db`.
					rest = strings.TrimPrefix(strings.TrimPrefix(rest, "/*!32312 IF NOT EXISTS*/ "), "IF NOT EXISTS ")
					q = "CREATE DATABASE IF NOT EXISTS " + rest
				}
			}
		}
		if _, err := r.main.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("database %s: %w", d.Name, err)
		}
	}
	return nil
}

// createTables creates tables and sequences, o.Threads at a time. A table the journal does not
// record as created is dropped first when resuming (a crash between CREATE and the journal line
// leaves it empty: data loading starts only once every table is recorded).
func (r *restore) createTables(ctx context.Context, plans []*tablePlan) error {
	return scheduler.Run(ctx, r.o.Threads, scheduler.Slice(plans), func(ctx context.Context, w int, p *tablePlan) error {
		if p.t.SchemaFile == "" || p.t.Kept || r.j.has("created "+p.key) {
			return nil
		}
		c, err := r.conn(ctx, w)
		if err != nil {
			return err
		}
		if err := r.useOn(ctx, w, p.target); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if r.o.OverwriteTables || r.o.Resume {
			if _, err := c.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(p.t.Name)); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		for i, s := range p.create {
			if _, err := c.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %s statement %d: %w", p, p.t.SchemaFile, i+1, err)
			}
		}
		if pausesStats(p, r.o) {
			if err := pauseStats(ctx, c, p); err != nil {
				return err
			}
		}
		return r.j.add("created " + p.key)
	})
}

// loadTables runs the data, index and constraint jobs through scheduler.Load.
func (r *restore) loadTables(ctx context.Context, plans []*tablePlan, res *Result) error {
	sched := schedule(plans, r.j)
	r.c.Start()
	for i, p := range plans {
		r.c.Plan(1, p.t.Rows, p.t.Bytes)
		res.Rows += p.t.Rows
		res.Bytes += p.t.Bytes
		res.Files += len(sched[i].Files)
		for _, name := range p.t.DataFiles {
			if pr, ok := r.progress[name]; r.j.has("file "+name) || ok && pr.done {
				r.c.Add(r.fileRows(p, name), r.meta.Files[name].Size)
			}
		}
	}
	stopProgress := r.c.Go(r.o.Progress)
	r.wt = newWorkerTime(r.o.connections())
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	if r.o.stream == nil { // a followed table's files are not known before they arrive
		r.early = r.startEarlyChecks(ectx, plans, sched)
	}
	load := func(ctx context.Context, arrivals <-chan scheduler.Arrival) error {
		return scheduler.LoadStream(ctx, sched, arrivals, r.o.Threads, r.o.IndexThreads, r.job(plans), r.observe(plans))
	}
	var err error
	if r.o.stream != nil {
		err = r.follow(ctx, plans, sched, res, load)
	} else {
		err = load(ctx, nil)
	}
	stopProgress()
	if err != nil {
		cancel() // the check under way stops too
	}
	r.early.stop()
	if err == nil {
		r.wt.log(r.o.Log)
	}
	return err
}

// job runs one job of the load's scheduler on worker w.
func (r *restore) job(plans []*tablePlan) func(ctx context.Context, w int, job scheduler.Job) error {
	return func(ctx context.Context, w int, job scheduler.Job) error {
		p := plans[job.Table]
		if _, err := r.conn(ctx, w); err != nil {
			return err
		}
		start := time.Now()
		defer func() { r.wt.add(w, job.Kind, time.Since(start)) }()
		switch job.Kind {
		case scheduler.DataJob:
			return r.loadFile(ctx, w, p, r.dataFile(p, job.File))
		case scheduler.IndexJob:
			return r.addIndexes(ctx, w, p)
		default:
			return r.addForeignKeys(ctx, w, p)
		}
	}
}

// observe logs each table's stages, starts its early checksum once its data is in and counts
// the tables done.
func (r *restore) observe(plans []*tablePlan) func(t int, s scheduler.Stage) {
	return func(t int, s scheduler.Stage) {
		r.o.Log.Debug("table", "table", plans[t].String(), "stage", s.String())
		if s == scheduler.DataDone {
			r.early.dataDone(plans[t])
		}
		if s == scheduler.Done {
			r.c.TableDone()
			if r.o.TableDone != nil {
				r.o.TableDone(plans[t].target, plans[t].t.Name)
			}
		}
	}
}

// fileRows estimates a data file's rows from its share of the table's bytes.
func (r *restore) fileRows(p *tablePlan, name string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.piped[name]; ok {
		return n
	}
	if p.t.Bytes <= 0 {
		return 0
	}
	return p.t.Rows * r.meta.Files[name].Size / p.t.Bytes
}

// fileInfo is what the metadata records of the data file name.
func (r *restore) fileInfo(name string) dumpdir.FileInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.meta.Files[name]
}

// dataFile is the name of p's data file i.
func (r *restore) dataFile(p *tablePlan, i int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.t.DataFiles[i]
}

// loadFile loads one data file on worker w (unless the progress table has it done), then
// journals it. The file was verified by verifyFiles.
func (r *restore) loadFile(ctx context.Context, w int, p *tablePlan, name string) error {
	if err := r.useOn(ctx, w, p.target); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	pr := r.progress[name]
	if !pr.done && r.o.stream != nil && r.o.Pipe == nil {
		// A file of a dump being written, finished after verifyFiles ran.
		if err := r.dir.Verify(ctx, r.fileInfo(name)); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	if !pr.done { // verified by verifyFiles before the restore began, or just above
		if err := r.loadWithRetry(ctx, w, p, name, pr.statements); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		r.c.Add(r.fileRows(p, name), r.fileInfo(name).Size)
	}
	if err := r.j.add("file " + name); err != nil {
		return err
	}
	r.early.fileDone(name)
	if r.o.Pipe != nil {
		return r.o.Pipe.Remove(ctx, r.fileInfo(name))
	}
	return nil
}
