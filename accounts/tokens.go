package accounts

import (
	"strings"
)

// tokKind is the kind of a lexical token of an account statement.
type tokKind int

const (
	tokWord   tokKind = iota // keyword or unquoted name: GRANT, SELECT, r_read, 10
	tokIdent                 // `quoted name`
	tokString                // 'string' or "string"
	tokPunct                 // one of @ , ( ) . * = ;
)

// token is one token of a statement: its kind, its text as written, and where it is.
type token struct {
	kind       tokKind
	text       string // as written, quotes included
	start, end int    // byte offsets in the statement
}

// value is the token's text without its quotes, unescaped (`a“b` is a`b, 'it\'s' is it's).
func (t token) value() string {
	switch t.kind {
	case tokIdent:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], "``", "`")
	case tokString:
		return unescapeString(t.text[1:len(t.text)-1], t.text[0])
	}
	return t.text
}

// is reports whether t is the unquoted word w (case-insensitive).
func (t token) is(w string) bool { return t.kind == tokWord && strings.EqualFold(t.text, w) }

// isPunct reports whether t is the punctuation p.
func (t token) isPunct(p string) bool { return t.kind == tokPunct && t.text == p }

func unescapeString(s string, q byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case '0':
				b.WriteByte(0)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'Z':
				b.WriteByte(0x1a)
			case 'b':
				b.WriteByte('\b')
			default:
				b.WriteByte(s[i])
			}
		case c == q && i+1 < len(s) && s[i+1] == q:
			b.WriteByte(q)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// lex splits an account statement as SHOW CREATE USER and SHOW GRANTS print it into tokens.
// White space separates tokens and is dropped; comments do not occur in SHOW output and are
// not recognised. An unterminated quote runs to the end of the statement.
func lex(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '`' || c == '\'' || c == '"':
			j := i + 1
			for j < len(s) {
				if s[j] == '\\' && c != '`' {
					j += 2
					continue
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(s))
			kind := tokString
			if c == '`' {
				kind = tokIdent
			}
			out = append(out, token{kind: kind, text: s[i:end], start: i, end: end})
			i = end
		case strings.IndexByte("@,().*=;", c) >= 0:
			out = append(out, token{kind: tokPunct, text: s[i : i+1], start: i, end: i + 1})
			i++
		default:
			j := i
			number := c >= '0' && c <= '9' // 1.5 is one token
			for j < len(s) && (strings.IndexByte(" \t\n\r`'\"@,().*=;", s[j]) < 0 || number && s[j] == '.') {
				j++
			}
			out = append(out, token{kind: tokWord, text: s[i:j], start: i, end: j})
			i = j
		}
	}
	return out
}

// parseAccountAt reads an account name at toks[i]: 'user'@'host', `user`@`host`, user@host, a
// bare name (a MariaDB role, or MySQL's user@'%'), or PUBLIC. It returns the account, whether a
// host was written, and the index after it; ok is false when toks[i] cannot start a name.
func parseAccountAt(toks []token, i int) (n Name, hasHost bool, next int, ok bool) {
	if i >= len(toks) || toks[i].kind == tokPunct {
		return Name{}, false, i, false
	}
	n.User = toks[i].value()
	i++
	if i+1 < len(toks) && toks[i].isPunct("@") && toks[i+1].kind != tokPunct {
		n.Host = toks[i+1].value()
		return n, true, i + 2, true
	}
	return n, false, i, true
}
