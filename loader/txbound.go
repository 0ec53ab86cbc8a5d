package loader

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Transaction bounds. Every data transaction (a run of INSERTs, or one LOAD DATA of part of a
// file) stays under a byte bound and, on Galera with wsrep_max_ws_rows, a row bound, so that it
// fits a cluster's write-set limit: over it, Galera rolls the transaction back with "Maximum
// writeset size exceeded" and Group Replication with "Error on observer while running
// replication hook 'before_commit'".
const (
	// defaultTxBytes is the byte bound when the target sets no lower limit.
	defaultTxBytes = 64 << 20

	// txMargin divides a server's limit to get the default bound. The loader counts the bytes
	// of the dump's text (SQL or TSV) plus rowOverhead per row, while the server counts the
	// write set: binary row images and, on Galera, a key per row and index. The two differ
	// most for narrow numeric rows: a BIGINT 0 is 2 bytes of text ("0,") and 8 in a row image.
	// A quarter of the limit keeps such a table under it (8 MiB transactions on a 32 MiB
	// wsrep_max_ws_size, 37.5 MB on Group Replication's default 150 MB), and costs little:
	// past a few MiB a bigger transaction does not load faster.
	txMargin = 4

	// rowOverhead is what each row adds to a transaction's counted bytes besides its text: the
	// row event header, null bitmap and Galera certification keys a write set carries per row.
	rowOverhead = 64
)

// txBound is the size every data transaction keeps under.
type txBound struct {
	bytes int64  // counted bytes: the text of the rows plus rowOverhead per row
	rows  int64  // rows; 0 for no bound
	from  string // what set the bound, for the log line
}

// txLimits are the target's settings that bound a transaction's size (MariaDB manual, "Galera
// Cluster System Variables"; MySQL manual, "Group Replication System Variables" and
// "max_binlog_cache_size"); a zero field is no limit.
type txLimits struct {
	wsSize, wsRows int64 // wsrep_max_ws_size, wsrep_max_ws_rows, when wsrep_on
	grSize         int64 // group_replication_transaction_size_limit, when the plugin is loaded
	binlogCache    int64 // max_binlog_cache_size
}

// readTxLimits reads the target's transaction size limits with one SHOW VARIABLES; a server
// without a variable (MySQL has no wsrep_*, MariaDB no group_replication_*) has no such limit.
func readTxLimits(ctx context.Context, c *sql.Conn) (txLimits, error) {
	rows, err := c.QueryContext(ctx, "SHOW GLOBAL VARIABLES WHERE Variable_name IN "+
		"('wsrep_on', 'wsrep_max_ws_size', 'wsrep_max_ws_rows', 'group_replication_transaction_size_limit', 'max_binlog_cache_size')")
	if err != nil {
		return txLimits{}, fmt.Errorf("reading the target's transaction size limits: %w", err)
	}
	defer rows.Close()
	v := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return txLimits{}, err
		}
		v[strings.ToLower(name)] = value
	}
	if err := rows.Err(); err != nil {
		return txLimits{}, fmt.Errorf("reading the target's transaction size limits: %w", err)
	}
	num := func(name string) int64 {
		n, _ := strconv.ParseUint(v[name], 10, 64)
		return int64(min(n, 1<<62))
	}
	var l txLimits
	if strings.EqualFold(v["wsrep_on"], "ON") {
		l.wsSize, l.wsRows = num("wsrep_max_ws_size"), num("wsrep_max_ws_rows")
	}
	l.grSize = num("group_replication_transaction_size_limit")
	l.binlogCache = num("max_binlog_cache_size")
	return l, nil
}

// bound returns the transaction bound for the limits: a quarter (txMargin) of the lowest byte
// limit, at most defaultTxBytes, and wsrep_max_ws_rows less one row for the progress table's.
// maxBytes > 0 (--max-transaction-bytes) replaces the byte bound.
func (l txLimits) bound(maxBytes int64) txBound {
	b := txBound{bytes: defaultTxBytes, from: "default"}
	for _, lim := range []struct {
		name string
		v    int64
	}{{"wsrep_max_ws_size", l.wsSize}, {"group_replication_transaction_size_limit", l.grSize}, {"max_binlog_cache_size", l.binlogCache}} {
		if lim.v > 0 && lim.v/txMargin < b.bytes {
			b.bytes = max(lim.v/txMargin, 1)
			b.from = fmt.Sprintf("%s %d / %d", lim.name, lim.v, txMargin)
		}
	}
	if maxBytes > 0 {
		b.bytes, b.from = maxBytes, "--max-transaction-bytes"
	}
	if l.wsRows > 0 {
		b.rows = max(l.wsRows-1, 1)
	}
	return b
}

// full reports whether a transaction holding bytes and rows may not take more: adding
// addBytes and addRows would cross the bound. An empty transaction is never full, so that a
// row bigger than the bound still loads (alone).
func (b txBound) full(bytes, rows, addBytes, addRows int64) bool {
	if rows == 0 && bytes == 0 {
		return false
	}
	return bytes+addBytes > b.bytes || b.rows > 0 && rows+addRows > b.rows
}

// insertRows estimates the rows of an INSERT ... VALUES statement as package dumper writes it,
// by its row separators: at least the true count (a "),(" inside a string adds one), so a bound
// computed from it is never crossed.
func insertRows(stmt []byte) int64 {
	return int64(bytes.Count(stmt, []byte("),("))) + 1
}
