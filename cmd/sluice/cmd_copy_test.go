package main

import (
	"database/sql"
	"io"
	"strconv"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestCopyCommand runs `sluice copy` from one server to another, the passwords from MYSQL_PWD
// and SLUICE_TARGET_PASSWORD: exit 0 and the rows on the target; a second copy onto the same
// tables fails (1) unless --overwrite-tables; copying a server onto itself without
// --target-database, a bad --defer-indexes and --replicate with renaming are usage errors (2).
func TestCopyCommand(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	src, err := sql.Open("mysql", a.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, q := range []string{"CREATE DATABASE c", "CREATE TABLE c.t (id INT PRIMARY KEY, x VARCHAR(10), KEY (x))",
		"INSERT INTO c.t SELECT seq, CONCAT('x', seq) FROM c.seq_1_to_3000"} {
		if _, err := src.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("MYSQL_PWD", a.Password)
	t.Setenv(targetPasswordEnv, b.Password)
	args := func(extra ...string) []string {
		return append([]string{"copy", "-h", a.Host, "-P", strconv.Itoa(a.Port), "-u", a.User,
			"--target-host", b.Host, "--target-port", strconv.Itoa(b.Port), "--target-user", b.User,
			"-B", "c", "-t", "2", "--target-threads", "2"}, extra...)
	}
	if code := run(args(), io.Discard, io.Discard); code != 0 {
		t.Fatalf("copy: exit %d, want 0", code)
	}
	dst, err := sql.Open("mysql", b.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var n int
	if err := dst.QueryRow("SELECT COUNT(*) FROM c.t").Scan(&n); err != nil || n != 3000 {
		t.Fatalf("target c.t: %d rows (%v), want 3000", n, err)
	}
	if code := run(args(), io.Discard, io.Discard); code != 1 {
		t.Fatalf("copy onto existing tables: exit %d, want 1", code)
	}
	if code := run(args("--overwrite-tables"), io.Discard, io.Discard); code != 0 {
		t.Fatalf("copy --overwrite-tables: exit %d, want 0", code)
	}
	self := []string{"copy", "-h", a.Host, "-P", strconv.Itoa(a.Port), "-u", a.User,
		"--target-host", a.Host, "--target-port", strconv.Itoa(a.Port), "--target-user", a.User, "-B", "c"}
	if code := run(self, io.Discard, io.Discard); code != 2 {
		t.Fatalf("copy onto itself: exit %d, want 2", code)
	}
	if code := run(args("--defer-indexes", "some"), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad --defer-indexes: exit %d, want 2", code)
	}
	if code := run(args("--replicate", "--target-database", "c2"), io.Discard, io.Discard); code != 2 {
		t.Fatalf("--replicate with --target-database: exit %d, want 2", code)
	}
}
