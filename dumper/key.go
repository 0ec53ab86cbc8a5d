package dumper

import (
	"context"
	"database/sql"
	"fmt"
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

// keyTypeUsable reports whether a column type orders the same way in ORDER BY as in a comparison
// with the literal keyLiteral writes for it, exactly. ENUM (ordered by index, compared as text),
// FLOAT/DOUBLE (printed inexactly), BIT, JSON and spatial columns are not.
func keyTypeUsable(t string) bool {
	switch t {
	case "decimal", "numeric", "year", "char", "varchar", "binary", "varbinary",
		"date", "datetime", "timestamp", "time":
		return true
	}
	return isIntegerType(t)
}

// findKey chooses the key to chunk t on: the PRIMARY KEY, else a UNIQUE key of NOT NULL columns
// (a single integer column first, then the fewest columns), else a single-column UNIQUE key that
// allows NULL. Keys with a prefix part or a column keyTypeUsable refuses are skipped. It returns
// nil when no key is usable (the table is then read in one scan).
func findKey(ctx context.Context, db *sql.DB, t *table) (*chunkKey, error) {
	rows, err := queryMaps(ctx, db, `SELECT s.INDEX_NAME, s.COLUMN_NAME, s.SUB_PART, c.DATA_TYPE, c.COLUMN_TYPE,
			c.CHARACTER_SET_NAME, c.IS_NULLABLE
		FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS c
			ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
		WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0
		ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`, t.DB, t.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: keys: %w", t, err)
	}
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
		dt := strings.ToLower(r["DATA_TYPE"])
		if r["SUB_PART"] != "" || !keyTypeUsable(dt) {
			c.bad = true
		}
		if r["IS_NULLABLE"] == "YES" {
			c.nullable++
		}
		c.key.Cols = append(c.key.Cols, column{Name: r["COLUMN_NAME"], Kind: sqltext.KindOf(dt), DataType: dt,
			Charset: r["CHARACTER_SET_NAME"], Unsigned: strings.Contains(strings.ToLower(r["COLUMN_TYPE"]), "unsigned")})
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
		return nil, nil
	}
	best.key.Nullable = best.nullable > 0
	return &best.key, nil
}

// keyLiteral writes v, a value of key column c read with SET NAMES binary, as an SQL literal that
// compares exactly as the column orders: numbers bare, binary strings in hex, character strings
// as hex with their own character set's introducer (_utf8mb4 X'..': the column's collation then
// applies, not a binary comparison, and no escaping can split a multi-byte character of ucs2 or
// utf16), temporal values as quoted strings.
func keyLiteral(dst []byte, c column, v []byte) []byte {
	switch {
	case v == nil:
		return append(dst, "NULL"...)
	case c.Kind == sqltext.KindNumber:
		return append(dst, v...)
	case c.Kind == sqltext.KindBinary:
		return sqltext.AppendHex(dst, v)
	case c.Charset != "" && len(v) > 0:
		dst = append(dst, '_')
		dst = append(dst, c.Charset...)
		dst = append(dst, " X'"...)
		dst = sqltext.AppendTSVHex(dst, v)
		return append(dst, '\'')
	case c.Charset != "":
		dst = append(dst, '_')
		dst = append(dst, c.Charset...)
	}
	dst = append(dst, '\'')
	dst = sqltext.AppendEscaped(dst, v)
	return append(dst, '\'')
}

// keyCompare returns the condition "key op vals" for op "<", "<=", ">" or ">=", expanded into
// (a op1 x) OR (a = x AND b op y) ... since MariaDB does not use a range scan for row-constructor
// comparisons such as (a,b) > (x,y), but does for the expanded form.
func keyCompare(k *chunkKey, op string, vals [][]byte) string {
	strict := op[:1] // "<" or ">"
	var ors []string
	for i := range k.Cols {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, sqltext.QuoteIdent(k.Cols[j].Name)+" = "+string(keyLiteral(nil, k.Cols[j], vals[j])))
		}
		o := strict
		if i == len(k.Cols)-1 {
			o = op
		}
		ands = append(ands, sqltext.QuoteIdent(k.Cols[i].Name)+" "+o+" "+string(keyLiteral(nil, k.Cols[i], vals[i])))
		ors = append(ors, strings.Join(ands, " AND "))
	}
	if len(ors) == 1 {
		return ors[0]
	}
	return "(" + strings.Join(ors, ") OR (") + ")"
}

// keyColumns is the key's column list `a`,`b` for SELECT and ORDER BY.
func keyColumns(k *chunkKey) string {
	names := make([]string, len(k.Cols))
	for i, c := range k.Cols {
		names[i] = sqltext.QuoteIdent(c.Name)
	}
	return strings.Join(names, ",")
}
