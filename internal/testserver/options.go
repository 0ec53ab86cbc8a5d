package testserver

// Options configures a throwaway server started by Start. The zero value is a
// server with binary logging (and so MariaDB GTIDs) on, a 128 MiB buffer pool and
// an automatically chosen server_id.
type Options struct {
	// ServerID is the server's server_id (MariaDB manual, "Replication and
	// Binary Log System Variables"). 0 picks one distinct among running test
	// servers: the server's TCP port.
	ServerID int

	// BufferPool is innodb_buffer_pool_size in mariadbd syntax, e.g. "128M" or
	// "1G". "" means "128M".
	BufferPool string

	// LogFileSize is innodb_log_file_size (the redo log) in mariadbd syntax.
	// "" means "256M", large enough that bulk loads do not stall on checkpoints.
	LogFileSize string

	// NoBinlog starts the server with --skip-log-bin. By default the binary log
	// is on (ROW format, log_slave_updates, gtid_domain_id 0), which in MariaDB
	// also means GTIDs are recorded (MariaDB manual, "Global Transaction ID").
	NoBinlog bool

	// ExtraArgs are appended to the mariadbd command line, e.g.
	// "--sql-mode=ANSI_QUOTES"; later options override earlier ones.
	ExtraArgs []string
}

func (o Options) bufferPool() string {
	if o.BufferPool == "" {
		return "128M"
	}
	return o.BufferPool
}

func (o Options) logFileSize() string {
	if o.LogFileSize == "" {
		return "256M"
	}
	return o.LogFileSize
}
