package verify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/internal/rowmap"
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
	// The restart is registered before the first control statement, and control statements
	// run on a context of their own (control), never cancelled by ctx: a query cancelled by
	// the driver closes its connection but goes on running in the server, so an abandoned
	// STOP SLAVE or START SLAVE UNTIL could land after the restart and leave the replica
	// stopped. Each is short; ctx is checked after it.
	defer func() {
		if rerr := restartReplica(tdb, o); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	// MariaDB runs UNTIL master_gtid_pos only from a fully stopped replica, and stops both
	// threads there (MariaDB manual, "START SLAVE": UNTIL master_gtid_pos).
	if err := control(ctx, ctl, "STOP SLAVE"); err != nil {
		return "", fmt.Errorf("--replica: target: STOP SLAVE: %w (the user needs the REPLICATION SLAVE ADMIN or SUPER privilege)", err)
	}
	if gtid, err = snapshotSource(ctx, sdb, workers); err != nil {
		return "", err
	}
	if err := control(ctx, ctl, "START SLAVE UNTIL master_gtid_pos = "+sqltext.QuoteString(gtid)); err != nil {
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

// slaveStatus returns SHOW SLAVE STATUS's row as column name -> value (rowmap.Query), or nil
// when the server is not a replica.
func slaveStatus(ctx context.Context, c *sql.Conn) (map[string]string, error) {
	rows, err := rowmap.Query(ctx, c, "SHOW SLAVE STATUS")
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// controlTimeout bounds one replica-control statement (STOP SLAVE, START SLAVE ...) and the
// restart at the end of a verify: 30 seconds.
const controlTimeout = 30 * time.Second

// control runs one replica-control statement on c to completion, whatever happens to ctx (see
// snapshotAtReplica), then returns ctx's error if ctx was cancelled meanwhile.
func control(ctx context.Context, c *sql.Conn, stmt string) error {
	cctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	if _, err := c.ExecContext(cctx, stmt); err != nil {
		return err
	}
	return ctx.Err()
}

// restartReplica starts the target's replication again at the end of a verify, on a
// connection of its own and a context of its own (ctx may be cancelled): STOP SLAVE first (a
// verify interrupted after START SLAVE UNTIL leaves the SQL thread running towards the GTID
// position, and START SLAVE on a running replica only warns, so it would stop there for good;
// on a stopped replica STOP SLAVE only warns), then START SLAVE, then it waits until
// Slave_SQL_Running is Yes and Slave_IO_Running has left "No" (it may still be connecting).
// It returns an error naming the fix when that does not happen within controlTimeout.
func restartReplica(tdb *sql.DB, o *Options) error {
	rctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	fail := func(err error) error {
		return fmt.Errorf("--replica: target: START SLAVE: %w: start the replica by hand", err)
	}
	rc, err := tdb.Conn(rctx)
	if err != nil {
		return fail(err)
	}
	defer rc.Close()
	if _, err := rc.ExecContext(rctx, "STOP SLAVE"); err != nil {
		return fail(err)
	}
	if _, err := rc.ExecContext(rctx, "START SLAVE"); err != nil {
		return fail(err)
	}
	for {
		st, err := slaveStatus(rctx, rc)
		if err != nil {
			return fail(err)
		}
		if st["Slave_SQL_Running"] == "Yes" && st["Slave_IO_Running"] != "No" {
			o.Log.Info("replication started again")
			return nil
		}
		if st["Last_SQL_Errno"] != "" && st["Last_SQL_Errno"] != "0" {
			return fail(fmt.Errorf("the SQL thread stopped on error %s: %s", st["Last_SQL_Errno"], st["Last_SQL_Error"]))
		}
		if err := sleep(rctx, 20*time.Millisecond); err != nil {
			return fail(fmt.Errorf("Slave_SQL_Running = %s, Slave_IO_Running = %s after %s", st["Slave_SQL_Running"], st["Slave_IO_Running"], controlTimeout))
		}
	}
}
