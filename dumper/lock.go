package dumper

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/rowmap"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/replication"
)

// snapshot is the consistent snapshot: one connection per worker, each in a REPEATABLE READ
// transaction started WITH CONSISTENT SNAPSHOT while the lock was held, and the binlog
// coordinates read under that same lock. The lock stays held until unlock, which the dump calls
// as soon as the non-transactional tables (which no snapshot protects) have been read.
type snapshot struct {
	conns   []*sql.Conn
	coords  replication.Coordinates
	replica *replication.ReplicaSource // --replica-data: the dumped replica's source position

	lockConn  *sql.Conn
	release   []string  // statements that release the lock, in order; nil once released
	lockStart time.Time // when the lock was requested
	lock      time.Duration
	restart   bool // --replica-data stopped the SQL thread: start it after unlocking
	mode      string
}

// workerSession is run on every worker connection before its snapshot: values are read as raw
// bytes (SET NAMES binary) and TIMESTAMPs in UTC, matching the data files' headers and the
// load clause contract (dumpdir.Table).
var workerSession = []string{
	"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
	"SET SESSION sql_mode = ''",
	"SET NAMES binary",
	"SET SESSION time_zone = '+00:00'",
}

// pipeSession is run on the worker connections of a dump into a dumpdir.Pipe: a worker
// waiting for the load to take its file leaves the server blocked sending the rest of the
// result set, which it would abort after net_write_timeout (60 s by default) while the
// target builds indexes. mydumper sets the same for the same reason.
const pipeSession = "SET SESSION net_write_timeout = 2147483"

// unlock releases the lock (once) and restarts the replica SQL thread if it was stopped.
func (s *snapshot) unlock(ctx context.Context) error {
	if s.release == nil {
		return nil
	}
	var err error
	for _, q := range s.release {
		if _, e := s.lockConn.ExecContext(ctx, q); e != nil && err == nil {
			err = fmt.Errorf("%s: %w", q, e)
		}
	}
	if len(s.release) > 0 {
		s.lock = time.Since(s.lockStart)
	}
	s.release = nil
	if s.restart {
		s.restart = false
		if e := replication.StartReplicaSQLThread(ctx, s.lockConn, s.coords.Flavor); e != nil && err == nil {
			err = fmt.Errorf("--replica-data: %w: start it by hand", e)
		}
	}
	return err
}

func (s *snapshot) close() {
	if s.lockConn != nil {
		s.unlock(context.Background())
		s.lockConn.Close()
	}
	for _, c := range s.conns {
		c.ExecContext(context.Background(), "ROLLBACK")
		c.Close()
	}
}

// serverInfo is what the lock choice depends on.
type serverInfo struct {
	flavor  replication.Flavor
	version replication.Version
}

func (v serverInfo) mariadb() bool { return v.flavor == replication.MariaDB }

// readServerInfo reads @@version. A version without a readable major.minor prefix reads as
// 0.0.0, for which auto chooses FTWRL.
func readServerInfo(ctx context.Context, c *sql.Conn) (serverInfo, error) {
	var version string
	if err := c.QueryRowContext(ctx, "SELECT @@version").Scan(&version); err != nil {
		return serverInfo{}, fmt.Errorf("SELECT @@version: %w", err)
	}
	v, _ := replication.ParseVersion(version)
	return serverInfo{flavor: replication.FlavorOf(version), version: v}, nil
}

// lockStatements returns the statements that take and release the lock of mode on server v.
// auto is MariaDB >= 10.4.1: BACKUP STAGE START + BLOCK_COMMIT (commits wait, running queries
// do not block the lock; MariaDB manual "BACKUP STAGE"); MySQL >= 8.0: LOCK INSTANCE FOR BACKUP
// then FTWRL (MySQL manual 15.3.5); otherwise FTWRL. lock-tables takes LOCK TABLES ... READ on
// every dumped table (for servers where the dump user lacks RELOAD).
func lockStatements(mode string, v serverInfo, tables []*table) (lock, release []string, err error) {
	if mode == LockAuto {
		switch {
		case v.mariadb() && v.version.AtLeast(10, 4, 1):
			mode = LockBackupStage
		case !v.mariadb() && v.version.AtLeast(8, 0, 0):
			return []string{"LOCK INSTANCE FOR BACKUP", "FLUSH TABLES WITH READ LOCK"},
				[]string{"UNLOCK TABLES", "UNLOCK INSTANCE"}, nil
		default:
			mode = LockFTWRL
		}
	}
	switch mode {
	case LockFTWRL:
		return []string{"FLUSH TABLES WITH READ LOCK"}, []string{"UNLOCK TABLES"}, nil
	case LockBackupStage:
		if !v.mariadb() || !v.version.AtLeast(10, 4, 1) {
			return nil, nil, fmt.Errorf("--lock-mode backup-stage needs MariaDB 10.4.1 or later: use --lock-mode ftwrl")
		}
		return []string{"BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT"}, []string{"BACKUP STAGE END"}, nil
	case LockTables:
		var names []string
		for _, t := range tables {
			if t.Kind == "table" {
				names = append(names, sqltext.QualifiedName(t.DB, t.Name)+" READ")
			}
		}
		if len(names) == 0 {
			return nil, nil, nil
		}
		return []string{"LOCK TABLES " + strings.Join(names, ", ")}, []string{"UNLOCK TABLES"}, nil
	case LockNone:
		return nil, nil, nil
	}
	return nil, nil, fmt.Errorf("--lock-mode %q: want auto, ftwrl, backup-stage, lock-tables or none", mode)
}

// takeSnapshot opens and prepares the worker connections, then takes the lock, starts every
// worker's consistent-snapshot transaction and reads the coordinates (and, with --replica-data,
// the replica's source position, its SQL thread stopped first) under it. The lock is left held:
// the caller calls unlock. Before a lock that waits for running queries (FTWRL), it checks for
// queries running longer than o.LockWaitTimeout (checkLongQueries).
func takeSnapshot(ctx context.Context, db *sql.DB, tables []*table, o *Options) (s *snapshot, err error) {
	s = &snapshot{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if s.lockConn, err = db.Conn(ctx); err != nil {
		return s, err
	}
	for i := 0; i < o.Threads; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			return s, fmt.Errorf("worker connection %d: %w: try fewer --threads or raise max_connections", i, err)
		}
		s.conns = append(s.conns, c)
		session := workerSession
		if o.Pipe != nil {
			session = append(slices.Clip(session), pipeSession)
		}
		for _, q := range session {
			if _, err := c.ExecContext(ctx, q); err != nil {
				return s, fmt.Errorf("worker %d: %s: %w", i, q, err)
			}
		}
	}
	v, err := readServerInfo(ctx, s.lockConn)
	if err != nil {
		return s, err
	}
	lock, release, err := lockStatements(o.LockMode, v, tables)
	if err != nil {
		return s, err
	}
	s.mode = o.LockMode
	if o.ReplicaData {
		flavor := v.flavor
		if err := replication.StopReplicaSQLThread(ctx, s.lockConn, flavor); err != nil {
			return s, fmt.Errorf("--replica-data: %w", err)
		}
		s.coords.Flavor, s.restart = flavor, true
	}
	if o.LockWaitTimeout > 0 && len(lock) > 0 && strings.Contains(strings.Join(lock, ";"), "FLUSH TABLES") {
		if err := checkLongQueries(ctx, s.lockConn, o); err != nil {
			return s, err
		}
		secs := int64(max(o.LockWaitTimeout.Seconds(), 1))
		if _, err := s.lockConn.ExecContext(ctx, fmt.Sprintf("SET SESSION lock_wait_timeout = %d", secs)); err != nil {
			return s, err
		}
	}
	s.lockStart = time.Now()
	s.release = release
	if release == nil {
		s.release = []string{}
	}
	for _, q := range lock {
		if _, err := s.lockConn.ExecContext(ctx, q); err != nil {
			return s, fmt.Errorf("%s: %w: the dump user needs the RELOAD privilege (BACKUP_ADMIN on MySQL 8), or use --lock-mode lock-tables or none", q, err)
		}
	}
	for i, c := range s.conns {
		if _, err := c.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
			return s, fmt.Errorf("worker %d: START TRANSACTION WITH CONSISTENT SNAPSHOT: %w", i, err)
		}
	}
	flavor := s.coords.Flavor
	if s.coords, err = replication.ReadCoordinates(ctx, s.lockConn); err != nil {
		return s, fmt.Errorf("binlog coordinates: %w", err)
	}
	if o.ReplicaData {
		if s.replica, err = replication.ReadReplicaSource(ctx, s.lockConn, flavor); err != nil {
			return s, fmt.Errorf("--replica-data: %w", err)
		}
		if s.replica == nil {
			s.restart = false // no SQL thread was stopped: there is none to start
			if err := o.warn.Warn("not_a_replica", "--replica-data: the server is not a replica; no replica source recorded"); err != nil {
				return s, err
			}
		}
	}
	if len(lock) == 0 {
		msg := "no lock taken: the workers' snapshots start one after another, so rows written meanwhile may be missed or dumped twice across chunks (-t 1 gives one snapshot, consistent for transactional tables), non-transactional tables are not consistent, and the binlog position may not match the data"
		if len(s.conns) == 1 {
			msg = "no lock taken: one snapshot, consistent for transactional tables only, and the binlog position may not match the data"
		}
		if err := o.warn.Warn("no_lock", msg, "lock_mode", o.LockMode); err != nil {
			return s, err
		}
	}
	return s, nil
}

// checkLongQueries looks for queries that have run at least o.LockWaitTimeout: FLUSH TABLES WITH
// READ LOCK would wait for them while every writer queues behind it. It returns an error naming
// the connection id and query, or with o.KillLongQueries kills those queries (KILL QUERY).
func checkLongQueries(ctx context.Context, c *sql.Conn, o *Options) error {
	secs := int64(o.LockWaitTimeout.Seconds())
	rows, err := rowmap.Query(ctx, c, `SELECT ID, USER, TIME, LEFT(INFO, 200) AS INFO FROM information_schema.PROCESSLIST
		WHERE COMMAND = 'Query' AND INFO IS NOT NULL AND ID <> CONNECTION_ID() AND TIME >= ? ORDER BY TIME DESC`, secs)
	if err != nil {
		return fmt.Errorf("--lock-wait-timeout: %w", err)
	}
	for _, r := range rows {
		if !o.KillLongQueries {
			return fmt.Errorf("connection %s (user %s) has run a query for %s s, longer than --lock-wait-timeout %d s, "+
				"and the global read lock would wait for it while writers queue: %q: retry later, kill it with --kill-long-queries, or use --lock-mode backup-stage or none",
				r["ID"], r["USER"], r["TIME"], secs, r["INFO"])
		}
		o.Log.Warn("killing a long-running query before the lock (--kill-long-queries)", "connection", r["ID"], "user", r["USER"], "seconds", r["TIME"], "query", r["INFO"])
		if _, err := c.ExecContext(ctx, "KILL QUERY "+r["ID"]); err != nil {
			return fmt.Errorf("--kill-long-queries: KILL QUERY %s: %w", r["ID"], err)
		}
	}
	return nil
}
