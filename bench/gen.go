package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"io"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// GenerateStats describes what [Generate] loaded.
type GenerateStats struct {
	// Tables is the number of tables created and loaded.
	Tables int
	// Rows is the number of rows loaded, all tables together (as the server counted them).
	Rows int64
	// Bytes is the sum of DATA_LENGTH+INDEX_LENGTH (bytes) of the dataset's tables in
	// information_schema.TABLES after loading, indexing and ANALYZE TABLE.
	Bytes int64
	// Seconds is the wall-clock time of the whole call, in seconds.
	Seconds float64
}

// Generate creates d.Database if missing, (re)creates the tables of dataset d in it (dropping
// tables of the same names first) and fills them, using up to threads concurrent connections
// (values below 1 mean 1). The content depends only on d, never on threads or timing:
// generating the same Dataset twice gives the same CHECKSUM TABLE.
//
// The tables are:
//   - "indexed": indexed1..N: id INT UNSIGNED PRIMARY KEY (1..Rows) and c1..c9 INT NOT NULL,
//     with keys k1(c1), k2(c2), k3(c3,c4), k4(c4,c5), k5(c5,c6), k6(c6,c7,c8), k7(c7,c8,c9).
//   - "sysbench": sbtest1..N as sysbench oltp_common.lua creates them, index k_N on k.
//   - "mixed": customers (Rows/20), products (Rows/100), orders (Rows/3), order_items (Rows),
//     event_log (Rows/2, no primary key), each at least 1 row, with foreign keys; see mixedTables.
//
// How: tables are created with their primary key only, then filled by LOAD DATA LOCAL INFILE
// 'Reader::name' statements streaming generated tab-separated text through
// mysql.RegisterReaderHandler, one statement per chunk of at most 524,288 rows, chunks of all
// tables spread over the threads; then each table gets its secondary indexes and foreign keys
// in one ALTER TABLE (sorted index build, faster than maintaining them while loading) and
// ANALYZE TABLE. Sessions use SET NAMES utf8mb4, time_zone '+00:00', a strict sql_mode,
// unique_checks=0, foreign_key_checks=0 and sql_log_bin=0; those connections are closed
// afterwards rather than returned to db's pool with that state.
//
// Requirements: db's DSN must allow LOCAL INFILE (go-sql-driver permits Reader:: handlers with
// any DSN; the server needs local_infile=ON, MariaDB's default, OFF by default in MySQL 8),
// and the user needs CREATE, DROP, ALTER, INSERT, REFERENCES and the right to SET sql_log_bin
// (BINLOG ADMIN on MariaDB 10.5.2+, SUPER or SESSION_VARIABLES_ADMIN on MySQL). Errors name the table and chunk
// and wrap the driver's error; a chunk whose server row count differs from the generated count,
// or that raised warnings, is an error.
func Generate(ctx context.Context, db *sql.DB, d Dataset, threads int) (GenerateStats, error) {
	start := time.Now()
	if err := d.Validate(); err != nil {
		return GenerateStats{}, err
	}
	tables := datasetTables(d)
	return generate(ctx, db, d, tables, max(threads, 1), chunkRows, start)
}

// datasetTables returns the tables of d in a fixed order; a table's position (1-based) is
// its table number in the seeds.
func datasetTables(d Dataset) []genTable {
	switch d.Kind {
	case KindIndexed:
		return indexedTables(d)
	case KindSysbench:
		return sysbenchTables(d)
	default:
		return mixedTables(d)
	}
}

// loadJob is one LOAD DATA statement: rows [start, end) of tables[table].
type loadJob struct {
	table      int
	chunk      int
	start, end int64
}

// generate is Generate with the chunk size as a parameter (a multiple of blockRows), so tests
// can check that chunking does not change the data.
func generate(ctx context.Context, db *sql.DB, d Dataset, tables []genTable, threads int, chunk int64, start time.Time) (GenerateStats, error) {
	st := GenerateStats{Tables: len(tables)}
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return st, fmt.Errorf("bench: random handler name: %w", err)
	}
	prefix := "sluice-bench-" + hex.EncodeToString(nonce)

	err := sessionPool(ctx, db, 1, genSession, []string{d.Database}, func(ctx context.Context, c *sql.Conn, database string) error {
		return createTables(ctx, c, database, tables)
	})
	if err != nil {
		return st, err
	}

	// Chunk 0 of every table first, then chunk 1 of every table, ...: the threads work on
	// different tables while they can.
	var jobs []loadJob
	for ch := int64(0); ; ch++ {
		added := false
		for t := range tables {
			if s := ch * chunk; s < tables[t].rows {
				jobs = append(jobs, loadJob{table: t, chunk: int(ch), start: s, end: min(s+chunk, tables[t].rows)})
				added = true
			}
		}
		if !added {
			break
		}
	}
	counts := make([]int64, len(jobs))
	err = sessionPool(ctx, db, threads, genSession, jobIndexes(len(jobs)), func(ctx context.Context, c *sql.Conn, i int) error {
		n, err := loadChunk(ctx, c, d, tables, jobs[i], fmt.Sprintf("%s-%d", prefix, i))
		counts[i] = n
		return err
	})
	if err != nil {
		return st, err
	}
	for _, n := range counts {
		st.Rows += n
	}

	err = sessionPool(ctx, db, threads, genSession, jobIndexes(len(tables)), func(ctx context.Context, c *sql.Conn, i int) error {
		t := &tables[i]
		q := sqltext.QualifiedName(d.Database, t.name)
		if t.keys != "" {
			if _, err := c.ExecContext(ctx, "ALTER TABLE "+q+" "+t.keys); err != nil {
				return fmt.Errorf("%s.%s: adding indexes after load: %w", d.Database, t.name, err)
			}
		}
		if _, err := c.ExecContext(ctx, "ANALYZE TABLE "+q); err != nil {
			return fmt.Errorf("%s.%s: ANALYZE TABLE: %w", d.Database, t.name, err)
		}
		return nil
	})
	if err != nil {
		return st, err
	}

	names := make([]any, 0, len(tables)+1)
	names = append(names, d.Database)
	for _, t := range tables {
		names = append(names, t.name)
	}
	q := "SELECT COALESCE(SUM(DATA_LENGTH+INDEX_LENGTH), 0) FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?" + strings.Repeat(", ?", len(tables)-1) + ")"
	if err := db.QueryRowContext(ctx, q, names...).Scan(&st.Bytes); err != nil {
		return st, fmt.Errorf("%s: reading table sizes from information_schema.TABLES: %w", d.Database, err)
	}
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

// createTables creates the database if missing and drops and creates the tables (primary
// keys only) on c, whose session has foreign_key_checks=0 so drops ignore references.
func createTables(ctx context.Context, c *sql.Conn, database string, tables []genTable) error {
	q := "CREATE DATABASE IF NOT EXISTS " + sqltext.QuoteIdent(database) + " CHARACTER SET utf8mb4"
	if _, err := c.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("creating database %s: %w", database, err)
	}
	for _, t := range tables {
		name := sqltext.QualifiedName(database, t.name)
		if _, err := c.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
			return fmt.Errorf("%s.%s: dropping the old table: %w", database, t.name, err)
		}
		if _, err := c.ExecContext(ctx, "CREATE TABLE "+name+" "+t.create); err != nil {
			return fmt.Errorf("%s.%s: creating the table: %w", database, t.name, err)
		}
	}
	return nil
}

// loadChunk streams one chunk through a Reader handler registered under the unique name
// handler, and returns the number of rows the server reports loaded.
func loadChunk(ctx context.Context, c *sql.Conn, d Dataset, tables []genTable, j loadJob, handler string) (int64, error) {
	t := &tables[j.table]
	where := fmt.Sprintf("%s.%s chunk %d (rows %d-%d)", d.Database, t.name, j.chunk, j.start+1, j.end)
	mysql.RegisterReaderHandler(handler, func() io.Reader {
		return newRowSource(t, d.Seed, j.table+1, j.start, j.end)
	})
	defer mysql.DeregisterReaderHandler(handler)
	q := "LOAD DATA LOCAL INFILE 'Reader::" + handler + "' INTO TABLE " + sqltext.QualifiedName(d.Database, t.name) +
		` CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n' ` + t.load
	res, err := c.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("%s: LOAD DATA LOCAL INFILE: %w (the server needs local_infile=ON)", where, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: rows affected: %w", where, err)
	}
	var level, msg string
	var code int
	err = c.QueryRowContext(ctx, "SHOW WARNINGS LIMIT 1").Scan(&level, &code, &msg)
	switch {
	case err == nil:
		return n, fmt.Errorf("%s: LOAD DATA warned: %s %d: %s (a generator bug)", where, level, code, msg)
	case !errors.Is(err, sql.ErrNoRows):
		return n, fmt.Errorf("%s: SHOW WARNINGS: %w", where, err)
	}
	if n != j.end-j.start {
		return n, fmt.Errorf("%s: server loaded %d rows, generated %d (a generator bug)", where, n, j.end-j.start)
	}
	return n, nil
}

// genSession sets up a generator connection: utf8mb4, UTC, strict, the bulk-load switches,
// and no binary logging.
func genSession(ctx context.Context, c *sql.Conn) error {
	if err := execAll(ctx, c, "SET NAMES utf8mb4",
		"SET SESSION time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION',"+
			" unique_checks = 0, foreign_key_checks = 0"); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "SET SESSION sql_log_bin = 0"); err != nil {
		return fmt.Errorf("bench: SET sql_log_bin = 0: %w (grant BINLOG ADMIN on MariaDB, SUPER or SESSION_VARIABLES_ADMIN on MySQL)", err)
	}
	return nil
}

// jobIndexes returns 0, 1, ..., n-1.
func jobIndexes(n int) []int {
	is := make([]int, n)
	for i := range is {
		is[i] = i
	}
	return is
}
