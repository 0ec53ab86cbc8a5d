package replication

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Flavor of the server: MariaDB or MySQL. They differ in GTID format (MariaDB
// "domain-server-seq" lists, MySQL "uuid:interval" sets) and in replication statements.
type Flavor string

// The two flavours sluice knows.
const (
	MariaDB Flavor = "mariadb"
	MySQL   Flavor = "mysql"
)

// Section names of the dump's metadata file (an INI file, mydumper style) that hold
// Coordinates.MetadataKeys and ReplicaSource.MetadataKeys.
const (
	// SourceSection holds the dumped server's own binlog coordinates; mydumper 0.16 names
	// this section "[source]" as well.
	SourceSection = "source"
	// ReplicaSourceSection holds what the dumped server, when it is a replica, reported about
	// its own source. mydumper 0.16 calls it "[source]" followed by the channel name; sluice
	// uses a distinct name so the two can never be confused.
	ReplicaSourceSection = "replica_source"
)

// Coordinates are the binary log position and GTID state of a server at the moment of a
// consistent snapshot, plus what identifies the server.
type Coordinates struct {
	Flavor     Flavor
	Version    string // @@version, e.g. "10.11.6-MariaDB-0+deb12u1"
	ServerID   uint32 // @@server_id
	ServerUUID string // MySQL @@server_uuid; "" on MariaDB
	File       string // binlog file name, "" when binary logging is off
	Position   uint64 // binlog position in bytes within File
	GTIDSet    string // MariaDB @@gtid_binlog_pos, MySQL @@gtid_executed, without whitespace; "" when none
}

// ReadCoordinates reads the coordinates on conn, which must be the connection holding the
// consistency lock (FLUSH TABLES WITH READ LOCK or LOCK INSTANCE FOR BACKUP) so that they
// match the snapshot. The binlog file and position come from SHOW MASTER STATUS, or SHOW
// BINARY LOG STATUS on MySQL >= 8.2 where the former was removed (MySQL 8.4 manual 15.7.7.1);
// an empty result means binary logging is off, and File is "". The GTID set is
// @@GLOBAL.gtid_binlog_pos on MariaDB (the GTIDs written to this server's binlog, as mydumper
// records them) and @@GLOBAL.gtid_executed on MySQL. Errors name the failing statement.
func ReadCoordinates(ctx context.Context, conn *sql.Conn) (Coordinates, error) {
	return readCoordinates(ctx, conn)
}

func readCoordinates(ctx context.Context, q queryer) (Coordinates, error) {
	var c Coordinates
	var err error
	if c.Version, err = queryString(ctx, q, "SELECT @@version"); err != nil {
		return c, fmt.Errorf("read coordinates: %w", err)
	}
	v, err := ParseVersion(c.Version)
	if err != nil {
		return c, fmt.Errorf("read coordinates: %w", err)
	}
	c.Flavor = FlavorOf(c.Version)
	id, err := queryString(ctx, q, "SELECT @@server_id")
	if err != nil {
		return c, fmt.Errorf("read coordinates: %w", err)
	}
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil {
		return c, fmt.Errorf("read coordinates: @@server_id %q: %w", id, err)
	}
	c.ServerID = uint32(n)

	status := "SHOW MASTER STATUS"
	gtidQuery := "SELECT @@GLOBAL.gtid_binlog_pos"
	if c.Flavor == MySQL {
		if c.ServerUUID, err = queryString(ctx, q, "SELECT @@server_uuid"); err != nil {
			return c, fmt.Errorf("read coordinates: %w", err)
		}
		gtidQuery = "SELECT @@GLOBAL.gtid_executed"
		if v.AtLeast(8, 2, 0) {
			status = "SHOW BINARY LOG STATUS"
		}
	}
	gtid, err := queryString(ctx, q, gtidQuery)
	if err != nil {
		return c, fmt.Errorf("read coordinates: %w", err)
	}
	c.GTIDSet = normalizeGTIDSet(gtid)

	rows, err := showRows(ctx, q, status)
	if err != nil {
		return c, fmt.Errorf("read coordinates: %w", err)
	}
	if len(rows) > 0 {
		c.File, _ = rows[0].get("File")
		pos, _ := rows[0].get("Position")
		if c.Position, err = strconv.ParseUint(pos, 10, 64); err != nil {
			return c, fmt.Errorf("read coordinates: %s: Position %q: %w", status, pos, err)
		}
	}
	return c, nil
}

// normalizeGTIDSet removes the whitespace and newlines MySQL puts after the commas of
// @@gtid_executed, so the set fits on one metadata line.
func normalizeGTIDSet(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// MetadataKeys returns the SourceSection of the dump's metadata file as ordered key/value
// pairs, mydumper style: File, Position (both left out when binary logging was off),
// Executed_Gtid_Set, then sluice's own flavor, version, server_id and server_uuid.
func (c Coordinates) MetadataKeys() [][2]string {
	var kv [][2]string
	if c.File != "" {
		kv = append(kv,
			[2]string{"File", c.File},
			[2]string{"Position", strconv.FormatUint(c.Position, 10)})
	}
	return append(kv,
		[2]string{"Executed_Gtid_Set", c.GTIDSet},
		[2]string{"flavor", string(c.Flavor)},
		[2]string{"version", c.Version},
		[2]string{"server_id", strconv.FormatUint(uint64(c.ServerID), 10)},
		[2]string{"server_uuid", c.ServerUUID})
}

// CoordinatesFromMetadata is the inverse of MetadataKeys. Unknown keys are ignored; a missing
// File (binary logging off) or server_uuid is allowed. When flavor is missing (a mydumper
// dump), it is taken from version, or else from the GTID set's shape (MySQL sets contain ':').
// It returns an error naming the key whose value does not parse.
func CoordinatesFromMetadata(kv map[string]string) (Coordinates, error) {
	c := Coordinates{
		File:       kv["File"],
		GTIDSet:    normalizeGTIDSet(kv["Executed_Gtid_Set"]),
		Version:    kv["version"],
		ServerUUID: kv["server_uuid"],
	}
	if p := kv["Position"]; p != "" {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return c, fmt.Errorf("metadata [%s] Position %q: %w", SourceSection, p, err)
		}
		c.Position = n
	}
	if s := kv["server_id"]; s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return c, fmt.Errorf("metadata [%s] server_id %q: %w", SourceSection, s, err)
		}
		c.ServerID = uint32(n)
	}
	switch f := Flavor(kv["flavor"]); {
	case f == MariaDB || f == MySQL:
		c.Flavor = f
	case f != "":
		return c, fmt.Errorf("metadata [%s] flavor %q: want %q or %q", SourceSection, f, MariaDB, MySQL)
	case c.Version != "":
		c.Flavor = FlavorOf(c.Version)
	case strings.Contains(c.GTIDSet, ":"):
		c.Flavor = MySQL
	case c.GTIDSet != "":
		c.Flavor = MariaDB
	}
	return c, nil
}
