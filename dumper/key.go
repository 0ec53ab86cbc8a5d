package dumper

import (
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// chunkKey is the unique index a table's chunks are cut on: its columns, in index order.
type chunkKey struct {
	Index    string
	Cols     []column
	Nullable bool // a single-column UNIQUE key whose column allows NULL: NULL rows go to the first chunk
}

// integer reports whether the key is one integer column, which is split by arithmetic when dense.
func (k *chunkKey) integer() bool {
	return len(k.Cols) == 1 && isIntegerType(k.Cols[0].DataType)
}

func isIntegerType(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// keyTypeUsable is sqltext.KeyTypeUsable: the types a key range can be cut on.
func keyTypeUsable(t string) bool { return sqltext.KeyTypeUsable(t) }

// findKey chooses the key to chunk a table on, from its unique index rows of
// information_schema.STATISTICS (TABLE_NAME, INDEX_NAME, COLUMN_NAME, SUB_PART, in index and
// column order) and its columns: the PRIMARY KEY, else a UNIQUE key of NOT NULL columns (a
// single integer column first, then the fewest columns), else a single-column UNIQUE key that
// allows NULL. Keys with a prefix part or a column keyTypeUsable refuses are skipped, and so
// are ignored or invisible indexes (sqltext.KeyHidden, which reads the rows' IGNORED or
// IS_VISIBLE column). It returns nil when no key is usable (the table is then read in one scan).
func findKey(rows []map[string]string, cols map[string]catalogColumn) *chunkKey {
	type cand struct {
		key      chunkKey
		bad      bool
		nullable int
	}
	var order []string
	cands := map[string]*cand{}
	for _, r := range rows {
		c := cands[r["INDEX_NAME"]]
		if c == nil {
			c = &cand{key: chunkKey{Index: r["INDEX_NAME"]}}
			cands[r["INDEX_NAME"]] = c
			order = append(order, r["INDEX_NAME"])
		}
		col, ok := lookupColumn(cols, r["COLUMN_NAME"])
		if !ok || r["SUB_PART"] != "" || !keyTypeUsable(col.DataType) || sqltext.KeyHidden(r) {
			c.bad = true // a functional key part, a prefix, a type that does not order as it compares, or an ignored (invisible) index
		}
		if col.nullable {
			c.nullable++
		}
		c.key.Cols = append(c.key.Cols, col.column)
	}
	var best *cand
	rank := func(c *cand) int {
		switch {
		case c.key.Index == "PRIMARY":
			return 0
		case c.nullable == 0 && c.key.integer():
			return 1
		case c.nullable == 0:
			return 2 + len(c.key.Cols)
		}
		return 1000
	}
	for _, name := range order {
		c := cands[name]
		if c.bad || (c.nullable > 0 && len(c.key.Cols) > 1) {
			continue
		}
		if best == nil || rank(c) < rank(best) {
			best = c
		}
	}
	if best == nil {
		return nil
	}
	best.key.Nullable = best.nullable > 0
	return &best.key
}

// lookupColumn finds column name in cols, exactly or else ignoring case (column names are
// case-insensitive, and information_schema joins compare them so).
func lookupColumn(cols map[string]catalogColumn, name string) (catalogColumn, bool) {
	if c, ok := cols[name]; ok {
		return c, true
	}
	for n, c := range cols {
		if strings.EqualFold(n, name) {
			return c, true
		}
	}
	return catalogColumn{}, false
}

// keyLiteral writes v, a value of key column c read with SET NAMES binary, as an SQL literal that
// compares exactly as the column orders (sqltext.AppendKeyLiteral).
func keyLiteral(dst []byte, c column, v []byte) []byte {
	return sqltext.AppendKeyLiteral(dst, c.Kind, c.Charset, v)
}

// keyCompare returns the condition "key op vals" for op "<", "<=", ">" or ">=", expanded as
// sqltext.KeyCompare does.
func keyCompare(k *chunkKey, op string, vals [][]byte) string {
	names := make([]string, len(k.Cols))
	lits := make([]string, len(k.Cols))
	for i, c := range k.Cols {
		names[i] = c.Name
		lits[i] = string(keyLiteral(nil, c, vals[i]))
	}
	return sqltext.KeyCompare(names, lits, op)
}

// keyColumns is the key's column list `a`,`b` for SELECT and ORDER BY.
func keyColumns(k *chunkKey) string {
	names := make([]string, len(k.Cols))
	for i, c := range k.Cols {
		names[i] = sqltext.QuoteIdent(c.Name)
	}
	return strings.Join(names, ",")
}
