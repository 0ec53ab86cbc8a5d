package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/replication"
)

// TestTranslatedRunOnMariaDB restores mysqlCases, a MySQL 8.0 dump, into a real MariaDB 10.11
// through Prepare, Create and Grant: the translated statements are valid input there, the
// accounts that cannot exist are skipped, and the roles and default roles work.
func TestTranslatedRunOnMariaDB(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	cfg, _ := conn.Config{Socket: s.Socket, User: "root"}.Resolve(func(string) bool { return true })
	db, err := cfg.Open(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE d1"); err != nil {
		t.Fatal(err)
	}
	f := &File{Flavor: replication.MySQL, Version: "8.0.36"}
	for _, c := range mysqlCases {
		f.Accounts = append(f.Accounts, c.in)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := Prepare(ctx, c, f, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := r.Grant(ctx, c); err != nil {
		t.Fatal(err)
	}
	sum := r.Summary()
	if sum.Created != 4 || sum.Skipped != 2 || sum.Failed != 0 || sum.GrantsFailed != 0 {
		t.Errorf("summary %+v, want 4 created, 2 skipped, no failures; warnings:\n%s", sum, strings.Join(r.warns, "\n"))
	}
	for _, w := range r.warns {
		if strings.Contains(w, "refused") {
			t.Errorf("MariaDB refused a translated statement: %s", w)
		}
	}
	want := map[string][]string{
		"SHOW CREATE USER 'app'@'%'": {"CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH MAX_USER_CONNECTIONS 3 ACCOUNT LOCK PASSWORD EXPIRE INTERVAL 30 DAY"},
		"SHOW GRANTS FOR 'app'@'%'": {"GRANT `r_read` TO `app`@`%` WITH ADMIN OPTION",
			"GRANT SELECT, RELOAD, BINLOG ADMIN ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH GRANT OPTION MAX_USER_CONNECTIONS 3",
			"SET DEFAULT ROLE `r_read` FOR `app`@`%`"},
		"SHOW GRANTS FOR `r_read`":                                     {"GRANT USAGE ON *.* TO `r_read`", "GRANT SELECT ON `d1`.* TO `r_read`"},
		"SHOW CREATE USER 'sock'@'localhost'":                          {"CREATE USER `sock`@`localhost` IDENTIFIED VIA unix_socket"},
		"SHOW CREATE USER 'n'@'%'":                                     {"CREATE USER `n`@`%`"},
		"SELECT COUNT(*) FROM mysql.user WHERE User IN ('c', 'r_app')": {"0"},
	}
	// A resumed restore (the journal names every account as created by the first run) finds
	// them on the target without calling them existing, and runs the grants again harmlessly.
	r, err = Prepare(ctx, c, f, RestoreOptions{Done: func(Name) bool { return true }, Strict: false})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := r.Grant(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := r.Summary(); got != sum {
		t.Errorf("resumed: summary %+v, want %+v as the first run; warnings:\n%s", got, sum, strings.Join(r.warns, "\n"))
	}
	// An account the target refuses to create is a warning naming it, counted as failed, and
	// with Strict an error; the statement's hash is in neither.
	bad := &File{Flavor: replication.MariaDB, Accounts: []Account{{Name: Name{"bad", "%"},
		Create: "CREATE USER `bad`@`%` IDENTIFIED VIA mysql_native_password USING 'not-a-hash-XYZ'"}}}
	for _, strict := range []bool{false, true} {
		r, err = Prepare(ctx, c, bad, RestoreOptions{Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		err = r.Create(ctx, c)
		if strict != (err != nil) || r.Summary().Failed != 1 || len(r.warns) != 1 ||
			!strings.Contains(r.warns[0], "account 'bad'@'%': the target refused to create it") || strings.Contains(r.warns[0]+fmt.Sprint(err), "not-a-hash-XYZ") {
			t.Errorf("strict %v: refused account: err %v, summary %+v, warnings %q", strict, err, r.Summary(), r.warns)
		}
	}
	for q, w := range want {
		if got := column(t, db, q); strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", q, got, w)
		}
	}
}

func column(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
