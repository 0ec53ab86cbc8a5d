package testserver

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTwoServers starts two servers at once and checks each over TCP with the
// sluice account: binary log on, distinct server ids, local_infile on,
// secure_file_priv at FilesDir; then that Stop removes the directory.
func TestTwoServers(t *testing.T) {
	var (
		wg      sync.WaitGroup
		servers [2]*Server
		errs    [2]error
		took    [2]time.Duration
	)
	for i := range servers {
		wg.Go(func() {
			start := time.Now()
			servers[i], errs[i] = Start(context.Background(), Options{})
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			t.Cleanup(func() { _ = s.Stop() })
		}
	}
	for i, s := range servers {
		if errs[i] != nil {
			unavailable(t, "start server %d: %v", i, errs[i])
		}
		t.Logf("server %d: port %d, server_id %d, %s, started in %s", i, s.Port, s.ServerID, s.Version, took[i])
	}

	ids := map[int]bool{}
	for i, s := range servers {
		db, err := s.DB("")
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		var logBin, localInfile, serverID int
		var user, filePriv, gtidPos string
		err = db.QueryRow("SELECT @@log_bin, @@local_infile, @@server_id, CURRENT_USER(), @@secure_file_priv, @@gtid_binlog_pos").
			Scan(&logBin, &localInfile, &serverID, &user, &filePriv, &gtidPos)
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		if logBin != 1 || localInfile != 1 {
			t.Errorf("server %d: @@log_bin=%d @@local_infile=%d, want 1 and 1", i, logBin, localInfile)
		}
		if serverID != s.ServerID {
			t.Errorf("server %d: @@server_id=%d, Server.ServerID=%d", i, serverID, s.ServerID)
		}
		ids[serverID] = true
		if !strings.HasPrefix(user, "sluice@") {
			t.Errorf("server %d: CURRENT_USER()=%q, want sluice@... (anonymous account shadowing?)", i, user)
		}
		var anonymous int
		if err := db.QueryRow("SELECT COUNT(*) FROM mysql.user WHERE User = ''").Scan(&anonymous); err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		if anonymous != 0 {
			t.Errorf("server %d: %d anonymous accounts left", i, anonymous)
		}
		if filepath.Clean(filePriv) != s.FilesDir {
			t.Errorf("server %d: @@secure_file_priv=%q, want %q", i, filePriv, s.FilesDir)
		}
		// A write must produce a GTID in domain 0 with this server's id.
		if _, err := db.Exec("CREATE DATABASE gtidcheck"); err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		if err := db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtidPos); err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		if want := "0-" + strconv.Itoa(s.ServerID) + "-"; !strings.HasPrefix(gtidPos, want) {
			t.Errorf("server %d: @@gtid_binlog_pos=%q, want prefix %q", i, gtidPos, want)
		}
		db.Close()
	}
	if len(ids) != 2 {
		t.Errorf("server ids not distinct: %v", ids)
	}

	for i, s := range servers {
		if err := s.Stop(); err != nil {
			t.Errorf("server %d: Stop: %v", i, err)
		}
		if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
			t.Errorf("server %d: %s still exists after Stop (stat: %v)", i, s.Dir, err)
		}
		if err := s.Stop(); err != nil {
			t.Errorf("server %d: second Stop: %v", i, err)
		}
	}
}

// TestClientAndLoad checks Client and LoadSQLFile as root over the socket,
// LOAD DATA LOCAL INFILE over TCP, SELECT INTO OUTFILE in FilesDir, NoBinlog and
// that LoadSQLFile reports the client's stderr.
func TestClientAndLoad(t *testing.T) {
	s := ForTest(t, Options{NoBinlog: true, ServerID: 7})
	script := filepath.Join(t.TempDir(), "s.sql")
	sql := "CREATE DATABASE d;\nDELIMITER //\nCREATE PROCEDURE d.p() BEGIN SELECT 1; END//\nDELIMITER ;\nCREATE TABLE d.t (a INT PRIMARY KEY, b TEXT);\n"
	if err := os.WriteFile(script, []byte(sql), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSQLFile(context.Background(), script); err != nil {
		t.Fatal(err)
	}
	out, err := s.Client("-N", "-e", "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema='d'").Output()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	if strings.TrimSpace(string(out)) != "1" {
		t.Errorf("routines in d = %q, want 1", out)
	}

	data := filepath.Join(t.TempDir(), "t.tsv")
	if err := os.WriteFile(data, []byte("1\tx\n2\ty\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := s.DB("d")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("LOAD DATA LOCAL INFILE '" + data + "' INTO TABLE t"); err != nil {
		t.Fatalf("load data local: %v", err)
	}
	outfile := filepath.Join(s.FilesDir, "t.out")
	if _, err := db.Exec("SELECT * FROM t ORDER BY a INTO OUTFILE '" + outfile + "'"); err != nil {
		t.Fatalf("into outfile: %v", err)
	}
	got, err := os.ReadFile(outfile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "1\tx\n2\ty\n" {
		t.Errorf("outfile = %q", got)
	}
	var logBin, serverID int
	if err := db.QueryRow("SELECT @@log_bin, @@server_id").Scan(&logBin, &serverID); err != nil {
		t.Fatal(err)
	}
	if logBin != 0 || serverID != 7 {
		t.Errorf("@@log_bin=%d @@server_id=%d, want 0 and 7", logBin, serverID)
	}

	bad := filepath.Join(t.TempDir(), "bad.sql")
	if err := os.WriteFile(bad, []byte("SELEC nonsense;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = s.LoadSQLFile(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "ERROR 1064") {
		t.Errorf("LoadSQLFile(bad) = %v, want the client's ERROR 1064", err)
	}
}

// TestStartFailureCleansUp checks that a server that cannot start returns the
// error log tail and leaves no directory behind.
func TestStartFailureCleansUp(t *testing.T) {
	// A private TMPDIR, so servers that other packages' tests start meanwhile do not count.
	t.Setenv("TMPDIR", t.TempDir())
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "sluice-test-*"))
	_, err := Start(context.Background(), Options{ExtraArgs: []string{"--no-such-option"}})
	if err == nil {
		t.Fatal("Start with --no-such-option succeeded")
	}
	if !strings.Contains(err.Error(), "no-such-option") {
		t.Errorf("error lacks the error log tail: %v", err)
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "sluice-test-*"))
	if len(after) > len(before) {
		t.Errorf("temporary directories left: before %v, after %v", before, after)
	}
}

// TestLoadSakila loads the shared Sakila schema and data, as other packages'
// tests do, and checks a row count and that the load was binlogged with GTIDs.
func TestLoadSakila(t *testing.T) {
	dir := SharedTestdata(t)
	s := ForTest(t, Options{})
	start := time.Now()
	for _, f := range []string{"sakila-schema.sql", "sakila-data.sql"} {
		if err := s.LoadSQLFile(context.Background(), filepath.Join(dir, "sakila", f)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("sakila loaded in %s", time.Since(start))
	db, err := s.DB("sakila")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rentals int
	var gtidPos string
	if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM rental), @@gtid_binlog_pos").Scan(&rentals, &gtidPos); err != nil {
		t.Fatal(err)
	}
	if rentals != 16044 {
		t.Errorf("sakila.rental has %d rows, want 16044", rentals)
	}
	if gtidPos == "" {
		t.Errorf("@@gtid_binlog_pos empty after loading sakila")
	}
}
