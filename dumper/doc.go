// Package dumper takes a consistent snapshot of a MySQL or MariaDB server with N worker
// connections and writes schemas and table data, in chunks and in parallel, to a dump directory
// laid out as mydumper lays it out (see internal/dumpdir). The global lock (FTWRL or MariaDB
// BACKUP STAGE) is held only until every worker has started its consistent-snapshot transaction.
package dumper
