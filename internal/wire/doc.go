// Package wire owns reading text result sets straight from a connection's socket, for the
// two readers of whole tables: the dumper's workers (the rows they write) and the loader's
// checksum pass (the rows it reads back to verify).
//
// go-sql-driver's rows parse every integer and floating-point column of the text protocol and
// box every value into an interface (41 % of a dump's CPU in a profile of 2M rows of ten INT
// columns), and database/sql prints parsed FLOAT and DOUBLE values back differently from the
// server. Here a row is one packet whose values are used in place: the caller gets the
// server's own text, as mysqldump and mydumper write it. The connection is the driver's
// (Open's pool, whose sockets Sockets.Lookup finds), idle between two of its commands, inside
// any transaction the caller began; the protocol is the text result set of COM_QUERY ("Text
// Resultset" in the MySQL source documentation, the same in MariaDB's "Result Set Packets").
// TLS and compressed sessions cannot be read this way (Conn.Direct reports false): callers
// keep the driver's rows as their fallback.
//
// Files: pool.go (the pool and its sockets), resultset.go (COM_QUERY and the result-set
// reader), batchread*.go (while rows stream, the socket wakes its reader once per 256 KiB,
// SO_RCVLOWAT, instead of every few KiB).
package wire
