package roundtrip

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// hostileNames are identifiers that break careless quoting, escaping, file naming or parsing:
// backticks, quotes, spaces, dots, newlines, tabs, '%', backslashes, SQL comment and statement
// characters, non-ASCII, reserved words, digits only, and names that look like dump files.
var hostileNames = []string{
	"back`tick``s", `it's "quoted"`, "sp ace", "dot.ted", "new\nline", "tab\tbed", "per%cent_",
	`back\slash\`, "semi;colon -- /*c*/ #h", "ünï 日本 ç", "select", "order", "00001",
	"t.00001", "a-schema", "metadata", "x.00000.sql", "sluice-load.journal", "%2E",
}

// hostileDatabases are the database names the test creates: one holding most hostile
// characters, and ones named like dump files.
var hostileDatabases = []string{"h`o'st\"i.le %db\nü", "metadata", "a-schema"}

// createHostile fills database db on d with a table per name of names (its columns named with
// hostile names too, and holding them as values), a view, a trigger, a procedure, a function and
// an event with hostile names.
func createHostile(t *testing.T, s *testserver.Server, db string, names []string) {
	t.Helper()
	d := Open(t, s, "")
	d.SetMaxOpenConns(1)
	q := sqltext.QuoteIdent
	Exec(t, d, "SET NAMES utf8mb4", "CREATE DATABASE "+q(db)+" CHARACTER SET utf8mb4", "USE "+q(db))
	for i, name := range names {
		col1, col2 := hostileNames[(i+1)%len(hostileNames)], hostileNames[(i+2)%len(hostileNames)]
		Exec(t, d, fmt.Sprintf("CREATE TABLE %s (id INT PRIMARY KEY, %s VARCHAR(100), %s TEXT, KEY %s (%s))",
			q(name), q(col1), q(col2), q("k "+col1), q(col1)))
		for j, v := range hostileNames {
			if _, err := d.Exec(fmt.Sprintf("INSERT INTO %s VALUES (?, ?, ?)", q(name)), j, v, strings.Repeat(v, j)); err != nil {
				t.Fatalf("insert into %q: %v", name, err)
			}
		}
	}
	t0, c0 := hostileNames[0], hostileNames[1]
	Exec(t, d,
		fmt.Sprintf("CREATE VIEW %s AS SELECT id AS %s, %s AS %s FROM %s", q("v "+hostileNames[1]), q(hostileNames[4]), q(c0), q(hostileNames[2]), q(t0)),
		fmt.Sprintf("CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW SET NEW.%s = CONCAT('tr;', NEW.%s)", q("tr "+hostileNames[1]), q(t0), q(c0), q(c0)),
		fmt.Sprintf("CREATE PROCEDURE %s(IN %s INT) BEGIN SELECT %s FROM %s WHERE id = %s; SELECT 'x;y'; END",
			q("pr "+hostileNames[4]), q("p`a"), q(c0), q(t0), q("p`a")),
		fmt.Sprintf("CREATE FUNCTION %s() RETURNS INT DETERMINISTIC RETURN (SELECT COUNT(*) FROM %s)", q("fn "+hostileNames[8]), q(t0)),
		fmt.Sprintf("CREATE EVENT %s ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM %s WHERE id < 0", q("ev "+hostileNames[3]), q(t0)),
	)
}

// TestHostileNamesRoundTrip creates databases, tables, columns, indexes, a view, a trigger, a
// procedure, a function and an event named with hostileNames (and databases named like dump
// files), dumps them in each format and loads them into another server, and compares every
// table by CHECKSUM TABLE and every object by its SHOW CREATE text (package compare).
func TestHostileNamesRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	createHostile(t, a, hostileDatabases[0], hostileNames)
	for _, db := range hostileDatabases[1:] {
		createHostile(t, a, db, []string{hostileNames[0], "t.00001", "a-schema", "metadata"})
	}
	for _, format := range []string{dumper.FormatSQL, dumper.FormatTSV} {
		t.Run(format, func(t *testing.T) {
			b := testserver.ForTest(t, testserver.Options{})
			RoundTrip(t, a, b, hostileDatabases, dumper.Options{Threads: 2, Format: format, Rows: 10}, loader.Options{Threads: 2})
		})
	}
}
