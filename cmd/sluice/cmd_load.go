package main

import (
	"context"
	"log/slog"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/loader"
)

func runLoad(ctx context.Context, args []string, log *slog.Logger) error {
	var cfg conn.Config
	var o loader.Options
	fs := newFlags("load")
	cfg.AddFlags(fs)
	fs.StringVarP(&o.Dir, "directory", "d", "", "dump directory to restore")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "connections loading data at once")
	fs.StringVarP(&o.TargetDB, "database", "B", "", "restore every database of the dump into this database")
	fs.BoolVarP(&o.OverwriteTables, "overwrite-tables", "o", false, "drop tables that already exist before creating them")
	fs.BoolVarP(&o.EnableBinlog, "enable-binlog", "e", false, "write the restore to the target's binary log")
	repl := addReplicationFlags(fs, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.Dir == "" {
		return usageError{errString("-d DIR is required")}
	}
	cfg, err := cfg.Resolve(fs.Changed)
	if err != nil {
		return err
	}
	if o.Replicate, err = repl.options(); err != nil {
		return err
	}
	o.Log = log
	res, err := loader.Run(ctx, cfg, o)
	if err != nil {
		return err
	}
	log.Info("load complete", "dir", o.Dir, "tables", res.Tables, "files", res.Files, "rows", res.Rows,
		"bytes", res.Bytes, "seconds", res.Elapsed.Seconds())
	return nil
}
