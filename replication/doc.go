// Package replication owns the snapshot coordinates (binlog file and position, GTID set,
// server flavour) recorded in a dump, and the statements that attach a restored server to its
// source as a replica from those coordinates.
package replication
