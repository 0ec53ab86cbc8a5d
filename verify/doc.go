// Package verify compares the tables of two live servers, as pt-table-checksum and
// mysqldbcompare do, without their traps: it needs no statement-based replication of its own
// queries (each server is asked directly), and TIMESTAMPs compare equal whatever the servers'
// time zones (every session runs with time_zone '+00:00', package checksum's Session).
//
// Table by table (Run): the structure (SHOW CREATE TABLE, AUTO_INCREMENT ignored), then chunks
// cut along the primary key or a NOT NULL unique key by walking the source's index (tables with
// neither are compared whole), each chunk's row count and checksum (checksum.Query, the same
// one the loader checks a dump with) on both servers at once. The chunk size adapts so that one
// checksum query takes about Options.ChunkTime (pt-table-checksum's --chunk-time). A chunk that
// differs is bisected, the two halves' checksums derived from one query, until the ranges that
// differ hold at most Options.BisectRows rows; each is reported as one Diff: table, lower and
// upper key, the rows on each side.
//
// Live replica (Options.Replica, MariaDB): a brief FLUSH TABLES WITH READ LOCK on the source
// while every worker starts a consistent snapshot and the GTID position G is read (the target's
// replication stopped just before, so that it cannot pass G); the target then runs START SLAVE
// UNTIL master_gtid_pos = G, the workers start their snapshots on the target once it has
// stopped there, and replication is started again at once, also when verify fails or is
// interrupted. Writes on the source never stop for longer
// than the lock.
//
// Load on production is bounded by a sleep after each chunk (Options.SleepRatio of the time it
// took) and by pausing while the source's Threads_running is above Options.MaxThreadsRunning
// (pt-table-checksum's --max-load).
package verify
