package dumper

import (
	"context"
	"database/sql"
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// faultRows is the size of the table the fault tests dump: about 35 MB of SQL, enough that
// the dump is still reading it when the fault comes and more than faultDiskBytes.
const faultRows = 150000

// faultDiskBytes is the size of the tmpfs the full-disk test dumps into.
const faultDiskBytes = 20 << 20

// createFaultTable fills fault.big (faultRows rows of about 230 bytes) and fault.small on d.
func createFaultTable(t *testing.T, d *sql.DB) {
	t.Helper()
	exec(t, d, "CREATE DATABASE fault", "USE fault",
		"CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO small VALUES (1, 'one'), (2, 'two')",
		"CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(200) NOT NULL, n BIGINT NOT NULL)",
		"INSERT INTO big SELECT seq, REPEAT(CHAR(65 + seq % 26), 200), seq * 7 FROM seq_1_to_"+strconv.Itoa(faultRows),
		"ANALYZE TABLE big, small")
}

// checkFailedDump checks what a dump that failed must leave: an error naming want (a table or
// file), no metadata file (the loader refuses the directory), and no .partial file.
func checkFailedDump(t *testing.T, dir string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("the dump succeeded despite the fault")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %q", err, w)
		}
	}
	if _, serr := os.Stat(filepath.Join(dir, dumpdir.MetadataName)); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("the failed dump has a metadata file (%v): it looks complete", serr)
	}
	if _, rerr := dumpdir.ReadMetadata(dir); rerr == nil || !strings.Contains(rerr.Error(), "incomplete") {
		t.Errorf("ReadMetadata of the failed dump: %v, want an error saying it is incomplete", rerr)
	}
	partial, _ := filepath.Glob(filepath.Join(dir, "*.partial"))
	if len(partial) > 0 {
		t.Errorf("the failed dump left %d .partial files, e.g. %s", len(partial), filepath.Base(partial[0]))
	}
	t.Logf("error: %v", err)
}

// runDumpWithFault runs a dump of database fault from s into dir and calls fault once a worker
// is reading a chunk of fault.big (its SELECT of the table's columns shows in
// the process list, not the chunk planner's), with that query's connection id.
// It fails the test if the dump ends before the fault came.
func runDumpWithFault(t *testing.T, s *testserver.Server, watch *sql.DB, o Options, fault func(id int64)) error {
	t.Helper()
	o.Databases = []string{"fault"}
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), config(s), o)
		done <- err
	}()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			t.Fatalf("the dump ended before a worker was seen reading fault.big: %v", err)
		case <-tick.C:
		}
		var id int64
		err := watch.QueryRow("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT `id`,%FROM `fault`.`big`%' AND ID <> CONNECTION_ID() LIMIT 1").Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		fault(id)
		break
	}
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("the dump did not end within 60 s of the fault")
		return nil
	}
}

// TestDumpFaults checks that a dump hit by a fault fails with an error naming what it was
// dumping and leaves no metadata (never a dump that looks complete), for: a worker's connection
// killed (KILL, and KILL QUERY) from another session while it reads a chunk; a full disk (a
// 20 MiB tmpfs, so the error names the data file); the source shut down (SHUTDOWN) mid-dump.
func TestDumpFaults(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	createFaultTable(t, d)

	for _, kill := range []string{"KILL", "KILL QUERY"} {
		t.Run(strings.ReplaceAll(kill, " ", "_"), func(t *testing.T) {
			dir := t.TempDir() + "/dump"
			o := Options{OutDir: dir, Threads: 2, Rows: 20000}
			if kill == "KILL QUERY" {
				// KILL QUERY of a query that has just ended does nothing: read the table in one
				// SELECT (one thread reads every table whole), so that it is still running.
				o.Threads, o.Rows = 1, 0
			}
			err := runDumpWithFault(t, s, d, o, func(id int64) {
				if _, err := d.Exec(kill + " " + strconv.FormatInt(id, 10)); err != nil {
					t.Errorf("%s %d: %v", kill, id, err)
				}
			})
			checkFailedDump(t, dir, err, "fault.big chunk", "take it again")
		})
	}

	t.Run("full_disk", func(t *testing.T) {
		dir := tmpfs(t, faultDiskBytes)
		_, err := Run(context.Background(), config(s), Options{OutDir: dir + "/dump", Databases: []string{"fault"}, Threads: 2, Rows: 20000})
		checkFailedDump(t, dir+"/dump", err, "fault.big", "no space left on device", "free space")
		if err != nil && !strings.Contains(err.Error(), ".sql") {
			t.Errorf("error %q does not name the data file", err)
		}
	})

	// Last, as it ends the server.
	t.Run("source_shutdown", func(t *testing.T) {
		dir := t.TempDir() + "/dump"
		err := runDumpWithFault(t, s, d, Options{OutDir: dir, Threads: 2, Rows: 20000}, func(int64) {
			if _, err := d.Exec("SHUTDOWN"); err != nil {
				t.Errorf("SHUTDOWN: %v", err)
			}
		})
		// Whichever connection notices first names its object: a chunk, the planner's
		// table, or the schema writer's database.
		checkFailedDump(t, dir, err, "fault", "take it again")
	})
}

// tmpfs mounts a tmpfs of size bytes on a new temporary directory and unmounts it when the test
// ends. It needs root: without it the test fails under CI=true and is skipped otherwise.
func tmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the full-disk test mounts a tmpfs and must run as root under CI=true")
		}
		t.Skip("the full-disk test mounts a tmpfs: run it as root")
	}
	dir := t.TempDir()
	if out, err := osexec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10)+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %d-byte tmpfs on %s: %v: %s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := osexec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}
