package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/verify"
)

func verifyCommand() *command {
	return &command{
		name:     "verify",
		summary:  "compare the tables of two live servers (or a replica with its source) by chunked checksums",
		synopsis: "sluice verify [flags] --target-host HOST [target flags]",
		examples: []string{
			"# compare a copy with its source (exit 0 equal, 3 different, one line per differing range):\n" +
				"sluice verify -h db1 --target-host db2 -B sakila -t 4",
			"# a live MariaDB replica, at one GTID position, gently:\n" +
				"sluice verify -h primary --target-host replica1 --replica --sleep-ratio 0.5 --max-load 25",
		},
		flags: func(fs *flagSet) options {
			o := &verifyOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// verifyOptions are the flags of `sluice verify`.
type verifyOptions struct {
	commonOptions
	conn   conn.Config
	target *targetFlags
	tcfg   conn.Config
	regex  string
	v      verify.Options
}

func (o *verifyOptions) addFlags(fs *flagSet) {
	v := &o.v
	fs.group("connection", o.conn.AddFlags)
	fs.group("target", func(fs *pflag.FlagSet) { o.target = addTargetFlags(fs) })
	fs.group("filters", func(fs *pflag.FlagSet) {
		fs.StringSliceVarP(&v.Databases, "database", "B", nil, "databases to compare, comma separated (default: all but system databases)")
		fs.StringArrayVarP(&v.Tables, "tables-list", "T", nil, "a table to compare as db.table (repeat the flag; quote parts holding dots with backticks)")
		fs.StringVarP(&o.regex, "regex", "x", "", "compare only tables whose db.table matches this regular expression (Go syntax)")
	})
	fs.group("comparing", func(fs *pflag.FlagSet) {
		fs.IntVarP(&v.Threads, "threads", "t", 4, "chunks compared at once (each worker holds a connection to either server)")
		fs.Int64Var(&v.ChunkRows, "chunk-size", 10000, "rows of a table's first chunk; later chunks adapt to --chunk-time")
		fs.DurationVar(&v.ChunkTime, "chunk-time", verify.DefaultChunkTime, "adapt the chunk size so that one checksum query takes about this long (0: keep --chunk-size)")
		fs.Float64Var(&v.SleepRatio, "sleep-ratio", 0, "after each chunk, sleep this fraction of the time it took (0.5: the servers are busy at most two thirds of the time)")
		fs.IntVar(&v.MaxThreadsRunning, "max-load", 0, "pause while the source's Threads_running is above this (0: no limit)")
		fs.BoolVar(&v.Replica, "replica", false, "the target is a MariaDB replica of the source: compare both at one GTID position while writes go on")
		fs.DurationVar(&v.ReplicaWait, "replica-wait", verify.DefaultReplicaWait, "with --replica: how long the replica may take to reach the source's position")
	})
}

func (o *verifyOptions) check(fs *flagSet) error {
	var err error
	if o.regex != "" {
		if o.v.Regex, err = regexp.Compile(o.regex); err != nil {
			return usageError{fmt.Errorf("--regex: %w", err)}
		}
	}
	if o.v.SleepRatio < 0 {
		return usageError{errString("--sleep-ratio must be 0 or more")}
	}
	if o.conn, err = o.conn.Resolve(fs.Changed); err != nil {
		return err
	}
	if o.tcfg, err = o.target.config(); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	return nil
}

// run compares the servers: exit 0 when equal, 3 when they differ (verify.DiffError, one line
// per difference on stdout), 1 on an error.
func (o *verifyOptions) run(ctx context.Context, u *ui) (*summary, error) {
	_, addr := o.tcfg.Address()
	s := &summary{target: addr}
	v := o.v
	v.Log = u.log
	v.Out = u.stdout
	p := newPrinter(u, "verify")
	v.Progress = p
	res, err := verify.Run(ctx, o.conn, o.tcfg, v)
	if res != nil {
		s.tables, s.rows, s.bytes, s.elapsed = int64(res.Tables), res.Rows, p.snapshot().BytesDone, res.Elapsed
	} else {
		s.fromSnapshot(p.snapshot())
	}
	return s, err
}
