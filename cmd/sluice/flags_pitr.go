package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/binlog"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/replication"
)

// pitrFlags are load's point-in-time recovery flags: replay a binlog archive after the dump.
type pitrFlags struct {
	binlogs        string // --binlogs ARCHIVE
	untilTime      string // --until-time, parsed into opts.UntilTime by check
	untilGTID      string
	allowStatement bool
	opts           binlog.ReplayOptions
}

func addPITRFlags(fs *pflag.FlagSet) *pitrFlags {
	p := &pitrFlags{}
	fs.StringVar(&p.binlogs, "binlogs", "", "after loading, replay this binlog archive (sluice binlog-archive) from the dump's coordinates")
	fs.StringVar(&p.untilTime, "until-time", "", "with --binlogs: stop before the first transaction after this time (RFC 3339, or YYYY-MM-DD HH:MM:SS local time)")
	fs.StringVar(&p.untilGTID, "until-gtid", "", "with --binlogs: stop after this GTID position (MariaDB, e.g. 0-1-4711) or set (MySQL, e.g. UUID:1-4711) is applied")
	fs.BoolVar(&p.allowStatement, "allow-statement-binlogs", false, "with --binlogs: replay statement-format DML too (exact only for deterministic statements)")
	return p
}

// check validates the flags; replicate says whether --replicate-from was given too.
func (p *pitrFlags) check(replicate bool) error {
	if p.binlogs == "" {
		if p.untilTime != "" || p.untilGTID != "" || p.allowStatement {
			return usageError{errString("--until-time, --until-gtid and --allow-statement-binlogs need --binlogs ARCHIVE")}
		}
		return nil
	}
	if strings.Contains(p.binlogs, "://") {
		return usageError{fmt.Errorf("--binlogs %s: a binlog archive is a local directory for now (not object storage): copy it to a local directory first", p.binlogs)}
	}
	if p.untilTime != "" && p.untilGTID != "" {
		return usageError{errString("give --until-time or --until-gtid, not both")}
	}
	if replicate {
		return usageError{errString("--binlogs and --replicate-from both bring the target forward from the dump: give one")}
	}
	if p.untilTime != "" {
		t, err := time.Parse(time.RFC3339, p.untilTime)
		if err != nil {
			if t, err = time.ParseInLocation(time.DateTime, p.untilTime, time.Local); err != nil {
				return usageError{fmt.Errorf("--until-time %q: want RFC 3339 (2026-12-01T13:45:00Z) or YYYY-MM-DD HH:MM:SS", p.untilTime)}
			}
		}
		p.opts.UntilTime = t
	}
	p.opts.Dir, p.opts.UntilGTID, p.opts.AllowStatementBinlogs = p.binlogs, p.untilGTID, p.allowStatement
	return nil
}

// replayBegun says whether the target records a replay of the dump at coords begun and not
// finished (binlog.ReplayPosition): load --resume then resumes the replay alone.
func (p *pitrFlags) replayBegun(ctx context.Context, cfg conn.Config, coords *replication.Coordinates) (bool, error) {
	if coords == nil || coords.File == "" {
		return false, nil
	}
	db, err := cfg.Open(ctx, "", 1)
	if err != nil {
		return false, err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("connect to %s: %w", cfg, err)
	}
	defer c.Close()
	_, ok, err := binlog.ReplayPosition(ctx, c, fmt.Sprintf("%s:%d", coords.File, coords.Position))
	return ok, err
}

// replay applies the archive to the target after the dump at coords was loaded (or, with
// dryRun, only reads it) and logs the last transaction it applied or would apply; resume
// continues after the position an interrupted replay recorded on the target.
func (p *pitrFlags) replay(ctx context.Context, cfg conn.Config, coords *replication.Coordinates, enableBinlog, dryRun, resume bool, u *ui) error {
	if p.binlogs == "" {
		return nil
	}
	if coords == nil || coords.File == "" {
		return fmt.Errorf("--binlogs: the dump records no binlog coordinates (binary logging was off on its server): there is no position to replay from")
	}
	o := p.opts
	o.DumpFile, o.DumpPos, o.DryRun, o.Resume, o.Log = coords.File, coords.Position, dryRun, resume, u.log
	var res binlog.ReplayResult
	var err error
	if dryRun {
		res, err = binlog.Replay(ctx, nil, o)
	} else {
		// One round trip per transaction: its statements joined (ReplayOptions.MultiStatements).
		mc := cfg.DriverConfig("")
		mc.MultiStatements = true
		connector, oerr := mysql.NewConnector(mc)
		if oerr != nil {
			return fmt.Errorf("connect to %s: %w", cfg, oerr)
		}
		db, oerr := cfg.OpenConnector(ctx, connector, 1)
		if oerr != nil {
			return oerr
		}
		o.MultiStatements = true
		defer db.Close()
		c, cerr := db.Conn(ctx)
		if cerr != nil {
			return fmt.Errorf("connect to %s: %w", cfg, cerr)
		}
		defer c.Close()
		if !enableBinlog {
			if _, err := c.ExecContext(ctx, "SET SESSION sql_log_bin = 0"); err != nil {
				return fmt.Errorf("replay on %s: SET sql_log_bin = 0: %w (or give --enable-binlog)", cfg, err)
			}
		}
		res, err = binlog.Replay(ctx, c, o)
	}
	verb := "binlog replay"
	if dryRun {
		verb = "binlog replay (dry run): would apply"
	}
	u.log.Info(verb, "transactions", res.Transactions, "statements", res.Statements, "last_gtid", res.LastGTID,
		"last_time", res.LastTime.Format(time.RFC3339), "last", res.Last, "elapsed", res.Elapsed.Round(time.Millisecond))
	if dryRun {
		fmt.Fprintf(u.stdout, "binlog replay: %d transactions; the last: GTID %s at %s: %s\n", res.Transactions, res.LastGTID, res.LastTime.Format(time.RFC3339), res.Last)
	}
	return err
}
