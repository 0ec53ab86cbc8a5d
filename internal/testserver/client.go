package testserver

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/conn"
)

// DSN returns a go-sql-driver/mysql DSN for User over TCP to Host:Port with
// database db ("" for none): password included, multiStatements, parseTime and
// interpolateParams off, and allowAllFiles on so LOAD DATA LOCAL INFILE may
// read any file. The DSN contains the password: never log it.
func (s *Server) DSN(db string) string {
	cfg := mysql.NewConfig()
	cfg.User = s.User
	cfg.Passwd = s.Password
	cfg.Net = "tcp"
	cfg.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	cfg.DBName = db
	cfg.MultiStatements = false
	cfg.ParseTime = false
	cfg.InterpolateParams = false
	cfg.AllowAllFiles = true
	return cfg.FormatDSN()
}

// DB opens a pool with DSN(db) and pings it. The caller closes the pool.
func (s *Server) DB(db string) (*sql.DB, error) {
	pool, err := sql.Open("mysql", s.DSN(db))
	if err != nil {
		return nil, fmt.Errorf("testserver: open %s@%s:%d/%s: %w", s.User, s.Host, s.Port, db, err)
	}
	if err := pool.Ping(); err != nil {
		pool.Close()
		return nil, fmt.Errorf("testserver: connect %s@%s:%d/%s: %w", s.User, s.Host, s.Port, db, err)
	}
	return pool, nil
}

// Client returns the `mariadb` command-line client connected as root over the
// unix socket without a password, with max_allowed_packet 1 GiB, followed by
// args (e.g. "-e", "SELECT 1" or a database name). Set Stdin/Stdout before
// running it.
func (s *Server) Client(args ...string) *exec.Cmd {
	return s.client(context.Background(), args...)
}

func (s *Server) client(ctx context.Context, args ...string) *exec.Cmd {
	base := []string{"--no-defaults", "--user=root", "--socket=" + s.Socket, "--max-allowed-packet=1G"}
	return exec.CommandContext(ctx, clientPath, append(base, args...)...)
}

// LoadSQLFile runs the SQL script at path (e.g. sakila-schema.sql, DELIMITER
// statements allowed) through the `mariadb` client as root, as `mariadb < path`
// would. The error names path and includes the client's stderr.
func (s *Server) LoadSQLFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("testserver: load SQL file: %w", err)
	}
	defer f.Close()
	var stderr bytes.Buffer
	cmd := s.client(ctx, "--batch")
	cmd.Stdin = f
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("testserver: load %s: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// ConnConfig returns sluice's connection settings that reach s over TCP as its test user, the
// way `sluice -h 127.0.0.1 -P PORT -u sluice -p ...` would.
func (s *Server) ConnConfig() conn.Config {
	c := conn.Config{Host: s.Host, Port: s.Port, User: s.User, Password: s.Password}
	c, _ = c.Resolve(func(string) bool { return true }) // every field given: nothing is read from files
	return c
}
