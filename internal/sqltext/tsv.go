package sqltext

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
	return appendUint(dst, n)
}

func appendUint(dst []byte, n uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}
