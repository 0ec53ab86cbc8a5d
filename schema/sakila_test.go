package schema

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// reparse checks that create parses with the TiDB parser as one CREATE TABLE whenever the
// original does (MariaDB-only syntax such as uuid columns makes both fail).
func reparse(t *testing.T, create, original string) {
	t.Helper()
	p := parser.New()
	_, origErr := p.ParseOneStmt(original, "", "")
	st, err := p.ParseOneStmt(create, "", "")
	switch {
	case err != nil && origErr == nil:
		t.Errorf("Create does not re-parse: %v\n%s", err, create)
	case err == nil:
		if _, ok := st.(*ast.CreateTableStmt); !ok {
			t.Errorf("Create parses as %T", st)
		}
	}
}

// sakilaStatements reads testdata/sakila-mariadb-10.11.sql: SHOW CREATE TABLE output of
// MariaDB 10.11 for the sakila tables (from /work/shared/testdata/sakila), one statement
// per ";\n\n".
func sakilaStatements(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/sakila-mariadb-10.11.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range strings.Split(string(b), ";\n\n") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		name, ok := leadingIdent(strings.TrimPrefix(s, "CREATE TABLE "))
		if !ok {
			t.Fatalf("no table name in %q", s)
		}
		out[name] = s
	}
	if len(out) != 16 {
		t.Fatalf("read %d sakila tables, want 16", len(out))
	}
	return out
}

func TestSakilaInvariants(t *testing.T) {
	for name, stmt := range sakilaStatements(t) {
		for _, mode := range []DeferMode{DeferAll, DeferFulltext, DeferNone} {
			s, err := SplitCreateTable("sakila", name, stmt, mode)
			if err != nil || s.Warning != "" {
				t.Fatalf("%s %v: %v %s", name, mode, err, s.Warning)
			}
			reparse(t, s.Create, stmt)
			if strings.Contains(s.Create, "FOREIGN KEY") || strings.Contains(s.Create, ",\n)") {
				t.Errorf("%s %v: Create keeps a foreign key or a dangling comma:\n%s", name, mode, s.Create)
			}
			// Every original line is either in Create or in exactly one ALTER.
			all := s.Create + "\n" + strings.Join(s.Indexes, "\n") + "\n" + strings.Join(s.ForeignKeys, "\n")
			for _, line := range strings.Split(stmt, "\n")[1:] {
				line = strings.TrimSuffix(strings.TrimPrefix(line, "  "), ",")
				if strings.HasPrefix(line, ")") {
					continue
				}
				if n := strings.Count(all, line); n != 1 {
					t.Errorf("%s %v: line %q appears %d times", name, mode, line, n)
				}
			}
			if mode == DeferNone && len(s.Indexes) != 0 {
				t.Errorf("%s: DeferNone deferred %q", name, s.Indexes)
			}
		}
	}
}

func TestSakilaExamples(t *testing.T) {
	st := sakilaStatements(t)
	s, err := SplitCreateTable("sakila", "rental", st["rental"], DeferAll)
	if err != nil {
		t.Fatal(err)
	}
	wantCreate := joinLines(
		"CREATE TABLE `rental` (",
		"  `rental_id` int(11) NOT NULL AUTO_INCREMENT,",
		"  `rental_date` datetime NOT NULL,",
		"  `inventory_id` mediumint(8) unsigned NOT NULL,",
		"  `customer_id` smallint(5) unsigned NOT NULL,",
		"  `return_date` datetime DEFAULT NULL,",
		"  `staff_id` tinyint(3) unsigned NOT NULL,",
		"  `last_update` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),",
		"  PRIMARY KEY (`rental_id`)",
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci",
	)
	wantIndexes := []string{"ALTER TABLE `sakila`.`rental` " +
		"ADD UNIQUE KEY `rental_date` (`rental_date`,`inventory_id`,`customer_id`), " +
		"ADD KEY `idx_fk_inventory_id` (`inventory_id`), " +
		"ADD KEY `idx_fk_customer_id` (`customer_id`), " +
		"ADD KEY `idx_fk_staff_id` (`staff_id`)"}
	wantFKs := []string{"ALTER TABLE `sakila`.`rental` " +
		"ADD CONSTRAINT `fk_rental_customer` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`customer_id`) ON UPDATE CASCADE, " +
		"ADD CONSTRAINT `fk_rental_inventory` FOREIGN KEY (`inventory_id`) REFERENCES `inventory` (`inventory_id`) ON UPDATE CASCADE, " +
		"ADD CONSTRAINT `fk_rental_staff` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`staff_id`) ON UPDATE CASCADE"}
	wantRefs := []TableRef{{"sakila", "customer"}, {"sakila", "inventory"}, {"sakila", "staff"}}
	if s.Create != wantCreate || !slices.Equal(s.Indexes, wantIndexes) || !slices.Equal(s.ForeignKeys, wantFKs) || !slices.Equal(s.References, wantRefs) {
		t.Errorf("rental split:\n%s\n%q\n%q\n%v", s.Create, s.Indexes, s.ForeignKeys, s.References)
	}

	s, err = SplitCreateTable("sakila", "film_text", st["film_text"], DeferAll)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ALTER TABLE `sakila`.`film_text` ADD FULLTEXT KEY `idx_title_description` (`title`,`description`)"}; !slices.Equal(s.Indexes, want) {
		t.Errorf("film_text Indexes = %q, want %q", s.Indexes, want)
	}
	if len(s.ForeignKeys) != 0 || len(s.References) != 0 {
		t.Errorf("film_text has no foreign keys, got %q %v", s.ForeignKeys, s.References)
	}

	s, err = SplitCreateTable("sakila", "category", st["category"], DeferAll)
	if err != nil {
		t.Fatal(err)
	}
	if s.Create != st["category"] || len(s.Indexes)+len(s.ForeignKeys)+len(s.References) != 0 {
		t.Errorf("category should be unchanged: %+v", s)
	}
}
