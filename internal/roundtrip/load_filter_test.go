package roundtrip

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadFilters restores some Sakila tables (-T) of one database (--source-db) under another
// name (-B): only those tables arrive, with their rows, indexes and foreign keys.
func TestLoadFilters(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	LoadSakila(t, a)
	src := Open(t, a, "")
	CreateHardValues(t, src, "hardv")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"sakila", "hardv"}, Threads: 2}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	want := []string{"actor", "film", "film_actor"}
	o := loader.Options{Dir: dir, Threads: 2, SourceDB: "sakila", TargetDB: "s2", Checksum: loader.ChecksumFail,
		Tables: []string{"sakila.actor", "sakila.film_actor", "sakila.film"}}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, TargetDB: "s2"}); err == nil || !strings.Contains(err.Error(), "--source-db") {
		t.Fatalf("-B over a two-database dump: %v, want an error naming --source-db", err)
	}
	if _, err := loader.Run(ctx, Config(b), o); err != nil {
		t.Fatalf("load: %v", err)
	}
	dst := Open(t, b, "")
	rows, err := dst.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 's2' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		got = append(got, n)
	}
	rows.Close()
	if !slices.Equal(got, want) {
		t.Fatalf("tables in s2: %v, want %v", got, want)
	}
	var dbs int
	dst.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('sakila', 'hardv')").Scan(&dbs)
	if dbs != 0 {
		t.Errorf("%d databases outside the filter were created", dbs)
	}
	for _, tb := range want {
		var n1, n2, s1, s2 string
		var c1, c2 int
		src.QueryRow("SHOW CREATE TABLE sakila."+tb).Scan(&n1, &s1)
		dst.QueryRow("SHOW CREATE TABLE s2."+tb).Scan(&n2, &s2)
		if s1 != s2 {
			t.Errorf("%s: SHOW CREATE TABLE differs:\n%s\n---\n%s", tb, s1, s2)
		}
		src.QueryRow("SELECT COUNT(*) FROM sakila." + tb).Scan(&c1)
		dst.QueryRow("SELECT COUNT(*) FROM s2." + tb).Scan(&c2)
		if c1 != c2 || c1 == 0 {
			t.Errorf("%s: %d rows, want %d", tb, c2, c1)
		}
	}
}
