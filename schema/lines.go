package schema

import (
	"errors"
	"strings"
)

// layout is a SHOW CREATE TABLE statement cut at its line structure:
//
//	CREATE TABLE `t` (        <- head, up to and including " (" (no newline)
//	  `a` int NOT NULL,       <- defs[0] = "`a` int NOT NULL" (indent and comma removed)
//	  PRIMARY KEY (`a`)       <- defs[1]
//	) ENGINE=InnoDB ...       <- tail, from ")" to the end, verbatim (options, partitions)
//
// Newlines inside quoted identifiers or string literals do not end a line.
type layout struct {
	head string
	defs []string
	tail string
}

// assemble rebuilds the statement from head, the given definitions and tail, in the format
// SHOW CREATE TABLE uses, so that assembling all of l.defs gives back the original text.
func (l layout) assemble(defs []string) string {
	var b strings.Builder
	b.WriteString(l.head)
	b.WriteString("\n  ")
	b.WriteString(strings.Join(defs, ",\n  "))
	b.WriteString("\n")
	b.WriteString(l.tail)
	return b.String()
}

// cutLayout splits a SHOW CREATE TABLE text into a layout. It fails when the text does not
// have the one-definition-per-line shape MariaDB and MySQL print.
func cutLayout(s string) (layout, error) {
	lines := splitTopLevelLines(s)
	if len(lines) < 3 {
		return layout{}, errors.New("not in SHOW CREATE TABLE form (one definition per line)")
	}
	var l layout
	l.head = lines[0]
	if !strings.HasSuffix(l.head, " (") {
		return layout{}, errors.New("first line does not end with \" (\"")
	}
	i := 1
	for ; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, ")") {
			break
		}
		if !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") {
			return layout{}, errors.New("definition line without two-space indent")
		}
		l.defs = append(l.defs, line[2:])
	}
	if i == len(lines) || len(l.defs) == 0 {
		return layout{}, errors.New("no closing \")\" line after the definitions")
	}
	l.tail = strings.Join(lines[i:], "\n")
	for j, d := range l.defs {
		last := j == len(l.defs)-1
		hasComma := strings.HasSuffix(d, ",")
		if hasComma == last {
			return layout{}, errors.New("definition lines are not comma-separated one per line")
		}
		if !last {
			l.defs[j] = d[:len(d)-1]
		}
	}
	return l, nil
}

// splitTopLevelLines splits s at newlines that are outside `identifiers`, 'strings',
// "strings" and /* comments */. Backslash escapes inside strings are honoured, as the
// server prints them without NO_BACKSLASH_ESCAPES.
func splitTopLevelLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			lines = append(lines, s[start:i])
			start = i + 1
		case '`', '\'', '"':
			i = skipQuoted(s, i)
		case '/':
			if i+1 < len(s) && s[i+1] == '*' {
				end := strings.Index(s[i+2:], "*/")
				if end < 0 {
					i = len(s)
				} else {
					i += 2 + end + 1
				}
			}
		}
	}
	return append(lines, s[start:])
}

// skipQuoted returns the index of the closing quote of the quoted token starting at s[i]
// (or len(s) if unterminated). A doubled quote is an escaped quote; a backslash escapes the
// next byte in strings but not in `identifiers`.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// topLevelWords returns the upper-cased bare words of a definition outside quotes,
// parentheses and comments, e.g. "`a` int(11) NOT NULL COMMENT 'x'" gives
// [INT NOT NULL COMMENT]. It is the fallback classifier for column lines the parser rejects.
func topLevelWords(s string) []string {
	var words []string
	depth := 0
	start := -1
	flush := func(i int) {
		if start >= 0 {
			if depth == 0 {
				words = append(words, strings.ToUpper(s[start:i]))
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`' || c == '\'' || c == '"':
			flush(i)
			i = skipQuoted(s, i)
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			flush(i)
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return words
			}
			i += 2 + end + 1
		case c == '(':
			flush(i)
			depth++
		case c == ')':
			flush(i)
			depth--
		case c == '_' || c == '$' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9'):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
	return words
}

// leadingIdent returns the unquoted name of the `identifier` at the start of s and true,
// or "", false if s does not start with a backtick-quoted identifier.
func leadingIdent(s string) (string, bool) {
	if !strings.HasPrefix(s, "`") {
		return "", false
	}
	end := skipQuoted(s, 0)
	if end >= len(s) {
		return "", false
	}
	return strings.ReplaceAll(s[1:end], "``", "`"), true
}
