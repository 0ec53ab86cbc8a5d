package copier

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
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
	// TargetDB renaming. Pipe and Journal are set by Run.
	Load loader.Options
}

// Result is what a copy did: the dump's and the load's results, and what went through the
// pipe between them.
type Result struct {
	Dump    *dumper.Result
	Load    *loader.Result
	Pipe    dumpdir.PipeStats
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
// It returns the error of the side that failed first, prefixed "dump:" or "load:"; after a
// failure the target holds a partial copy, which the same command with Load.OverwriteTables
// replaces.
func Run(ctx context.Context, src, dst conn.Config, o Options) (*Result, error) {
	start := time.Now()
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

	res := &Result{}
	var derr, lerr error
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		res.Dump, derr = dumper.Run(gctx, src, d)
		return derr
	})
	g.Go(func() error {
		res.Load, lerr = loader.Run(gctx, dst, l)
		return lerr
	})
	g.Wait()
	res.Pipe = pipe.Stats()
	switch {
	case derr != nil && (lerr == nil || !errors.Is(derr, context.Canceled) || errors.Is(lerr, context.Canceled)):
		return res, fmt.Errorf("dump: %w: the target holds a partial copy; run the same command with --overwrite-tables", derr)
	case lerr != nil:
		return res, fmt.Errorf("load: %w: the target holds a partial copy; run the same command with --overwrite-tables", lerr)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
