package copier

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/wire"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/scheduler"
)

// FileSize is the size at which the dumper ends one in-memory data file of a copy and begins
// the next (dumper.Options.FileSize, before the load's own cutting into transactions): what the
// copy holds in memory is a few such files per thread on each side (see Run).
const FileSize = 4 << 20

// Options are the settings of one copy (the flags of `sluice copy`).
type Options struct {
	// Dump is the source side: filters (Databases, Tables, Regex, Where...), Threads (-t), lock
	// mode, Rows. Pipe, Format, Compression and NoSync are set by Run, and FileSize when 0.
	Dump dumper.Options
	// Load is the target side: Threads (--target-threads), DeferIndexes, OverwriteTables,
	// TargetDB renaming. Pipe and Journal are set by Run (OverwriteTables too with Resume);
	// TableDone, if set, is called after Run has recorded the table complete on the target.
	Load loader.Options
	// Resume finishes a copy that was killed or failed mid-way (the target's copy state says
	// so): see Run.
	Resume bool
}

// Result is what a copy did: the dump's and the load's results, and what went through the
// pipe between them.
type Result struct {
	Dump    *dumper.Result
	Load    *loader.Result
	Pipe    dumpdir.PipeStats
	Kept    []string // with Resume: target "db.table" kept as the interrupted copy left them
	Elapsed time.Duration
}

// Run copies from the server src reaches to the server dst reaches: dumper.Run and loader.Run
// at once, joined by a dumpdir.Pipe. The dumper takes its consistent snapshot, writes the
// schemas and publishes them, and the loader creates the tables while the dump workers read
// the data; each data file (tsv rows, the form the loader streams into LOAD DATA LOCAL, at
// most FileSize bytes) goes to the load workers as soon as it is whole and is freed once
// loaded, a table's deferred indexes are built as soon as its last chunk is loaded, and the
// post-data objects and checksum comparison follow the dump's metadata. The pipe's queue holds
// at most Load.Threads files: a dump faster than the load waits for it, so memory stays
// bounded whatever the size of the tables (about FileSize times the threads of both sides,
// twice, for the files being written, queued and loaded).
//
// The target records the copy's state (state.go): a row marking it incomplete from the start
// until the copy succeeds, and one per table once its data, indexes and foreign keys are in.
// A new copy onto a target so marked is refused unless Resume or Load.OverwriteTables.
// Resume takes a new snapshot, and keeps each table recorded complete only if its checksum on
// the target equals the source's in that snapshot (computed in it, before any data is read;
// see dumper.Keeper); every other table, and those that differ, is dropped and reloaded from
// the new snapshot. Every table then holds the rows of the new snapshot, whose coordinates
// are the copy's (for a replica). Triggers and post-data objects an interrupted copy created
// are left as they are.
//
// It returns the error of the side that failed first, prefixed "dump:" or "load:"; after a
// failure the target stays marked incomplete, and the same command with Resume finishes it.
func Run(ctx context.Context, src, dst conn.Config, o Options) (*Result, error) {
	start := time.Now()
	tdb, socks, err := wire.Open(ctx, dst, 4) // the state's connection, the keeper's checksums
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	defer tdb.Close()
	st, err := readState(ctx, tdb, socks, o.Load.EnableBinlog)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	switch {
	case o.Resume && !st.running:
		return nil, errors.New("--resume: the target records no interrupted copy: run the copy without --resume")
	case st.running && !o.Resume && !o.Load.OverwriteTables:
		return nil, fmt.Errorf("the target holds a copy started at %s that did not complete: finish it with --resume, or start over with --overwrite-tables", st.started)
	}
	if err := st.begin(ctx, o.Resume); err != nil {
		return nil, err
	}
	pipe := dumpdir.NewPipe(max(o.Load.Threads, 1))
	d := o.Dump
	d.Pipe, d.OutDir = pipe, ""
	d.Format, d.Compression, d.NoSync = dumper.FormatTSV, "", true
	if d.FileSize == 0 {
		d.FileSize = FileSize
	}
	jdir, err := os.MkdirTemp("", "sluice-copy-")
	if err != nil {
		return nil, fmt.Errorf("load journal: %w (set TMPDIR to a writable directory)", err)
	}
	defer os.RemoveAll(jdir)
	l := o.Load
	l.Pipe, l.Dir, l.Journal = pipe, "", filepath.Join(jdir, loader.JournalName)
	l.TableDone = func(db, table string) {
		st.recordDone(context.WithoutCancel(ctx), db, table)
		if o.Load.TableDone != nil {
			o.Load.TableDone(db, table)
		}
	}
	var k *keeper
	if o.Resume {
		k = &keeper{s: st, targetDB: func(db string) string {
			if l.TargetDB != "" {
				return l.TargetDB
			}
			return db
		}}
		d.Keep, l.OverwriteTables = k, true
	}

	res := &Result{}
	var derr, lerr error
	// Which side failed first is told from derr and lerr below, not from All's error.
	_ = scheduler.All(ctx, func(ctx context.Context) error {
		res.Dump, derr = dumper.Run(ctx, src, d)
		return derr
	}, func(ctx context.Context) error {
		res.Load, lerr = loader.Run(ctx, dst, l)
		return lerr
	})
	res.Pipe = pipe.Stats()
	const again = "\nthe target holds an incomplete copy, marked so in " + stateTable + ": run the same command with --resume to finish it"

	switch {
	case derr != nil && (lerr == nil || !errors.Is(derr, context.Canceled) || errors.Is(lerr, context.Canceled)):
		return res, fmt.Errorf("dump: %w%s", derr, again)
	case lerr != nil:
		return res, fmt.Errorf("load: %w%s", lerr, again)
	}
	if k != nil {
		res.Kept = k.kept
	}
	if err := st.end(ctx); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
