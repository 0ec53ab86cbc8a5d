package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

func pitrExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func pitrChecksum(t *testing.T, db *sql.DB) sql.NullInt64 {
	t.Helper()
	var name string
	var sum sql.NullInt64
	if err := db.QueryRow("CHECKSUM TABLE pitr.t").Scan(&name, &sum); err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestPointInTimeRecovery is issue 18's "done when": a dump under a bounded write load, the
// archiver run from the dump through a FLUSH BINARY LOGS rotation and restarted, a pause
// (state S1 and its GTID recorded), more writes and a DROP TABLE; sluice load --binlogs
// --until-gtid S1's GTID and --until-time a moment of the pause both give S1 by CHECKSUM
// TABLE, and a full replay applies the DROP TABLE as well.
func TestPointInTimeRecovery(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{})
	dst := testserver.ForTest(t, testserver.Options{})
	if src == nil || dst == nil {
		return
	}
	sdb, err := src.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ddb, err := dst.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer ddb.Close()
	pitrExec(t, sdb, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40), n INT)",
		"INSERT INTO pitr.t (v, n) SELECT CONCAT('row', seq), seq FROM pitr.seq_1_to_2000")
	srcArgs := []string{"-h", src.Host, "-P", strconv.Itoa(src.Port), "-u", src.User}
	dstArgs := []string{"-h", dst.Host, "-P", strconv.Itoa(dst.Port), "-u", dst.User}
	sluice := func(pw string, args ...string) {
		t.Helper()
		t.Setenv("MYSQL_PWD", pw)
		var stderr bytes.Buffer
		if code := run(args, &bytes.Buffer{}, &stderr); code != 0 {
			t.Fatalf("sluice %v: exit %d\n%s", args, code, stderr.String())
		}
	}
	tmp := t.TempDir()
	dump, archive := filepath.Join(tmp, "dump"), filepath.Join(tmp, "binlogs")

	// A bounded write load (300 single-row transactions) while the dump runs.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 300 {
			if _, err := sdb.Exec("INSERT INTO pitr.t (v, n) VALUES ('load', ?)", i); err != nil {
				t.Error(err)
				return
			}
			if i%50 == 0 {
				_, _ = sdb.Exec("UPDATE pitr.t SET n = n + 1 WHERE id % 7 = 0")
			}
		}
	}()
	sluice(src.Password, append([]string{"dump", "-o", dump, "-B", "pitr", "-t", "2"}, srcArgs...)...)
	wg.Wait()
	if t.Failed() {
		return
	}
	archiveArgs := append([]string{"binlog-archive", "--dump", dump, "-o", archive}, srcArgs...)
	sluice(src.Password, archiveArgs...)
	pitrExec(t, sdb, "FLUSH BINARY LOGS", "UPDATE pitr.t SET v = 'rotated' WHERE id <= 10", "DELETE FROM pitr.t WHERE id BETWEEN 20 AND 30")
	sluice(src.Password, archiveArgs...) // the archiver restarted: resumes where it stopped
	s1 := pitrChecksum(t, sdb)
	var s1GTID string
	if err := sdb.QueryRow("SELECT @@gtid_binlog_pos").Scan(&s1GTID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // binlog timestamps have whole seconds
	pause := time.Now().UTC().Truncate(time.Second)
	time.Sleep(1100 * time.Millisecond)
	pitrExec(t, sdb, "UPDATE pitr.t SET v = 'after the pause'", "INSERT INTO pitr.t (v, n) VALUES ('late', 1)", "DROP TABLE pitr.t")
	sluice(src.Password, archiveArgs...)

	load := func(extra ...string) {
		t.Helper()
		pitrExec(t, ddb, "DROP DATABASE IF EXISTS pitr")
		sluice(dst.Password, append(append([]string{"load", "-d", dump, "--binlogs", archive}, dstArgs...), extra...)...)
	}
	for _, until := range [][]string{{"--until-gtid", s1GTID}, {"--until-time", pause.Format(time.RFC3339)}} {
		load(until...)
		if got := pitrChecksum(t, ddb); got != s1 {
			t.Errorf("load %v: checksum %v, want S1's %v", until, got, s1)
		}
	}
	load()
	var n int
	if err := ddb.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'pitr'").Scan(&n); err != nil || n != 0 {
		t.Errorf("full replay: %d tables left in pitr (%v), want 0: the DROP TABLE was not applied", n, err)
	}
	if err := ddb.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '_sluice_load'").Scan(&n); err != nil || n != 0 {
		t.Errorf("after a complete replay the target keeps the replay position database _sluice_load (%d, %v)", n, err)
	}
	// --dry-run shows the last transaction it would apply and changes nothing.
	pitrExec(t, ddb, "DROP DATABASE IF EXISTS pitr")
	t.Setenv("MYSQL_PWD", dst.Password)
	var out, stderr bytes.Buffer
	args := append([]string{"load", "-d", dump, "--binlogs", archive, "--until-gtid", s1GTID, "--dry-run"}, dstArgs...)
	if code := run(args, &out, &stderr); code != 0 {
		t.Fatalf("sluice %v: exit %d\n%s", args, code, stderr.String())
	}
	if want := "GTID " + s1GTID; !strings.Contains(out.String(), want) {
		t.Errorf("load --dry-run --binlogs printed %q, want it to name %q", out.String(), want)
	}
}

// TestPITRRefusesObjectStorage: binlog-archive -o and load --binlogs take a local directory;
// an s3:// location is one clear usage error (exit 2), not a local directory named "s3:".
func TestPITRRefusesObjectStorage(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{
		{"binlog-archive", "-o", "s3://bucket/binlogs", "--start-file", "binlog.000001"},
		{"load", "-d", dir, "--binlogs", "s3://bucket/binlogs"},
	} {
		var stderr bytes.Buffer
		code := run(args, &bytes.Buffer{}, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "a binlog archive is a local directory") {
			t.Errorf("sluice %v: exit %d, %q; want exit 2 saying the archive is a local directory", args, code, stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "s3:")); err == nil {
		t.Error("binlog-archive -o s3://... created a local directory s3:")
	}
}
