// Package replication owns the snapshot coordinates (binlog file and position, GTID set,
// server flavour) recorded in a dump, and the statements that attach a restored server to its
// source as a replica from those coordinates.
//
// Reading: ReadCoordinates (on the connection holding the dump's consistency lock) and
// ReadReplicaSource (for dumps of a replica) parse SHOW ... STATUS rows by column name, so the
// renamed columns of MySQL 8.0.22+ (Source_*, Replica_*) and MariaDB's extra ones are handled
// alike. Both round-trip through the dump's metadata file ([source], [replica_source]).
//
// Attaching: SetupStatements picks the dialect from the target's flavour and version (MariaDB
// CHANGE MASTER with MASTER_USE_GTID; MySQL < 8.0.23 CHANGE MASTER; later CHANGE REPLICATION
// SOURCE), RedactedStatements is the printable form, CheckTarget refuses a target that already
// replicates or whose GTID history conflicts, and Setup runs the statements and waits, by
// polling, until the replica has caught up with its source.
package replication
