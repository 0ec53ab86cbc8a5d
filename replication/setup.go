package replication

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"
	"strconv"
	"strings"
	"time"
)

// pollInterval is how often WaitCaughtUp reads the replica's status.
const pollInterval = 250 * time.Millisecond

// Setup makes target a replica of the source whose dump coordinates are c: it runs
// SetupStatements(t, c, o) on one connection of target, then WaitCaughtUp (bounded by wait).
// source may be nil; see WaitCaughtUp. The first statement (STOP SLAVE/REPLICA) failing
// because a named connection or channel does not exist yet is ignored. Run CheckTarget first unless the user said --force.
// Errors name the failing statement in its redacted form (RedactedStatements) and never
// contain the password.
func Setup(ctx context.Context, target, source *sql.DB, t Target, c Coordinates, o SetupOptions,
	wait time.Duration, progress func(lag int64, status string)) error {
	stmts, err := SetupStatements(t, c, o)
	if err != nil {
		return err
	}
	shown, err := RedactedStatements(t, c, o)
	if err != nil {
		return err
	}
	conn, err := target.Conn(ctx)
	if err != nil {
		return fmt.Errorf("replication setup: connect to target: %w", err)
	}
	defer conn.Close()
	// The literals escape backslashes, which NO_BACKSLASH_ESCAPES would take literally.
	if _, err := conn.ExecContext(ctx, "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')"); err != nil {
		return fmt.Errorf("replication setup: set sql_mode: %w", err)
	}
	for i, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			if i == 0 && noSuchChannel(err) {
				continue // STOP on a connection/channel that does not exist yet
			}
			return &redactedError{
				msg: fmt.Sprintf("replication setup: %s: %s", shown[i], redact(err.Error(), o.Password)),
				err: err,
			}
		}
	}
	return WaitCaughtUp(ctx, target, source, t.Flavor, o.Channel, wait, progress)
}

// noSuchChannel tells the error of STOP SLAVE 'name' (MariaDB ER_SLAVE_CONNECTION_NOT_FOUND,
// 1617) and STOP REPLICA FOR CHANNEL 'name' (MySQL ER_REPLICA_CHANNEL_DOES_NOT_EXIST, 3074) on
// a connection that is not configured yet.
func noSuchChannel(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1617 || me.Number == 3074)
}

// redactedError carries a driver error whose text may quote the password: Error shows the
// redacted text, Unwrap the original (for errors.As on *mysql.MySQLError).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(s, password string) string {
	if password == "" {
		return s
	}
	return strings.ReplaceAll(s, password, RedactedPassword)
}

// WaitCaughtUp polls the replica's status (channel "" is the default one) every 250 ms until
// both replication threads run (Slave_IO_Running and Slave_SQL_Running, or Replica_*, are
// "Yes") and the replica has caught up:
//   - with a source: the replica has applied everything the source had at that poll: its
//     @@gtid_slave_pos covers the source's @@gtid_binlog_pos in every domain (MariaDB), or the
//     source's @@gtid_executed is a subset of its own (MySQL), or its Relay_Master_Log_File
//     and Exec_Master_Log_Pos have reached the source's SHOW MASTER STATUS;
//   - without one (source nil): Seconds_Behind_Master is 0.
//
// progress (may be nil) gets the lag in seconds (Seconds_Behind_Master, -1 when NULL) and a
// one-line status at every poll. It fails at once when a replication thread stopped on an
// error, and after wait with the last Last_IO_Error / Last_SQL_Error; both errors end with
// what to do.
func WaitCaughtUp(ctx context.Context, replica, source *sql.DB, flavor Flavor, channel string,
	wait time.Duration, progress func(lag int64, status string)) error {
	if progress == nil {
		progress = func(int64, string) {}
	}
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		st, err := readReplicaState(ctx, replica, flavor, channel)
		if err != nil {
			return err
		}
		progress(st.lag, st.String())
		if st.stoppedOnError() {
			return fmt.Errorf("replica stopped: %s: fix the cause on the replica, then START SLAVE / START REPLICA", st.errors())
		}
		if st.running() {
			done, err := caughtUp(ctx, replica, source, flavor, st)
			if err != nil {
				return err
			}
			if done {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replica did not catch up within %s (%s): %s: fix the cause, or wait longer with --replication-wait",
				wait, st, st.errors())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the replica to catch up: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// replicaState is the part of SHOW SLAVE/REPLICA STATUS that WaitCaughtUp watches.
type replicaState struct {
	io, sql        string // "Yes", "No", "Connecting", "Preparing"
	lag            int64  // seconds behind the source; -1 when NULL
	state          string // Slave_SQL_Running_State
	file           string // Relay_Master_Log_File
	pos            uint64 // Exec_Master_Log_Pos
	ioErr, sqlErr  string // Last_IO_Error, Last_SQL_Error
	ioErrno, sqlNo string // Last_IO_Errno, Last_SQL_Errno
}

func readReplicaState(ctx context.Context, q queryer, flavor Flavor, channel string) (replicaState, error) {
	row, err := replicaStatus(ctx, q, flavor, channel)
	if err != nil {
		return replicaState{}, err
	}
	if row == nil {
		return replicaState{}, errors.New("replica status: the target is not a replica (SHOW SLAVE STATUS is empty): run the setup statements first")
	}
	var st replicaState
	st.io, _ = row.get("Slave_IO_Running", "Replica_IO_Running")
	st.sql, _ = row.get("Slave_SQL_Running", "Replica_SQL_Running")
	st.state, _ = row.get("Slave_SQL_Running_State", "Replica_SQL_Running_State")
	st.file, _ = row.get("Relay_Master_Log_File", "Relay_Source_Log_File")
	pos, _ := row.get("Exec_Master_Log_Pos", "Exec_Source_Log_Pos")
	st.pos, _ = strconv.ParseUint(pos, 10, 64)
	st.ioErr, _ = row.get("Last_IO_Error")
	st.sqlErr, _ = row.get("Last_SQL_Error")
	st.ioErrno, _ = row.get("Last_IO_Errno")
	st.sqlNo, _ = row.get("Last_SQL_Errno")
	st.lag = -1
	if s, _ := row.get("Seconds_Behind_Master", "Seconds_Behind_Source"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			st.lag = n
		}
	}
	return st, nil
}

func (s replicaState) running() bool { return s.io == "Yes" && s.sql == "Yes" }

// stoppedOnError: a thread that stopped with an error does not restart by itself (an IO
// thread that cannot connect stays "Connecting" and retries, so it is not counted here).
func (s replicaState) stoppedOnError() bool {
	return (s.io == "No" && s.ioErrno != "" && s.ioErrno != "0") ||
		(s.sql == "No" && s.sqlNo != "" && s.sqlNo != "0")
}

func (s replicaState) String() string {
	lag := "NULL"
	if s.lag >= 0 {
		lag = strconv.FormatInt(s.lag, 10) + "s"
	}
	out := fmt.Sprintf("IO thread %s, SQL thread %s, behind %s, at %s:%d", s.io, s.sql, lag, s.file, s.pos)
	if s.state != "" {
		out += ": " + s.state
	}
	return out
}

func (s replicaState) errors() string {
	ioErr, sqlErr := s.ioErr, s.sqlErr
	if ioErr == "" {
		ioErr = "none"
	}
	if sqlErr == "" {
		sqlErr = "none"
	}
	return fmt.Sprintf("Last_IO_Error: %s; Last_SQL_Error: %s", ioErr, sqlErr)
}

// caughtUp compares the running replica with the source now (see WaitCaughtUp).
func caughtUp(ctx context.Context, replica, source *sql.DB, flavor Flavor, st replicaState) (bool, error) {
	if source == nil {
		return st.lag == 0, nil
	}
	src, err := readCoordinates(ctx, source)
	if err != nil {
		return false, fmt.Errorf("source: %w", err)
	}
	if src.File != "" && binlogReached(st.file, st.pos, src.File, src.Position) {
		return true, nil
	}
	if src.GTIDSet == "" {
		return false, nil
	}
	if flavor == MySQL {
		var subset bool
		if err := replica.QueryRowContext(ctx, "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)", src.GTIDSet).Scan(&subset); err != nil {
			return false, fmt.Errorf("replica: SELECT GTID_SUBSET(<source set>, @@GLOBAL.gtid_executed): %w", err)
		}
		return subset, nil
	}
	s, err := queryString(ctx, replica, "SELECT @@GLOBAL.gtid_slave_pos")
	if err != nil {
		return false, fmt.Errorf("replica: %w", err)
	}
	have, err := parseMariaPos(s)
	if err != nil {
		return false, fmt.Errorf("replica @@gtid_slave_pos: %w", err)
	}
	want, err := parseMariaPos(src.GTIDSet)
	if err != nil {
		return false, fmt.Errorf("source @@gtid_binlog_pos: %w", err)
	}
	return have.covers(want), nil
}

// binlogReached reports whether binlog coordinates file:pos are at or past target:tpos. Binlog
// file names share a base name and differ in a zero-padded number that may grow a digit, so a
// longer name is later.
func binlogReached(file string, pos uint64, target string, tpos uint64) bool {
	if file == "" {
		return false
	}
	if len(file) != len(target) {
		return len(file) > len(target)
	}
	if file != target {
		return file > target
	}
	return pos >= tpos
}
