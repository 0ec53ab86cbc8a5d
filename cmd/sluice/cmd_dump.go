package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

func runDump(ctx context.Context, args []string, log *slog.Logger) error {
	var cfg conn.Config
	var o dumper.Options
	var fileMB int64
	var compress, regex string
	var lockWait int
	fs := newFlags("dump")
	cfg.AddFlags(fs)
	fs.StringVarP(&o.OutDir, "outputdir", "o", "", "dump directory (created 0700; must be new or empty), or s3://BUCKET/PREFIX (must hold no objects; AWS configuration from the environment)")
	fs.StringSliceVarP(&o.Databases, "database", "B", nil, "databases to dump, comma separated (default: all but system databases)")
	fs.StringArrayVarP(&o.Tables, "tables-list", "T", nil, "a table to dump as db.table (repeat the flag; quote parts holding dots with backticks)")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "worker connections, each with its own consistent snapshot")
	fs.Int64VarP(&fileMB, "chunk-filesize", "F", 256, "start a new data file after this many MiB (before compression)")
	fs.StringVarP(&compress, "compress", "c", "none", "compress data files: none, zstd or gzip")
	fs.Int64VarP(&o.Rows, "rows", "r", 0, "rows per chunk (0: about 64 MiB of data per chunk); tables without a usable key are split into files of this many rows")
	fs.StringVar(&o.Format, "format", dumper.FormatSQL, "data file format: sql (multi-row INSERT) or tsv (LOAD DATA text)")
	fs.StringVarP(&regex, "regex", "x", "", "dump only tables whose db.table matches this regular expression (Go syntax)")
	fs.StringVar(&o.Where, "where", "", "dump only rows meeting this SQL condition (every table)")
	fs.StringSliceVarP(&o.IgnoreEngines, "ignore-engines", "i", nil, "skip tables of these storage engines, comma separated")
	fs.StringVar(&o.LockMode, "lock-mode", dumper.LockAuto, "auto, ftwrl, backup-stage, lock-tables or none")
	fs.IntVar(&lockWait, "lock-wait-timeout", 0, "seconds: give up before the global read lock if a query has run this long (0: do not check)")
	fs.BoolVar(&o.KillLongQueries, "kill-long-queries", false, "with --lock-wait-timeout: kill the long queries instead of giving up")
	fs.BoolVar(&o.ReplicaData, "replica-data", false, "dumping a replica: stop its SQL thread and record its source's position")
	fs.BoolVar(&o.NoData, "no-data", false, "dump schemas only")
	fs.BoolVar(&o.NoSchemas, "no-schemas", false, "dump data only")
	fs.BoolVar(&o.NoViews, "no-views", false, "skip views")
	fs.BoolVar(&o.NoTriggers, "no-triggers", false, "skip triggers")
	fs.BoolVar(&o.NoRoutines, "no-routines", false, "skip stored procedures and functions")
	fs.BoolVar(&o.NoEvents, "no-events", false, "skip events")
	enc := addEncryptFlags(fs)
	keepLast := fs.Int("keep-last", 0, "after a successful dump, prune the output directory's parent to the newest N dumps (see sluice prune)")
	userFlags := addDumpUserFlags(fs, &o)
	fs.BoolVar(&o.NoSync, "no-sync", false, "do not fsync data files before writing the metadata (faster; an OS crash right after may leave a dump the loader refuses)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.OutDir == "" {
		return usageError{errString("-o DIR (or -o s3://BUCKET/PREFIX) is required")}
	}
	if err := userFlags(); err != nil {
		return err
	}
	var err error
	if o.Compression, err = dumpdir.ParseCompression(compress); err != nil {
		return usageError{err}
	}
	o.FileSize = fileMB << 20
	if o.Format != dumper.FormatSQL && o.Format != dumper.FormatTSV {
		return usageError{fmt.Errorf("--format %q: want sql or tsv", o.Format)}
	}
	if regex != "" {
		if o.Regex, err = regexp.Compile(regex); err != nil {
			return usageError{fmt.Errorf("--regex: %w", err)}
		}
	}
	o.LockWaitTimeout = time.Duration(lockWait) * time.Second
	if o.Recipients, err = enc.recipients(); err != nil {
		return err
	}
	cfg, err = cfg.Resolve(fs.Changed)
	if err != nil {
		return err
	}
	o.Log = log
	if os.Getenv("GOMEMLIMIT") == "" {
		// The compressors (pgzip above all) make garbage fast; a soft limit makes the GC keep the
		// heap, and so peak RSS, near it (Go runtime docs, "A Guide to the Go Garbage Collector").
		debug.SetMemoryLimit(dumpMemoryLimit)
	}
	stopProgress := startProgress(&o, log)
	res, err := dumper.Run(ctx, cfg, o)
	stopProgress()
	if err != nil {
		return err
	}
	log.Info("dump complete", "dir", o.OutDir, "tables", res.Tables, "rows", res.Rows, "bytes", res.Bytes,
		"seconds", res.Elapsed.Seconds(), "lock_seconds", res.Lock.Seconds())
	if *keepLast > 0 {
		return pruneAfterDump(ctx, o.OutDir, *keepLast, log)
	}
	return nil
}

// dumpMemoryLimit is the Go heap's soft limit during a dump (bytes) unless GOMEMLIMIT is set;
// it keeps peak RSS under 150 MB at -t 4 with gzip, the hungriest compressor.
const dumpMemoryLimit = 96 << 20

type errString string

func (e errString) Error() string { return string(e) }
