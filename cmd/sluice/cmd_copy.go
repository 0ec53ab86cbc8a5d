package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/copier"
	"github.com/sluicedb/sluice/internal/conn"
)

func copyCommand() *command {
	return &command{
		name:     "copy",
		summary:  "copy databases from a live server to another: a consistent dump of the source loaded into the target",
		synopsis: "sluice copy [flags] --target-host HOST [target flags]",
		examples: []string{
			"# copy sakila from db1 to db2, 4 threads reading and 4 loading:\n" +
				"sluice copy -h db1 -u backup -B sakila --target-host db2 --target-user loader -t 4 --target-threads 4",
			"# copy shop into shop_test on the same server:\n" +
				"sluice copy -B shop --target-database shop_test",
			"# provision a replica of db1 (attached at the snapshot's GTID position, caught up):\n" +
				"sluice copy -h db1 -u backup --target-host db2 --replicate --replication-user repl",
			"# finish a copy that was killed or failed mid-way:\n" +
				"sluice copy -h db1 -u backup -B sakila --target-host db2 --resume",
		},
		flags: func(fs *flagSet) options {
			o := &copyOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// copyOptions are the flags of `sluice copy`.
type copyOptions struct {
	commonOptions
	conn        conn.Config
	target      *targetFlags
	tcfg        conn.Config
	copy        copier.Options
	filterFlags func() error // checks -B, -T, --regex... (flags_filters.go)
	loadFlags   func() error // checks --defer-indexes, --checksum... (flags_load.go)
	repl        *replicationFlags
	replSelf    bool // --replicate: --replicate-from the source itself
}

func (o *copyOptions) addFlags(fs *flagSet) {
	d, l := &o.copy.Dump, &o.copy.Load
	fs.group("connection", o.conn.AddFlags)
	fs.group("target", func(fs *pflag.FlagSet) { o.target = addTargetFlags(fs) })
	fs.group("filters", func(fs *pflag.FlagSet) {
		o.filterFlags = addFilterFlags(fs, d, "copy")
		fs.StringVar(&l.TargetDB, "target-database", "", "copy into this database of the target (the copy must hold one database)")
		fs.BoolVar(&d.NoUsers, "no-users", false, "copy no accounts (a whole-instance copy includes them)")
	})
	fs.group("copying", func(fs *pflag.FlagSet) {
		fs.IntVarP(&d.Threads, "threads", "t", 4, "source connections reading, each with its own consistent snapshot")
		fs.IntVar(&l.Threads, "target-threads", 4, "target connections loading (data files and index builds)")
		fs.Int64VarP(&d.Rows, "rows", "r", 0, "rows per chunk (0: about 64 MiB of data per chunk)")
		fs.StringVar(&d.LockMode, "lock-mode", "auto", "auto, ftwrl, backup-stage, lock-tables or none")
		o.loadFlags = addLoadFlags(fs, l, "copy")
		fs.BoolVar(&o.copy.Resume, "resume", false, "finish a copy that was interrupted: new snapshot; tables it completed are kept if their checksum equals the source's, the others reloaded")
	})
	fs.group("replication", func(fs *pflag.FlagSet) {
		fs.BoolVar(&o.replSelf, "replicate", false, "after the copy, make the target a replica of the source (-h/-P) from the snapshot's position, and wait until it has caught up")
		o.repl = addReplicationFlags(fs, true)
	})
}

func (o *copyOptions) check(fs *flagSet) error {
	var err error
	d, l := &o.copy.Dump, &o.copy.Load
	if err := o.filterFlags(); err != nil {
		return err
	}
	if d.Threads < 1 || l.Threads < 1 {
		return usageError{errString("--threads and --target-threads must be 1 or more")}
	}
	if err := o.loadFlags(); err != nil {
		return err
	}
	if o.conn, err = o.conn.Resolve(fs.Changed); err != nil {
		return err
	}
	if o.replSelf {
		if o.repl.from != "" {
			return usageError{errString("--replicate and --replicate-from: give one (--replicate replicates from the source, -h/-P)")}
		}
		network, addr := o.conn.Address()
		if network != "tcp" {
			return usageError{errString("--replicate: the source is reached through a Unix socket, which a replica cannot use: give -h HOST (and -P), or --replicate-from HOST[:PORT]")}
		}
		o.repl.from = addr
	}
	if l.Replicate, err = o.repl.options(); err != nil {
		return err
	}
	if l.Replicate != nil && l.TargetDB != "" {
		return usageError{errString("--replicate with --target-database: a replica applies the source's changes to the source's database names; copy without renaming")}
	}
	if o.tcfg, err = o.target.config(); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	if o.conn.String() == o.tcfg.String() && l.TargetDB == "" {
		return usageError{fmt.Errorf("source and target are both %s: give another --target-host/--target-port, or --target-database", o.conn.String())}
	}
	return nil
}

// run copies and returns the summary of the load side (the target's tables, rows, bytes).
func (o *copyOptions) run(ctx context.Context, u *ui) (*summary, error) {
	_, addr := o.tcfg.Address()
	s := &summary{target: addr}
	c := o.copy
	c.Dump.Log, c.Load.Log = u.log, u.log
	pd, pl := newPrinter(u, "copy (dump)"), newPrinter(u, "copy (load)")
	c.Dump.Progress, c.Load.Progress = pd, pl
	res, err := copier.Run(ctx, o.conn, o.tcfg, c)
	if err != nil {
		s.fromSnapshot(pl.snapshot())
		return s, err
	}
	s.tables, s.rows, s.bytes, s.elapsed = int64(res.Load.Tables), res.Load.Rows, res.Load.Bytes, res.Elapsed
	s.coords, s.warnings = &res.Dump.Coordinates, res.Dump.Warnings+res.Load.Warnings
	return s, nil
}
