// Package checksum owns sluice's row checksum: one definition computed two ways that must agree.
//
// A chunk's checksum is its row count and the sum, modulo 2^64, of one CRC-32 (IEEE, zlib's)
// per row. A row's CRC is taken over the row as the server sends it in the text protocol with
// SET NAMES binary and time_zone '+00:00': each value as a length-encoded string, 0xFB for NULL
// ("Text Resultset Row" in the MySQL client/server protocol documentation). The dumper computes
// it from the packets it already reads (Sum.AddPacket, no second scan); the loader's checksum
// pass, sluice verify (both sides) and copy's resume check read the rows back the same way
// (Read, over an internal/wire socket; Compute picks it); and any server holding the rows can
// recompute it with one query (Query), which rebuilds the same bytes with CONCAT, CHAR and
// LENGTH, at about three times the server CPU of Read (the fallback where a socket cannot be
// read directly: TLS, compression). A sum, unlike pt-table-checksum's BIT_XOR, does not cancel
// out two equal rows of a table without a key changed the same way.
//
// Types: every column type of MySQL and MariaDB gives the same bytes both ways, FLOAT read as
// CAST(col AS DOUBLE) as the dumper reads it (sqltext.SelectExpr), TIMESTAMP in UTC. The one
// exception is the dumper's fallback reader (TLS or compressed connections, where the driver
// parses and reprints FLOAT and DOUBLE values): there the dumper runs Query in its snapshot
// instead for tables with such columns. A row whose rebuilt string exceeds the server's
// max_allowed_packet makes CONCAT return NULL (a difference that is not one); Query counts
// those rows, and callers refuse the result.
package checksum
