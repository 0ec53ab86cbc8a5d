package binlog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// Why a table on the target: each replayed transaction also writes, before its COMMIT and so
// in the same transaction, the archive position just after it. After an interruption at any
// point (a cancel, a lost connection, a crash of the target) the target has either both the
// transaction and the position or neither, so a resumed replay starts exactly after the last
// committed transaction: none applied twice, none skipped. A journal file written after the
// COMMIT could not say that (loader/progress_table.go makes the same choice for data files).
// Statements that commit on their own (DDL, non-transactional tables) record the position
// right after they complete: an interruption between the two leaves that one statement to be
// applied again on resume, which then fails loudly (the table exists) rather than silently.
const (
	replayDB    = "_sluice_load"
	replayTable = "`_sluice_load`.`binlog_replay`"
)

// Position is a point of a binlog archive: the source's file and the position just after the
// last event of a transaction, and that transaction's GTID ("" when it had none).
type Position struct {
	File string
	Pos  uint64
	GTID string
}

// ReplayPosition returns the position recorded on the target for the replay id (see
// ReplayOptions.ID) by an interrupted Replay, and false when none is recorded (no replay ran,
// or the last one completed). Errors are the target's, naming the table.
func ReplayPosition(ctx context.Context, c *sql.Conn, id string) (Position, bool, error) {
	var p Position
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'binlog_replay'", replayDB).Scan(&n); err != nil {
		return p, false, fmt.Errorf("replay position %s: %w", replayTable, err)
	}
	if n == 0 {
		return p, false, nil
	}
	err := c.QueryRowContext(ctx, "SELECT file, pos, gtid FROM "+replayTable+" WHERE replay_id = ? LOCK IN SHARE MODE", id).Scan(&p.File, &p.Pos, &p.GTID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("replay position %s: %w", replayTable, err)
	}
	return p, true, nil
}

// createReplayTable creates the position table if missing and records start, the dump's
// coordinates, as the replay id's position, unless resuming finds one recorded: the row then
// says that the dump is loaded and its replay begun.
func createReplayTable(ctx context.Context, c *sql.Conn, id string, resume bool, start Position) error {
	stmts := []string{
		"CREATE DATABASE IF NOT EXISTS " + sqltext.QuoteIdent(replayDB),
		"CREATE TABLE IF NOT EXISTS " + replayTable + " (replay_id VARCHAR(255) NOT NULL PRIMARY KEY, file VARCHAR(255) NOT NULL," +
			" pos BIGINT UNSIGNED NOT NULL, gtid VARCHAR(255) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	}
	if !resume {
		stmts = append(stmts, "DELETE FROM "+replayTable+" WHERE replay_id = "+sqltext.QuoteString(id))
	}
	stmts = append(stmts, "INSERT IGNORE INTO "+replayTable+" (replay_id, file, pos, gtid) VALUES ("+sqltext.QuoteString(id)+", "+
		sqltext.QuoteString(start.File)+", "+strconv.FormatUint(start.Pos, 10)+", '')")
	for _, q := range stmts {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("replay position table %s: %w: the user needs CREATE, INSERT and DELETE on it", replayTable, err)
		}
	}
	return nil
}

// positionSQL records p as the replay id's position.
func positionSQL(id string, p Position) string {
	return "INSERT INTO " + replayTable + " (replay_id, file, pos, gtid) VALUES (" + sqltext.QuoteString(id) + ", " +
		sqltext.QuoteString(p.File) + ", " + strconv.FormatUint(p.Pos, 10) + ", " + sqltext.QuoteString(p.GTID) +
		") ON DUPLICATE KEY UPDATE file = VALUES(file), pos = VALUES(pos), gtid = VALUES(gtid)"
}

// dropReplayPosition removes the replay id's row after a complete replay, then the table and
// the database when nothing else is left in them (the loader's progress table shares it).
func dropReplayPosition(ctx context.Context, c *sql.Conn, id string) error {
	if _, err := c.ExecContext(ctx, "DELETE FROM "+replayTable+" WHERE replay_id = ?", id); err != nil {
		return err
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+replayTable).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := c.ExecContext(ctx, "DROP TABLE IF EXISTS "+replayTable); err != nil {
		return err
	}
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", replayDB).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := c.ExecContext(ctx, "DROP DATABASE IF EXISTS "+sqltext.QuoteIdent(replayDB))
	return err
}

// replayLockName is the target's user-level lock (GET_LOCK) that a replay of id holds: a
// prefix and the first 12 bytes of id's SHA-256 in hex, 38 characters (MySQL allows 64).
func replayLockName(id string) string {
	h := sha256.Sum256([]byte(id))
	return "sluice-replay:" + hex.EncodeToString(h[:12])
}

// lockReplay takes the target's user-level lock for the replay id on c without waiting
// (GET_LOCK(name, 0); MariaDB KB "GET_LOCK", MySQL manual 14.14 "Locking Functions"), so that a
// second replay of the same archive into the same server, from this machine or another, is
// refused instead of applying the same transactions twice. It returns the function that
// releases the lock (closing c's session releases it too). A server that refuses user-level
// locks gets a replay without one: the error is logged, not returned. MariaDB 10.11's Galera
// nodes grant them per node (measured), so there only a second replay into the same node is
// refused.
func lockReplay(ctx context.Context, c *sql.Conn, id string, log *slog.Logger) (func(), error) {
	name := replayLockName(id)
	var got sql.NullInt64
	if err := c.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got); err != nil {
		log.Warn("binlog replay: the target refused a user-level lock; a second replay beside this one would not be refused", "lock", name, "err", err)
		return func() {}, nil
	}
	if got.Valid && got.Int64 == 0 {
		return nil, fmt.Errorf("binlog replay %s: another sluice load is replaying this archive into this server (it holds the user-level lock %s): wait for it to end, or stop it and then run load --resume", id, name)
	}
	return func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK(?)", name); err != nil {
			log.Debug("binlog replay: releasing the user-level lock", "lock", name, "err", err)
		}
	}, nil
}
