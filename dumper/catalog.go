package dumper

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/rowmap"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// systemDatabases are never dumped (or compared by verify) unless named with -B or -T.
var systemDatabases = []string{"mysql", "information_schema", "performance_schema", "sys"}

// SelectDatabases applies the -T / -B selection that dump and verify share (mydumper: -T wins
// over -B). With tables ("db.table" as ParseTableName reads them) it returns their databases in
// first-named order and the set of {database, table} wanted; else databases; else every database
// all returns (the server's schemas) but the system ones. want is empty unless tables are named.
// The errors are ParseTableName's and all's.
func SelectDatabases(tables, databases []string, all func() ([]string, error)) (dbs []string, want map[[2]string]bool, err error) {
	want = map[[2]string]bool{}
	for _, t := range tables {
		d, n, err := ParseTableName(t)
		if err != nil {
			return nil, nil, err
		}
		want[[2]string{d, n}] = true
		if !slices.Contains(dbs, d) {
			dbs = append(dbs, d)
		}
	}
	switch {
	case len(tables) > 0:
	case len(databases) > 0:
		dbs = databases
	default:
		names, err := all()
		if err != nil {
			return nil, nil, err
		}
		for _, n := range names {
			if !slices.Contains(systemDatabases, strings.ToLower(n)) {
				dbs = append(dbs, n)
			}
		}
	}
	return dbs, want, nil
}

// column is one dumped column.
type column struct {
	Name     string
	Kind     sqltext.Kind
	Select   string // the SELECT expression that reads the column exactly
	DataType string // information_schema.COLUMNS.DATA_TYPE, lower case: "int", "varchar", "bit"...
	Charset  string // CHARACTER_SET_NAME; "" for non-character columns
	Unsigned bool   // an UNSIGNED numeric column
	ZeroFill bool   // a ZEROFILL numeric column (printed padded with zeros)
}

// table is one table, view or sequence found in the catalog.
type table struct {
	DB, Name   string
	Kind       string // dumpdir.KindTable, KindView, KindSequence
	Engine     string
	EstRows    int64 // information_schema.TABLES.TABLE_ROWS, an estimate for InnoDB
	DataLength int64 // bytes
	Columns    []column
	Key        *chunkKey // the key chunks are cut on; nil when none is usable
}

func (t *table) String() string { return t.DB + "." + t.Name }

// ParseTableName splits a -T name "db.table" at its first dot outside backticks; backticks quote a
// part that contains dots (`my.db`.`t`), with “ for a backtick inside.
func ParseTableName(s string) (db, name string, err error) {
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`' && quoted && i+1 < len(s) && s[i+1] == '`':
			cur.WriteByte('`')
			i++
		case c == '`':
			quoted = !quoted
		case c == '.' && !quoted && len(parts) == 0:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" || quoted {
		return "", "", fmt.Errorf("-T %q: want db.table (quote a name holding dots with backticks: `my.db`.`t`)", s)
	}
	return parts[0], parts[1], nil
}

// listTables reads the databases and the tables, views and sequences to dump, largest first.
// With -T only the named tables are dumped (mydumper: -T wins over -B); otherwise every table of
// the -B databases, or of every non-system database.
func listTables(ctx context.Context, db *sql.DB, o *Options) ([]string, []*table, error) {
	dbs, want, err := SelectDatabases(o.Tables, o.Databases, func() ([]string, error) {
		rows, err := rowmap.Query(ctx, db, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
		names := make([]string, len(rows))
		for i, r := range rows {
			names[i] = r["SCHEMA_NAME"]
		}
		return names, err
	})
	if err != nil {
		return nil, nil, err
	}
	found := map[[2]string]bool{}
	var tables []*table
	for _, d := range dbs {
		exists, err := rowmap.Query(ctx, db, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", d)
		if err != nil {
			return nil, nil, err
		}
		if len(exists) == 0 {
			return nil, nil, fmt.Errorf("database %q does not exist: check -B/-T", d)
		}
		rows, err := rowmap.Query(ctx, db, `SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH
			FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, d)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			t := &table{DB: d, Name: r["TABLE_NAME"], Engine: r["ENGINE"]}
			if len(o.Tables) > 0 && !want[[2]string{d, t.Name}] {
				continue
			}
			found[[2]string{d, t.Name}] = true
			switch r["TABLE_TYPE"] {
			case "VIEW", "SYSTEM VIEW":
				t.Kind = dumpdir.KindView
			case "SEQUENCE":
				t.Kind = dumpdir.KindSequence
			default:
				t.Kind = dumpdir.KindTable
			}
			fmt.Sscan(r["TABLE_ROWS"], &t.EstRows)
			fmt.Sscan(r["DATA_LENGTH"], &t.DataLength)
			tables = append(tables, t)
		}
	}
	for k := range want {
		if !found[k] {
			return nil, nil, fmt.Errorf("-T %s.%s: no such table", k[0], k[1])
		}
	}
	slices.SortStableFunc(tables, func(a, b *table) int { return int(min(max(b.DataLength-a.DataLength, -1), 1)) })
	return dbs, tables, nil
}

// loadColumns reads the columns of every table of tables (views and sequences are skipped) and,
// with keys, the key each is cut on (findKey). It asks information_schema once per database,
// not once per table: per-table queries, and above all a join of STATISTICS with COLUMNS, cost
// MariaDB a scan of the whole schema each (1,000 small tables took 28 s to list, now well
// under one).
func loadColumns(ctx context.Context, db *sql.DB, tables []*table, keys bool) error {
	byDB := map[string][]*table{}
	var dbs []string
	for _, t := range tables {
		if t.Kind != dumpdir.KindTable {
			continue
		}
		if byDB[t.DB] == nil {
			dbs = append(dbs, t.DB)
		}
		byDB[t.DB] = append(byDB[t.DB], t)
	}
	for _, d := range dbs {
		if err := loadDatabaseColumns(ctx, db, d, byDB[d], keys); err != nil {
			return err
		}
	}
	return nil
}

// catalogColumn is a row of information_schema.COLUMNS.
type catalogColumn struct {
	column
	generated, nullable bool
}

// loadDatabaseColumns is loadColumns for the tables of database d.
func loadDatabaseColumns(ctx context.Context, db *sql.DB, d string, tables []*table, keys bool) error {
	rows, err := rowmap.Query(ctx, db, `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, EXTRA, IS_NULLABLE
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, d)
	if err != nil {
		return fmt.Errorf("%s: columns: %w", d, err)
	}
	cols := map[string]map[string]catalogColumn{} // table -> column name -> column
	order := map[string][]string{}                // table -> column names in table order
	for _, r := range rows {
		tn, cn := r["TABLE_NAME"], r["COLUMN_NAME"]
		dt := strings.ToLower(r["DATA_TYPE"])
		c := catalogColumn{
			column: column{Name: cn, Kind: sqltext.KindOf(dt), Select: sqltext.SelectExpr(cn, dt), DataType: dt,
				Charset: r["CHARACTER_SET_NAME"], Unsigned: strings.Contains(strings.ToLower(r["COLUMN_TYPE"]), "unsigned"),
				ZeroFill: strings.Contains(strings.ToLower(r["COLUMN_TYPE"]), "zerofill")},
			generated: sqltext.IsGenerated(r["EXTRA"]),
			nullable:  r["IS_NULLABLE"] == "YES",
		}
		if cols[tn] == nil {
			cols[tn] = map[string]catalogColumn{}
		}
		cols[tn][cn] = c
		order[tn] = append(order[tn], cn)
	}
	var keyRows map[string][]map[string]string
	if keys {
		// SELECT *: MariaDB's IGNORED and MySQL's IS_VISIBLE columns exist on some servers only.
		rows, err := rowmap.Query(ctx, db, `SELECT * FROM information_schema.STATISTICS
			WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, d)
		if err != nil {
			return fmt.Errorf("%s: keys: %w", d, err)
		}
		keyRows = map[string][]map[string]string{}
		for _, r := range rows {
			keyRows[r["TABLE_NAME"]] = append(keyRows[r["TABLE_NAME"]], r)
		}
	}
	for _, t := range tables {
		if len(order[t.Name]) == 0 {
			return fmt.Errorf("%s: no columns in information_schema.COLUMNS: was it dropped during the dump?", t)
		}
		// Every column but generated ones, in table order, INVISIBLE columns included (they are
		// named explicitly, so SELECT * hiding them does not matter).
		for _, cn := range order[t.Name] {
			if c := cols[t.Name][cn]; !c.generated {
				t.Columns = append(t.Columns, c.column)
			}
		}
		if keys {
			t.Key = findKey(keyRows[t.Name], cols[t.Name])
		}
	}
	return nil
}
