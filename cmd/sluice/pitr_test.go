package main

import (
	"bytes"
	"database/sql"
	"fmt"
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

// pitrEnv is what the point-in-time recovery tests share: a source and a target server, their
// connections and connection flags, and the source's table pitr.t.
type pitrEnv struct {
	t                *testing.T
	src, dst         *testserver.Server
	sdb, ddb         *sql.DB
	srcArgs, dstArgs []string
}

// newPITREnv starts the two servers and fills pitr.t on the source with rows rows; nil when
// the test was skipped.
func newPITREnv(t *testing.T, rows int) *pitrEnv {
	t.Helper()
	e := &pitrEnv{t: t, src: testserver.ForTest(t, testserver.Options{}), dst: testserver.ForTest(t, testserver.Options{})}
	if e.src == nil || e.dst == nil {
		return nil
	}
	var err error
	if e.sdb, err = e.src.DB(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.sdb.Close() })
	if e.ddb, err = e.dst.DB(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ddb.Close() })
	pitrExec(t, e.sdb, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40), n INT)",
		fmt.Sprintf("INSERT INTO pitr.t (v, n) SELECT CONCAT('row', seq), seq FROM pitr.seq_1_to_%d", rows))
	e.srcArgs = []string{"-h", e.src.Host, "-P", strconv.Itoa(e.src.Port), "-u", e.src.User}
	e.dstArgs = []string{"-h", e.dst.Host, "-P", strconv.Itoa(e.dst.Port), "-u", e.dst.User}
	return e
}

// sluice runs sluice with args and the password pw, failing the test unless it exits 0.
func (e *pitrEnv) sluice(pw string, args ...string) {
	e.t.Helper()
	e.t.Setenv("MYSQL_PWD", pw)
	var stderr bytes.Buffer
	if code := run(args, &bytes.Buffer{}, &stderr); code != 0 {
		e.t.Fatalf("sluice %v: exit %d\n%s", args, code, stderr.String())
	}
}

// TestPointInTimeRecovery is issue 18's "done when": a dump under a bounded write load, the
// archiver run from the dump through a FLUSH BINARY LOGS rotation and restarted, a pause
// (state S1 and its GTID recorded), more writes and a DROP TABLE; sluice load --binlogs
// --until-gtid S1's GTID and --until-time a moment of the pause both give S1 by CHECKSUM
// TABLE, and a full replay applies the DROP TABLE as well.
func TestPointInTimeRecovery(t *testing.T) {
	e := newPITREnv(t, 2000)
	if e == nil {
		return
	}
	src, dst, sdb, ddb, srcArgs, dstArgs, sluice := e.src, e.dst, e.sdb, e.ddb, e.srcArgs, e.dstArgs, e.sluice
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
