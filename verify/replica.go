package verify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/replication"
)

// snapshotAtReplica puts every worker's two connections in consistent snapshots of one point:
// the source at GTID position G, the target (a MariaDB replica of the source) having applied
// exactly up to G. Steps: the target's replication is stopped (so it cannot pass G, which is
// read after); FLUSH TABLES WITH READ LOCK on the source while @@gtid_binlog_pos is read and the
// source snapshots start; the lock is released; the target runs START SLAVE UNTIL
// master_gtid_pos = G and, once its SQL thread has stopped there, the target snapshots start;
// replication is started again (START SLAVE) before this returns, whatever happened (ctx
// cancelled included). It returns G.
func snapshotAtReplica(ctx context.Context, sdb, tdb *sql.DB, workers []worker, o *Options) (gtid string, err error) {
	ctl, err := tdb.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("target: %w", err)
	}
	defer ctl.Close()
	var version string
	if err := ctl.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return "", fmt.Errorf("target: %w", err)
	}
	if replication.FlavorOf(version) != replication.MariaDB {
		return "", fmt.Errorf("--replica: the target runs %s: only a MariaDB replica is supported (START SLAVE UNTIL master_gtid_pos)", version)
	}
	st, err := slaveStatus(ctx, ctl)
	if err != nil {
		return "", fmt.Errorf("--replica: target: SHOW SLAVE STATUS: %w", err)
	}
	if st == nil {
		return "", errors.New("--replica: the target is not a replica (SHOW SLAVE STATUS is empty): verify without --replica")
	}
	o.Log.Info("replica SQL thread", "running", st["Slave_SQL_Running"])
	// MariaDB runs UNTIL master_gtid_pos only from a fully stopped replica, and stops both
	// threads there (MariaDB manual, "START SLAVE": UNTIL master_gtid_pos).
	if _, err := ctl.ExecContext(ctx, "STOP SLAVE"); err != nil {
		return "", fmt.Errorf("--replica: target: STOP SLAVE: %w (the user needs the REPLICATION SLAVE ADMIN or SUPER privilege)", err)
	}
	defer func() {
		// Always, and not on ctx or ctl (a cancelled query closes its connection): an
		// interrupted verify restarts the replica too. STOP SLAVE first: a verify interrupted
		// after START SLAVE UNTIL leaves the SQL thread running towards gtid, and START SLAVE on
		// a running replica only warns, so it would stop there for good. On a stopped
		// replica STOP SLAVE only warns.
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		rc, rerr := tdb.Conn(rctx)
		if rerr == nil {
			defer rc.Close()
			if _, rerr = rc.ExecContext(rctx, "STOP SLAVE"); rerr == nil {
				_, rerr = rc.ExecContext(rctx, "START SLAVE")
			}
		}
		if rerr != nil {
			err = errors.Join(err, fmt.Errorf("--replica: target: START SLAVE: %w: start the replica by hand", rerr))
		} else {
			o.Log.Info("replication started again")
		}
	}()
	if gtid, err = snapshotSource(ctx, sdb, workers); err != nil {
		return "", err
	}
	if _, err := ctl.ExecContext(ctx, "START SLAVE UNTIL master_gtid_pos = "+sqltext.QuoteString(gtid)); err != nil {
		return "", fmt.Errorf("--replica: target: START SLAVE UNTIL master_gtid_pos = '%s': %w", gtid, err)
	}
	if err := waitStopped(ctx, ctl, gtid, o.ReplicaWait); err != nil {
		return "", err
	}
	for _, w := range workers {
		if _, err := w.tgt.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
			return "", fmt.Errorf("target: START TRANSACTION WITH CONSISTENT SNAPSHOT: %w", err)
		}
	}
	return gtid, nil
}

// snapshotSource starts every worker's source snapshot under a global read lock and returns
// the GTID position they see.
func snapshotSource(ctx context.Context, sdb *sql.DB, workers []worker) (string, error) {
	lock, err := sdb.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("source: %w", err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "FLUSH TABLES WITH READ LOCK"); err != nil {
		return "", fmt.Errorf("--replica: source: FLUSH TABLES WITH READ LOCK: %w (the user needs the RELOAD privilege)", err)
	}
	defer lock.ExecContext(context.Background(), "UNLOCK TABLES")
	var gtid string
	if err := lock.QueryRowContext(ctx, "SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil {
		return "", fmt.Errorf("--replica: source: @@gtid_binlog_pos: %w", err)
	}
	for _, w := range workers {
		if _, err := w.src.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
			return "", fmt.Errorf("source: START TRANSACTION WITH CONSISTENT SNAPSHOT: %w", err)
		}
	}
	return gtid, nil
}

// waitStopped waits until the target's SQL thread has stopped at gtid, for at most wait.
func waitStopped(ctx context.Context, ctl *sql.Conn, gtid string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		st, err := slaveStatus(ctx, ctl)
		if err != nil {
			return fmt.Errorf("--replica: target: %w", err)
		}
		if st["Slave_SQL_Running"] != "Yes" {
			if st["Last_SQL_Errno"] != "" && st["Last_SQL_Errno"] != "0" {
				return fmt.Errorf("--replica: the target's SQL thread stopped on error %s: %s", st["Last_SQL_Errno"], st["Last_SQL_Error"])
			}
			var reached int
			if err := ctl.QueryRowContext(ctx, "SELECT MASTER_GTID_WAIT(?, 0)", gtid).Scan(&reached); err != nil {
				return fmt.Errorf("--replica: target: MASTER_GTID_WAIT: %w", err)
			}
			if reached != 0 {
				return fmt.Errorf("--replica: the target's SQL thread stopped before the source's position %s: is it a replica of this source?", gtid)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("--replica: the target did not reach the source's position %s within %s (Seconds_Behind_Master %s): raise --replica-wait", gtid, wait, st["Seconds_Behind_Master"])
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// slaveStatus returns SHOW SLAVE STATUS's row as column name -> value, or nil when the server
// is not a replica.
func slaveStatus(ctx context.Context, c *sql.Conn) (map[string]string, error) {
	rows, err := c.QueryContext(ctx, "SHOW SLAVE STATUS")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	m := make(map[string]string, len(cols))
	for i, c := range cols {
		m[c] = vals[i].String
	}
	return m, rows.Err()
}
