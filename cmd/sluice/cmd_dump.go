package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

func dumpCommand() *command {
	return &command{
		name:     "dump",
		summary:  "take a consistent dump of a server into a directory",
		synopsis: "sluice dump -o DIR [flags]",
		examples: []string{
			"# every database of db1, 8 threads, zstd, from cron with JSON logs and metrics:\n" +
				"sluice dump -h db1 -u backup -o /backups/$(date +%F) -t 8 -c zstd --log-format json --metrics-file /var/lib/node_exporter/sluice.prom",
			"# what a dump of two databases would do, without writing anything:\n" +
				"sluice dump --defaults-file ~/.backup.cnf -B sakila,shop -o /backups/today --dry-run",
		},
		flags: func(fs *flagSet) options {
			o := &dumpOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// dumpOptions are the flags of `sluice dump`.
type dumpOptions struct {
	mydumper *mydumperDumpFlags // mydumper\'s option names (flags_mydumper.go)
	commonOptions
	conn     conn.Config
	dump     dumper.Options
	fileMB   int64  // -F, MiB
	compress string // -c
	lockWait int    // --lock-wait-timeout, seconds
	dryRun   bool

	filterFlags func() error  // checks -B, -T, --regex... (flags_filters.go)
	userFlags   func() error  // checks the account flags (flags_users.go)
	enc         *encryptFlags // --encrypt-recipient, --encrypt-recipients-file (flags_encrypt.go)
	keepLast    int           // --keep-last: prune the parent after a successful dump
}

func (o *dumpOptions) addFlags(fs *flagSet) {
	d := &o.dump
	fs.group("connection", o.conn.AddFlags)
	fs.group("output", func(fs *pflag.FlagSet) {
		fs.StringVarP(&d.OutDir, "outputdir", "o", "", "dump directory (created 0700; must be new or empty), or s3://BUCKET/PREFIX (must hold no objects; AWS configuration from the environment)")
		fs.StringVarP(&o.compress, "compress", "c", "none", "compress data files: none, zstd or gzip")
		fs.StringVar(&d.Format, "format", dumper.FormatSQL, "data file format: sql (multi-row INSERT) or tsv (LOAD DATA text)")
		fs.BoolVar(&d.NoSync, "no-sync", false, "do not fsync data files before writing the metadata (faster; an OS crash right after may leave a dump the loader refuses)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "connect, read the catalog and print the plan and what would fail; write nothing")
		fs.BoolVar(&d.Strict, "strict", false, "fail on a warning (a replica that is not one, no lock taken) instead of exiting 4")
	})
	fs.group("filters", func(fs *pflag.FlagSet) {
		o.filterFlags = addFilterFlags(fs, d, "dump")
		fs.BoolVar(&d.NoSchemas, "no-schemas", false, "dump data only")
	})
	fs.group("chunking", func(fs *pflag.FlagSet) {
		fs.IntVarP(&d.Threads, "threads", "t", 4, "worker connections, each with its own consistent snapshot")
		fs.Int64VarP(&o.fileMB, "chunk-filesize", "F", 256, "start a new data file after this many MiB (before compression)")
		fs.Int64VarP(&d.Rows, "rows", "r", 0, "rows per chunk (0: about 64 MiB of data per chunk); tables without a usable key are split into files of this many rows")
	})
	fs.group("consistency", func(fs *pflag.FlagSet) {
		fs.StringVar(&d.LockMode, "lock-mode", dumper.LockAuto, "auto, ftwrl, backup-stage, lock-tables or none")
		fs.IntVar(&o.lockWait, "lock-wait-timeout", 0, "seconds: give up before the global read lock if a query has run this long (0: do not check)")
		fs.BoolVar(&d.KillLongQueries, "kill-long-queries", false, "with --lock-wait-timeout: kill the long queries instead of giving up")
	})
	fs.group("replication", func(fs *pflag.FlagSet) {
		fs.BoolVar(&d.ReplicaData, "replica-data", false, "dumping a replica: stop its SQL thread and record its source's position")
	})
	fs.group("accounts", func(fs *pflag.FlagSet) { o.userFlags = addDumpUserFlags(fs, d) })
	fs.group("encryption and retention", func(fs *pflag.FlagSet) {
		o.enc = addEncryptFlags(fs)
		fs.IntVar(&o.keepLast, "keep-last", 0, "after a successful dump, prune the output directory's parent to the newest N dumps (see sluice prune)")
	})
	fs.group("mydumper", func(fs *pflag.FlagSet) {
		o.mydumper = addMydumperDumpFlags(fs, d)
		fs.IntVarP(&o.lockWait, "long-query-guard", "l", 0, "mydumper's name of --lock-wait-timeout (sluice's default is not to check)")
	})
}

// check turns the flags into dumper.Options and a resolved connection.
func (o *dumpOptions) check(fs *flagSet) error {
	d := &o.dump
	tableSections, err := applyOptionFiles(fs.FlagSet, "dump", slog.Default())
	if err != nil {
		return usageError{err}
	}
	if err := o.mydumper.apply(fs.FlagSet, d, &o.compress, tableSections, slog.Default()); err != nil {
		return usageError{err}
	}
	if d.OutDir == "" {
		return usageError{errString("-o DIR is required")}
	}
	if err := o.userFlags(); err != nil {
		return err
	}
	if d.Compression, err = dumpdir.ParseCompression(o.compress); err != nil {
		return usageError{err}
	}
	d.FileSize = o.fileMB << 20
	if d.Format, err = mydumperFormat(d.Format); err != nil {
		return usageError{err}
	}
	if d.Format != dumper.FormatSQL && d.Format != dumper.FormatTSV {
		return usageError{fmt.Errorf("--format %q: want sql or tsv", d.Format)}
	}
	if err := o.filterFlags(); err != nil {
		return err
	}
	d.LockWaitTimeout = time.Duration(o.lockWait) * time.Second
	if d.Recipients, err = o.enc.recipients(); err != nil {
		return err
	}
	if o.keepLast < 0 {
		return usageError{errString("--keep-last must be 0 or more")}
	}
	o.conn, err = o.conn.Resolve(fs.Changed)
	return err
}

func (o *dumpOptions) run(ctx context.Context, u *ui) (*summary, error) { return runDump(ctx, o, u) }

// runDump takes the dump (or, with --dry-run, prints its plan) and returns its summary.
func runDump(ctx context.Context, o *dumpOptions, u *ui) (*summary, error) {
	_, addr := o.conn.Address()
	s := &summary{target: addr, dir: o.dump.OutDir, dryRun: o.dryRun}
	d := o.dump
	d.Log = u.log
	if o.dryRun {
		return s, dryRunDump(ctx, o.conn, d, u, s)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The compressors (pgzip above all) make garbage fast; a soft limit makes the GC keep the
		// heap, and so peak RSS, near it (Go runtime docs, "A Guide to the Go Garbage Collector").
		debug.SetMemoryLimit(dumpMemoryLimit)
	}
	p := newPrinter(u, "dump")
	d.Progress = p
	res, err := dumper.Run(ctx, o.conn, d)
	if err != nil {
		s.fromSnapshot(p.snapshot())
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: the dump in %s is incomplete (it has no metadata file, so no load accepts it): remove it and run the same command again", err, d.OutDir)
		}
		return s, err
	}
	s.tables, s.rows, s.bytes, s.elapsed, s.lock = int64(res.Tables), res.Rows, res.Bytes, res.Elapsed, res.Lock
	s.coords, s.warnings = &res.Coordinates, res.Warnings
	if o.keepLast > 0 {
		return s, pruneAfterDump(ctx, d.OutDir, o.keepLast, u.log)
	}
	return s, nil
}

// dumpMemoryLimit is the Go heap's soft limit during a dump (bytes) unless GOMEMLIMIT is set;
// it keeps peak RSS under 150 MB at -t 4 with gzip, the hungriest compressor.
const dumpMemoryLimit = 96 << 20
