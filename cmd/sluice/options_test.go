package main

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// TestDumpFlagsToOptions checks the flags-to-options mapping of `sluice dump`.
func TestDumpFlagsToOptions(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // no ~/.my.cnf
	o, err := parseArgs(dumpCommand(), []string{"-h", "db1", "-P", "3307", "-u", "backup", "-o", "/backups/x", "-t", "8",
		"-c", "zstd", "-F", "64", "-B", "a,b", "-T", "a.t1", "-T", "b.t2", "-x", `^a\.`, "--lock-mode", "none",
		"--lock-wait-timeout", "30", "--replica-data", "--strict", "--dry-run", "--log-format", "json", "-q", "--metrics-file", "/m.prom"})
	if err != nil {
		t.Fatal(err)
	}
	d := o.(*dumpOptions)
	got := d.dump
	if got.OutDir != "/backups/x" || got.Threads != 8 || got.Compression != dumpdir.CompressZstd || got.FileSize != 64<<20 ||
		!slices.Equal(got.Databases, []string{"a", "b"}) || !slices.Equal(got.Tables, []string{"a.t1", "b.t2"}) ||
		got.Regex == nil || !got.Regex.MatchString("a.x") || got.LockMode != dumper.LockNone || got.LockWaitTimeout != 30*time.Second ||
		!got.ReplicaData || !got.Strict || got.Format != dumper.FormatSQL {
		t.Errorf("dumper.Options %+v", got)
	}
	if d.conn.Host != "db1" || d.conn.Port != 3307 || d.conn.User != "backup" || !d.dryRun {
		t.Errorf("connection %+v, dry run %v", d.conn, d.dryRun)
	}
	if d.logFormat != "json" || !d.quiet || d.level != slog.LevelWarn || d.metricsFile != "/m.prom" {
		t.Errorf("common options %+v", d.commonOptions)
	}
}

// TestLoadFlagsToOptions checks the flags-to-options mapping of `sluice load`.
func TestLoadFlagsToOptions(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	o, err := parseArgs(loadCommand(), []string{"-d", "/backups/x", "-t", "6", "--index-threads", "2", "--defer-indexes", "fulltext",
		"-B", "restored", "--source-db", "shop", "-T", "shop.a,shop.b", "--checksum=warn", "-o", "-e", "--resume", "--strict",
		"--log-level", "debug", "--quiet"})
	if err != nil {
		t.Fatal(err)
	}
	l := o.(*loadOptions)
	got := l.load
	if got.Dir != "/backups/x" || got.Threads != 6 || got.IndexThreads != 2 || got.DeferIndexes != schema.DeferFulltext ||
		got.TargetDB != "restored" || got.SourceDB != "shop" || !slices.Equal(got.Tables, []string{"shop.a", "shop.b"}) ||
		got.Checksum != loader.ChecksumWarn || !got.OverwriteTables || !got.EnableBinlog || !got.Resume || !got.Strict || got.Replicate != nil {
		t.Errorf("loader.Options %+v", got)
	}
	if l.level != slog.LevelWarn || !l.quiet {
		t.Errorf("--log-level debug --quiet: level %v, want warn", l.level)
	}
}

// TestCopyFlagsToOptions checks the flags-to-options mapping of `sluice copy`: the dump's
// filters (flags_filters.go) into the source side, the load's options (flags_load.go) and the
// renaming into the target side, -t for each side; --checksum MODE takes its value after a
// space, as before the flags were shared with load.
func TestCopyFlagsToOptions(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	o, err := parseArgs(copyCommand(), []string{"-h", "db1", "--target-host", "db2", "-B", "a,b", "-T", "a.t1", "-x", `^a\.`,
		"--where", "id > 1", "-i", "aria", "--no-views", "-t", "3", "--target-threads", "5", "--defer-indexes", "all",
		"--defer-min-rows", "7", "--overwrite-tables", "--enable-binlog", "--checksum", "skip", "--target-database", "c"})
	if err != nil {
		t.Fatal(err)
	}
	c := o.(*copyOptions)
	d, l := c.copy.Dump, c.copy.Load
	if !slices.Equal(d.Databases, []string{"a", "b"}) || !slices.Equal(d.Tables, []string{"a.t1"}) || d.Regex == nil ||
		!d.Regex.MatchString("a.x") || d.Regex.MatchString("b.x") || d.Where != "id > 1" || !slices.Equal(d.IgnoreEngines, []string{"aria"}) ||
		!d.NoViews || d.NoData || d.Threads != 3 {
		t.Errorf("dumper.Options %+v", d)
	}
	if l.Threads != 5 || l.DeferIndexes != schema.DeferAll || l.DeferMinRows != 7 || !l.OverwriteTables || !l.EnableBinlog ||
		l.Checksum != loader.ChecksumSkip || l.TargetDB != "c" {
		t.Errorf("loader.Options %+v", l)
	}
}

// TestUsageErrors checks that bad command lines are usage errors (exit 2) naming the flag.
func TestUsageErrors(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	for _, tc := range []struct {
		c    *command
		args []string
		want string
	}{
		{dumpCommand(), nil, "-o DIR is required"},
		{dumpCommand(), []string{"-o", "x", "--format", "csv"}, "--format"},
		{dumpCommand(), []string{"-o", "x", "--log-format", "xml"}, "--log-format"},
		{dumpCommand(), []string{"-o", "x", "--log-level", "loud"}, "--log-level"},
		{loadCommand(), []string{"-d", "x", "--defer-indexes", "some"}, "defer"},
		{loadCommand(), []string{"-d", "x", "--checksum=never"}, "checksum"},
		{dumpCommand(), []string{"-o", "x", "-x", "("}, "--regex"},
		{copyCommand(), []string{"--target-host", "db2", "-x", "("}, "--regex"},
		{copyCommand(), []string{"--target-host", "db2", "--checksum", "never"}, "checksum"},
		{loadCommand(), []string{"-d", "x", "stray"}, "unexpected argument"},
		{replicationSQLCommand(), []string{"-d", "x"}, "--replicate-from"},
	} {
		_, err := parseArgs(tc.c, tc.args)
		if exitCode(err, nil) != exitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: %v (exit %d), want a usage error naming %q", tc.c.name, tc.args, err, exitCode(err, nil), tc.want)
		}
	}
	if _, err := parseArgs(loadCommand(), []string{"--help"}); !errors.Is(err, errHelp) {
		t.Errorf("--help: %v, want errHelp", err)
	}
}
