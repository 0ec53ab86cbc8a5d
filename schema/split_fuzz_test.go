package schema

import (
	"os"
	"strings"
	"testing"
)

// FuzzSplitCreateTable feeds SplitCreateTable arbitrary statements (seeds: the sakila tables of
// testdata/sakila-mariadb-10.11.sql and testdata/fuzz/FuzzSplitCreateTable). It must never
// panic; when it splits a statement (no Warning), every line of Create is a line of the
// original, every ALTER starts with ALTER TABLE, and every definition it moved out is an
// original line.
func FuzzSplitCreateTable(f *testing.F) {
	if b, err := os.ReadFile("testdata/sakila-mariadb-10.11.sql"); err == nil {
		for _, s := range strings.Split(string(b), ";\n\n") {
			if s = strings.TrimSpace(s); s != "" {
				f.Add(s, uint8(0))
			}
		}
	}
	f.Fuzz(func(t *testing.T, stmt string, m uint8) {
		mode := DeferMode(int(m) % 3)
		s, err := SplitCreateTable("db", "t", stmt, mode)
		if err != nil || s.Warning != "" {
			return
		}
		// Lines compare without indent and trailing commas: a kept last definition loses its
		// separator, and garbage such as "``,," keeps one of its own.
		norm := func(l string) string { return strings.TrimRight(strings.TrimSpace(l), ", \t") }
		lines := map[string]bool{}
		for _, l := range strings.Split(strings.TrimRight(stmt, " \t\r\n;"), "\n") {
			lines[norm(l)] = true
		}
		for _, l := range strings.Split(s.Create, "\n") {
			if l = norm(l); !lines[l] {
				t.Fatalf("Create line %q is not a line of the original:\n%s\n---\n%s", l, stmt, s.Create)
			}
		}
		for _, q := range append(append([]string{}, s.Indexes...), s.ForeignKeys...) {
			if !strings.HasPrefix(q, "ALTER TABLE `db`.`t` ADD ") {
				t.Fatalf("not an ALTER TABLE of db.t: %q", q)
			}
			for _, d := range strings.Split(strings.TrimPrefix(q, "ALTER TABLE `db`.`t` "), ", ADD ") {
				if d = norm(strings.TrimPrefix(d, "ADD ")); !lines[d] {
					t.Fatalf("deferred definition %q is not a line of the original:\n%s", d, stmt)
				}
			}
		}
	})
}
