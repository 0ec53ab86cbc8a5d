package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/binlog"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

func binlogArchiveCommand() *command {
	return &command{
		name:     archiveCommand,
		summary:  "archive a server's binary logs from a dump's position, for point-in-time recovery",
		synopsis: "sluice binlog-archive -o ARCHIVE (--dump DIR | --start-gtid GTID | --start-file FILE [--start-position N]) [--stop-never] [flags]",
		examples: []string{
			"# follow db1's binary logs from last night's dump, until stopped with SIGTERM:\n" +
				"sluice binlog-archive -h db1 -u backup --dump /backups/2026-12-01 -o /backups/binlogs --stop-never",
			"# copy what db1 has now, from its first binlog file, and stop:\n" +
				"sluice binlog-archive -h db1 -u backup --start-file binlog.000001 -o /backups/binlogs",
		},
		flags: func(fs *flagSet) options {
			o := &binlogArchiveOptions{}
			o.addFlags(fs)
			return o
		},
	}
}

// binlogArchiveOptions are the flags of `sluice binlog-archive`.
type binlogArchiveOptions struct {
	commonOptions
	cfg      conn.Config
	dump     string
	identity *string // --decrypt-identity, for an encrypted dump
	a        binlog.Options
}

func (o *binlogArchiveOptions) addFlags(fs *flagSet) {
	fs.group("connection", o.cfg.AddFlags)
	fs.group("archive", func(fs *pflag.FlagSet) {
		fs.StringVarP(&o.a.Dir, "output", "o", "", "the archive directory (created when missing; an existing archive is resumed)")
		fs.StringVar(&o.dump, "dump", "", "start at the binlog file holding this dump's coordinates (a dump directory)")
		fs.StringVar(&o.a.StartGTID, "start-gtid", "", "start after this MariaDB GTID position, e.g. 0-1-42")
		fs.StringVar(&o.a.StartFile, "start-file", "", "start in this binlog file of the source")
		fs.Uint64Var(&o.a.StartPos, "start-position", 4, "with --start-file: the position to start at (4: the file's beginning)")
		fs.Uint32Var(&o.a.ServerID, "server-id", 4207000001, "server id to connect with: unique among the source's replicas")
		fs.BoolVar(&o.a.StopNever, "stop-never", false, "keep following the source (reconnecting with backoff) until SIGTERM, instead of stopping at its current end")
		o.identity = addIdentityFlag(fs)
	})
}

func (o *binlogArchiveOptions) check(fs *flagSet) error {
	if o.a.Dir == "" {
		return usageError{errString("-o ARCHIVE is required")}
	}
	if strings.Contains(o.a.Dir, "://") {
		return usageError{fmt.Errorf("-o %s: a binlog archive is a local directory for now (not object storage): archive to a local directory and copy it with your object store's tool", o.a.Dir)}
	}
	n := 0
	for _, s := range []string{o.dump, o.a.StartGTID, o.a.StartFile} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return usageError{errString("give one of --dump, --start-gtid and --start-file")}
	}
	if fs.Changed("start-position") && o.a.StartFile == "" {
		return usageError{errString("--start-position needs --start-file")}
	}
	if o.a.StartPos < 4 {
		return usageError{errString("--start-position: at least 4, the size of a binlog file's header")}
	}
	if o.a.ServerID == 0 {
		return usageError{errString("--server-id must not be 0")}
	}
	var err error
	o.cfg, err = o.cfg.Resolve(fs.Changed)
	return err
}

// run archives the binary logs. SIGTERM (ctx cancelled) makes Archive flush and return nil,
// so the command exits 0 with everything received durable.
func (o *binlogArchiveOptions) run(ctx context.Context, u *ui) (*summary, error) {
	a := o.a
	a.Source, a.Log = o.cfg, u.log
	if o.dump != "" {
		c, err := archiveStart(ctx, o.dump, o.identity)
		if err != nil {
			return nil, err
		}
		a.StartFile, a.StartPos = c.File, 4
		a.DumpFile, a.DumpPos, a.DumpGTID = c.File, c.Position, c.GTIDSet
	}
	s := &summary{target: o.cfg.String(), dir: a.Dir}
	p := newPrinter(u, archiveCommand)
	a.Progress = p
	err := binlog.Archive(ctx, a)
	last := p.snapshot()
	u.log.Info("binlog archive: done", "files", last.TablesDone, "events", last.RowsDone, "bytes", last.BytesDone, "lag_seconds", int64(last.Lag.Seconds()))
	if ix, _ := binlog.ReadIndex(a.Dir); ix != nil {
		for _, f := range ix.Files {
			s.bytes += f.Size
		}
		s.tables = int64(len(ix.Files))
	}
	return s, err
}

// archiveStart reads the [source] coordinates of the dump at loc; a dump without a
// binlog file (binary logging off) cannot start an archive.
func archiveStart(ctx context.Context, loc string, identity *string) (replication.Coordinates, error) {
	var c replication.Coordinates
	dir, err := dumpdir.OpenDir(ctx, loc)
	if err != nil {
		return c, fmt.Errorf("--dump %w", err)
	}
	defer dir.Close()
	var path string
	if identity != nil {
		path = *identity
	}
	ids, err := identities(path)
	if err != nil {
		return c, err
	}
	dir.Decrypt(ids)
	meta, err := dir.ReadMetadata(ctx)
	if err != nil {
		return c, err
	}
	if c, _, err = loader.ReplicaCoordinates(meta, true); err != nil {
		return c, err
	}
	if c.File == "" {
		return c, fmt.Errorf("--dump %s: the dump records no binlog file (binary logging was off on its server): there is nothing to archive from", loc)
	}
	return c, nil
}
