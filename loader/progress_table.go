package loader

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// Why a table on the target: a data file is loaded in transactions (--queries-per-transaction,
// and the byte bound of txbound.go), and each COMMIT also writes, in the same transaction, how
// many of the file's INSERT statements (SQL files) or rows (tsv files) are in. After a kill at any point the server has either both the rows and the count or
// neither, so --resume skips exactly the committed statements: no row twice, none missing. A
// line in the journal file cannot give that guarantee (it is written after the COMMIT and can be
// lost), and INSERT IGNORE would need a primary key and would hide real duplicates.
const (
	progressDB    = "_sluice_load"
	progressTable = "`_sluice_load`.`progress`"
)

// keepsProgress reports whether r records its data progress in the progress table: every
// restore but a pipe's (a copy, copier.Run). A pipe's files are in memory and gone with the
// process that dumped them, so no later run could read its rows (a resumed copy takes a new
// snapshot, with another restore id, and reloads every table the interrupted copy did not
// complete); they would only be left behind on the target by a copy that was killed.
func (r *restore) keepsProgress() bool { return r.o.Pipe == nil }

// recordProgress records on c, inside the data's open transaction, that file has statements
// INSERT statements (SQL files) or rows (tsv files) committed, and whether it is done, so that
// the commit and its progress land together (exactly-once resume). A restore that keeps no
// progress (keepsProgress) records nothing. The error says where the progress goes.
func (r *restore) recordProgress(ctx context.Context, c *sql.Conn, file string, statements int64, done bool) error {
	if !r.keepsProgress() {
		return nil
	}
	if _, err := c.ExecContext(ctx, progressSQL(r.id, file, statements, done)); err != nil {
		return fmt.Errorf("recording progress in %s: %w", progressTable, err)
	}
	return nil
}

// fileProgress is what the progress table says about one data file.
type fileProgress struct {
	statements int64 // INSERT statements (SQL files) or rows (tsv files) committed
	done       bool  // the whole file is committed
}

// createProgressTable creates the progress table if missing. The restore id keys the rows so
// that restores of different dumps into one server do not mix.
func createProgressTable(ctx context.Context, c *sql.Conn) error {
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS " + sqltext.QuoteIdent(progressDB),
		"CREATE TABLE IF NOT EXISTS " + progressTable + " (restore_id CHAR(64) NOT NULL, file VARCHAR(700) NOT NULL," +
			" statements BIGINT NOT NULL, done BOOL NOT NULL, PRIMARY KEY (restore_id, file)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("resume progress table %s: %w", progressTable, err)
			}
			return fmt.Errorf("resume progress table %s: %w: the user needs CREATE on it", progressTable, err)
		}
	}
	return nil
}

// readProgress returns the progress recorded for restore id, by file name. It is a locking
// read (LOCK IN SHARE MODE): a transaction of the interrupted restore whose COMMIT the server
// received but had not finished (a slow fsync, semi-sync, Galera certification) holds its
// progress row, and a plain read would see the count before it and load its rows again. A
// session of that restore the server still holds open makes the read wait, and fail after
// innodb_lock_wait_timeout with the hint to end it.
func readProgress(ctx context.Context, c *sql.Conn, id string) (map[string]fileProgress, error) {
	rows, err := c.QueryContext(ctx, "SELECT file, statements, done FROM "+progressTable+" WHERE restore_id = ? LOCK IN SHARE MODE", id)
	if errIs(err, 1205) {
		return nil, fmt.Errorf("resume progress table %s: %w: a session of the interrupted restore still holds its progress: wait for it to end (SHOW PROCESSLIST; KILL it) and resume again", progressTable, err)
	}
	if err != nil {
		return nil, fmt.Errorf("resume progress table %s: %w", progressTable, err)
	}
	defer rows.Close()
	m := map[string]fileProgress{}
	for rows.Next() {
		var f string
		var p fileProgress
		if err := rows.Scan(&f, &p.statements, &p.done); err != nil {
			return nil, err
		}
		m[f] = p
	}
	return m, rows.Err()
}

// progressSQL is the statement that records a file's progress inside the data's transaction.
func progressSQL(id, file string, statements int64, done bool) string {
	d := "0"
	if done {
		d = "1"
	}
	return "INSERT INTO " + progressTable + " (restore_id, file, statements, done) VALUES (" +
		sqltext.QuoteString(id) + ", " + sqltext.QuoteString(file) + ", " + strconv.FormatInt(statements, 10) + ", " + d +
		") ON DUPLICATE KEY UPDATE statements = VALUES(statements), done = VALUES(done)"
}

// dropProgress removes restore id's rows, and the progress database when no other restore uses it.
func dropProgress(ctx context.Context, c *sql.Conn, id string) error {
	if _, err := c.ExecContext(ctx, "DELETE FROM "+progressTable+" WHERE restore_id = ?", id); err != nil {
		return err
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+progressTable).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		_, err := c.ExecContext(ctx, "DROP DATABASE IF EXISTS "+sqltext.QuoteIdent(progressDB))
		return err
	}
	return nil
}
