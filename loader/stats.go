package loader

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// InnoDB recalculates a table's persistent statistics in a background task whenever more than
// a tenth of its rows changed since the last time (MariaDB manual, "InnoDB Persistent
// Statistics", innodb_stats_auto_recalc). A table being loaded passes that mark again and
// again: measured on mixed:600k (bench/README.md "Statistics recalculated while loading"),
// those recalculations were a third of the server's CPU during the load, for the server's
// own LOAD DATA INFILE as for sluice. So the loader creates each InnoDB table with
// STATS_AUTO_RECALC=0 and, once every table's data and indexes are in, gives it back the
// server's default and runs ANALYZE TABLE once: the table ends as a plain load leaves it,
// with statistics of all its rows.

// pausesStats reports whether the restore turns off p's automatic statistics recalculation
// while it loads: a table (not a view or sequence) it creates itself (not with --no-schemas,
// whose tables are the operator's), with data to load, in InnoDB, whose dumped CREATE TABLE
// sets neither STATS_AUTO_RECALC nor STATS_PERSISTENT (those are kept as dumped). A table a
// resumed copy keeps (Table.Kept) is not created again but was created, and paused, by the
// interrupted run, so it counts too.
func pausesStats(p *tablePlan, o *Options) bool {
	if o.NoData || o.NoSchemas || p.t.Kind != dumpdir.KindTable || p.t.SchemaFile == "" {
		return false
	}
	c := strings.ToUpper(p.split.Create)
	return strings.Contains(c, "ENGINE=INNODB") && !strings.Contains(c, "STATS_AUTO_RECALC") && !strings.Contains(c, "STATS_PERSISTENT")
}

// pauseStatsQuery is the ALTER TABLE that turns off p's automatic statistics recalculation:
// what pauseStats runs and the dry run's plan shows.
func pauseStatsQuery(p *tablePlan) string {
	return "ALTER TABLE " + sqltext.QualifiedName(p.target, p.t.Name) + " STATS_AUTO_RECALC=0"
}

// pauseStats turns off p's automatic statistics recalculation on c, right after its (empty)
// table is created.
func pauseStats(ctx context.Context, c *sql.Conn, p *tablePlan) error {
	if _, err := c.ExecContext(ctx, pauseStatsQuery(p)); err != nil {
		return fmt.Errorf("%s: pausing its statistics (ALTER TABLE ... STATS_AUTO_RECALC=0): %w", p, err)
	}
	return nil
}

// restoreStats gives every table of plans whose statistics were paused (pausesStats) the
// server's default STATS_AUTO_RECALC back and analyzes it. The
// ALTER changes metadata only (ALGORITHM=INSTANT; where a server refuses that, INPLACE, which
// does not rebuild for a table option of statistics), one table at a time. It runs on resume
// too: for a table whose statistics are already back it changes nothing.
func (r *restore) restoreStats(ctx context.Context, plans []*tablePlan) error {
	// One table at a time, on one connection: two of these ALTERs at once on tables whose
	// foreign keys reference each other (sakila's store and staff) never ended on MariaDB
	// 10.11.19 (one spinning in "Committing alter table to storage engine", the other waiting
	// for its metadata lock). Each takes milliseconds.
	for _, p := range plans {
		if !pausesStats(p, r.o) {
			continue
		}
		c, err := r.conn(ctx, 0)
		if err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, "SET NAMES utf8mb4"); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		name := sqltext.QualifiedName(p.target, p.t.Name)
		q := "ALTER TABLE " + name + " STATS_AUTO_RECALC=DEFAULT, ALGORITHM=INSTANT"
		if _, err = c.ExecContext(ctx, q); err != nil && errIs(err, 1845, 1846) {
			q = "ALTER TABLE " + name + " STATS_AUTO_RECALC=DEFAULT, ALGORITHM=INPLACE"
			_, err = c.ExecContext(ctx, q)
		}
		if err != nil {
			return fmt.Errorf("%s: giving back its statistics (%s): %w", p, q, err)
		}
		if err := analyze(ctx, c, p, name); err != nil {
			return err
		}
	}
	return nil
}

// analyze runs ANALYZE TABLE name on c and fails when the server answers with an error row.
func analyze(ctx context.Context, c *sql.Conn, p *tablePlan, name string) error {
	rows, err := c.QueryContext(ctx, "ANALYZE TABLE "+name)
	if err != nil {
		return fmt.Errorf("%s: ANALYZE TABLE: %w", p, err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, op, typ, msg sql.NullString
		if err := rows.Scan(&table, &op, &typ, &msg); err != nil {
			return fmt.Errorf("%s: ANALYZE TABLE: %w", p, err)
		}
		if strings.EqualFold(typ.String, "error") {
			return fmt.Errorf("%s: ANALYZE TABLE: %s", p, msg.String)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: ANALYZE TABLE: %w", p, err)
	}
	return nil
}
