package replication

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice/internal/rowmap"
)

// queryer is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// statusRow is one row of a SHOW ... STATUS result keyed by column name; NULL becomes "".
type statusRow map[string]string

// get returns the first of names present in the row (columns were renamed between versions,
// e.g. Master_Host / Source_Host) and whether any was present.
func (r statusRow) get(names ...string) (string, bool) {
	for _, n := range names {
		if v, ok := r[n]; ok {
			return v, true
		}
	}
	return "", false
}

// showRows runs a SHOW statement and returns every row keyed by column name (rowmap.Query),
// so it works whatever columns the server version adds or renames.
func showRows(ctx context.Context, q queryer, query string) ([]statusRow, error) {
	rows, err := rowmap.Query(ctx, q, query)
	if err != nil {
		return nil, err
	}
	out := make([]statusRow, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

// queryString reads one string (NULL as "") from a single-row, single-column query.
func queryString(ctx context.Context, q queryer, query string) (string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	var s sql.NullString
	if rows.Next() {
		if err := rows.Scan(&s); err != nil {
			return "", fmt.Errorf("%s: %w", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	return s.String, nil
}
