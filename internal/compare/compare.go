package compare

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// Snapshot is the comparable state of one database: object kind and name -> a description that
// must be equal after a restore ("checksum rows" for tables, the SHOW CREATE text for others).
type Snapshot map[string]string

// Take reads the snapshot of database db. Definitions are compared with the database name
// replaced by "DB" so that a copy restored under another name compares equal.
func Take(ctx context.Context, db *sql.DB, database string) (Snapshot, error) {
	s := Snapshot{}
	rows, err := db.QueryContext(ctx, `SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, database)
	if err != nil {
		return nil, err
	}
	type obj struct{ name, typ string }
	var objs []obj
	for rows.Next() {
		var o obj
		if err := rows.Scan(&o.name, &o.typ); err != nil {
			rows.Close()
			return nil, err
		}
		objs = append(objs, o)
	}
	rows.Close()
	norm := func(text string) string {
		return strings.ReplaceAll(text, sqltext.QuoteIdent(database)+".", "`DB`.")
	}
	for _, o := range objs {
		q := sqltext.QualifiedName(database, o.name)
		if o.typ == "VIEW" {
			v, err := col(ctx, db, "SHOW CREATE VIEW "+q, 1)
			if err != nil {
				return nil, err
			}
			s["view "+o.name] = norm(v)
			continue
		}
		create, err := col(ctx, db, "SHOW CREATE TABLE "+q, 1)
		if err != nil {
			return nil, err
		}
		s["create "+o.name] = create
		if o.typ == "SEQUENCE" {
			continue
		}
		sum, err := col(ctx, db, "CHECKSUM TABLE "+q, 1)
		if err != nil {
			return nil, err
		}
		n, err := col(ctx, db, "SELECT COUNT(*) FROM "+q, 0)
		if err != nil {
			return nil, err
		}
		s["data "+o.name] = "checksum " + sum + " rows " + n
	}
	for _, k := range []struct {
		kind, list, show string
		col              int // the definition's column in the SHOW CREATE result
	}{
		{"trigger", "SHOW TRIGGERS FROM %s", "SHOW CREATE TRIGGER %s.%s", 2},
		{"procedure", "SHOW PROCEDURE STATUS WHERE Db = %s", "SHOW CREATE PROCEDURE %s.%s", 2},
		{"function", "SHOW FUNCTION STATUS WHERE Db = %s", "SHOW CREATE FUNCTION %s.%s", 2},
		{"event", "SHOW EVENTS FROM %s", "SHOW CREATE EVENT %s.%s", 3},
	} {
		arg := sqltext.QuoteIdent(database)
		if strings.Contains(k.list, "Db = ") {
			arg = sqltext.QuoteString(database)
		}
		names, err := firstCol(ctx, db, fmt.Sprintf(k.list, arg), k.kind)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			def, err := col(ctx, db, fmt.Sprintf(k.show, sqltext.QuoteIdent(database), sqltext.QuoteIdent(n)), k.col)
			if err != nil {
				return nil, err
			}
			s[k.kind+" "+n] = norm(def)
		}
	}
	return s, nil
}

// Diff lists the differences between want and got, one line each, sorted; empty when equal.
func Diff(want, got Snapshot) []string {
	var d []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			d = append(d, "missing "+k)
		} else if g != v {
			d = append(d, fmt.Sprintf("%s differs:\n  want %s\n  got  %s", k, v, g))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			d = append(d, "unexpected "+k)
		}
	}
	sort.Strings(d)
	return d
}

// col returns column i of the single row of query.
func col(ctx context.Context, db *sql.DB, query string, i int) (string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for j := range vals {
		ptrs[j] = &vals[j]
	}
	if !rows.Next() {
		return "", fmt.Errorf("%s: no row", query)
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", err
	}
	return vals[i].String, rows.Err()
}

// firstCol returns the first column ("Trigger", "Name", ...) of every row, or the column named
// like the kind when there is one.
func firstCol(ctx context.Context, db *sql.DB, query, kind string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	idx := 0
	for j, c := range cols {
		if strings.EqualFold(c, "Name") || strings.EqualFold(c, kind) {
			idx = j
			break
		}
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for j := range vals {
		ptrs[j] = &vals[j]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals[idx].String)
	}
	return out, rows.Err()
}
