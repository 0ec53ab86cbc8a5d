package verify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/rowmap"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// keyCol is a column of the key a table's chunks are cut on.
type keyCol struct {
	Name    string
	Kind    sqltext.Kind
	Charset string // "" for a column without a character set
}

// table is one base table to compare.
type table struct {
	DB, Name  string
	Cols      []checksum.Column
	Index     string       // the key's index name; "" when the table is compared whole
	Key       []keyCol     // nil when the table is compared whole
	chunkRows atomic.Int64 // rows per chunk, adapted to Options.ChunkTime (nextChunkRows)
	rowBytes  int64        // average row length on the source (bytes), for progress; 0 when unknown
}

func (t *table) String() string { return t.DB + "." + t.Name }

// listTables reads the base tables to compare from the source, with their columns and keys,
// and the databases they are in. -T wins over -B (as the dumper's).
func listTables(ctx context.Context, src checksum.Querier, o *Options) ([]string, []*table, error) {
	dbs, want, err := dumper.SelectDatabases(o.Tables, o.Databases, func() ([]string, error) {
		return strings1(ctx, src, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
	})
	if err != nil {
		return nil, nil, err
	}
	var tables []*table
	found := map[[2]string]bool{}
	for _, d := range dbs {
		names, err := baseTables(ctx, src, d)
		if err != nil {
			return nil, nil, err
		}
		if len(names) == 0 && len(o.Tables) == 0 {
			if ok, err := exists(ctx, src, d); err != nil || !ok {
				return nil, nil, fmt.Errorf("database %q does not exist on the source: check -B: %v", d, err)
			}
		}
		for _, n := range names {
			if (len(o.Tables) > 0 && !want[[2]string{d, n}]) || !matches(o.Regex, d, n) {
				continue
			}
			found[[2]string{d, n}] = true
			t, err := describe(ctx, src, d, n)
			if err != nil {
				return nil, nil, err
			}
			tables = append(tables, t)
		}
	}
	for k := range want {
		if !found[k] {
			return nil, nil, fmt.Errorf("-T %s.%s: no such table on the source", k[0], k[1])
		}
	}
	return dbs, tables, nil
}

func matches(re *regexp.Regexp, db, name string) bool {
	return re == nil || re.MatchString(db+"."+name)
}

// baseTables returns the base tables of database d, by name.
func baseTables(ctx context.Context, q checksum.Querier, d string) ([]string, error) {
	return strings1(ctx, q, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", d)
}

func exists(ctx context.Context, q checksum.Querier, d string) (bool, error) {
	n, err := strings1(ctx, q, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", d)
	return len(n) > 0, err
}

// strings1 runs a query of one string column and returns its values.
func strings1(ctx context.Context, q checksum.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// describe reads db.name's columns and the key its chunks are cut on: the PRIMARY KEY, else the
// NOT NULL unique key of the fewest columns; keys with a prefix part or a column type whose
// order sqltext.KeyTypeUsable refuses are skipped, and so are ignored or invisible indexes
// (sqltext.KeyHidden).
func describe(ctx context.Context, q checksum.Querier, db, name string) (*table, error) {
	t := &table{DB: db, Name: name}
	var err error
	if t.Cols, err = checksum.Columns(ctx, q, db, name, nil); err != nil {
		return nil, err
	}
	// s.*: MariaDB's IGNORED and MySQL's IS_VISIBLE columns exist on some servers only.
	rows, err := rowmap.Query(ctx, q, `SELECT s.*, c.DATA_TYPE AS SLUICE_DATA_TYPE,
		  COALESCE(c.CHARACTER_SET_NAME, '') AS SLUICE_CHARSET, c.IS_NULLABLE AS SLUICE_NULLABLE
		FROM information_schema.STATISTICS s LEFT JOIN information_schema.COLUMNS c
		  ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
		WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`, db, name)
	if err != nil {
		return nil, fmt.Errorf("%s keys: %w", t, err)
	}
	type cand struct {
		cols []keyCol
		bad  bool
	}
	cands := map[string]*cand{}
	var order []string
	for _, r := range rows {
		idx := r["INDEX_NAME"]
		c := cands[idx]
		if c == nil {
			c = &cand{}
			cands[idx] = c
			order = append(order, idx)
		}
		// A MySQL 8 functional key part has no COLUMN_NAME, so no column joins it: its empty
		// DATA_TYPE fails KeyTypeUsable and the key is skipped, as findKey skips it in the dump.
		dt := strings.ToLower(r["SLUICE_DATA_TYPE"])
		if r["SUB_PART"] != "" || r["SLUICE_NULLABLE"] == "YES" || !sqltext.KeyTypeUsable(dt) || sqltext.KeyHidden(r) {
			c.bad = true
		}
		c.cols = append(c.cols, keyCol{Name: r["COLUMN_NAME"], Kind: sqltext.KindOf(dt), Charset: r["SLUICE_CHARSET"]})
	}
	for _, idx := range order {
		c := cands[idx]
		if c.bad {
			continue
		}
		if t.Key == nil || idx == "PRIMARY" || (t.Index != "PRIMARY" && len(c.cols) < len(t.Key)) {
			t.Index, t.Key = idx, c.cols
		}
	}
	return t, nil
}

// autoIncrement matches the table option SHOW CREATE TABLE prints for the next AUTO_INCREMENT
// value, which differs between a source and its copy without any row differing.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// showCreate returns db.name's SHOW CREATE TABLE without AUTO_INCREMENT=N, or ok=false when the
// table does not exist.
func showCreate(ctx context.Context, q checksum.Querier, db, name string) (string, bool, error) {
	var n, create string
	err := q.QueryRowContext(ctx, "SHOW CREATE TABLE "+sqltext.QualifiedName(db, name)).Scan(&n, &create)
	var me *mysql.MySQLError
	if err != nil && (errors.As(err, &me) && (me.Number == 1146 || me.Number == 1049)) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("%s.%s: SHOW CREATE TABLE: %w", db, name, err)
	}
	return autoIncrement.ReplaceAllString(create, ""), true, nil
}

// structureDiff compares t's structure on both servers and returns the difference, if any.
func structureDiff(ctx context.Context, src, tgt *sql.Conn, t *table) (*Diff, error) {
	a, _, err := showCreate(ctx, src, t.DB, t.Name)
	if err != nil {
		return nil, err
	}
	b, ok, err := showCreate(ctx, tgt, t.DB, t.Name)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return &Diff{Table: t.String(), What: "missing on the target"}, nil
	case a != b:
		return &Diff{Table: t.String(), What: "structure differs (SHOW CREATE TABLE, AUTO_INCREMENT ignored)"}, nil
	}
	return nil, nil
}
