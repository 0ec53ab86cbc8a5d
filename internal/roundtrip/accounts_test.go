package roundtrip

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// The clear-text passwords of the source's accounts: none may appear in the dump or the logs.
var accountPasswords = []string{"AppPw-1x!", "TlsPw-2y!", "MultiPw-3z!", "OddPw-4w!", "EdPw-5v!", "ExistsPw-6u!"}

// accountsSource is a MariaDB 10.11 instance with every kind of account the issue names.
const accountsSource = `
INSTALL SONAME 'auth_ed25519';
CREATE DATABASE d1;
CREATE TABLE d1.t (a INT PRIMARY KEY, b INT);
INSERT INTO d1.t VALUES (1, 10), (2, 20);
CREATE PROCEDURE d1.p() SELECT 1;
CREATE ROLE r_read; CREATE ROLE r_nested; CREATE ROLE 'r sp''a` + "`" + `ce';
GRANT r_read TO r_nested; GRANT r_nested TO 'r sp''a` + "`" + `ce';
GRANT SELECT ON d1.* TO r_read;
GRANT SELECT (a), UPDATE (b) ON d1.t TO r_nested;
CREATE USER 'app'@'%' IDENTIFIED BY 'AppPw-1x!';
GRANT r_nested TO 'app'@'%' WITH ADMIN OPTION;
SET DEFAULT ROLE r_nested FOR 'app'@'%';
GRANT EXECUTE ON PROCEDURE d1.p TO 'app'@'%';
CREATE USER 'tls'@'%' IDENTIFIED BY 'TlsPw-2y!' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 MAX_USER_CONNECTIONS 3 MAX_STATEMENT_TIME 2.5 PASSWORD EXPIRE INTERVAL 30 DAY ACCOUNT LOCK;
GRANT RELOAD, PROCESS ON *.* TO 'tls'@'%' WITH GRANT OPTION;
CREATE USER 'x509'@'10.%' REQUIRE ISSUER '/C=FI/O=Sluice' AND SUBJECT '/CN=x509 client';
CREATE USER 'sock'@'localhost' IDENTIFIED VIA unix_socket;
CREATE USER 'multi'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('MultiPw-3z!');
GRANT PROXY ON 'sock'@'localhost' TO 'app'@'%';
CREATE USER 'o''d` + "`" + `d x'@'10.0.%' IDENTIFIED BY 'OddPw-4w!';
ALTER USER 'o''d` + "`" + `d x'@'10.0.%' PASSWORD EXPIRE;
GRANT 'r sp''a` + "`" + `ce' TO 'o''d` + "`" + `d x'@'10.0.%';
GRANT INSERT ON d1.* TO 'o''d` + "`" + `d x'@'10.0.%';
CREATE USER 'ed'@'localhost' IDENTIFIED VIA ed25519 USING PASSWORD('EdPw-5v!');
CREATE USER 'exists'@'%' IDENTIFIED BY 'ExistsPw-6u!';
GRANT SELECT ON d1.* TO PUBLIC;
CREATE DEFINER='app'@'%' SQL SECURITY DEFINER VIEW d1.v AS SELECT a FROM d1.t;
CREATE DEFINER='ghost'@'%' SQL SECURITY INVOKER VIEW d1.v2 AS SELECT b FROM d1.t;
`

// TestAccountsRoundTrip dumps a whole instance with its accounts and loads it as root into a
// fresh server: every restored account and role has the source's SHOW CREATE USER and SHOW
// GRANTS, a restored account logs in with its password with its default role active, an
// account that exists is left alone, one with a plugin the target lacks is skipped, the missing
// definer is named, and no clear-text password is in the dump or the logs.
func TestAccountsRoundTrip(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	dst := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	runRoot(t, src, accountsSource)
	runRoot(t, dst, "CREATE USER 'exists'@'%' IDENTIFIED BY 'TargetPw-7t';")

	var logs bytes.Buffer
	dir := filepath.Join(t.TempDir(), "dump")
	if _, err := dumper.Run(ctx, Config(src), dumper.Options{OutDir: dir, Threads: 2, Log: testLogger(&logs)}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, ok := meta.Files[accounts.FileName]
	if meta.AccountsFile != accounts.FileName || !ok {
		t.Fatalf("metadata: accounts file %q, listed in [files]: %v", meta.AccountsFile, ok)
	}
	if st, err := os.Stat(filepath.Join(dir, accounts.FileName)); err != nil || st.Mode().Perm() != dumpdir.FileMode || st.Size() != fi.Size {
		t.Fatalf("%s: %v, mode %v, size %d (metadata %d)", accounts.FileName, err, st.Mode(), st.Size(), fi.Size)
	}
	f, err := accounts.ReadFile(context.Background(), dumpdir.Local(dir), fi)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range f.Accounts {
		names = append(names, a.Name.String())
		if accounts.IsSystem(a.Name) {
			t.Errorf("system account %s dumped", a.Name)
		}
	}
	if len(f.Accounts) != 14 || len(f.PublicGrants) != 1 {
		t.Fatalf("dumped %d accounts (%s) and %d PUBLIC grants; want 14 and 1", len(f.Accounts), strings.Join(names, " "), len(f.PublicGrants))
	}

	res, err := loader.Run(ctx, rootConfig(dst), loader.Options{Dir: dir, Threads: 2, Log: testLogger(&logs)})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, logs.String())
	}
	// Left alone: exists and the three sluice test accounts; skipped: ed (no ed25519 plugin).
	want := accounts.Summary{Created: 9, Skipped: 5, Warnings: 5}
	if res.Accounts != want || res.Warnings != want.Warnings+1 {
		t.Errorf("accounts summary %+v, warnings %d; want %+v and %d (one more: the missing definer)\n%s", res.Accounts, res.Warnings, want, want.Warnings+1, logs.String())
	}
	for _, w := range []string{
		`account 'exists'@'%' already exists on the target: left alone`, "--overwrite-users",
		`account 'ed'@'localhost': authentication plugin ed25519 is not loaded on the target: skipped`,
		`definer 'ghost'@'%' does not exist on the target`, "--skip-definer",
	} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("the logs do not say %q:\n%s", w, logs.String())
		}
	}

	srcRoot, dstRoot := openRoot(t, src), openRoot(t, dst)
	compared := 0
	for _, a := range f.Accounts {
		if a.User == "exists" || a.User == "ed" || a.User == "sluice" {
			continue
		}
		if !a.Role {
			equalRows(t, srcRoot, dstRoot, "SHOW CREATE USER "+a.Name.String(), false)
		}
		equalRows(t, srcRoot, dstRoot, "SHOW GRANTS FOR "+a.Name.String(), false)
		compared++
	}
	equalRows(t, srcRoot, dstRoot, "SHOW GRANTS FOR PUBLIC", false)
	// Role administration; SHOW GRANTS lists role grants in the order the roles were created.
	equalRows(t, srcRoot, dstRoot, "SHOW GRANTS FOR 'root'@'localhost'", true)
	if compared != 9 {
		t.Errorf("compared %d accounts, want 9", compared)
	}
	var definer string
	if err := dstRoot.QueryRow("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd1' AND TABLE_NAME = 'v'").Scan(&definer); err != nil || definer != "app@%" {
		t.Errorf("view d1.v definer %q (%v), want app@%%", definer, err)
	}

	// The restored account logs in with its password, with its default role active, and reads
	// through the role; the existing one keeps the target's password.
	app := loginAs(t, dst, "app", "AppPw-1x!")
	var role sql.NullString
	var n int
	if err := app.QueryRow("SELECT CURRENT_ROLE()").Scan(&role); err != nil || role.String != "r_nested" {
		t.Errorf("app: CURRENT_ROLE() = %q (%v), want r_nested", role.String, err)
	}
	if err := app.QueryRow("SELECT COUNT(a) FROM d1.t").Scan(&n); err != nil || n != 2 {
		t.Errorf("app reading d1.t through its role: %d rows, %v", n, err)
	}
	if err := loginAs(t, dst, "exists", "TargetPw-7t").Ping(); err != nil {
		t.Errorf("exists@%%: the target's password no longer works: %v", err)
	}

	noClearText(t, dir, logs.String())
}

// TestAccountsLoadOptions loads one dump three times as the test's sluice account, which lacks
// the PROXY privilege: --users-strict refuses it before anything changes; then
// --overwrite-users replaces an existing account, --definer replaces DEFINERs, the proxy grant
// is refused with a warning, and the roles CREATE ROLE gave the loading account go to root, as
// on the source; then --no-users restores no account and --skip-definer drops the DEFINERs.
func TestAccountsLoadOptions(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	dst := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	runRoot(t, src, accountsSource)
	runRoot(t, dst, "CREATE USER 'exists'@'%' IDENTIFIED BY 'TargetPw-7t';")
	var logs bytes.Buffer
	dir := filepath.Join(t.TempDir(), "dump")
	noSluice, _ := accounts.ParsePattern("sluice")
	noEd, _ := accounts.ParsePattern("ed@localhost")
	if _, err := dumper.Run(ctx, Config(src), dumper.Options{OutDir: dir, Threads: 2, Log: testLogger(&logs),
		Databases: []string{"d1"}, Users: true, ExcludeUsers: []accounts.Pattern{noSluice, noEd}}); err != nil {
		t.Fatalf("dump: %v", err)
	}

	_, err := loader.Run(ctx, Config(dst), loader.Options{Dir: dir, Threads: 2, Log: testLogger(&logs), UsersStrict: true})
	if err == nil || !strings.Contains(err.Error(), "--users-strict") || !strings.Contains(err.Error(), "'exists'@'%'") {
		t.Fatalf("--users-strict with an existing account: err = %v", err)
	}
	var k int
	if err := openRoot(t, dst).QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'd1'").Scan(&k); err != nil || k != 0 {
		t.Fatalf("--users-strict refused the load, yet d1 exists (%d, %v)", k, err)
	}

	app := accounts.Name{User: "app", Host: "%"}
	res, err := loader.Run(ctx, Config(dst), loader.Options{Dir: dir, Threads: 2, Log: testLogger(&logs),
		OverwriteUsers: true, Definers: accounts.Definers{Replace: &app}})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, logs.String())
	}
	if want := (accounts.Summary{Created: 10, GrantsFailed: 1, Warnings: 1}); res.Accounts != want || res.Warnings != 1 {
		t.Errorf("--overwrite-users: summary %+v, %d warnings; want %+v, 1\n%s", res.Accounts, res.Warnings, want, logs.String())
	}
	for _, w := range []string{"account 'app'@'%': the target refused", "GRANT PROXY ON `sock`@`localhost` TO `app`@`%`", "Access denied"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("the logs do not say %s:\n%s", w, logs.String())
		}
	}
	srcRoot, dstRoot := openRoot(t, src), openRoot(t, dst)
	equalRows(t, srcRoot, dstRoot, "SHOW GRANTS FOR 'root'@'localhost'", true)
	for _, h := range []string{"%", "127.0.0.1", "localhost"} {
		var g string
		if err := dstRoot.QueryRow("SELECT GROUP_CONCAT(Role) FROM mysql.roles_mapping WHERE User = 'sluice' AND Host = ?", h).Scan(&g); err == nil && g != "" {
			t.Errorf("sluice@%s, the loading account, still holds the roles it created: %s", h, g)
		}
	}
	if err := loginAs(t, dst, "exists", "ExistsPw-6u!").Ping(); err != nil {
		t.Errorf("exists@%%: not recreated with the dumped password: %v", err)
	}
	rows, err := dstRoot.Query("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd1'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	views := 0
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil || d != "app@%" {
			t.Errorf("--definer 'app'@'%%': a view's definer is %q (%v)", d, err)
		}
		views++
	}
	if views != 2 {
		t.Errorf("%d views restored, want 2", views)
	}

	// --no-users restores no account; --skip-definer makes the loading account every definer.
	Exec(t, dstRoot, "DROP USER 'tls'@'%'", "DROP DATABASE d1")
	res, err = loader.Run(ctx, Config(dst), loader.Options{Dir: dir, Threads: 2, Log: testLogger(&logs),
		NoUsers: true, Definers: accounts.Definers{Skip: true}})
	if err != nil {
		t.Fatalf("load --no-users --skip-definer: %v", err)
	}
	if res.Accounts != (accounts.Summary{}) || res.Warnings != 0 {
		t.Errorf("--no-users: summary %+v, %d warnings; want none", res.Accounts, res.Warnings)
	}
	if err := dstRoot.QueryRow("SELECT COUNT(*) FROM mysql.user WHERE User = 'tls'").Scan(&k); err != nil || k != 0 {
		t.Errorf("--no-users: tls restored (%d, %v)", k, err)
	}
	if err := dstRoot.QueryRow("SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd1' AND DEFINER LIKE 'sluice@%'").Scan(&k); err != nil || k != 2 {
		t.Errorf("--skip-definer: %d views defined by the loading account (%v), want 2", k, err)
	}
	noClearText(t, dir, logs.String())
}

// noClearText fails if a clear-text password is in any file of dir or in logs.
func noClearText(t *testing.T, dir, logs string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range accountPasswords {
			if bytes.Contains(b, []byte(pw)) {
				t.Errorf("%s holds the clear-text password %q", e.Name(), pw)
			}
		}
	}
	for _, pw := range accountPasswords {
		if strings.Contains(logs, pw) {
			t.Errorf("the logs hold the clear-text password %q", pw)
		}
	}
	if len(entries) < 3 {
		t.Errorf("only %d files in the dump: nothing grepped", len(entries))
	}
}

// runRoot runs SQL statements as root with the mariadb client.
func runRoot(t *testing.T, s *testserver.Server, stmts string) {
	t.Helper()
	if out, err := s.Client("-e", stmts).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

// rootConfig reaches s as root over its Unix socket (no password), as a DBA restoring a whole
// instance would connect.
func rootConfig(s *testserver.Server) conn.Config {
	c, _ := conn.Config{Socket: s.Socket, User: "root"}.Resolve(func(string) bool { return true })
	return c
}

func openRoot(t *testing.T, s *testserver.Server) *sql.DB {
	t.Helper()
	db, err := rootConfig(s).Open(context.Background(), "", 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// loginAs opens a pool to s over TCP as user with password (the driver connects on Ping).
func loginAs(t *testing.T, s *testserver.Server, user, password string) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = user, password, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// equalRows fails unless query returns the same rows (first column) on both servers, in the
// same order unless anyOrder.
func equalRows(t *testing.T, a, b *sql.DB, query string, anyOrder bool) {
	t.Helper()
	get := func(db *sql.DB) []string {
		rows, err := db.Query(query)
		if err != nil {
			t.Errorf("%s: %v", query, err)
			return nil
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
	want, got := get(a), get(b)
	if anyOrder {
		sort.Strings(want)
		sort.Strings(got)
	}
	if len(want) == 0 || strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("%s differs:\nsource:\n%s\ntarget:\n%s", query, strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}
