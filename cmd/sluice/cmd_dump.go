package main

import (
	"context"
	"log/slog"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

func runDump(ctx context.Context, args []string, log *slog.Logger) error {
	var cfg conn.Config
	var o dumper.Options
	var fileMB int64
	var compress string
	fs := newFlags("dump")
	cfg.AddFlags(fs)
	fs.StringVarP(&o.OutDir, "outputdir", "o", "", "dump directory (created 0700; must be new or empty)")
	fs.StringSliceVarP(&o.Databases, "database", "B", nil, "databases to dump, comma separated (default: all but system databases)")
	fs.StringArrayVarP(&o.Tables, "tables-list", "T", nil, "a table to dump as db.table (repeat the flag; quote parts holding dots with backticks)")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "worker connections, each with its own consistent snapshot")
	fs.Int64VarP(&fileMB, "chunk-filesize", "F", 256, "start a new data file after this many MiB (before compression)")
	fs.StringVarP(&compress, "compress", "c", "none", "compress data files: none, zstd or gzip")
	fs.BoolVar(&o.NoData, "no-data", false, "dump schemas only")
	fs.BoolVar(&o.NoSchemas, "no-schemas", false, "dump data only")
	fs.BoolVar(&o.NoViews, "no-views", false, "skip views")
	fs.BoolVar(&o.NoTriggers, "no-triggers", false, "skip triggers")
	fs.BoolVar(&o.NoRoutines, "no-routines", false, "skip stored procedures and functions")
	fs.BoolVar(&o.NoEvents, "no-events", false, "skip events")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.OutDir == "" {
		return usageError{errString("-o DIR is required")}
	}
	var err error
	if o.Compression, err = dumpdir.ParseCompression(compress); err != nil {
		return usageError{err}
	}
	o.FileSize = fileMB << 20
	cfg, err = cfg.Resolve(fs.Changed)
	if err != nil {
		return err
	}
	o.Log = log
	res, err := dumper.Run(ctx, cfg, o)
	if err != nil {
		return err
	}
	log.Info("dump complete", "dir", o.OutDir, "tables", res.Tables, "rows", res.Rows, "bytes", res.Bytes,
		"seconds", res.Elapsed.Seconds(), "lock_seconds", res.Lock.Seconds())
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }
