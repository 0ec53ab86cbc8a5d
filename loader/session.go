package loader

import (
	"context"
	"database/sql"
	"fmt"
)

// sessionSQL prepares a loading connection as myloader does: no foreign-key or unique checks
// (the data was consistent when dumped), NO_AUTO_VALUE_ON_ZERO so that 0 in an AUTO_INCREMENT
// column stays 0, no strict mode so that zero dates load, UTC for TIMESTAMP values, and no binary
// logging unless asked (MariaDB manual, "sql_log_bin"). Without binary logging the session reads
// at READ COMMITTED, so concurrent loads of one table and the progress table's upserts take no
// gap locks and deadlock far less often (MariaDB manual, "InnoDB Lock Modes").
func sessionSQL(o *Options) []string {
	q := []string{
		"SET SESSION foreign_key_checks = 0",
		"SET SESSION unique_checks = 0",
		"SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
		"SET SESSION time_zone = '+00:00'",
	}
	if !o.EnableBinlog {
		q = append(q, "SET SESSION sql_log_bin = 0", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
	}
	return q
}

// prepare opens one connection and runs sessionSQL on it.
func prepare(ctx context.Context, db *sql.DB, o *Options) (*sql.Conn, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range sessionSQL(o) {
		if _, err := c.ExecContext(ctx, q); err != nil {
			c.Close()
			if !o.EnableBinlog && q == "SET SESSION sql_log_bin = 0" {
				return nil, fmt.Errorf("%s: %w: the user needs SUPER (or BINLOG ADMIN), or use --enable-binlog", q, err)
			}
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return c, nil
}

// use makes db the connection's default database.
func use(ctx context.Context, c *sql.Conn, db string) error {
	_, err := c.ExecContext(ctx, "USE "+quoteIdent(db))
	return err
}
