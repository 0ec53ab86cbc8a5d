package main

import (
	"context"
	"log/slog"
	"time"

	"filippo.io/age"
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

func loadCommand() *command {
	return &command{
		name:     "load",
		summary:  "restore a dump directory into a server",
		synopsis: "sluice load -d DIR [flags]",
		examples: []string{
			"# restore a dump into db2 with 8 threads, checking row counts afterwards:\n" +
				"sluice load -h db2 -u restore -d /backups/2026-12-01 -t 8 --checksum fail",
			"# what the restore would do and what would fail, changing nothing; then finish an interrupted one:\n" +
				"sluice load -h db2 -d /backups/2026-12-01 --dry-run\n" +
				"sluice load -h db2 -d /backups/2026-12-01 --resume",
		},
		flags: func(fs *flagSet) options {
			o := &loadOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// loadOptions are the flags of `sluice load`.
type loadOptions struct {
	commonOptions
	conn      conn.Config
	load      loader.Options
	loadFlags func() error // checks --defer-indexes, --checksum... (flags_load.go)
	repl      *replicationFlags
	pitr      *pitrFlags // --binlogs: point-in-time recovery (flags_pitr.go)
	dryRun    bool
	waitDump  int // --wait-dump, seconds

	userFlags func() error // checks the account and definer flags (flags_users.go)
	identity  *string      // --decrypt-identity (flags_encrypt.go)
}

func (o *loadOptions) addFlags(fs *flagSet) {
	l := &o.load
	fs.group("connection", o.conn.AddFlags)
	fs.group("input", func(fs *pflag.FlagSet) {
		fs.StringVarP(&l.Dir, "directory", "d", "", "dump directory to restore, or s3://BUCKET/PREFIX (AWS configuration from the environment)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "read the dump and the target and print the plan and what would fail; change nothing")
		fs.BoolVar(&l.Strict, "strict", false, "fail on a warning (local_infile OFF) instead of exiting 4")
		fs.IntVar(&o.waitDump, "wait-dump", 0, "seconds: the dump may still be running: load each data file as soon as the dumper has finished it, waiting up to this long for each next one (or, for a dump without progress markers, for the dump to complete); complete only once its metadata exists (0: it must be complete)")
		o.identity = addIdentityFlag(fs)
	})
	fs.group("filters", func(fs *pflag.FlagSet) {
		fs.StringVarP(&l.TargetDB, "database", "B", "", "restore into this database (the dump must hold one, or pick one with --source-db)")
		fs.StringVarP(&l.SourceDB, "source-db", "s", "", "restore only this database of the dump")
		fs.StringSliceVarP(&l.Tables, "tables-list", "T", nil, "restore only these tables, as db.table (comma-separated or repeated)")
	})
	fs.group("loading", func(fs *pflag.FlagSet) {
		fs.IntVarP(&l.Threads, "threads", "t", 4, "data files loading at once, each on a connection of its own (index builds run on --index-threads more)")
		fs.IntVar(&l.IndexThreads, "index-threads", 0, "connections beside --threads that build deferred indexes while data loads (default max(1, threads/2))")
		o.loadFlags = addLoadFlags(fs, l, "load")
		fs.IntVarP(&l.QueriesPerTx, "queries-per-transaction", "q", 1000, "INSERT statements per transaction")
		fs.BoolVar(&l.NoBulkInsert, "no-bulk-insert", false, "on MariaDB, send a dump's rows (SQL or tsv) with LOAD DATA LOCAL instead of bulk INSERT commands")
		fs.Int64Var(&l.MaxTxBytes, "max-transaction-bytes", 0, "bytes of rows per transaction, SQL or tsv (default: a quarter of the target's wsrep_max_ws_size, group_replication_transaction_size_limit or max_binlog_cache_size, at most 64 MiB)")
		fs.BoolVar(&l.Resume, "resume", false, "finish an interrupted restore recorded in the journal (with --binlogs: or an interrupted replay, after its last applied transaction)")
		fs.StringVar(&l.Journal, "journal", "", "resume journal file (default DIR/"+loader.JournalName+"; for s3:// in the working directory)")
	})
	fs.group("accounts", func(fs *pflag.FlagSet) { o.userFlags = addLoadUserFlags(fs, l) })
	fs.group("myloader", func(fs *pflag.FlagSet) { addMyloaderFlags(fs, l) })
	fs.group("replication", func(fs *pflag.FlagSet) { o.repl = addReplicationFlags(fs, true) })
	fs.group("point-in-time recovery", func(fs *pflag.FlagSet) { o.pitr = addPITRFlags(fs) })
}

// check turns the flags into loader.Options and a resolved connection.
func (o *loadOptions) check(fs *flagSet) error {
	l := &o.load
	tableSections, err := applyOptionFiles(fs.FlagSet, "load", slog.Default())
	if err != nil {
		return usageError{err}
	}
	for _, ts := range tableSections {
		slog.Default().Warn("option file: per-table sections are read by sluice dump only; ignored", "section", "`"+ts.db+"`.`"+ts.table+"`")
	}
	if l.Dir == "" {
		return usageError{errString("-d DIR is required")}
	}
	if err := o.userFlags(); err != nil {
		return err
	}
	if l.Strict {
		l.UsersStrict = true // --strict covers the account warnings too
	}
	if o.waitDump < 0 {
		return usageError{errString("--wait-dump must be 0 or more seconds")}
	}
	l.WaitDump = time.Duration(o.waitDump) * time.Second
	if err := o.loadFlags(); err != nil {
		return err
	}
	if o.conn, err = o.conn.Resolve(fs.Changed); err != nil {
		return err
	}
	if l.Identities, err = identities(*o.identity); err != nil {
		return err
	}
	if l.Replicate, err = o.repl.options(); err != nil {
		return err
	}
	return o.pitr.check(l.Replicate != nil)
}

func (o *loadOptions) run(ctx context.Context, u *ui) (*summary, error) { return runLoad(ctx, o, u) }

// runLoad restores the dump (or, with --dry-run, prints the plan) and returns its summary.
func runLoad(ctx context.Context, o *loadOptions, u *ui) (*summary, error) {
	_, addr := o.conn.Address()
	s := &summary{target: addr, dir: o.load.Dir, dryRun: o.dryRun}
	l := o.load
	l.Log = u.log
	if o.dryRun {
		if err := dryRunLoad(ctx, o.conn, l, u, s); err != nil {
			return s, err
		}
		return s, o.pitr.replay(ctx, o.conn, dumpCoordinates(l.Dir, l.Identities), l.EnableBinlog, true, false, u)
	}
	if l.Resume && o.pitr.binlogs != "" {
		coords := dumpCoordinates(l.Dir, l.Identities)
		begun, err := o.pitr.replayBegun(ctx, o.conn, coords)
		if err != nil {
			return s, err
		}
		if begun { // the load completed before the replay started: only the replay is left
			u.log.Info("load --resume: the dump is loaded and its binlog replay was interrupted: resuming the replay")
			s.coords = coords
			return s, o.pitr.replay(ctx, o.conn, coords, l.EnableBinlog, false, true, u)
		}
	}
	p := newPrinter(u, "load")
	l.Progress = p
	res, err := loader.Run(ctx, o.conn, l)
	if err != nil {
		s.fromSnapshot(p.snapshot())
		return s, err
	}
	s.tables, s.rows, s.bytes, s.elapsed, s.warnings = int64(res.Tables), res.Rows, res.Bytes, res.Elapsed, res.Warnings
	s.coords = dumpCoordinates(l.Dir, l.Identities)
	if u := res.Accounts; u != (accounts.Summary{}) {
		s.accounts = &u
	}
	return s, o.pitr.replay(ctx, o.conn, s.coords, l.EnableBinlog, false, l.Resume, u)
}

// dumpCoordinates returns the dumped server's binlog coordinates and GTID set as the dump's
// metadata records them, for the summary: what the restored data is consistent with. It is
// nil when the metadata holds none.
func dumpCoordinates(loc string, ids []age.Identity) *replication.Coordinates {
	ctx := context.Background()
	dir, err := dumpdir.OpenDir(ctx, loc)
	if err != nil {
		return nil
	}
	defer dir.Close()
	dir.Decrypt(ids)
	meta, err := dir.ReadMetadata(ctx)
	if err != nil {
		return nil
	}
	c, _, err := loader.ReplicaCoordinates(meta, true)
	if err != nil {
		return nil
	}
	return &c
}
