package checksum

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// Columns reads from information_schema.COLUMNS the columns of db.table the checksum covers:
// those named in names, in that order (the dump's column list), or with names nil every stored
// column in table order (generated columns, which the dumper skips, excluded). It returns an
// error naming the table and the column when a named one does not exist.
func Columns(ctx context.Context, q Querier, db, table string, names []string) ([]Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT COLUMN_NAME, DATA_TYPE, EXTRA, IS_NULLABLE FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, db, table)
	if err != nil {
		return nil, fmt.Errorf("%s columns: %w", sqltext.QualifiedName(db, table), err)
	}
	defer rows.Close()
	var all []Column
	byName := map[string]Column{}
	for rows.Next() {
		var name, dt, extra, nullable string
		if err := rows.Scan(&name, &dt, &extra, &nullable); err != nil {
			return nil, err
		}
		c := Column{Name: name, DataType: strings.ToLower(dt), NotNull: nullable == "NO"}
		byName[strings.ToLower(name)] = c
		if !sqltext.IsGenerated(extra) {
			all = append(all, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(byName) == 0 {
		return nil, fmt.Errorf("%s: no such table", sqltext.QualifiedName(db, table))
	}
	if names == nil {
		return all, nil
	}
	cols := make([]Column, len(names))
	for i, n := range names {
		c, ok := byName[strings.ToLower(n)]
		if !ok {
			return nil, fmt.Errorf("%s has no column %s: its definition differs from the dump's", sqltext.QualifiedName(db, table), sqltext.QuoteIdent(n))
		}
		c.Name = n
		cols[i] = c
	}
	return cols, nil
}
