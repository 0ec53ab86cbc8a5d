package sqlscript

import (
	"fmt"
	"strings"
)

// Split returns the statements of script in order, without their delimiters and surrounding
// white space; empty statements are dropped. Quotes (', ", `) may contain the delimiter and
// backslash escapes; comments (-- , #, /* */) are kept inside the statement they are in. It fails
// when the script ends inside a quote or a comment, which means a truncated file.
func Split(script string) ([]string, error) {
	var out []string
	delim := ";"
	var cur strings.Builder
	i := 0
	atLineStart := true
	emit := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for i < len(script) {
		if atLineStart && strings.TrimSpace(cur.String()) == "" {
			line := script[i:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			t := strings.TrimSpace(line)
			if len(t) > 10 && strings.EqualFold(t[:10], "DELIMITER ") {
				delim = strings.TrimSpace(t[10:])
				i += len(line)
				cur.Reset()
				continue
			}
		}
		atLineStart = false
		c := script[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for ; j < len(script); j++ {
				if script[j] == '\\' && c != '`' {
					j++
					continue
				}
				if script[j] == c {
					if j+1 < len(script) && script[j+1] == c {
						j++
						continue
					}
					break
				}
			}
			if j >= len(script) {
				return nil, fmt.Errorf("statement %d: unterminated %c quote: the file is truncated", len(out)+1, c)
			}
			cur.WriteString(script[i : j+1])
			i = j + 1
		case c == '#' || (c == '-' && strings.HasPrefix(script[i:], "-- ")) || (c == '-' && strings.HasPrefix(script[i:], "--\n")):
			j := strings.IndexByte(script[i:], '\n')
			if j < 0 {
				j = len(script) - i
			}
			cur.WriteString(script[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(script[i:], "/*"):
			j := strings.Index(script[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("statement %d: unterminated /* comment: the file is truncated", len(out)+1)
			}
			cur.WriteString(script[i : i+2+j+2])
			i += j + 4
		case strings.HasPrefix(script[i:], delim):
			emit()
			i += len(delim)
		default:
			if c == '\n' {
				atLineStart = true
			}
			cur.WriteByte(c)
			i++
		}
	}
	emit()
	return out, nil
}
