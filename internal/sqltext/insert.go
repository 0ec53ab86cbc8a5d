package sqltext

import (
	"bytes"
	"errors"
	"fmt"
)

// The SQL data files package dumper writes hold one multi-row INSERT per line:
//
//	INSERT INTO `t` (`a`,`b`) VALUES (1,'x\'y'),(NULL,0x00FF)
//
// with values that are NULL, bare numbers, single-quoted strings escaped by
// AppendEscaped (optionally behind an introducer such as _utf8mb4), or 0x hex literals.
// AppendInsertAsTSV turns such a line into TSV rows that LOAD DATA reads with TSVLoadClause, so
// that SQL dumps load at LOAD DATA speed: the server parses neither the statement nor its
// literals. It is the decoder of AppendEscaped's literals and the inverse of the dumper's INSERT
// encoding; FuzzInsertRoundTrip checks both directions.

// ErrNotInsert is the error for a line AppendInsertAsTSV does not read: not an INSERT as package
// dumper writes it.
var ErrNotInsert = errors.New("not an INSERT of the form package dumper writes")

// AppendInsertAsTSV appends the rows of one INSERT line as TSV lines, each column written in its
// encoding enc[i], and returns them with the number of rows. The statement must name exactly
// len(enc) columns; anything else is ErrNotInsert (wrapped, with the row and column).
func AppendInsertAsTSV(dst, line []byte, enc []TSVEncoding) ([]byte, int64, error) {
	var raw []byte // a decoded value
	value := func(dst []byte, i int, b []byte) ([]byte, []byte, error) {
		if i > 0 {
			dst = append(dst, '\t')
		}
		if e := enc[i]; e == TSVRaw || e == TSVJSON {
			return appendLiteralAsTSV(dst, b)
		}
		var rest []byte
		var err error
		if raw, rest, err = DecodeLiteral(raw[:0], b); err != nil {
			return dst, b, err
		}
		return AppendTSVField(dst, enc[i], raw), rest, nil
	}
	return appendInsertRows(dst, line, len(enc), value, func(dst []byte) []byte { return append(dst, '\n') })
}

// appendInsertRows walks the rows of line, an INSERT naming ncols columns as package dumper
// writes it: value appends the value of column i, which b starts with, to dst and returns the
// rest of b after it; rowEnd appends what ends a row. It returns dst and the number of rows;
// a line of another form is ErrNotInsert, wrapped with the row and column.
func appendInsertRows(dst, line []byte, ncols int, value func(dst []byte, i int, b []byte) ([]byte, []byte, error), rowEnd func(dst []byte) []byte) ([]byte, int64, error) {
	rest, ok := insertValues(line, ncols)
	if !ok {
		return dst, 0, ErrNotInsert
	}
	var rows int64
	var err error
	for {
		if len(rest) == 0 || rest[0] != '(' {
			return dst, rows, fmt.Errorf("row %d: %w", rows+1, ErrNotInsert)
		}
		rest = rest[1:]
		for i := range ncols {
			if dst, rest, err = value(dst, i, rest); err != nil {
				return dst, rows, fmt.Errorf("row %d column %d: %w", rows+1, i+1, err)
			}
			sep := byte(',')
			if i == ncols-1 {
				sep = ')'
			}
			if len(rest) == 0 || rest[0] != sep {
				return dst, rows, fmt.Errorf("row %d column %d: %w", rows+1, i+1, ErrNotInsert)
			}
			rest = rest[1:]
		}
		dst = rowEnd(dst)
		rows++
		if len(rest) == 0 {
			return dst, rows, nil
		}
		if rest[0] != ',' {
			return dst, rows, fmt.Errorf("after row %d: %w", rows, ErrNotInsert)
		}
		rest = rest[1:]
	}
}

// insertValues returns what follows " VALUES " in line, an INSERT as package dumper writes it
// naming ncols columns; false for any other line.
func insertValues(line []byte, ncols int) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("INSERT INTO "))
	if !ok {
		return nil, false
	}
	rest, ok = skipIdent(rest)
	if !ok || !bytes.HasPrefix(rest, []byte(" (")) {
		return nil, false
	}
	rest = rest[2:]
	for i := range ncols {
		if rest, ok = skipIdent(rest); !ok {
			return nil, false
		}
		sep := byte(',')
		if i == ncols-1 {
			sep = ')'
		}
		if len(rest) == 0 || rest[0] != sep {
			return nil, false
		}
		rest = rest[1:]
	}
	return bytes.CutPrefix(rest, []byte(" VALUES "))
}

// AppendInsertValues appends the values of the rows of one INSERT line naming ncols columns,
// each decoded (DecodeLiteral: the bytes the column holds, nil for NULL) and written by
// appendValue, and returns them with ends extended by the offset in dst where each row ends.
// It reads what AppendInsertAsTSV reads, with the same errors; FuzzInsertValues checks that
// both give the same values.
func AppendInsertValues(dst []byte, ends []int, line []byte, ncols int, appendValue func(dst, v []byte) []byte) ([]byte, []int, error) {
	if ncols == 0 {
		return dst, ends, ErrNotInsert
	}
	var raw []byte // a decoded value
	value := func(dst []byte, _ int, b []byte) ([]byte, []byte, error) {
		var rest []byte
		var err error
		if raw, rest, err = DecodeLiteral(raw[:0], b); err != nil {
			return dst, b, err
		}
		return appendValue(dst, raw), rest, nil
	}
	dst, _, err := appendInsertRows(dst, line, ncols, value, func(dst []byte) []byte {
		ends = append(ends, len(dst))
		return dst
	})
	return dst, ends, err
}

// skipIdent skips one backtick-quoted identifier.
func skipIdent(b []byte) ([]byte, bool) {
	if len(b) == 0 || b[0] != '`' {
		return b, false
	}
	for i := 1; i < len(b); i++ {
		if b[i] == '`' {
			if i+1 < len(b) && b[i+1] == '`' {
				i++
				continue
			}
			return b[i+1:], true
		}
	}
	return b, false
}

// sqlUnescape maps the letter after a backslash in a string literal to its byte (MySQL manual,
// "String Literals"); other letters stand for themselves.
var sqlUnescape = [256]byte{'0': 0, 'b': '\b', 'n': '\n', 'r': '\r', 't': '\t', 'Z': 0x1a}

func init() {
	for c := 0; c < 256; c++ {
		switch c {
		case '0', 'b', 'n', 'r', 't', 'Z':
		default:
			sqlUnescape[c] = byte(c)
		}
	}
}

// DecodeLiteral decodes the SQL literal at the start of b as package dumper writes them — NULL,
// a bare number, a single-quoted string escaped by AppendEscaped (optionally behind an
// introducer such as _binary), or a 0x hex literal — appending its bytes to dst (nil for NULL),
// and returns the rest of b after it. A literal of another form is ErrNotInsert.
func DecodeLiteral(dst, b []byte) ([]byte, []byte, error) {
	switch {
	case len(b) == 0:
		return nil, b, ErrNotInsert
	case bytes.HasPrefix(b, []byte("NULL")):
		return nil, b[4:], nil
	case b[0] == '_':
		q := bytes.IndexByte(b, '\'')
		if q < 0 {
			return nil, b, ErrNotInsert
		}
		return decodeString(dst, b[q:])
	case b[0] == '\'':
		return decodeString(dst, b)
	case len(b) > 1 && b[0] == '0' && b[1] == 'x':
		i, ok := hexEnd(b)
		if !ok {
			return nil, b, ErrNotInsert
		}
		for j := 2; j < i; j += 2 {
			dst = append(dst, hexValue[b[j]]<<4|hexValue[b[j+1]])
		}
		if dst == nil {
			dst = []byte{}
		}
		return dst, b[i:], nil
	}
	i := bareEnd(b)
	if i == 0 {
		return nil, b, ErrNotInsert
	}
	return append(dst, b[:i]...), b[i:], nil
}

// hexEnd returns the end of the 0x hex literal at the start of b, and whether it has an even
// number of digits (an odd one is not a literal the dumper writes).
func hexEnd(b []byte) (int, bool) {
	n := hexRun(b[2:])
	return 2 + n, n%2 == 0
}

// bareEnd returns the length of the bare literal (a number) at the start of b: up to the ',' or
// ')' that ends it.
func bareEnd(b []byte) int {
	i := 0
	for i < len(b) && b[i] != ',' && b[i] != ')' {
		i++
	}
	return i
}

// appendLiteralAsTSV appends the SQL literal at the start of b as one TSV field, as
// AppendTSV(DecodeLiteral(b)) would but in one pass, without the decoded copy: the common
// case of the loader's sql path (TSVRaw and TSVJSON columns; FuzzLiteralAsTSV checks that both
// ways agree). It returns the rest of b after the literal.
func appendLiteralAsTSV(dst, b []byte) ([]byte, []byte, error) {
	switch {
	case len(b) == 0:
		return dst, b, ErrNotInsert
	case b[0] == '\'':
		return appendStringAsTSV(dst, b)
	case b[0] == '_':
		q := bytes.IndexByte(b, '\'')
		if q < 0 {
			return dst, b, ErrNotInsert
		}
		return appendStringAsTSV(dst, b[q:])
	case bytes.HasPrefix(b, []byte("NULL")):
		return append(dst, TSVNull...), b[4:], nil
	case len(b) > 1 && b[0] == '0' && b[1] == 'x':
		i, ok := hexEnd(b)
		if !ok {
			return dst, b, ErrNotInsert
		}
		for j := 2; j < i; j += 2 {
			c := hexValue[b[j]]<<4 | hexValue[b[j+1]]
			if esc := tsvEscapes[c]; esc != 0 {
				dst = append(dst, '\\', esc)
			} else {
				dst = append(dst, c)
			}
		}
		return dst, b[i:], nil
	}
	i := bareEnd(b)
	if i == 0 {
		return dst, b, ErrNotInsert
	}
	return appendEscapedBy(dst, b[:i], &tsvEscapes), b[i:], nil
}

// sqlToTSV classifies the bytes inside a single-quoted literal for appendStringAsTSV: 1 for the
// quote and the backslash (SQL's escapes end a plain run), 2 for the bytes TSV escapes, 0 for
// the bytes copied as they are.
var sqlToTSV = [256]byte{'\'': 1, '\\': 1, '\t': 2, '\n': 2, '\r': 2, 0: 2}

// appendStringAsTSV appends the single-quoted literal at the start of b, unescaped from SQL
// (decodeString's rules) and escaped for TSV (AppendTSV's), and returns the rest of b after it.
func appendStringAsTSV(dst, b []byte) ([]byte, []byte, error) {
	start := 1
	for i := 1; i < len(b); i++ {
		switch sqlToTSV[b[i]] {
		case 0:
			continue
		case 2:
			dst = append(dst, b[start:i]...)
			dst = append(dst, '\\', tsvEscapes[b[i]])
			start = i + 1
			continue
		}
		dst = append(dst, b[start:i]...)
		if b[i] == '\\' {
			if i+1 >= len(b) {
				break
			}
			i++
			c := sqlUnescape[b[i]]
			if esc := tsvEscapes[c]; esc != 0 {
				dst = append(dst, '\\', esc)
			} else {
				dst = append(dst, c)
			}
			start = i + 1
			continue
		}
		if i+1 < len(b) && b[i+1] == '\'' { // '' inside a literal is one quote
			dst = append(dst, '\'')
			i++
			start = i + 1
			continue
		}
		return dst, b[i+1:], nil
	}
	return dst, b, fmt.Errorf("unterminated string: %w", ErrNotInsert)
}

// decodeString decodes the single-quoted literal at the start of b.
func decodeString(dst, b []byte) ([]byte, []byte, error) {
	if dst == nil {
		dst = []byte{}
	}
	i := 1
	for i < len(b) {
		j := i
		for j < len(b) && b[j] != '\\' && b[j] != '\'' {
			j++
		}
		dst = append(dst, b[i:j]...)
		if j >= len(b) {
			break
		}
		if b[j] == '\\' {
			if j+1 >= len(b) {
				break
			}
			dst = append(dst, sqlUnescape[b[j+1]])
			i = j + 2
			continue
		}
		if j+1 < len(b) && b[j+1] == '\'' { // '' inside a literal is one quote
			dst = append(dst, '\'')
			i = j + 2
			continue
		}
		return dst, b[j+1:], nil
	}
	return nil, b, fmt.Errorf("unterminated string: %w", ErrNotInsert)
}

// hexValue maps a hexadecimal digit (either case) to its value and every other byte to 0xFF.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9':
			t[c] = byte(c - '0')
		case c >= 'a' && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xFF
		}
	}
	return t
}()

// hexRun returns the length of the run of hexadecimal digits at the start of b.
func hexRun(b []byte) int {
	for i, c := range b {
		if hexValue[c] == 0xFF {
			return i
		}
	}
	return len(b)
}
