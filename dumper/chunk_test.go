package dumper

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/testserver"
)

// keyShapes are tables of every key shape planTable handles, each with about 200 rows, with the
// key chunkKey should choose ("" for none).
var keyShapes = []struct {
	name, create, fill, key string
	maxChunks               int
}{
	{"intpk", "CREATE TABLE intpk (id INT PRIMARY KEY, v INT)",
		"INSERT INTO intpk SELECT seq, seq FROM seq_1_to_200", "PRIMARY", 40},
	{"sparse", "CREATE TABLE sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
		"INSERT INTO sparse SELECT seq * 1000000007, seq FROM seq_1_to_200 UNION ALL SELECT 18446744073709551615, 0", "PRIMARY", 40},
	{"composite", "CREATE TABLE composite (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
		"INSERT INTO composite SELECT seq % 7, CONCAT('k', seq), seq FROM seq_1_to_200", "PRIMARY", 40},
	{"vc", "CREATE TABLE vc (k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, v INT)",
		"INSERT INTO vc SELECT CONCAT(IF(seq % 2, 'a', 'B'), seq, ' ''\\\\ 😀'), seq FROM seq_1_to_200", "PRIMARY", 40},
	{"uuid", "CREATE TABLE uuid (id BINARY(16) PRIMARY KEY, v INT)",
		"INSERT INTO uuid SELECT UNHEX(MD5(seq)), seq FROM seq_1_to_200", "PRIMARY", 40},
	{"dtm", "CREATE TABLE dtm (t DATETIME(6) NOT NULL, v INT, UNIQUE KEY t (t))",
		"INSERT INTO dtm SELECT '2020-01-01' + INTERVAL seq * 1001 MICROSECOND + INTERVAL seq DAY, seq FROM seq_1_to_200", "t", 40},
	{"nullable", "CREATE TABLE nullable (u INT NULL, v INT, UNIQUE KEY u (u))",
		"INSERT INTO nullable SELECT IF(seq % 3 = 0, NULL, seq), seq FROM seq_1_to_200", "u", 40},
	{"ucs", "CREATE TABLE ucs (k VARCHAR(20) CHARACTER SET ucs2 PRIMARY KEY, v INT)",
		"INSERT INTO ucs SELECT CONCAT(CHAR(0x2700 + seq USING ucs2), seq), seq FROM seq_1_to_200", "PRIMARY", 40},
	{"nokey", "CREATE TABLE nokey (v INT, w TEXT)",
		"INSERT INTO nokey SELECT seq % 10, REPEAT('x', seq) FROM seq_1_to_200", "", 1},
}

// TestPlanTableEveryRowOnce cuts each key shape into chunks of 7 rows and checks, by reading
// every chunk's rows back, that every row falls in exactly one chunk and that the chunk count
// follows the rows, not the key's range.
func TestPlanTableEveryRowOnce(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	db, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"CREATE DATABASE k"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, ks := range keyShapes {
		for _, q := range []string{"USE k", ks.create, ks.fill, "ANALYZE TABLE " + ks.name} {
			if _, err := db.Exec("/* " + ks.name + " */ " + q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	o := &Options{Databases: []string{"k"}, Rows: 7}
	o.setDefaults()
	_, tables, err := listTables(ctx, db, o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range workerSession {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tb := range tables {
		var want string
		var maxChunks int
		for _, ks := range keyShapes {
			if ks.name == tb.Name {
				want, maxChunks = ks.key, ks.maxChunks
			}
		}
		if err := loadColumns(ctx, db, []*table{tb}, true); err != nil {
			t.Fatal(err)
		}
		got := ""
		if tb.Key != nil {
			got = tb.Key.Index
		}
		if got != want {
			t.Errorf("%s: chunk key %q, want %q", tb, got, want)
			continue
		}
		var chunks []chunk
		err := planTable(ctx, c, &tableOutput{t: tb}, false, o, func(ch chunk) error { chunks = append(chunks, ch); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(chunks) > maxChunks || (maxChunks > 1 && len(chunks) < 10) {
			t.Errorf("%s: %d chunks of 7 rows for about 200 rows", tb, len(chunks))
		}
		seen := map[string]int{}
		var all []string
		var conds []string
		steals := 0
		for _, ch := range chunks {
			if ch.rng == nil {
				conds = append(conds, ch.where)
				continue
			}
			ch.rng.sub = 1 // sub-ranges of one key value, so that splitting happens
			c, n := drain(ch.rng)
			conds, steals = append(conds, c...), steals+n
		}
		if (tb.Name == "intpk" || tb.Name == "nullable") && steals == 0 { // the dense integer keys
			t.Errorf("%s: no range was split: not cut into splittable ranges?", tb)
		}
		for _, where := range conds {
			q := "SELECT CONCAT_WS('|', " + strings.Join(colNames(tb), ",") + ", IFNULL(" + sqltext.QuoteIdent(tb.Columns[0].Name) + ", 'null')) FROM " +
				sqltext.QualifiedName(tb.DB, tb.Name)
			if where != "" {
				q += " WHERE " + where
			}
			rows, err := c.QueryContext(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			for rows.Next() {
				var k string
				rows.Scan(&k)
				seen[k]++
			}
			rows.Close()
		}
		rows, err := c.QueryContext(ctx, "SELECT CONCAT_WS('|', "+strings.Join(colNames(tb), ",")+", IFNULL("+sqltext.QuoteIdent(tb.Columns[0].Name)+", 'null')) FROM "+sqltext.QualifiedName(tb.DB, tb.Name))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			all = append(all, k)
		}
		rows.Close()
		if len(all) < 200 {
			t.Fatalf("%s: %d rows", tb, len(all))
		}
		for _, k := range all {
			if seen[k] != 1 {
				t.Errorf("%s: row %q is in %d chunks, want 1", tb, k, seen[k])
			}
		}
		if len(seen) != len(all) {
			t.Errorf("%s: chunks hold %d distinct rows, the table %d", tb, len(seen), len(all))
		}
		t.Logf("%s: %d chunks on %q; first %q", tb, len(chunks), got, fmt.Sprint(chunks[0].where))
	}
}

func colNames(t *table) []string {
	var n []string
	for _, c := range t.Columns {
		n = append(n, sqltext.QuoteIdent(c.Name))
	}
	return n
}

// drain reads r as workers would, one sub-range at a time, while an idle worker splits off the
// largest remainder after every round; it returns every condition read and the splits.
func drain(r *intRange) (conds []string, splits int) {
	var rs ranges
	rs.add(r)
	var out []string
	live := []*intRange{r}
	for len(live) > 0 {
		var next []*intRange
		for _, x := range live {
			if c, ok := x.next(); ok {
				out = append(out, c.cond(x.col))
				next = append(next, x)
			}
		}
		if s := rs.steal(); s != nil {
			next = append(next, s)
			splits++
		}
		live = next
	}
	return out, splits
}
