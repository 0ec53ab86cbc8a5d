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
	"github.com/sluicedb/sluice/loader"
)

// Options are the settings of one copy (the flags of `sluice copy`).
type Options struct {
	// Dump is the source side: filters (Databases, Tables, Regex, Where...), Threads (-t), lock
	// mode. OutDir, Format, Compression and NoSync are set by Run.
	Dump dumper.Options
	// Load is the target side: Threads (--target-threads), DeferIndexes, OverwriteTables,
	// SourceDB/TargetDB renaming. Dir is set by Run.
	Load loader.Options
	// StageDir is where the staging directory is made (default os.TempDir()); it needs room
	// for the copied data, uncompressed.
	StageDir string
	// KeepStage leaves the staging directory in place after a failed copy, for inspection
	// (it is always removed after a successful one).
	KeepStage bool
}

// Result is what a copy did: the dump's and the load's results.
type Result struct {
	Dump    *dumper.Result
	Load    *loader.Result
	Elapsed time.Duration
}

// Run copies from the server src reaches to the server dst reaches. It returns the error of
// the side that failed, prefixed "dump:" or "load:"; after a failed load the target holds a
// partial copy, which the same command with Load.OverwriteTables replaces.
func Run(ctx context.Context, src, dst conn.Config, o Options) (*Result, error) {
	start := time.Now()
	if o.StageDir == "" {
		o.StageDir = os.TempDir()
	}
	stage, err := os.MkdirTemp(o.StageDir, "sluice-copy-")
	if err != nil {
		return nil, fmt.Errorf("staging directory: %w (set --stage-dir to a directory with room for the data)", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = os.RemoveAll(stage)
		}
	}()
	d := o.Dump
	d.OutDir = filepath.Join(stage, "dump")
	d.Format, d.Compression, d.NoSync = dumper.FormatTSV, "", true
	res := &Result{}
	if res.Dump, err = dumper.Run(ctx, src, d); err != nil {
		keep = o.KeepStage
		return res, fmt.Errorf("dump: %w", err)
	}
	l := o.Load
	l.Dir = d.OutDir
	if res.Load, err = loader.Run(ctx, dst, l); err != nil {
		keep = o.KeepStage
		if errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: the target holds a partial copy; run the same command with --overwrite-tables", err)
		}
		return res, fmt.Errorf("load: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
