// Package binlog archives a MySQL/MariaDB server's binary logs by connecting to it as a
// replica, for point-in-time recovery.
//
// protocol.go speaks just enough of the client/server protocol (MariaDB KB "Client/Server
// Protocol"): the v10 handshake, mysql_native_password authentication (with an auth switch),
// COM_QUERY for statements without result sets, and COM_BINLOG_DUMP. stream.go reads the
// event packets that follow COM_BINLOG_DUMP; event.go parses the 19-byte v4 event header and
// the few event bodies the archive needs (Rotate, Format_description, MariaDB GTID).
//
// Archive (archive.go) writes the events, byte for byte, to binlog files of the same names as
// the source's (magic "\xfebin" then the events, readable by mariadb-binlog), switching file
// when the source rotates, and rewrites the archive's index (index.go) after each file is
// fsynced. It resumes an archive from the end of its last durable file. While it runs it holds the
// archive's LockName file locked (internal/filelock), so a second archiver of it stops at once.
package binlog
