package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

// checksums returns CHECKSUM TABLE of each table of tables in database.
func checksums(t *testing.T, db *sql.DB, database string, tables []genTable) map[string]int64 {
	t.Helper()
	sums := map[string]int64{}
	for _, tb := range tables {
		var name string
		var sum sql.NullInt64
		if err := db.QueryRow("CHECKSUM TABLE "+sqltext.QualifiedName(database, tb.name)).Scan(&name, &sum); err != nil {
			t.Fatalf("CHECKSUM TABLE %s.%s: %v", database, tb.name, err)
		}
		if !sum.Valid {
			t.Fatalf("CHECKSUM TABLE %s.%s is NULL: table missing", database, tb.name)
		}
		sums[tb.name] = sum.Int64
	}
	return sums
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// indexColumns returns "PRIMARY(id) k1(c1) ..." for a table, from information_schema.STATISTICS.
func indexColumns(t *testing.T, db *sql.DB, database, table string) string {
	t.Helper()
	rows, err := db.Query("SELECT INDEX_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)"+
		" FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"+
		" GROUP BY INDEX_NAME ORDER BY INDEX_NAME", database, table)
	if err != nil {
		t.Fatalf("%s.%s: STATISTICS: %v", database, table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, cols string
		if err := rows.Scan(&name, &cols); err != nil {
			t.Fatal(err)
		}
		out = append(out, name+"("+cols+")")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// TestGenerate loads each kind twice with the same seed (different threads and chunk sizes)
// and once with another seed, on a real server with binary logging on, and checks
// checksums, row counts, indexes and content rules.
func TestGenerate(t *testing.T) {
	srv := testserver.ForTest(t, testserver.Options{})
	db, err := srv.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	cases := []struct {
		spec    string
		indexes map[string]string // table -> indexColumns
	}{
		{"indexed:2x20000", map[string]string{
			"indexed1": "k1(c1) k2(c2) k3(c3,c4) k4(c4,c5) k5(c5,c6) k6(c6,c7,c8) k7(c7,c8,c9) PRIMARY(id)",
			"indexed2": "k1(c1) k2(c2) k3(c3,c4) k4(c4,c5) k5(c5,c6) k6(c6,c7,c8) k7(c7,c8,c9) PRIMARY(id)",
		}},
		{"sysbench:2x10000", map[string]string{"sbtest1": "k_1(k) PRIMARY(id)", "sbtest2": "k_2(k) PRIMARY(id)"}},
		{"mixed:5000", map[string]string{
			"customers":   "PRIMARY(id) uk_email(email)",
			"products":    "PRIMARY(id) uk_sku(sku)",
			"orders":      "idx_customer(customer_id) idx_placed(placed_at) PRIMARY(id)",
			"order_items": "idx_product(product_id) PRIMARY(order_id,line_no)",
			"event_log":   "idx_ts(ts)",
		}},
	}
	for _, c := range cases {
		t.Run(strings.Split(c.spec, ":")[0], func(t *testing.T) {
			d, err := ParseDataset(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			tables := datasetTables(d)
			var want int64
			for _, tb := range tables {
				want += tb.rows
			}

			d.Database = "a_" + d.Kind
			st, err := Generate(ctx, db, d, 2)
			if err != nil {
				t.Fatalf("Generate(%s): %v", d, err)
			}
			if st.Tables != len(tables) || st.Rows != want || st.Bytes <= 0 || st.Seconds <= 0 {
				t.Errorf("Generate(%s) stats = %+v, want %d tables, %d rows, positive bytes and seconds", d, st, len(tables), want)
			}
			for _, tb := range tables {
				if n := queryInt(t, db, "SELECT COUNT(*) FROM "+sqltext.QualifiedName(d.Database, tb.name)); n != tb.rows {
					t.Errorf("%s.%s: %d rows, want %d", d.Database, tb.name, n, tb.rows)
				}
				if got := indexColumns(t, db, d.Database, tb.name); got != c.indexes[tb.name] {
					t.Errorf("%s.%s indexes: %s, want %s", d.Database, tb.name, got, c.indexes[tb.name])
				}
			}
			sumA := checksums(t, db, d.Database, tables)

			// Same seed, another database, three threads, one block per chunk.
			b := d
			b.Database = "b_" + d.Kind
			if _, err := generate(ctx, db, b, datasetTables(b), 3, blockRows, time.Now()); err != nil {
				t.Fatalf("generate(%s, chunk %d): %v", b, blockRows, err)
			}
			if sumB := checksums(t, db, b.Database, tables); fmt.Sprint(sumB) != fmt.Sprint(sumA) {
				t.Errorf("same seed, different threads and chunks: checksums %v, want %v", sumB, sumA)
			}

			// Another seed into the same database: tables are replaced, every checksum changes.
			b.Seed = 2
			if _, err := Generate(ctx, db, b, 2); err != nil {
				t.Fatalf("Generate(%s) over existing tables: %v", b, err)
			}
			sumC := checksums(t, db, b.Database, tables)
			for name, s := range sumA {
				if sumC[name] == s {
					t.Errorf("%s: seeds 1 and 2 give the same checksum %d", name, s)
				}
			}
			checkContent(t, db, d)
		})
	}

	// The pool handed in must not keep the loading session's settings.
	if n := queryInt(t, db, "SELECT @@foreign_key_checks + @@unique_checks + @@sql_log_bin"); n != 3 {
		t.Errorf("after Generate, the pool's sessions have foreign_key_checks+unique_checks+sql_log_bin = %d, want 3", n)
	}
}

// checkContent checks the value rules of d's kind in d.Database.
func checkContent(t *testing.T, db *sql.DB, d Dataset) {
	t.Helper()
	q := func(s string) int64 {
		return queryInt(t, db, strings.ReplaceAll(s, "DB.", sqltext.QuoteIdent(d.Database)+"."))
	}
	switch d.Kind {
	case KindIndexed:
		if n := q("SELECT COUNT(*) FROM DB.indexed1 WHERE id NOT BETWEEN 1 AND 20000 OR c3 NOT BETWEEN 0 AND 99"); n != 0 {
			t.Errorf("indexed1: %d rows with id outside 1..20000 or c3 outside 0..99", n)
		}
		if n := q("SELECT COUNT(DISTINCT c3) FROM DB.indexed1"); n != 100 {
			t.Errorf("indexed1: %d distinct c3 values, want all 100", n)
		}
	case KindSysbench:
		if n := q("SELECT COUNT(*) FROM DB.sbtest2 WHERE CHAR_LENGTH(c) <> 119 OR CHAR_LENGTH(pad) <> 59" +
			" OR c NOT REGEXP '^([0-9]{11}-){9}[0-9]{11}$' OR k NOT BETWEEN 1 AND 10000 OR id NOT BETWEEN 1 AND 10000"); n != 0 {
			t.Errorf("sbtest2: %d rows not in sysbench's shape", n)
		}
	case KindMixed:
		orphans := q("SELECT (SELECT COUNT(*) FROM DB.orders o LEFT JOIN DB.customers c ON c.id = o.customer_id WHERE c.id IS NULL)" +
			" + (SELECT COUNT(*) FROM DB.order_items i LEFT JOIN DB.orders o ON o.id = i.order_id WHERE o.id IS NULL)" +
			" + (SELECT COUNT(*) FROM DB.order_items i LEFT JOIN DB.products p ON p.id = i.product_id WHERE p.id IS NULL)")
		if orphans != 0 {
			t.Errorf("mixed: %d rows refer to missing rows", orphans)
		}
		if n := queryInt(t, db, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?", d.Database); n != 3 {
			t.Errorf("mixed: %d foreign keys, want 3", n)
		}
		if n := q("SELECT SUM(note IS NULL) * SUM(note IS NOT NULL) FROM DB.orders"); n == 0 {
			t.Error("mixed: orders.note is all NULL or never NULL")
		}
		checkHardNames(t, db, d.Database)
	}
}

// checkHardNames checks that every customer name outside the plain "First Last" pattern is
// one of hardTexts, byte for byte, and that most of them occur.
func checkHardNames(t *testing.T, db *sql.DB, database string) {
	t.Helper()
	rows, err := db.Query("SELECT DISTINCT name FROM " + sqltext.QualifiedName(database, "customers") +
		" WHERE name NOT REGEXP '^[A-Z][a-z]+ [A-Z][a-z]+$'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	known := map[string]bool{}
	for _, h := range hardTexts {
		known[h] = true
	}
	found := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !known[name] {
			t.Errorf("customers.name %q: not a generated value (escaping broke it)", name)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if found < len(hardTexts)/2 {
		t.Errorf("customers: %d distinct awkward names, want at least %d", found, len(hardTexts)/2)
	}
}

func TestGenerateCancelled(t *testing.T) {
	srv := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	db, err := srv.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Generate(ctx, db, Dataset{Kind: KindIndexed, Tables: 1, Rows: 10, Seed: 1, Database: "x"}, 2)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := Generate(context.Background(), db, Dataset{Kind: "tpcc", Rows: 1, Database: "x"}, 1); err == nil {
		t.Fatal("Generate accepted kind tpcc")
	}
}
