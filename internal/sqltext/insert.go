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
	rest, ok := bytes.CutPrefix(line, []byte("INSERT INTO "))
	if !ok {
		return dst, 0, ErrNotInsert
	}
	rest, ok = skipIdent(rest)
	if !ok || !bytes.HasPrefix(rest, []byte(" (")) {
		return dst, 0, ErrNotInsert
	}
	rest = rest[2:]
	for i := range enc {
		if rest, ok = skipIdent(rest); !ok {
			return dst, 0, ErrNotInsert
		}
		sep := byte(',')
		if i == len(enc)-1 {
			sep = ')'
		}
		if len(rest) == 0 || rest[0] != sep {
			return dst, 0, ErrNotInsert
		}
		rest = rest[1:]
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(" VALUES ")); !ok {
		return dst, 0, ErrNotInsert
	}
	var rows int64
	var err error
	var raw []byte // a decoded value
	for {
		if len(rest) == 0 || rest[0] != '(' {
			return dst, rows, fmt.Errorf("row %d: %w", rows+1, ErrNotInsert)
		}
		rest = rest[1:]
		for i, e := range enc {
			if i > 0 {
				dst = append(dst, '\t')
			}
			if raw, rest, err = DecodeLiteral(raw[:0], rest); err != nil {
				return dst, rows, fmt.Errorf("row %d column %d: %w", rows+1, i+1, err)
			}
			sep := byte(',')
			if i == len(enc)-1 {
				sep = ')'
			}
			if len(rest) == 0 || rest[0] != sep {
				return dst, rows, fmt.Errorf("row %d column %d: %w", rows+1, i+1, ErrNotInsert)
			}
			rest = rest[1:]
			dst = AppendTSVField(dst, e, raw)
		}
		dst = append(dst, '\n')
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
		i := 2
		for i < len(b) && isHex(b[i]) {
			i++
		}
		if (i-2)%2 != 0 {
			return nil, b, ErrNotInsert
		}
		for j := 2; j < i; j += 2 {
			dst = append(dst, unhex(b[j])<<4|unhex(b[j+1]))
		}
		if dst == nil {
			dst = []byte{}
		}
		return dst, b[i:], nil
	}
	i := 0
	for i < len(b) && b[i] != ',' && b[i] != ')' {
		i++
	}
	if i == 0 {
		return nil, b, ErrNotInsert
	}
	return append(dst, b[:i]...), b[i:], nil
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

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
