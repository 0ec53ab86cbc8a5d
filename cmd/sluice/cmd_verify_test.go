package main

import (
	"database/sql"
	"io"
	"strconv"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestVerifyExitCodes runs `sluice verify` on two servers, the target's password given by
// SLUICE_TARGET_PASSWORD and the source's by MYSQL_PWD: exit 0 when equal, 3 once a row
// differs, 1 when the target cannot be reached, 2 for a bad flag.
func TestVerifyExitCodes(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	for _, s := range []*testserver.Server{a, b} {
		db, err := sql.Open("mysql", s.DSN(""))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"CREATE DATABASE v", "CREATE TABLE v.t (id INT PRIMARY KEY, x VARCHAR(10))",
			"INSERT INTO v.t SELECT seq, CONCAT('x', seq) FROM v.seq_1_to_5000"} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		defer db.Close()
	}
	t.Setenv("MYSQL_PWD", a.Password)
	t.Setenv(targetPasswordEnv, b.Password)
	args := func(extra ...string) []string {
		return append([]string{"verify", "-h", a.Host, "-P", strconv.Itoa(a.Port), "-u", a.User,
			"--target-host", b.Host, "--target-port", strconv.Itoa(b.Port), "--target-user", b.User, "-B", "v", "-t", "2"}, extra...)
	}
	if code := run(args(), io.Discard, io.Discard); code != 0 {
		t.Fatalf("equal servers: exit %d, want 0", code)
	}
	db, err := sql.Open("mysql", b.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE v.t SET x = 'y' WHERE id = 77"); err != nil {
		t.Fatal(err)
	}
	if code := run(args(), io.Discard, io.Discard); code != 3 {
		t.Fatalf("a row differs: exit %d, want 3", code)
	}
	if code := run(args("--target-port", "1"), io.Discard, io.Discard); code != 1 {
		t.Fatalf("unreachable target: exit %d, want 1", code)
	}
	if code := run(args("--sleep-ratio", "-1"), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad flag: exit %d, want 2", code)
	}
}
