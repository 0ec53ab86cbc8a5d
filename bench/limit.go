package bench

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"os"
	"path/filepath"
	"time"

	"github.com/sluicedb/sluice/schema"
)

// limitSession is run on every connection of the limit: byte-exact text (CHARACTER SET
// binary is also given on each statement), UTC, and the bulk-load switches any loader uses.
var limitSession = []string{
	"SET NAMES binary",
	"SET SESSION time_zone = '+00:00', unique_checks = 0, foreign_key_checks = 0, sql_log_bin = 0",
}

// onTables runs do(conn, table) for every table on up to threads connections of db (each set
// up with limitSession and USE database), threads tables at a time. The first error stops
// the rest.
func onTables(ctx context.Context, db *sql.DB, database string, tables []string, threads int, do func(context.Context, *sql.Conn, string) error) error {
	setup := func(ctx context.Context, c *sql.Conn) error {
		return execAll(ctx, c, append(limitSession, "USE "+sqltext.QuoteIdent(database))...)
	}
	return sessionPool(ctx, db, threads, setup, tables, do)
}

// limitDump is the dump limit: SELECT * INTO OUTFILE of every table into the source's
// secure_file_priv directory, t tables at a time. Its files' size becomes the logical size
// of the dataset (Result.Bytes) for every case.
func (b *bed) limitDump(t int, keep bool) benchCase {
	out := filepath.Join(b.src.FilesDir, fmt.Sprintf("limit-t%d", t))
	c := benchCase{
		op: OpDump, tool: ToolLimit, threads: t, out: out,
		command: fmt.Sprintf("SELECT * FROM `t` INTO OUTFILE '%s/t.tsv' CHARACTER SET binary; %d connections, a table each", out, t),
		setup: func(context.Context) error {
			if err := os.RemoveAll(out); err != nil {
				return err
			}
			return os.Mkdir(out, 0o777)
		},
		run: func(ctx context.Context) (runStats, error) {
			start := time.Now()
			err := limitDumpTables(ctx, b.srcDB, b.db(), b.tables, out, t)
			st := runStats{seconds: time.Since(start).Seconds()}
			if err == nil && b.bytes == 0 {
				b.bytes = diskUsage(out)
			}
			return st, err
		},
	}
	if keep {
		c.keep = ToolLimit
	}
	return c
}

// limitLoad is the load limit: on the target, CREATE TABLE with the primary key only,
// LOAD DATA INFILE of the limit's files, then one ALTER TABLE adding every secondary index,
// t tables at a time; foreign keys are added last, one ALTER per table
// (foreign_key_checks=0). The files are hard-linked (or copied) into the target's
// secure_file_priv before each run, untimed.
func (b *bed) limitLoad(dir string, t int) benchCase {
	in := filepath.Join(b.dst.FilesDir, "limit")
	var splits map[string]schema.Split
	return benchCase{
		op: OpLoad, tool: ToolLimit, threads: t,
		command: fmt.Sprintf("CREATE TABLE (PK only); LOAD DATA INFILE '%s/t.tsv' INTO TABLE `t` CHARACTER SET binary; ALTER TABLE `t` ADD KEY ..., ADD KEY ...; %d connections, a table each", in, t),
		setup: func(ctx context.Context) error {
			var err error
			if splits == nil {
				if splits, err = b.splitSource(ctx); err != nil {
					return err
				}
			}
			return linkFiles(dir, in)
		},
		run: func(ctx context.Context) (runStats, error) {
			start := time.Now()
			err := limitLoadTables(ctx, b.dstDB, b.db(), b.tables, splits, in, t)
			return runStats{seconds: time.Since(start).Seconds()}, err
		},
	}
}

// limitDumpTables writes every table of database into out/TABLE.tsv with SELECT ... INTO
// OUTFILE (out must be in the server's secure_file_priv), t tables at a time.
func limitDumpTables(ctx context.Context, db *sql.DB, database string, tables []string, out string, t int) error {
	return onTables(ctx, db, database, tables, t, func(ctx context.Context, c *sql.Conn, table string) error {
		q := "SELECT * FROM " + sqltext.QuoteIdent(table) + " INTO OUTFILE " + sqltext.QuoteString(filepath.Join(out, table+".tsv")) + " CHARACTER SET binary"
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s.%s: SELECT INTO OUTFILE: %w", database, table, err)
		}
		return nil
	})
}

// limitLoadTables is the limit's load into a new database (created utf8mb4): per table, t at a
// time, its splits' PK-only CREATE, LOAD DATA INFILE of in/TABLE.tsv (in must be in the
// server's secure_file_priv) and the ALTERs adding its secondary indexes; then the foreign
// keys, one ALTER per table. It returns the first error, naming the table and the step.
func limitLoadTables(ctx context.Context, db *sql.DB, database string, tables []string, splits map[string]schema.Split, in string, t int) error {
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+sqltext.QuoteIdent(database)+" CHARACTER SET utf8mb4"); err != nil {
		return fmt.Errorf("%s: CREATE DATABASE: %w", database, err)
	}
	err := onTables(ctx, db, database, tables, t, func(ctx context.Context, c *sql.Conn, table string) error {
		s := splits[table]
		if _, err := c.ExecContext(ctx, s.Create); err != nil {
			return fmt.Errorf("%s.%s: CREATE TABLE: %w", database, table, err)
		}
		q := "LOAD DATA INFILE " + sqltext.QuoteString(filepath.Join(in, table+".tsv")) + " INTO TABLE " + sqltext.QuoteIdent(table) + " CHARACTER SET binary"
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s.%s: LOAD DATA INFILE: %w", database, table, err)
		}
		for _, q := range s.Indexes {
			if _, err := c.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s.%s: adding indexes: %w", database, table, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return onTables(ctx, db, database, tables, t, func(ctx context.Context, c *sql.Conn, table string) error {
		for _, q := range splits[table].ForeignKeys {
			if _, err := c.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s.%s: adding foreign keys: %w", database, table, err)
			}
		}
		return nil
	})
}

// splitSource reads SHOW CREATE TABLE of every source table and splits it with every
// secondary index deferred (schema.DeferAll).
func (b *bed) splitSource(ctx context.Context) (map[string]schema.Split, error) {
	return splitTables(ctx, b.srcDB, b.db(), b.db(), b.tables)
}

// splitTables reads SHOW CREATE TABLE of every table of database src on db and splits it with
// every secondary index deferred (schema.DeferAll), its ALTERs naming database dst.
func splitTables(ctx context.Context, db *sql.DB, src, dst string, tables []string) (map[string]schema.Split, error) {
	out := map[string]schema.Split{}
	for _, t := range tables {
		var name, create string
		if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE "+sqltext.QualifiedName(src, t)).Scan(&name, &create); err != nil {
			return nil, fmt.Errorf("%s.%s: SHOW CREATE TABLE: %w", src, t, err)
		}
		s, err := schema.SplitCreateTable(dst, t, create, schema.DeferAll)
		if err != nil {
			return nil, err
		}
		out[t] = s
	}
	return out, nil
}

func linkFiles(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.Mkdir(dst, 0o777); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if os.Link(from, to) == nil {
			continue
		}
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
