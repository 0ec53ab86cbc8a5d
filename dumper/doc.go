// Package dumper takes a consistent snapshot of a MySQL or MariaDB server with N worker
// connections and writes schemas and table data, in chunks and in parallel, to a dump directory
// laid out as mydumper lays it out (see internal/dumpdir).
//
// The design, file by file:
//   - lock.go: the lock (--lock-mode: MariaDB BACKUP STAGE, FTWRL, LOCK TABLES, none) is taken,
//     every worker starts its consistent-snapshot transaction, the binlog coordinates (and with
//     --replica-data the replica's source position) are read, and the lock is released as soon
//     as the non-transactional tables, dumped first, are read. Before FTWRL, queries running
//     longer than --lock-wait-timeout make the dump give up naming them, or are killed. The
//     catalog is read again under the lock (checkCatalog) and after the last SHOW CREATE
//     (checkSchemasCurrent), so that no table altered in those gaps is dumped with a schema
//     that differs from the one at the binlog coordinates.
//   - key.go, chunk.go: each table is cut on its primary or unique key into chunks of about
//     --rows rows by a planner connection while the workers already dump the first chunks:
//     fixed integer steps for a dense integer key, index walking (ORDER BY key LIMIT 1 OFFSET n)
//     for any other key; ranges are half-open and unbounded at both ends, so every row is in
//     exactly one chunk. A table without a usable key is one scan split into files, and so is
//     any table that the tables after it (largest first) leave enough work beside (wholeTables).
//   - split.go: a range chunk is read half of what is left per SELECT, and an idle worker takes
//     the upper half of the largest range still being read.
//   - every dump connection runs over an internal/wire Conn, and a worker reads the rows of
//     its SELECTs straight from that socket (text result sets, values used in place) instead
//     of through go-sql-driver, which parses and boxes every value; the driver's rows remain
//     the fallback (TLS or compressed sessions).
//   - data.go, writer.go, tsv.go, syncer.go: a worker streams its chunk into SQL (multi-row
//     INSERT) or TSV files, compressed or not, numbered per table; a background goroutine
//     fsyncs and renames finished files, and the metadata file waits for it. Each row is also
//     added to its chunk's checksum (package internal/checksum) from the packet already read,
//     and each chunk's rows, checksum and key range (the union of its sub-ranges) go into the
//     table's metadata section, for the loader and anyone to check the rows again.
//   - users.go: whether the dump includes accounts (a whole-instance dump does; --users,
//     --no-users, --include-users), read and written to accounts.json by package accounts.
//   - filter.go: --regex and --ignore-engines; progress.go: the Progress the command line prints
//     (package progress).
package dumper
