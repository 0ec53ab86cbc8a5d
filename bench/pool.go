package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/sluicedb/sluice/scheduler"
)

// sessionPool runs do for every item, in order, on up to threads connections of db: the
// scheduler's worker skeleton, with each worker's connection opened and set up by setup the
// first time it gets an item. The connections are discarded afterwards, so db's pool never
// hands out their session settings. The first error cancels the rest and is returned.
func sessionPool[T any](ctx context.Context, db *sql.DB, threads int, setup func(context.Context, *sql.Conn) error,
	items []T, do func(context.Context, *sql.Conn, T) error) error {
	workers := min(max(threads, 1), len(items))
	if workers == 0 {
		return nil
	}
	conns := make([]*sql.Conn, workers)
	defer func() {
		for _, c := range conns {
			if c != nil {
				// Returning driver.ErrBadConn from Raw makes database/sql close the connection.
				_ = c.Raw(func(any) error { return driver.ErrBadConn })
				_ = c.Close()
			}
		}
	}()
	return scheduler.Run(ctx, workers, scheduler.Slice(items), func(ctx context.Context, w int, item T) error {
		if conns[w] == nil {
			c, err := db.Conn(ctx)
			if err != nil {
				return fmt.Errorf("bench: connecting: %w", err)
			}
			conns[w] = c
			if err := setup(ctx, c); err != nil {
				return err
			}
		}
		return do(ctx, conns[w], item)
	})
}

// execAll runs stmts on c in order; an error names the statement.
func execAll(ctx context.Context, c *sql.Conn, stmts ...string) error {
	for _, q := range stmts {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bench: session setup %q: %w", q, err)
		}
	}
	return nil
}
