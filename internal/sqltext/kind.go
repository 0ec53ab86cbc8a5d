package sqltext

import "strings"

// Kind says how a column's values are written as SQL literals.
type Kind int

const (
	// KindNumber is written bare: integers, DECIMAL, FLOAT, DOUBLE, YEAR.
	KindNumber Kind = iota
	// KindString is written as an escaped single-quoted literal: CHAR, VARCHAR, TEXT, ENUM, SET,
	// and every temporal type.
	KindString
	// KindBinary is written as a hex literal: BINARY, VARBINARY, BLOB, BIT and spatial types.
	KindBinary
	// KindJSON is written as an escaped literal with the _utf8mb4 introducer, since MySQL refuses
	// to build a JSON value from a binary string (the dump's connections use SET NAMES binary).
	KindJSON
)

// KindOf maps an information_schema.COLUMNS DATA_TYPE (lower or upper case) to its Kind. Unknown
// types are treated as strings, which is exact for any type the server can read from text.
func KindOf(dataType string) Kind {
	switch strings.ToLower(dataType) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint",
		"decimal", "numeric", "float", "double", "real", "year":
		return KindNumber
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit",
		"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
		"multipolygon", "geometrycollection", "geomcollection":
		return KindBinary
	case "json":
		return KindJSON
	}
	return KindString
}

// AppendValue appends v, a value of a column of kind k as the text protocol returns it, as an SQL
// literal. A nil v is NULL; an empty non-nil v is the empty value.
func AppendValue(dst []byte, k Kind, v []byte) []byte {
	if v == nil {
		return append(dst, "NULL"...)
	}
	switch k {
	case KindNumber:
		return append(dst, v...)
	case KindBinary:
		return AppendHex(dst, v)
	case KindJSON:
		dst = append(dst, "_utf8mb4'"...)
	default:
		dst = append(dst, '\'')
	}
	dst = AppendEscaped(dst, v)
	return append(dst, '\'')
}

// SelectExpr returns the SELECT expression that reads column name of type dataType exactly in
// the text protocol. FLOAT is read as CAST(col AS DOUBLE): MariaDB prints FLOAT values with 6
// significant digits, which loses bits, while the DOUBLE it widens to prints in full and rounds
// back to the same FLOAT when loaded. Every other type is read as the bare column.
func SelectExpr(name, dataType string) string {
	if strings.EqualFold(dataType, "float") {
		return "CAST(" + QuoteIdent(name) + " AS DOUBLE)"
	}
	return QuoteIdent(name)
}

// IsGenerated reports whether an information_schema.COLUMNS EXTRA value marks a generated
// column, whose values the server computes and a dump leaves out: "VIRTUAL GENERATED" or
// "STORED GENERATED" (MySQL 5.7+, MariaDB 10.2+). MySQL 8.0.13+ writes "DEFAULT_GENERATED" for a
// column with a default expression (DEFAULT CURRENT_TIMESTAMP, DEFAULT (expr)); that column
// holds stored values like any other and is not generated (MySQL manual, "The
// INFORMATION_SCHEMA COLUMNS Table").
func IsGenerated(extra string) bool {
	e := strings.ToUpper(extra)
	return strings.Contains(e, "VIRTUAL GENERATED") || strings.Contains(e, "STORED GENERATED")
}
