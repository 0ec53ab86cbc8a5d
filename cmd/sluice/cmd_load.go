package main

import (
	"context"
	"log/slog"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

func runLoad(ctx context.Context, args []string, log *slog.Logger) error {
	var cfg conn.Config
	var o loader.Options
	fs := newFlags("load")
	cfg.AddFlags(fs)
	fs.StringVarP(&o.Dir, "directory", "d", "", "dump directory to restore, or s3://BUCKET/PREFIX (AWS configuration from the environment)")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "connections loading at once (data files and index builds)")
	fs.IntVar(&o.IndexThreads, "index-threads", 0, "index builds running at once, within --threads (default max(1, threads/2))")
	deferIdx := fs.String("defer-indexes", "all", "secondary indexes built after the data: all, fulltext or none")
	fs.Int64Var(&o.DeferMinRows, "defer-min-rows", 10000, "tables with fewer rows keep their indexes in the CREATE TABLE (0: defer in every table)")
	fs.StringVarP(&o.TargetDB, "database", "B", "", "restore into this database (the dump must hold one, or pick one with --source-db)")
	fs.StringVar(&o.SourceDB, "source-db", "", "restore only this database of the dump")
	fs.StringSliceVarP(&o.Tables, "tables-list", "T", nil, "restore only these tables, as db.table (comma-separated or repeated)")
	fs.IntVar(&o.QueriesPerTx, "queries-per-transaction", 1000, "INSERT statements per transaction")
	fs.Int64Var(&o.MaxTxBytes, "max-transaction-bytes", 64<<20, "bytes of INSERT statements per transaction (keep under a Galera or Group Replication write-set limit)")
	fs.BoolVar(&o.Resume, "resume", false, "finish an interrupted restore recorded in the journal")
	fs.StringVar(&o.Journal, "journal", "", "resume journal file (default DIR/"+loader.JournalName+"; for s3:// in the working directory)")
	fs.BoolVar(&o.Checksum, "checksum", false, "compare each table's row count with the dump's after loading")
	fs.BoolVarP(&o.OverwriteTables, "overwrite-tables", "o", false, "drop tables that already exist before creating them")
	fs.BoolVarP(&o.EnableBinlog, "enable-binlog", "e", false, "write the restore to the target's binary log")
	identity := addIdentityFlag(fs)
	userFlags := addLoadUserFlags(fs, &o)
	repl := addReplicationFlags(fs, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.Dir == "" {
		return usageError{errString("-d DIR is required")}
	}
	if err := userFlags(); err != nil {
		return err
	}
	var err error
	if o.DeferIndexes, err = schema.ParseDeferMode(*deferIdx); err != nil {
		return usageError{err}
	}
	if cfg, err = cfg.Resolve(fs.Changed); err != nil {
		return err
	}
	if o.Replicate, err = repl.options(); err != nil {
		return err
	}
	if o.Identities, err = identities(*identity); err != nil {
		return err
	}
	o.Log = log
	o.Progress = newLoadProgress(log)
	res, err := loader.Run(ctx, cfg, o)
	if err != nil {
		return err
	}
	log.Info("load complete", "dir", o.Dir, "tables", res.Tables, "files", res.Files, "rows", res.Rows,
		"bytes", res.Bytes, "seconds", res.Elapsed.Seconds(), "accounts_created", res.Accounts.Created,
		"accounts_skipped", res.Accounts.Skipped, "accounts_failed", res.Accounts.Failed, "warnings", res.Warnings)
	return nil
}
