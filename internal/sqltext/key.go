package sqltext

import "strings"

// KeyTypeUsable reports whether a column type (information_schema DATA_TYPE, lower case)
// orders the same way in ORDER BY as in a comparison with the literal AppendKeyLiteral writes
// for it, exactly, so that key ranges can be cut on it. ENUM (ordered by index, compared as
// text), FLOAT/DOUBLE (printed inexactly), BIT, JSON and spatial columns are not.
func KeyTypeUsable(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint",
		"decimal", "numeric", "year", "char", "varchar", "binary", "varbinary",
		"date", "datetime", "timestamp", "time":
		return true
	}
	return false
}

// AppendKeyLiteral writes v, a value of a key column of kind k and character set charset ("" for
// none) read with SET NAMES binary, as an SQL literal that compares exactly as the column
// orders: numbers bare, binary strings in hex, character strings as hex with their own character
// set's introducer (_utf8mb4 X'..': the column's collation then applies, not a binary
// comparison, and no escaping can split a multi-byte character of ucs2 or utf16), temporal
// values as quoted strings. A nil v is NULL.
func AppendKeyLiteral(dst []byte, k Kind, charset string, v []byte) []byte {
	switch {
	case v == nil:
		return append(dst, "NULL"...)
	case k == KindNumber:
		return append(dst, v...)
	case k == KindBinary:
		return AppendHex(dst, v)
	case charset != "" && len(v) > 0:
		dst = append(dst, '_')
		dst = append(dst, charset...)
		dst = append(dst, " X'"...)
		dst = AppendTSVHex(dst, v)
		return append(dst, '\'')
	case charset != "":
		dst = append(dst, '_')
		dst = append(dst, charset...)
	}
	dst = append(dst, '\'')
	dst = AppendEscaped(dst, v)
	return append(dst, '\'')
}

// KeyCompare returns the condition "key op literals" for op "<", "<=", ">" or ">=" over the key
// columns names (unquoted) and their literals, expanded into (a op1 x) OR (a = x AND b op y) ...
// since MariaDB does not use a range scan for row-constructor comparisons such as
// (a,b) > (x,y), but does for the expanded form.
func KeyCompare(names, literals []string, op string) string {
	strict := op[:1] // "<" or ">"
	var ors []string
	for i := range names {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, QuoteIdent(names[j])+" = "+literals[j])
		}
		o := strict
		if i == len(names)-1 {
			o = op
		}
		ands = append(ands, QuoteIdent(names[i])+" "+o+" "+literals[i])
		ors = append(ors, strings.Join(ands, " AND "))
	}
	if len(ors) == 1 {
		return ors[0]
	}
	return "(" + strings.Join(ors, ") OR (") + ")"
}

// KeyHidden reports whether a row of information_schema.STATISTICS (read with SELECT *, column
// names as keys) belongs to an index the optimizer may not use: IGNORED = 'YES' (MariaDB 10.6+,
// "Ignored Indexes") or IS_VISIBLE = 'NO' (MySQL 8.0, "Invisible Indexes"). FORCE INDEX on such
// an index fails (error 1176, "Key ... doesn't exist") and a range on its columns scans the
// whole table, so chunks are never cut on one. Servers without either column hide none.
func KeyHidden(stat map[string]string) bool {
	return strings.EqualFold(stat["IGNORED"], "YES") || strings.EqualFold(stat["IS_VISIBLE"], "NO")
}
