package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

func replicationSQLCommand() *command {
	return &command{
		name:     "replication-sql",
		summary:  "print the statements that attach a restored server to its source",
		synopsis: "sluice replication-sql -d DIR --replicate-from HOST[:PORT] [flags]",
		examples: []string{
			"# for a MariaDB 10.11 server restored from the dump, without connecting to it:\n" +
				"sluice replication-sql -d /backups/2026-12-01 --replicate-from db1 --replication-user repl --target-flavor mariadb --target-version 10.11.6",
			"# reading the target's flavour and version from the server itself:\n" +
				"sluice replication-sql -h db2 -d /backups/2026-12-01 --replicate-from db1:3307 --replication-user repl --replication-mode binlog",
		},
		flags: func(fs *flagSet) options {
			o := &replicationSQLOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// replicationSQLOptions are the flags of `sluice replication-sql`.
type replicationSQLOptions struct {
	commonOptions
	dir           string
	targetFlavor  string
	targetVersion string
	cfg           conn.Config
	changed       func(string) bool
	repl          *loader.ReplicateOptions
	flags         *replicationFlags
	identity      *string // --decrypt-identity, for an encrypted dump
}

func (o *replicationSQLOptions) addFlags(fs *flagSet) {
	fs.group("connection", o.cfg.AddFlags)
	fs.group("input", func(fs *pflag.FlagSet) {
		fs.StringVarP(&o.dir, "directory", "d", "", "dump directory (or s3://BUCKET/PREFIX) whose coordinates to use")
		fs.StringVar(&o.targetFlavor, "target-flavor", "", "flavour of the server to attach: mariadb or mysql (default: connect and read it)")
		fs.StringVar(&o.targetVersion, "target-version", "", "its version, e.g. 10.11.6 or 8.0.36 (default: connect and read it)")
		o.identity = addIdentityFlag(fs)
	})
	fs.group("replication", func(fs *pflag.FlagSet) { o.flags = addReplicationFlags(fs, false) })
}

func (o *replicationSQLOptions) check(fs *flagSet) error {
	if o.dir == "" {
		return usageError{errString("-d DIR is required")}
	}
	if !fs.Changed("replicate-from") {
		return usageError{errString("--replicate-from HOST[:PORT] is required")}
	}
	var err error
	if o.repl, err = o.flags.options(); err != nil {
		return err
	}
	o.changed = fs.Changed
	return nil
}

// run prints the statements that attach a server restored from a dump to its source, without
// running them. The target's flavour and version come from --target-flavor and
// --target-version, or else from connecting to the target with the connection flags.
func (o *replicationSQLOptions) run(ctx context.Context, u *ui) (*summary, error) {
	return &summary{dir: o.dir}, printReplicationSQL(ctx, u.stdout, *o)
}

// printReplicationSQL writes the statements to w as a SQL script: a comment naming the
// coordinates' origin, then one statement per line. The password is always the placeholder
// replication.PlaceholderPassword, whatever was given.
func printReplicationSQL(ctx context.Context, w io.Writer, o replicationSQLOptions) error {
	dir, err := dumpdir.OpenDir(ctx, o.dir)
	if err != nil {
		return fmt.Errorf("-d %w", err)
	}
	defer dir.Close()
	var path string
	if o.identity != nil {
		path = *o.identity
	}
	ids, err := identities(path)
	if err != nil {
		return err
	}
	dir.Decrypt(ids)
	meta, err := dir.ReadMetadata(ctx)
	if err != nil {
		return err
	}
	c, section, err := loader.ReplicaCoordinates(meta, o.repl.FromDumpedServer)
	if err != nil {
		return err
	}
	t, err := o.target(ctx)
	if err != nil {
		return err
	}
	so := o.repl.SetupOptions()
	so.Password = "" // print the placeholder: the statements are for a person to complete
	stmts, err := replication.RedactedStatements(t, c, so)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "-- attach a %s %s server restored from %s to %s:%d\n", t.Flavor, t.Version, o.dir, so.SourceHost, portOr3306(so.SourcePort))
	fmt.Fprintf(w, "-- coordinates from metadata [%s]: binlog %s:%d, GTID set %q\n", section, c.File, c.Position, c.GTIDSet)
	fmt.Fprintf(w, "-- replace %s with the replication user's password\n", replication.PlaceholderPassword)
	for _, s := range stmts {
		fmt.Fprintf(w, "%s;\n", s)
	}
	return nil
}

// target returns the target from --target-flavor/--target-version, or by connecting.
func (o replicationSQLOptions) target(ctx context.Context) (replication.Target, error) {
	if o.targetFlavor != "" || o.targetVersion != "" {
		f := replication.Flavor(o.targetFlavor)
		if f != replication.MariaDB && f != replication.MySQL {
			return replication.Target{}, usageError{fmt.Errorf("--target-flavor %q: want mariadb or mysql", o.targetFlavor)}
		}
		if o.targetVersion == "" {
			return replication.Target{}, usageError{errString("--target-flavor needs --target-version")}
		}
		return replication.Target{Flavor: f, Version: o.targetVersion}, nil
	}
	cfg, err := o.cfg.Resolve(o.changed)
	if err != nil {
		return replication.Target{}, err
	}
	db, err := cfg.Open(ctx, "", 1)
	if err != nil {
		return replication.Target{}, fmt.Errorf("%w (or give --target-flavor and --target-version)", err)
	}
	defer db.Close()
	return loader.ReadTarget(ctx, db)
}

func portOr3306(p int) int {
	if p == 0 {
		return 3306
	}
	return p
}
