// Package dumper takes a consistent snapshot of a MySQL or MariaDB server with N worker
// connections and writes schemas and table data, in chunks and in parallel, to a dump directory
// laid out as mydumper lays it out (see internal/dumpdir).
//
// The design, file by file:
//   - lock.go: the lock (--lock-mode: MariaDB BACKUP STAGE, FTWRL, LOCK TABLES, none) is taken,
//     every worker starts its consistent-snapshot transaction, the binlog coordinates (and with
//     --replica-data the replica's source position) are read, and the lock is released as soon
//     as the non-transactional tables, dumped first, are read. Before FTWRL, queries running
//     longer than --lock-wait-timeout make the dump give up naming them, or are killed.
//   - key.go, chunk.go: each table is cut on its primary or unique key into chunks of about
//     --rows rows by a planner connection while the workers already dump the first chunks:
//     fixed integer steps for a dense integer key, index walking (ORDER BY key LIMIT 1 OFFSET n)
//     for any other key; ranges are half-open and unbounded at both ends, so every row is in
//     exactly one chunk. A table without a usable key is one scan split into files.
//   - data.go, writer.go, tsv.go: a worker streams its chunk through the driver's raw rows into
//     SQL (multi-row INSERT) or TSV files, compressed or not, numbered per table.
//   - filter.go: --regex and --ignore-engines; progress.go: the Progress counters the command
//     line prints.
package dumper
