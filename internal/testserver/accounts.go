package testserver

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"

	"github.com/go-sql-driver/mysql"
)

// rootDB opens a pool to the server as root over the unix socket, without a
// password (mariadb-install-db --auth-root-authentication-method=normal).
func (s *Server) rootDB() (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "unix"
	cfg.Addr = s.Socket
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("testserver: root connector for %s: %w", s.Socket, err)
	}
	return sql.OpenDB(c), nil
}

// setupAccounts drops the anonymous accounts, which would otherwise win over
// 'sluice'@'%' for logins from localhost (MariaDB manual, "Create User":
// anonymous accounts), and creates the sluice account with a random password
// from '%', '127.0.0.1' and 'localhost'.
func (s *Server) setupAccounts(ctx context.Context) error {
	db, err := s.rootDB()
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.QueryContext(ctx, "SELECT Host FROM mysql.user WHERE User = ''")
	if err != nil {
		return fmt.Errorf("testserver: list anonymous accounts: %w", err)
	}
	var hosts []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("testserver: list anonymous accounts: %w", err)
		}
		hosts = append(hosts, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("testserver: list anonymous accounts: %w", err)
	}
	for _, h := range hosts {
		if _, err := db.ExecContext(ctx, "DROP USER ''@"+sqltext.QuoteString(h)); err != nil {
			return fmt.Errorf("testserver: drop anonymous account ''@%s: %w", sqltext.QuoteString(h), err)
		}
	}

	pw := make([]byte, 16)
	if _, err := rand.Read(pw); err != nil {
		return fmt.Errorf("testserver: random password: %w", err)
	}
	s.Password = hex.EncodeToString(pw)
	for _, h := range []string{"%", "127.0.0.1", "localhost"} {
		acct := sqltext.QuoteString(s.User) + "@" + sqltext.QuoteString(h)
		// The statement carries the password: errors name the account only.
		if _, err := db.ExecContext(ctx, "CREATE USER "+acct+" IDENTIFIED BY "+sqltext.QuoteString(s.Password)); err != nil {
			return fmt.Errorf("testserver: create user %s: %w", acct, err)
		}
		if _, err := db.ExecContext(ctx, "GRANT ALL PRIVILEGES ON *.* TO "+acct+" WITH GRANT OPTION"); err != nil {
			return fmt.Errorf("testserver: grant all to %s: %w", acct, err)
		}
	}
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&s.Version); err != nil {
		return fmt.Errorf("testserver: SELECT VERSION(): %w", err)
	}
	return nil
}
