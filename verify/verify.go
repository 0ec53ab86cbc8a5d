package verify

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/wire"
	"github.com/sluicedb/sluice/scheduler"
)

// worker is one worker's pair of connections, both with checksum.Session set (and, with
// Options.Replica, inside their consistent snapshots).
type worker struct{ src, tgt *sql.Conn }

// run is one comparison's shared state.
type run struct {
	o        *Options
	mu       sync.Mutex
	res      *Result
	counters progress.Counters // what o.Progress reads
	// The socket registries of the source and target pools (wire.Open), from which the
	// workers' chunks are read back (checksum.Compute).
	srcSocks, tgtSocks *wire.Sockets
}

// report records d and prints its line.
func (r *run) report(d Diff) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Diffs = append(r.res.Diffs, d)
	fmt.Fprintln(r.o.Out, d.String())
	r.o.Log.Warn("difference", "table", d.Table, "what", d.What, "lower", d.Lower, "upper", d.Upper, "source_rows", d.SourceRows, "target_rows", d.TargetRows)
}

// Run compares the tables o selects on the server src reaches with the same tables on the
// server tgt reaches (see the package documentation). It returns the Result and, when the
// servers differ, a *DiffError (exit code 3); any other error means the comparison could not be
// finished.
func Run(ctx context.Context, src, tgt conn.Config, o Options) (*Result, error) {
	o.setDefaults()
	start := time.Now()
	sdb, srcSocks, err := wire.Open(ctx, src, o.Threads+2) // workers, planner, the replica lock
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer sdb.Close()
	tdb, tgtSocks, err := wire.Open(ctx, tgt, o.Threads+3) // workers, planner, the replica control and its restart
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	defer tdb.Close()
	r := &run{o: &o, res: &Result{}, srcSocks: srcSocks, tgtSocks: tgtSocks}
	planSrc, err := session(ctx, sdb)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer planSrc.Close()
	planTgt, err := session(ctx, tdb)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	defer planTgt.Close()
	dbs, tables, err := listTables(ctx, planSrc, &o)
	if err != nil {
		return nil, err
	}
	planProgress(ctx, planSrc, tables, &r.counters)
	stopProgress := r.counters.Go(o.Progress)
	defer stopProgress()
	if len(o.Tables) == 0 {
		if err := r.extraTables(ctx, planTgt, dbs, tables); err != nil {
			return nil, err
		}
	}
	workers := make([]worker, o.Threads)
	defer func() {
		for _, w := range workers {
			for _, c := range []*sql.Conn{w.src, w.tgt} {
				if c != nil {
					c.Close()
				}
			}
		}
	}()
	for i := range workers {
		if workers[i].src, err = session(ctx, sdb); err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		if workers[i].tgt, err = session(ctx, tdb); err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
	}
	if o.Replica {
		gtid, err := snapshotAtReplica(ctx, sdb, tdb, workers, &o)
		if err != nil {
			return nil, err
		}
		r.res.GTID = gtid
		o.Log.Info("comparing at one GTID position", "gtid", gtid)
	}
	err = scheduler.Run(ctx, o.Threads, func(ctx context.Context, jobs chan<- span) error {
		return r.produce(ctx, planSrc, planTgt, tables, jobs)
	}, func(ctx context.Context, i int, s span) error {
		return r.compareChunk(ctx, &workers[i], s)
	})
	r.res.Elapsed = time.Since(start)
	if err != nil {
		return r.res, err
	}
	if len(r.res.Diffs) > 0 {
		return r.res, &DiffError{Diffs: r.res.Diffs}
	}
	return r.res, nil
}

// planProgress sets the progress totals from the source's statistics: the rows and bytes
// information_schema.TABLES estimates for the tables compared (TABLE_ROWS and DATA_LENGTH;
// InnoDB's are approximate), and each table's average row length (bytes), by which compared rows
// count as bytes done. A table whose statistics cannot be read counts no bytes.
func planProgress(ctx context.Context, src *sql.Conn, tables []*table, c *progress.Counters) {
	var rows, bytes int64
	for _, t := range tables {
		var n, b sql.NullInt64
		err := src.QueryRowContext(ctx, "SELECT TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
			t.DB, t.Name).Scan(&n, &b)
		if err != nil || n.Int64 <= 0 {
			continue
		}
		rows, bytes = rows+n.Int64, bytes+b.Int64
		t.rowBytes = b.Int64 / n.Int64
	}
	c.Plan(0, rows, bytes)
}

// session opens a connection of db with checksum.Session and REPEATABLE READ (for snapshots).
func session(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range append([]string{"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"}, checksum.Session...) {
		if _, err := c.ExecContext(ctx, q); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return c, nil
}

// extraTables reports the base tables of dbs that exist on the target only.
func (r *run) extraTables(ctx context.Context, tgt *sql.Conn, dbs []string, tables []*table) error {
	have := map[string]bool{}
	for _, t := range tables {
		have[t.String()] = true
	}
	for _, d := range dbs {
		names, err := baseTables(ctx, tgt, d)
		if err != nil {
			return fmt.Errorf("target: %w", err)
		}
		for _, n := range names {
			if !have[d+"."+n] && matches(r.o.Regex, d, n) {
				r.report(Diff{Table: d + "." + n, What: "only on the target"})
			}
		}
	}
	return nil
}

// produce compares each table's structure and sends its chunks: the whole table when it has no
// key, else ranges cut by walking the source's key index, the chunk size read afresh for each
// boundary as the workers adapt it. The first range has no lower bound and the last no upper
// bound, so rows beyond the source's keys on the target are in a chunk too.
func (r *run) produce(ctx context.Context, src, tgt *sql.Conn, tables []*table, jobs chan<- span) error {
	for _, t := range tables {
		d, err := structureDiff(ctx, src, tgt, t)
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.res.Tables++
		r.mu.Unlock()
		if d != nil {
			r.report(*d)
			continue
		}
		if t.Key == nil {
			if err := scheduler.Send(ctx, jobs, span{t: t}); err != nil {
				return err
			}
			continue
		}
		t.chunkRows.Store(r.o.ChunkRows)
		var lo [][]byte
		for {
			s := span{t: t, lo: lo}
			hi, err := keyAt(ctx, src, s, t.chunkRows.Load()-1)
			if err != nil {
				return err
			}
			s.hi = hi
			if err := scheduler.Send(ctx, jobs, s); err != nil {
				return err
			}
			if hi == nil {
				break
			}
			lo = hi
		}
	}
	return nil
}

// compareChunk compares one chunk on worker w's connections, bisects it when it differs, adapts
// the table's chunk size and throttles.
func (r *run) compareChunk(ctx context.Context, w *worker, s span) error {
	if err := r.waitLoad(ctx, w.src); err != nil {
		return err
	}
	src, tgt, took, err := r.sums(ctx, w, s)
	if err != nil {
		return fmt.Errorf("%s: %w", s.t, err)
	}
	r.mu.Lock()
	r.res.Chunks++
	r.res.Rows += src.Rows
	r.mu.Unlock()
	r.counters.Add(src.Rows, src.Rows*s.t.rowBytes)
	r.nextChunkRows(s.t, src.Rows, took)
	if err := r.bisect(ctx, w, s, src, tgt); err != nil {
		return fmt.Errorf("%s: %w", s.t, err)
	}
	return sleep(ctx, time.Duration(float64(took)*r.o.SleepRatio))
}

// waitLoad pauses while the source's Threads_running is above o.MaxThreadsRunning.
func (r *run) waitLoad(ctx context.Context, src *sql.Conn) error {
	if r.o.MaxThreadsRunning <= 0 {
		return nil
	}
	for logged := false; ; {
		var name string
		var n int
		if err := src.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Threads_running'").Scan(&name, &n); err != nil {
			return fmt.Errorf("--max-load: %w", err)
		}
		if n <= r.o.MaxThreadsRunning {
			return nil
		}
		if !logged {
			r.o.Log.Info("source busy: pausing", "threads_running", n, "max", r.o.MaxThreadsRunning)
			logged = true
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
