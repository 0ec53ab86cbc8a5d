package sqltext

import (
	"bytes"
	"strconv"
	"strings"
)

// TSVNull is how a NULL is written in a tab-separated field read by LOAD DATA ... ESCAPED BY '\\'
// (MySQL manual, "LOAD DATA Statement": \N is NULL when the escape character is backslash).
const TSVNull = `\N`

// TSVFieldsClause is the LOAD DATA clause the TSV encoding of this file matches: fields end at a
// tab, lines at a newline, backslash escapes, no enclosing quotes. Bytes are taken as they are,
// so it is used with CHARACTER SET binary.
const TSVFieldsClause = `FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'`

// AppendTSV appends v as one field of a tab-separated line read by LOAD DATA with
// TSVFieldsClause: nil is \N, and backslash, tab, newline, carriage return and NUL become \\, \t,
// \n, \r and \0 (the escapes LOAD DATA undoes); every other byte is copied. So any byte string,
// including the text "\N" (written \\N) and the empty string (an empty field), reads back exactly.
func AppendTSV(dst, v []byte) []byte {
	if v == nil {
		return append(dst, TSVNull...)
	}
	return appendEscapedBy(dst, v, &tsvEscapes)
}

// tsvEscapes maps a byte AppendTSV escapes to the letter after the backslash; 0 for the others.
var tsvEscapes = [256]byte{'\\': '\\', '\t': 't', '\n': 'n', '\r': 'r', 0: '0'}

// AppendTSVHex appends v as bare hexadecimal digits (upper case; empty for an empty v), or \N for
// nil: for columns loaded through a user variable with SET col = UNHEX(@v).
func AppendTSVHex(dst, v []byte) []byte {
	if v == nil {
		return append(dst, TSVNull...)
	}
	for _, c := range v {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// AppendTSVBit appends v, a BIT value as the server sends it (big-endian bytes, at most 8), as a
// decimal unsigned integer, or \N for nil: for columns loaded with SET col = CAST(@v AS UNSIGNED).
func AppendTSVBit(dst, v []byte) []byte {
	if v == nil {
		return append(dst, TSVNull...)
	}
	var n uint64
	for _, c := range v {
		n = n<<8 | uint64(c)
	}
	return strconv.AppendUint(dst, n, 10)
}

// TSVEncoding is how one column's values are written in a TSV data file, and so how LOAD DATA
// reads them back (see TSVLoadClause).
type TSVEncoding int

const (
	// TSVRaw: bytes escaped by AppendTSV, loaded straight into the column.
	TSVRaw TSVEncoding = iota
	// TSVBit: BIT as a decimal integer (AppendTSVBit), loaded with SET col = CAST(@v AS UNSIGNED).
	TSVBit
	// TSVHex: spatial values as hex (AppendTSVHex), loaded with SET col = UNHEX(@v).
	TSVHex
	// TSVJSON: MySQL JSON, raw, loaded with SET col = CONVERT(@v USING utf8mb4).
	TSVJSON
	// TSVYear: YEAR, raw, loaded with SET col = CAST(@v AS UNSIGNED), since the string '0000'
	// loads as 2000.
	TSVYear
)

// TSVEncodingOf returns the encoding of a column of information_schema DATA_TYPE dataType.
func TSVEncodingOf(dataType string) TSVEncoding {
	dt := strings.ToLower(dataType)
	switch {
	case dt == "bit":
		return TSVBit
	case dt == "year":
		return TSVYear
	case KindOf(dt) == KindJSON:
		return TSVJSON
	case KindOf(dt) == KindBinary && !strings.Contains(dt, "binary") && !strings.Contains(dt, "blob"):
		return TSVHex // geometry and its subtypes
	}
	return TSVRaw
}

// TSVLoadClause is the clause that follows `LOAD DATA [LOCAL] INFILE 'file' INTO TABLE t` to load
// TSV rows of the named columns, encoded as enc says, exactly: CHARACTER SET binary,
// TSVFieldsClause, the column list with a user variable for each column that needs converting,
// and the SET clause converting them (MySQL manual, "LOAD DATA Statement", input preprocessing).
func TSVLoadClause(names []string, enc []TSVEncoding) string {
	var list, set []string
	for i, n := range names {
		name := QuoteIdent(n)
		v := "@sluice_" + strconv.Itoa(i+1)
		switch enc[i] {
		case TSVBit, TSVYear:
			set = append(set, name+" = CAST("+v+" AS UNSIGNED)")
		case TSVHex:
			set = append(set, name+" = UNHEX("+v+")")
		case TSVJSON:
			set = append(set, name+" = CONVERT("+v+" USING utf8mb4)")
		default:
			list = append(list, name)
			continue
		}
		list = append(list, v)
	}
	s := "CHARACTER SET binary " + TSVFieldsClause + " (" + strings.Join(list, ",") + ")"
	if len(set) > 0 {
		s += " SET " + strings.Join(set, ", ")
	}
	return s
}

// AppendTSVField appends v, a column value as the text protocol returns it (nil for NULL), as a
// TSV field in encoding enc.
func AppendTSVField(dst []byte, enc TSVEncoding, v []byte) []byte {
	switch enc {
	case TSVBit:
		return AppendTSVBit(dst, v)
	case TSVHex:
		return AppendTSVHex(dst, v)
	}
	return AppendTSV(dst, v)
}

// UnescapeTSV decodes one TSV field as LOAD DATA ... ESCAPED BY '\\' does (MySQL manual, "LOAD
// DATA Statement"): \N is NULL (nil), and \0, \b, \n, \r, \t, \Z are the bytes they name;
// a backslash before any other byte stands for that byte. It returns a new slice (dst's
// storage is not reused, so earlier results stay valid), non-nil and empty for an empty field.
// It is the inverse of AppendTSV (FuzzTSVRoundTrip).
func UnescapeTSV(dst, f []byte) []byte {
	if IsTSVNull(f) {
		return nil
	}
	dst = AppendUnescapedTSV(dst[:0:0], f)
	if dst == nil {
		dst = []byte{}
	}
	return dst
}

// IsTSVNull reports whether the TSV field f is \N, LOAD DATA's NULL.
func IsTSVNull(f []byte) bool { return len(f) == 2 && f[0] == '\\' && f[1] == 'N' }

// AppendUnescapedTSV appends the bytes the TSV field f stands for (UnescapeTSV's decoding; f
// must not be \N) to dst, without allocating when dst has room.
func AppendUnescapedTSV(dst, f []byte) []byte {
	for {
		i := bytes.IndexByte(f, '\\')
		if i < 0 || i+1 == len(f) {
			return append(dst, f...)
		}
		dst = append(dst, f[:i]...)
		c := f[i+1]
		switch c {
		case '0':
			c = 0
		case 'b':
			c = '\b'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'Z':
			c = 0x1a
		}
		dst = append(dst, c)
		f = f[i+2:]
	}
}
