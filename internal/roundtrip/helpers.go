package roundtrip

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/compare"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// Config returns the connection settings that reach s over TCP as its test user.
func Config(s *testserver.Server) conn.Config { return s.ConnConfig() }

// Open returns a pool to s, closed when the test ends.
func Open(t testing.TB, s *testserver.Server, db string) *sql.DB {
	t.Helper()
	d, err := s.DB(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Exec runs statements on d, failing the test on the first error.
func Exec(t testing.TB, d *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%.200s: %v", q, err)
		}
	}
}

// RoundTrip dumps databases from src with do, loads the dump into dst with lo, and fails the
// test unless every database compares equal. It returns the dump directory.
func RoundTrip(t testing.TB, src, dst *testserver.Server, databases []string, do dumper.Options, lo loader.Options) string {
	t.Helper()
	ctx := context.Background()
	if do.OutDir == "" {
		do.OutDir = t.TempDir() + "/dump"
	}
	do.Databases = databases
	if _, err := dumper.Run(ctx, Config(src), do); err != nil {
		t.Fatalf("dump: %v", err)
	}
	lo.Dir = do.OutDir
	if _, err := loader.Run(ctx, Config(dst), lo); err != nil {
		t.Fatalf("load: %v", err)
	}
	for _, db := range databases {
		Equal(t, src, db, dst, db)
	}
	return do.OutDir
}

// Equal fails the test unless database a on server sa equals database b on server sb.
func Equal(t testing.TB, sa *testserver.Server, a string, sb *testserver.Server, b string) {
	t.Helper()
	ctx := context.Background()
	want, err := compare.Take(ctx, Open(t, sa, ""), a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := compare.Take(ctx, Open(t, sb, ""), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("database %s is empty on the source: nothing compared", a)
	}
	if d := compare.Diff(want, got); len(d) > 0 {
		t.Fatalf("%s differs after restore:\n%s", a, strings.Join(d, "\n"))
	}
}

// LoadSakila loads the shared Sakila sample database (../shared/testdata/sakila) into s with the
// mariadb client, failing the test if it is missing (CI=true) or does not load.
func LoadSakila(t testing.TB, s *testserver.Server) {
	t.Helper()
	shared := testserver.SharedTestdata(t)
	for _, f := range []string{"sakila-schema.sql", "sakila-data.sql"} {
		if err := s.LoadSQLFile(context.Background(), filepath.Join(shared, "sakila", f)); err != nil {
			t.Fatal(err)
		}
	}
}

// SetLocalInfile sets the server's local_infile (on or off) for the test, and back to ON when
// it ends.
func SetLocalInfile(t testing.TB, db *sql.DB, on bool) {
	t.Helper()
	v := map[bool]string{true: "1", false: "0"}
	Exec(t, db, "SET GLOBAL local_infile = "+v[on])
	t.Cleanup(func() { db.Exec("SET GLOBAL local_infile = 1") })
}
