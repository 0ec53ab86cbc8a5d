package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/verify"
)

// runVerify is `sluice verify`: compare the source's tables with the target's. Exit 0 when
// equal, 3 when they differ (one line per difference on stdout), 1 on an error.
func runVerify(ctx context.Context, args []string, log *slog.Logger) error {
	var cfg conn.Config
	var o verify.Options
	var regex string
	fs := newFlags("verify")
	cfg.AddFlags(fs)
	target := addTargetFlags(fs)
	fs.StringSliceVarP(&o.Databases, "database", "B", nil, "databases to compare, comma separated (default: all but system databases)")
	fs.StringArrayVarP(&o.Tables, "tables-list", "T", nil, "a table to compare as db.table (repeat the flag; quote parts holding dots with backticks)")
	fs.StringVarP(&regex, "regex", "x", "", "compare only tables whose db.table matches this regular expression (Go syntax)")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "chunks compared at once (each worker holds a connection to either server)")
	fs.Int64Var(&o.ChunkRows, "chunk-size", 10000, "rows of a table's first chunk; later chunks adapt to --chunk-time")
	fs.DurationVar(&o.ChunkTime, "chunk-time", verify.DefaultChunkTime, "adapt the chunk size so that one checksum query takes about this long (0: keep --chunk-size)")
	fs.Float64Var(&o.SleepRatio, "sleep-ratio", 0, "after each chunk, sleep this fraction of the time it took (0.5: the servers are busy at most two thirds of the time)")
	fs.IntVar(&o.MaxThreadsRunning, "max-load", 0, "pause while the source's Threads_running is above this (0: no limit)")
	fs.BoolVar(&o.Replica, "replica", false, "the target is a MariaDB replica of the source: compare both at one GTID position while writes go on")
	fs.DurationVar(&o.ReplicaWait, "replica-wait", verify.DefaultReplicaWait, "with --replica: how long the replica may take to reach the source's position")
	if err := parse(fs, args); err != nil {
		return err
	}
	var err error
	if regex != "" {
		if o.Regex, err = regexp.Compile(regex); err != nil {
			return usageError{fmt.Errorf("--regex: %w", err)}
		}
	}
	if o.SleepRatio < 0 {
		return usageError{errString("--sleep-ratio must be 0 or more")}
	}
	if cfg, err = cfg.Resolve(fs.Changed); err != nil {
		return err
	}
	tcfg, err := target.config()
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	o.Log = log
	o.Out = os.Stdout
	res, err := verify.Run(ctx, cfg, tcfg, o)
	var de *verify.DiffError
	switch {
	case errors.As(err, &de):
		log.Warn("the servers differ", "tables", res.Tables, "chunks", res.Chunks, "rows", res.Rows, "differences", len(de.Diffs), "seconds", res.Elapsed.Seconds())
		return err
	case err != nil:
		return err
	}
	log.Info("verify: equal", "tables", res.Tables, "chunks", res.Chunks, "rows", res.Rows, "seconds", res.Elapsed.Seconds(),
		"rows_per_second", int64(float64(res.Rows)/max(res.Elapsed.Seconds(), 1e-9)))
	return nil
}
