package sqlscript

import "strings"

// SplitLines returns the statements of a script written for myloader, without their final ";"
// and surrounding white space; empty statements are dropped. A statement ends at the first line
// that ends with ";" (myloader's rule, restore_data_from_mydumper_file: ";\n" in the last bytes
// read), whatever quotes or BEGIN ... END blocks are open. mydumper writes routines, triggers and
// events so that no line inside them ends with ";" (see EncodeBody). The last statement may lack
// its line end.
func SplitLines(script string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(script[start:end]); s != "" {
			out = append(out, s)
		}
	}
	for i := 0; i < len(script); {
		j := strings.IndexByte(script[i:], '\n')
		if j < 0 {
			break
		}
		end := i + j // the line is script[i:end]
		if end > i && script[end-1] == ';' {
			emit(end - 1)
			start = end + 1
		}
		i = end + 1
	}
	rest := strings.TrimSpace(script[start:])
	rest = strings.TrimSuffix(rest, ";")
	if rest = strings.TrimSpace(rest); rest != "" {
		out = append(out, rest)
	}
	return out
}

// EncodeBody rewrites a multi-line statement (CREATE TRIGGER, PROCEDURE, FUNCTION, EVENT, VIEW) so
// that no line of it ends with ";", the form myloader splits correctly: every ";" followed by k
// spaces (k >= 0) and a line end gets one more space. mydumper does the same for k = 0
// (";\n" -> "; \n", mydumper_jobs.c); the extra step for k > 0 makes the rewrite reversible, so
// DecodeBody gives back the exact text. A server that runs the encoded statement stores the
// extra spaces, as it does for a mydumper dump.
func EncodeBody(stmt string) string { return shiftSpaces(stmt, 1) }

// DecodeBody is the inverse of EncodeBody: every ";" followed by k >= 1 spaces and a line end
// loses one space. Text EncodeBody did not write may not decode to anything meaningful; the
// loader decodes only files sluice wrote in this form (format_version 2 and later).
func DecodeBody(stmt string) string { return shiftSpaces(stmt, -1) }

// shiftSpaces adds delta (1 or -1) spaces to every run of spaces between a ";" and a "\n";
// with -1, runs of zero spaces are left alone.
func shiftSpaces(s string, delta int) string {
	if !strings.Contains(s, ";") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != ';' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j >= len(s) || s[j] != '\n' {
			continue
		}
		k := j - i - 1 // spaces between ';' and '\n'
		if delta < 0 && k == 0 {
			continue
		}
		b.WriteString(strings.Repeat(" ", k+delta))
		i = j - 1 // the '\n' is written by the next iteration
	}
	return b.String()
}
