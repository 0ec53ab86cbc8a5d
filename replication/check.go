package replication

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// CheckTarget refuses a target that must not be attached blindly, with an error saying exactly
// what conflicts and ending in "use --force":
//   - it already replicates: SHOW ALL SLAVES STATUS (MariaDB) or SHOW REPLICA/SLAVE STATUS
//     (MySQL) has a row, whatever its IO/SQL thread state;
//   - MariaDB: its @@gtid_binlog_pos or @@gtid_slave_pos is ahead of the dump's GTID set c in
//     a domain both have (its own transactions there would collide with the source's, and
//     break replication under gtid_strict_mode);
//   - MySQL: its @@gtid_executed is not a subset of the dump's set (GTID_SUBSET), i.e. it holds
//     transactions the source never had.
//
// A query failure is returned wrapped, naming the statement.
func CheckTarget(ctx context.Context, db *sql.DB, t Target, c Coordinates) error {
	stmt := "SHOW ALL SLAVES STATUS"
	if t.Flavor == MySQL {
		v, err := ParseVersion(t.Version)
		if err != nil {
			return fmt.Errorf("replication target: %w", err)
		}
		stmt = "SHOW SLAVE STATUS"
		if v.AtLeast(8, 0, 22) {
			stmt = "SHOW REPLICA STATUS"
		}
	}
	rows, err := showRows(ctx, db, stmt)
	if err != nil {
		return fmt.Errorf("replication target: %w", err)
	}
	if len(rows) > 0 {
		r := rows[0]
		host, _ := r.get("Master_Host", "Source_Host")
		port, _ := r.get("Master_Port", "Source_Port")
		io, _ := r.get("Slave_IO_Running", "Replica_IO_Running")
		sqlRunning, _ := r.get("Slave_SQL_Running", "Replica_SQL_Running")
		name, _ := r.get("Connection_name", "Channel_Name")
		what := "default connection"
		if name != "" {
			what = fmt.Sprintf("connection %q", name)
		}
		return fmt.Errorf("replication target already replicates (%s) from %s:%s (IO thread %s, SQL thread %s): "+
			"remove it with RESET SLAVE ALL / RESET REPLICA ALL, or use --force to replace it", what, host, port, io, sqlRunning)
	}
	if c.GTIDSet == "" {
		return nil
	}
	if t.Flavor == MySQL {
		return checkMySQLGTID(ctx, db, c)
	}
	return checkMariaGTID(ctx, db, c)
}

func checkMariaGTID(ctx context.Context, db *sql.DB, c Coordinates) error {
	dump, err := parseMariaPos(c.GTIDSet)
	if err != nil {
		return fmt.Errorf("replication target: the dump's GTID set: %w", err)
	}
	for _, v := range []string{"gtid_binlog_pos", "gtid_slave_pos"} {
		s, err := queryString(ctx, db, "SELECT @@GLOBAL."+v)
		if err != nil {
			return fmt.Errorf("replication target: %w", err)
		}
		mine, err := parseMariaPos(s)
		if err != nil {
			return fmt.Errorf("replication target: @@%s: %w", v, err)
		}
		if ahead := mine.aheadIn(dump); len(ahead) > 0 {
			var ds []string
			for _, d := range ahead {
				ds = append(ds, fmt.Sprintf("%d (target %d, dump %d)", d, mine[d], dump[d]))
			}
			hint := "run RESET MASTER on the target if its own binlog history is disposable"
			if v == "gtid_slave_pos" {
				hint = "SET GLOBAL gtid_slave_pos = '' on the target if its old replication state is disposable"
			}
			return fmt.Errorf("replication target: @@%s %s is ahead of the dump's GTID set %s in domain %s: %s, or use --force",
				v, normalizeGTIDSet(s), c.GTIDSet, strings.Join(ds, ", "), hint)
		}
	}
	return nil
}

func checkMySQLGTID(ctx context.Context, db *sql.DB, c Coordinates) error {
	var executed string
	var subset bool
	err := db.QueryRowContext(ctx, "SELECT @@GLOBAL.gtid_executed, GTID_SUBSET(@@GLOBAL.gtid_executed, ?)", c.GTIDSet).Scan(&executed, &subset)
	if err != nil {
		return fmt.Errorf("replication target: SELECT GTID_SUBSET(@@GLOBAL.gtid_executed, <dump set>): %w", err)
	}
	if !subset {
		return fmt.Errorf("replication target: @@gtid_executed %s is not a subset of the dump's GTID set %s: "+
			"the target has transactions the source never had; use --force (setup runs RESET MASTER, discarding them)",
			normalizeGTIDSet(executed), c.GTIDSet)
	}
	return nil
}
