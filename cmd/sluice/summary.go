package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/replication"
)

// summary is what a run did, logged as its last record ("summary") and written to
// --metrics-file. Commands fill it from their Result; after a failure the progress printer's
// last snapshot gives the work done.
type summary struct {
	command  string
	target   string // the server worked on (conn.Config.String: host:port or socket), the metrics' target label
	dir      string // the dump directory
	dryRun   bool
	tables   int64
	rows     int64
	bytes    int64
	elapsed  time.Duration
	lock     time.Duration            // dump: how long the global read lock was held
	coords   *replication.Coordinates // dump: the snapshot's binlog coordinates and GTID set
	warnings int
	accounts *accounts.Summary // load: the accounts restored; nil when none were
}

// fromSnapshot fills the counts the run did not report from s, the last progress snapshot:
// how far a failed or interrupted run got.
func (s *summary) fromSnapshot(p progress.Snapshot) {
	if s.tables == 0 && s.rows == 0 && s.bytes == 0 {
		s.tables, s.rows, s.bytes = p.TablesDone, p.RowsDone, p.BytesDone
	}
}

// log writes the summary record: at info level after success, warn after warnings, error
// otherwise, with the error under "err" (the one key errors have in every log line).
func (s *summary) log(log *slog.Logger, code int, err error) {
	level := slog.LevelInfo
	switch code {
	case exitOK:
	case exitWarnings:
		level = slog.LevelWarn
	default:
		level = slog.LevelError
	}
	a := []any{"command", s.command, "outcome", outcome(code), "exit_code", code}
	if s.dryRun {
		a = append(a, "dry_run", true)
	}
	if s.dir != "" {
		a = append(a, "dir", s.dir)
	}
	a = append(a, "tables", s.tables, "rows", s.rows, "bytes", s.bytes, "seconds", round(s.elapsed.Seconds(), 3))
	if !s.dryRun { // a dry run's rows and bytes are the plan's estimates
		a = append(a, "rows_per_second", int64(perSecond(s.rows, s.elapsed)), "mb_per_second", mbPerSecond(s.bytes, s.elapsed))
	}
	if s.command == "dump" {
		a = append(a, "lock_seconds", round(s.lock.Seconds(), 3))
	}
	if c := s.coords; c != nil {
		a = append(a, "binlog_file", c.File, "binlog_position", c.Position, "gtid_set", c.GTIDSet)
	}
	if u := s.accounts; u != nil {
		a = append(a, "accounts_created", u.Created, "accounts_skipped", u.Skipped, "accounts_failed", u.Failed)
	}
	a = append(a, "warnings", s.warnings)
	if err != nil {
		a = append(a, "err", err.Error())
	}
	log.Log(context.Background(), level, "summary", a...)
}

// round rounds f to n decimals.
func round(f float64, n int) float64 {
	p := 1.0
	for range n {
		p *= 10
	}
	return float64(int64(f*p+0.5)) / p
}
