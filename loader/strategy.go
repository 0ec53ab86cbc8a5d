package loader

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice/schema"
)

// The per-table index strategy of --defer-indexes auto (chooseStrategy). Its constants were
// measured on MariaDB 10.11 (innodb_change_buffering=none, its default), 2 cores, small-pool
// profile; bench/README.md "Index strategy" has the figures.
const (
	// inlineMaxEntries is the most secondary index entries (rows × B-tree secondary indexes)
	// a table keeps its indexes inline with, when they fit its share of the buffer pool. Below
	// it, maintaining the indexes while the rows load is cheaper than building them after the
	// data (one more scan of the table, a sort, a DDL step); above it, the sorted build wins,
	// by more the more entries. Measured (bench/README.md "Index strategy", -t 2, small-pool):
	// sysbench 4×100k (1 index, 100k entries a table) inline 2.16 s against deferred 2.61 s;
	// sysbench 4×250k (250k) inline 12.2 s against 6.9 s; indexed 2×300k with 2 indexes
	// (600k) even, with 3 (900k) inline 1.9× slower, with 7 (2.1M) 1.4× slower.
	inlineMaxEntries = 150_000
	// fillFactor is the page fill of a secondary index grown by inserts in random key order
	// (about 2/3, half-split pages), which the pool must hold.
	fillFactor = 0.66
	// defaultPool is assumed when the target does not report innodb_buffer_pool_size.
	defaultPool = 128 << 20
)

// strategy is the index strategy chosen for one table.
type strategy struct {
	mode   schema.DeferMode // passed to schema.SplitCreateTable
	name   string           // "inline", "deferred", or "" when the table has no secondary index
	reason string           // why, with the figures
}

// strategyInput is what chooseStrategy decides from.
type strategyInput struct {
	rows    int64             // rows by the dump's metadata
	shape   schema.IndexShape // the table's secondary indexes
	pool    int64             // the target's innodb_buffer_pool_size, bytes
	threads int               // -t: tables loading at once share the pool
	minRows int64             // --defer-min-rows
	forced  schema.DeferMode  // the --defer-indexes value (DeferAuto to choose)
}

// chooseStrategy returns the index strategy of one table:
//   - a forced mode (--defer-indexes all|fulltext|none) is kept, except that tables with fewer
//     rows than --defer-min-rows keep their indexes (DeferNone), as before auto existed;
//   - auto: a table without B-tree secondary indexes defers what it has (FULLTEXT, SPATIAL:
//     inline maintenance of those is far slower than one build); below --defer-min-rows
//     rows it keeps them inline (DeferNone). Otherwise the indexes are estimated
//     (rows × IndexShape.EntryBytes ÷ fillFactor): when they exceed the table's share of the
//     buffer pool (half the pool ÷ -t, the tables loading at once), inline maintenance would
//     read index pages from disk for most rows, so they are deferred. When they fit, a table
//     with at most inlineMaxEntries entries (rows × B-tree secondary indexes) keeps them
//     inline (DeferFulltext: FULLTEXT still deferred), a larger one defers them (DeferAll,
//     one ALTER): the crossover measured on the bench's datasets.
//
// Deferring in groups (several ALTERs per table) is not chosen: MariaDB runs the ALTERs of
// one table one at a time (each holds the table's upgradable metadata lock), so groups only
// add table scans.
func chooseStrategy(in strategyInput) strategy {
	btree := in.shape.Count - in.shape.Fulltext
	if in.shape.Count == 0 {
		return strategy{mode: schema.DeferAll}
	}
	if in.rows < in.minRows {
		return strategy{mode: schema.DeferNone, name: "inline",
			reason: fmt.Sprintf("%d rows, fewer than --defer-min-rows %d", in.rows, in.minRows)}
	}
	if in.forced != schema.DeferAuto {
		name := "deferred"
		if in.forced == schema.DeferNone || in.forced == schema.DeferFulltext && in.shape.Fulltext == 0 {
			name = "inline"
		}
		return strategy{mode: in.forced, name: name, reason: "--defer-indexes " + in.forced.String()}
	}
	if btree == 0 {
		return strategy{mode: schema.DeferAll, name: "deferred",
			reason: fmt.Sprintf("%d FULLTEXT/SPATIAL indexes only: always built after the data", in.shape.Fulltext)}
	}
	est := int64(float64(in.rows) * float64(in.shape.EntryBytes) / fillFactor)
	share := in.pool / 2 / int64(max(1, in.threads))
	if est > share {
		return strategy{mode: schema.DeferAll, name: "deferred",
			reason: fmt.Sprintf("%d secondary indexes ≈ %s exceed the table's share of the buffer pool (%s ÷ 2 ÷ -t %d = %s)",
				btree, mib(est), mib(in.pool), max(1, in.threads), mib(share))}
	}
	entries := in.rows * int64(btree)
	if entries <= inlineMaxEntries {
		return strategy{mode: schema.DeferFulltext, name: "inline",
			reason: fmt.Sprintf("%d rows × %d indexes = %d entries (≈ %s, within the pool's share %s), at most %d: maintained while loading, cheaper than a build after the data",
				in.rows, btree, entries, mib(est), mib(share), inlineMaxEntries)}
	}
	return strategy{mode: schema.DeferAll, name: "deferred",
		reason: fmt.Sprintf("%d rows × %d indexes = %d entries, more than %d: one sorted build after the data is cheaper than maintaining them",
			in.rows, btree, entries, inlineMaxEntries)}
}

// mib formats a byte count in MiB for reasons.
func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// bufferPool reads the target's innodb_buffer_pool_size; defaultPool when it cannot be read
// (a server without InnoDB, or no privilege to read it).
func bufferPool(ctx context.Context, db *sql.DB) int64 {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT @@GLOBAL.innodb_buffer_pool_size").Scan(&n); err != nil || n <= 0 {
		return defaultPool
	}
	return n
}
