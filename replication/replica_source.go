package replication

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// ReplicaSource is what a replica reports about its own source in SHOW SLAVE STATUS (MariaDB,
// MySQL < 8.0.22) or SHOW REPLICA STATUS (MySQL >= 8.0.22): where it replicates from and how
// far it has applied.
type ReplicaSource struct {
	Host     string // Master_Host / Source_Host
	Port     int    // Master_Port / Source_Port
	File     string // Relay_Master_Log_File / Relay_Source_Log_File: the source's binlog being applied
	Position uint64 // Exec_Master_Log_Pos / Exec_Source_Log_Pos: bytes applied within File
	GTIDSet  string // MariaDB @@gtid_slave_pos, MySQL Executed_Gtid_Set; "" when none
}

// ReadReplicaSource reads the replica status on conn (for a consistent dump of a replica, the
// connection holding the lock, with the SQL thread stopped). It returns nil, nil when the
// server is not a replica (no replication configured). Only the default connection/channel is
// read (the first row). Errors name the failing statement.
func ReadReplicaSource(ctx context.Context, conn *sql.Conn, flavor Flavor) (*ReplicaSource, error) {
	return readReplicaSource(ctx, conn, flavor)
}

func readReplicaSource(ctx context.Context, q queryer, flavor Flavor) (*ReplicaSource, error) {
	row, err := replicaStatus(ctx, q, flavor, "")
	if err != nil || row == nil {
		return nil, err
	}
	r := &ReplicaSource{}
	r.Host, _ = row.get("Master_Host", "Source_Host")
	port, _ := row.get("Master_Port", "Source_Port")
	if r.Port, err = strconv.Atoi(port); err != nil {
		return nil, fmt.Errorf("replica status: Master_Port %q: %w", port, err)
	}
	r.File, _ = row.get("Relay_Master_Log_File", "Relay_Source_Log_File")
	pos, _ := row.get("Exec_Master_Log_Pos", "Exec_Source_Log_Pos")
	if pos != "" {
		if r.Position, err = strconv.ParseUint(pos, 10, 64); err != nil {
			return nil, fmt.Errorf("replica status: Exec_Master_Log_Pos %q: %w", pos, err)
		}
	}
	if flavor == MariaDB {
		gtid, err := queryString(ctx, q, "SELECT @@GLOBAL.gtid_slave_pos")
		if err != nil {
			return nil, fmt.Errorf("replica status: %w", err)
		}
		r.GTIDSet = normalizeGTIDSet(gtid)
	} else {
		gtid, _ := row.get("Executed_Gtid_Set")
		r.GTIDSet = normalizeGTIDSet(gtid)
	}
	return r, nil
}

// replicaStatus returns the first row of SHOW SLAVE STATUS / SHOW REPLICA STATUS for channel
// ("" the default one), or nil when the server is not a replica. MySQL >= 8.0.22 gets SHOW
// REPLICA STATUS (SHOW SLAVE STATUS is gone in 8.4); MariaDB gets SHOW SLAVE ['name'] STATUS,
// which every release accepts.
func replicaStatus(ctx context.Context, q queryer, flavor Flavor, channel string) (statusRow, error) {
	stmt := "SHOW SLAVE STATUS"
	if flavor == MariaDB && channel != "" {
		stmt = "SHOW SLAVE " + quote(channel) + " STATUS"
	}
	if flavor == MySQL {
		v, err := queryVersion(ctx, q)
		if err != nil {
			return nil, err
		}
		if v.AtLeast(8, 0, 22) {
			stmt = "SHOW REPLICA STATUS"
		}
		if channel != "" {
			stmt += " FOR CHANNEL " + quote(channel)
		}
	}
	rows, err := showRows(ctx, q, stmt)
	if err != nil {
		return nil, fmt.Errorf("replica status: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0], nil
}

func queryVersion(ctx context.Context, q queryer) (Version, error) {
	s, err := queryString(ctx, q, "SELECT @@version")
	if err != nil {
		return Version{}, err
	}
	return ParseVersion(s)
}

// MetadataKeys returns the ReplicaSourceSection of the dump's metadata file as ordered
// key/value pairs: Host, Port, File, Position, Executed_Gtid_Set (the same key names as the
// SourceSection where the meaning is the same).
func (r ReplicaSource) MetadataKeys() [][2]string {
	return [][2]string{
		{"Host", r.Host},
		{"Port", strconv.Itoa(r.Port)},
		{"File", r.File},
		{"Position", strconv.FormatUint(r.Position, 10)},
		{"Executed_Gtid_Set", r.GTIDSet},
	}
}

// ReplicaSourceFromMetadata is the inverse of ReplicaSource.MetadataKeys. It returns nil, nil
// when kv is empty (the dumped server was not a replica); unknown keys are ignored, and an
// error names a key whose value does not parse.
func ReplicaSourceFromMetadata(kv map[string]string) (*ReplicaSource, error) {
	if len(kv) == 0 {
		return nil, nil
	}
	r := &ReplicaSource{Host: kv["Host"], File: kv["File"], GTIDSet: normalizeGTIDSet(kv["Executed_Gtid_Set"])}
	if p := kv["Port"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("metadata [%s] Port %q: %w", ReplicaSourceSection, p, err)
		}
		r.Port = n
	}
	if p := kv["Position"]; p != "" {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("metadata [%s] Position %q: %w", ReplicaSourceSection, p, err)
		}
		r.Position = n
	}
	return r, nil
}

// StopReplicaSQLThread stops the replica's SQL (applier) thread, so a dump of a replica
// (--replica-data) sees a frozen Exec_Master_Log_Pos; the IO thread keeps fetching. It uses
// STOP SLAVE SQL_THREAD on MariaDB and MySQL < 8.0.22, STOP REPLICA SQL_THREAD after.
func StopReplicaSQLThread(ctx context.Context, conn *sql.Conn, flavor Flavor) error {
	return sqlThread(ctx, conn, flavor, "STOP")
}

// StartReplicaSQLThread undoes StopReplicaSQLThread.
func StartReplicaSQLThread(ctx context.Context, conn *sql.Conn, flavor Flavor) error {
	return sqlThread(ctx, conn, flavor, "START")
}

func sqlThread(ctx context.Context, conn *sql.Conn, flavor Flavor, verb string) error {
	stmt := verb + " SLAVE SQL_THREAD"
	if flavor == MySQL {
		v, err := queryVersion(ctx, conn)
		if err != nil {
			return err
		}
		if v.AtLeast(8, 0, 22) {
			stmt = verb + " REPLICA SQL_THREAD"
		}
	}
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w (the dump user needs the REPLICATION SLAVE ADMIN or SUPER privilege)", stmt, err)
	}
	return nil
}
