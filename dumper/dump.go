package dumper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/wire"
	"github.com/sluicedb/sluice/replication"
	"github.com/sluicedb/sluice/scheduler"
)

// Result summarises a finished dump.
type Result struct {
	Tables  int           // tables, views and sequences dumped
	Rows    int64         // rows written
	Bytes   int64         // bytes of all files on disk, metadata excluded
	Lock    time.Duration // how long the global read lock was held
	Elapsed time.Duration

	// Coordinates are the dumped server's binlog file and position and GTID set at the
	// snapshot, as the metadata's [source] section records them.
	Coordinates replication.Coordinates
	// Warnings counts the warnings logged (see package warning); 0 with Options.Strict, where
	// the first is an error instead.
	Warnings int
}

// Run takes a consistent dump of the server cfg reaches into o.OutDir. The directory must not
// exist or be empty; it is created 0700. The metadata file is written last, so a dump that fails
// half way has no metadata and the loader refuses it. Errors name the object concerned.
//
// While it runs, the directory's status file (dumpdir.StatusName) is refreshed every
// o.Heartbeat, and at the end it records complete or failed (see heartbeat). With
// o.Recipients every other file is encrypted (dumpdir.Dir.Encrypt) and named by a number.
func Run(ctx context.Context, cfg conn.Config, o Options) (*Result, error) {
	o.setDefaults()
	start := time.Now()
	var dir *dumpdir.Dir
	if o.Pipe != nil {
		dir = o.Pipe.Dir()
	} else {
		if o.OutDir == "" {
			return nil, errors.New("no output directory: give -o DIR or -o s3://BUCKET/PREFIX")
		}
		var err error
		if dir, err = dumpdir.OpenDir(ctx, o.OutDir); err != nil {
			return nil, fmt.Errorf("-o %w", err)
		}
		defer dir.Close()
	}
	if err := dir.Prepare(ctx); err != nil {
		return nil, err
	}
	dir.Encrypt(o.Recipients)
	hb, err := startHeartbeat(ctx, dir, &o, start)
	if err != nil {
		return nil, err
	}
	res, err := run(ctx, cfg, dir, o, start)
	if herr := hb.end(context.WithoutCancel(ctx), err); herr != nil {
		o.Log.Warn("cannot record the dump's outcome in its status file", "err", herr)
	}
	return res, err
}

// readCatalog returns the databases and the tables o selects (listTables, then --regex and
// --ignore-engines), with their columns read and, with keys (Run and DryRun pass !o.NoData),
// their chunk keys: what Run and DryRun plan from, and what checkCatalog compares.
func readCatalog(ctx context.Context, db *sql.DB, o *Options, keys bool) ([]string, []*table, error) {
	dbs, tables, err := listTables(ctx, db, o)
	if err != nil {
		return nil, nil, err
	}
	tables = filterTables(tables, o)
	if err := loadColumns(ctx, db, tables, keys); err != nil {
		return nil, nil, err
	}
	return dbs, tables, nil
}

// checkCatalog reads the tables and their columns again once the lock is held (takeSnapshot)
// and fails when they differ from tables, the catalog read before it: a table created or
// dropped, or a column added, dropped or renamed in between would be missing from a dump whose
// binlog coordinates say it is there (mydumper lists the tables under the lock). The dump is
// then run again; nothing is written before this check.
func checkCatalog(ctx context.Context, db *sql.DB, tables []*table, o *Options) error {
	d, err := catalogChanges(ctx, db, tables, o)
	if err != nil {
		return err
	}
	if changed := d.list(); changed != "" {
		return fmt.Errorf("the schema changed while the dump took its lock (%s): run the dump again", changed)
	}
	return nil
}

// checkSchemasCurrent reads the catalog again once every SHOW CREATE of the dump has run
// (dumpSchemas) and fails when a table or view of tables, the catalog read under the lock,
// was altered since (a column added, dropped or renamed). The schema stage runs beside the
// data, so it may read a table's definition after the lock is released. An ALTER that commits
// in between, before the table's SHOW CREATE (an instant ADD COLUMN does not stop the
// snapshot's reads, measured on MariaDB 10.11), would leave a schema file newer than the
// dump's binlog coordinates: a replica or a point-in-time replay started there would apply
// the ALTER again and fail. Tables created or dropped since are not errors (the binlog from
// the coordinates creates or drops them), and an ALTER after its table's SHOW CREATE is
// reported too, since the two cannot be told apart: the dump is then run again.
func checkSchemasCurrent(ctx context.Context, db *sql.DB, tables []*table, o *Options) error {
	d, err := catalogChanges(ctx, db, tables, o)
	if err != nil {
		return fmt.Errorf("schema writer: reading the catalog again: %w", err)
	}
	if altered := (catalogDiff{altered: d.altered}).list(); altered != "" {
		return fmt.Errorf("the schema changed during the dump (%s): its schema files may be newer than its binlog coordinates: run the dump again", altered)
	}
	return nil
}

// catalogDiff is what differs between two reads of the catalog: the names (db.name) of the
// tables and views created, altered (their kind or column names differ) and dropped.
type catalogDiff struct{ created, altered, dropped []string }

// list returns every change as "NAME created", "NAME altered" or "NAME dropped", sorted and
// joined by ", "; "" when nothing changed.
func (d catalogDiff) list() string {
	var all []string
	for _, c := range []struct {
		names []string
		what  string
	}{{d.created, " created"}, {d.altered, " altered"}, {d.dropped, " dropped"}} {
		for _, n := range c.names {
			all = append(all, n+c.what)
		}
	}
	slices.Sort(all)
	return strings.Join(all, ", ")
}

// catalogChanges compares tables with the catalog read now.
func catalogChanges(ctx context.Context, db *sql.DB, tables []*table, o *Options) (catalogDiff, error) {
	var d catalogDiff
	_, again, err := readCatalog(ctx, db, o, false)
	if err != nil {
		return d, err
	}
	shape := func(ts []*table) map[string]string {
		m := make(map[string]string, len(ts))
		for _, t := range ts {
			names := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				names[i] = c.Name
			}
			m[t.String()] = t.Kind + " (" + strings.Join(names, ", ") + ")"
		}
		return m
	}
	before, now := shape(tables), shape(again)
	for name, s := range now {
		if b, ok := before[name]; !ok {
			d.created = append(d.created, name)
		} else if b != s {
			d.altered = append(d.altered, name)
		}
	}
	for name := range before {
		if _, ok := now[name]; !ok {
			d.dropped = append(d.dropped, name)
		}
	}
	return d, nil
}

// run is Run once the directory is ready.
func run(ctx context.Context, cfg conn.Config, dir *dumpdir.Dir, o Options, start time.Time) (*Result, error) {
	names := &fileNamer{opaque: len(o.Recipients) > 0}
	db, ws, err := wire.Open(ctx, cfg, o.Threads+3) // workers, lock, schema writer, chunk planner
	if err != nil {
		return nil, err
	}
	defer db.Close()
	dbs, tables, err := readCatalog(ctx, db, &o, !o.NoData)
	if err != nil {
		return nil, err
	}
	var estRows, estBytes int64
	for _, t := range tables {
		if t.Kind == dumpdir.KindTable && !o.NoData {
			estRows += t.EstRows
			estBytes += t.DataLength
		}
	}
	// Tables are not counted: a table's chunks, split further while they are read, finish in
	// any order, and rows and bytes tell the progress.
	o.counters.Plan(0, estRows, estBytes)
	stopProgress := o.counters.Go(o.Progress)
	defer stopProgress()
	users, err := dumpUsers(ctx, db, dir, &o)
	if err != nil {
		return nil, err
	}
	if o.afterCatalog != nil {
		o.afterCatalog()
	}
	snap, err := takeSnapshot(ctx, db, tables, &o)
	if err != nil {
		return nil, err
	}
	defer snap.close()
	if err := checkCatalog(ctx, db, tables, &o); err != nil {
		return nil, err
	}
	o.Log.Info("consistent snapshot taken", "lock_mode", o.LockMode, "binlog_file", snap.coords.File,
		"binlog_position", snap.coords.Position, "gtid_set", snap.coords.GTIDSet)

	meta := &dumpdir.Metadata{Started: start, Source: snap.coords.MetadataKeys(), Files: map[string]dumpdir.FileInfo{}}
	if snap.replica != nil {
		meta.ReplicaSource = snap.replica.MetadataKeys()
	}
	addUsers(meta, users)
	outputs := make([]*tableOutput, 0, len(tables))
	var locked, unlocked []*tableOutput // non-transactional tables are read under the lock
	for i, t := range tables {
		out := &tableOutput{t: t, namer: names, idx: i}
		outputs = append(outputs, out)
		if t.Kind == dumpdir.KindTable && !o.NoData {
			if transactional(t.Engine) || o.TrxTables {
				unlocked = append(unlocked, out)
			} else {
				locked = append(locked, out)
			}
		}
	}

	keepDone := make(chan struct{}) // closed once dumpData has asked Options.Keep
	sw := &schemaWriter{dir: dir, files: meta.Files, names: names}
	var sy *syncer // nil with a pipe: its files are in memory, closed where they are written
	if o.Pipe == nil {
		queue := 2 * o.Threads
		if dir.LocalPath() == "" {
			// Every file waiting holds its upload's part buffers (dumpdir.partSize): keep few.
			queue = max(1, o.Threads/2)
		}
		sy = newSyncer(queue)
		o.markers = &markers{dir: dir}
	}
	for _, out := range outputs {
		switch {
		case o.Pipe != nil:
			out.ended = func(ctx context.Context) error { return o.Pipe.TableDone(ctx, out.idx) }
		default:
			m := o.markers
			out.ended = func(context.Context) error { return sy.after(func() { m.tableDone(out.idx) }) }
		}
	}
	stages := []func(context.Context) error{func(ctx context.Context) error {
		if o.beforeSchemas != nil {
			o.beforeSchemas()
		}
		if err := dumpSchemas(ctx, db, sw, dbs, outputs, meta, &o); err != nil {
			return err
		}
		if !o.NoSchemas {
			if err := checkSchemasCurrent(ctx, db, tables, &o); err != nil {
				return err
			}
		}
		select { // the tables Options.Keep keeps are known
		case <-keepDone:
		case <-ctx.Done():
			return ctx.Err()
		}
		return publishSchemas(ctx, dir, meta, outputs, &o)
	}}
	if sy != nil {
		stages = append(stages, func(context.Context) error { return sy.run() })
	}
	stages = append(stages, func(ctx context.Context) error {
		defer sy.close()
		if o.driverRows {
			ws = nil
		}
		return dumpData(ctx, db, ws, dir, sy, snap, locked, unlocked, keepDone, &o)
	})
	err = runStages(ctx, o.markers, stages)
	if err == nil && o.markers != nil {
		err = o.markers.failed()
	}
	if err != nil {
		if sy != nil {
			sy.abortQueued()
		}
		return nil, explainLost(err)
	}

	meta.LockSeconds = snap.lock.Seconds()
	res := &Result{Lock: snap.lock, Coordinates: snap.coords}
	for i, out := range outputs {
		t := out.t
		mt := &meta.Tables[i]
		mt.DataFiles = out.names()
		mt.Rows, mt.Bytes = out.rows, 0
		for _, f := range out.files {
			meta.Files[f.Name] = f
			mt.Bytes += f.Size
		}
		if t.Kind == dumpdir.KindTable && !o.NoData {
			mt.Checksum, mt.Chunks = checksum.Algorithm, out.chunks
		}
		res.Tables++
		res.Rows += out.rows
	}
	for _, f := range meta.Files {
		res.Bytes += f.Size
	}
	meta.Finished = time.Now()
	if err := writeMetadata(ctx, dir, meta, &o); err != nil {
		return nil, err
	}
	if o.Pipe != nil {
		o.Pipe.Close()
	}
	res.Elapsed = time.Since(start)
	res.Warnings = o.warn.Count()
	return res, nil
}

// runStages runs the dump's stages (schema writer, syncer, data workers) with scheduler.All.
// With m, m.run rewrites the progress marker beside them until they have all returned, then
// once more unless ctx ended: after a failure too, so that the marker lists the files finished
// before it.
func runStages(ctx context.Context, m *markers, stages []func(context.Context) error) error {
	if m == nil {
		return scheduler.All(ctx, stages...)
	}
	stop := make(chan struct{})
	return scheduler.All(ctx, func(context.Context) error {
		m.run(ctx, stop) // Run's ctx, not the stages': cancelled only when the dump's caller is
		return nil
	}, func(ctx context.Context) error {
		defer close(stop)
		return scheduler.All(ctx, stages...)
	})
}

// writeMetadata writes the metadata file, durably and last: the directory is synced before it
// (every data and schema file's rename is on disk before the file that vouches for them) and
// after it (its own rename). A crash right after a successful dump therefore leaves a whole dump,
// and a crash before leaves one without metadata, which the loader refuses. With o.NoSync
// neither sync is done (an OS crash may then leave either order; the loader refuses a missing
// or short file by the metadata's sizes and CRC-32C).
func writeMetadata(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, o *Options) error {
	// An object store has no directory to sync: an object is durable once its upload completes.
	local := dir.LocalPath() != "" && !o.NoSync && o.Pipe == nil
	if local {
		if err := o.syncDir(dir.LocalPath()); err != nil {
			return fmt.Errorf("before writing the metadata: %w", err)
		}
	}
	if err := meta.Save(ctx, dir); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if local {
		if err := o.syncDir(dir.LocalPath()); err != nil {
			return fmt.Errorf("after writing the metadata: %w", err)
		}
	}
	return nil
}

// dumpSchemas writes the schema files on its own connection while the workers dump data, and
// fills meta.Databases and meta.Tables (in the order of outputs).
func dumpSchemas(ctx context.Context, db *sql.DB, sw *schemaWriter, dbs []string, outputs []*tableOutput, meta *dumpdir.Metadata, o *Options) error {
	// The schema writer's errors before its first database name every database it writes.
	who := "schema writer (" + strings.Join(dbs, ", ") + ")"
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%s: connect: %w", who, err)
	}
	defer c.Close()
	sw.conn = c
	for _, q := range []string{"SET NAMES utf8mb4", "SET SESSION sql_mode = ''"} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %s: %w", who, q, err)
		}
	}
	for _, d := range dbs {
		md := dumpdir.Database{Name: d}
		if !o.NoSchemas {
			if md.SchemaFile, err = sw.database(ctx, d); err != nil {
				return err
			}
			if md.PostFile, err = sw.post(ctx, d, o); err != nil {
				return err
			}
		}
		meta.Databases = append(meta.Databases, md)
	}
	for _, out := range outputs {
		t := out.t
		mt := dumpdir.Table{Database: t.DB, Name: t.Name, Kind: t.Kind}
		describeTable(&mt, t, o)
		skip := o.NoSchemas || (t.Kind == dumpdir.KindView && o.NoViews)
		if !skip {
			if mt.SchemaFile, err = sw.table(ctx, t); err != nil {
				return err
			}
		}
		if t.Kind == dumpdir.KindTable && !o.NoSchemas && !o.NoTriggers {
			if mt.TriggersFile, err = sw.triggers(ctx, t); err != nil {
				return err
			}
		}
		meta.Tables = append(meta.Tables, mt)
	}
	return nil
}

// dumpData dumps the tables' chunks with one worker per snapshot connection: first the
// non-transactional tables (locked) while the lock is still held, then it releases the lock and
// dumps the rest, cutting each table into chunks on a planner connection of its own as the
// workers go (planTable). Once the lock is released, the tables Options.Keep keeps are taken
// out of unlocked (keepOutputs) and keepDone is closed (on every return).
func dumpData(ctx context.Context, db *sql.DB, ws *wire.Sockets, dir *dumpdir.Dir, sy *syncer, snap *snapshot, locked, unlocked []*tableOutput, keepDone chan struct{}, o *Options) error {
	defer func() {
		select {
		case <-keepDone:
		default:
			close(keepDone)
		}
	}()
	planner, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("chunk planner: connect: %w", err)
	}
	defer planner.Close()
	for _, q := range workerSession {
		if _, err := planner.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("chunk planner: %s: %w", q, err)
		}
	}
	run := func(outs []*tableOutput) error {
		var split ranges
		return scheduler.RunDrain(ctx, o.Threads, func(ctx context.Context, jobs chan<- chunk) error {
			ts := make([]*table, len(outs))
			for i, out := range outs {
				ts[i] = out.t
			}
			whole := make([]bool, len(ts))
			if o.Rows == 0 {
				// --rows asks for key-range chunks of that size, as in mydumper.
				whole = wholeTables(ts, o.Threads)
			}
			for i, out := range outs {
				err := planTable(ctx, planner, out, whole[i], o, func(c chunk) error {
					if c.rng != nil {
						split.add(c.rng)
					}
					c.out.begin()
					return scheduler.Send(ctx, jobs, c)
				})
				if err != nil {
					return err
				}
				if err := out.planned(ctx); err != nil {
					return err
				}
			}
			return nil
		}, func(ctx context.Context, w int, c chunk) error {
			if err := dumpChunk(ctx, snap.conns[w], ws, dir, sy, c, o); err != nil {
				return err
			}
			return c.out.end(ctx)
		}, func(ctx context.Context, w int) error {
			// Nothing left to hand out: split the largest range still being read (split
			// counts the new range in its table's chunks still to read).
			for r := split.steal(); r != nil && ctx.Err() == nil; r = split.steal() {
				if err := dumpChunk(ctx, snap.conns[w], ws, dir, sy, chunk{out: r.out, index: -1, rng: r}, o); err != nil {
					return err
				}
				if err := r.out.end(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if len(locked) > 0 {
		o.Log.Info("dumping non-transactional tables under the lock", "tables", len(locked))
		if err := run(locked); err != nil {
			return err
		}
	}
	if err := snap.unlock(ctx); err != nil {
		return fmt.Errorf("releasing the lock: %w", err)
	}
	o.Log.Info("lock released", "lock_seconds", snap.lock.Seconds())
	unlocked, err = keepOutputs(ctx, snap, unlocked, o)
	if err != nil {
		return err
	}
	close(keepDone)
	return run(unlocked)
}

// describeTable fills what the metadata says of t's data that is known before it is read:
// format, compression, character set, columns and load clause.
func describeTable(mt *dumpdir.Table, t *table, o *Options) {
	if t.Kind != dumpdir.KindTable {
		return
	}
	mt.Format, mt.Compression, mt.CharacterSet = o.Format, o.Compression, "binary"
	for _, c := range t.Columns {
		mt.Columns = append(mt.Columns, c.Name)
	}
	if o.Format == FormatTSV {
		mt.LoadClause = tsvLoadClause(t.Columns)
	}
}

// publishSchemas gives o.Pipe, or else the schemas marker in dir (dumpdir.SchemasName, for a
// load with --wait-dump), the metadata as it stands once every schema file is written, with
// each table's rows and bytes estimated from the catalog and no data file; then it ends the
// tables whose data is not dumped (views, sequences, --no-data, kept), so that a load following
// the pipe or the markers knows every other table's data is still to come.
func publishSchemas(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, outputs []*tableOutput, o *Options) error {
	if o.Pipe == nil && o.markers == nil {
		return nil
	}
	m := *meta
	m.Producer, m.Statements, m.FormatVersion = dumpdir.ProducerSluice, dumpdir.StatementsEncoded, dumpdir.FormatVersion
	m.Databases = slices.Clone(meta.Databases)
	m.Tables = slices.Clone(meta.Tables)
	m.Files = maps.Clone(meta.Files)
	for i, out := range outputs {
		m.Tables[i].Rows, m.Tables[i].Bytes, m.Tables[i].Kept = out.t.EstRows, out.t.DataLength, out.kept
	}
	if o.Pipe == nil {
		if err := dir.SaveSchemas(ctx, &m); err != nil {
			return fmt.Errorf("schemas marker %s: %w", dumpdir.SchemasName, err)
		}
	} else {
		o.Pipe.PublishSchemas(&m)
	}
	for i, out := range outputs {
		if out.t.Kind != dumpdir.KindTable || o.NoData || out.kept {
			if o.Pipe == nil {
				o.markers.tableDone(i)
			} else if err := o.Pipe.TableDone(ctx, i); err != nil {
				return err
			}
		}
	}
	return nil
}
