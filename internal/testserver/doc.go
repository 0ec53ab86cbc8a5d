// Package testserver starts throwaway MariaDB servers (Debian's mariadbd) on a temporary
// datadir, on 127.0.0.1 and a free port, for tests, the demo and the benchmarks.
//
// Start runs mariadb-install-db into os.TempDir()/sluice-test-*/data and starts mariadbd
// with the binary log (ROW, GTID domain 0) on, server_id = port unless given, local_infile
// on, secure_file_priv = FilesDir and durability relaxed (innodb_flush_log_at_trx_commit=2,
// sync_binlog=0). Tests reach it over TCP as the "sluice" account (DSN, DB), or as root over
// the unix socket with the mariadb client (Client, LoadSQLFile). Stop shuts it down with
// SIGTERM and removes the directory; mariadbd also gets SIGTERM if the test process dies.
//
// StartMinIO (minio.go) starts a throwaway MinIO server, the S3-compatible store of the
// object-storage tests and benchmarks, the same way: a temporary directory, 127.0.0.1, a free
// port, random root credentials; MinIO.Env points the AWS SDK at it, and Stop removes it all.
//
// ForTest, MinIOForTest and SharedTestdata follow the house rule: with CI=true a test that cannot get its
// server or data fails, otherwise it is skipped with the reason.
package testserver
