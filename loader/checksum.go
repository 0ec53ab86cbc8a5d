package loader

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// checkRows compares each restored table's row count with the one the dump recorded
// (--checksum). The dump does not record CHECKSUM TABLE values yet; when it does they belong
// here too. It fails with a *DifferencesError listing every table that differs.
func (r *restore) checkRows(ctx context.Context, plans []*tablePlan) error {
	var bad []string
	for _, p := range plans {
		if p.t.Kind != dumpdir.KindTable || len(p.t.DataFiles) == 0 && p.t.Rows == 0 {
			continue
		}
		if r.meta.Producer == dumpdir.ProducerMydumper && p.t.Rows == 0 {
			r.o.Log.Warn("--checksum: the mydumper dump records no row count for the table", "table", p.String())
			continue
		}
		var n int64
		q := "SELECT COUNT(*) FROM " + quoteIdent(p.target) + "." + quoteIdent(p.t.Name)
		if err := r.main.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("--checksum: %s: %w", p, err)
		}
		if n != p.t.Rows {
			bad = append(bad, fmt.Sprintf("%s has %d rows, the dump %d", p, n, p.t.Rows))
		}
		r.o.Log.Debug("row count checked", "table", p.String(), "rows", n)
	}
	if len(bad) > 0 {
		return &DifferencesError{Differences: bad}
	}
	return nil
}

// DifferencesError is a restore that finished but whose tables differ from the dump
// (--checksum). Its ExitCode is 3, the command line's code for differences found.
type DifferencesError struct {
	Differences []string // one per table: "db.t has 9 rows, the dump 10"
}

func (e *DifferencesError) Error() string {
	return fmt.Sprintf("--checksum: %s: load again with --overwrite-tables", strings.Join(e.Differences, "; "))
}

// ExitCode is 3: verification found differences.
func (e *DifferencesError) ExitCode() int { return 3 }
