package roundtrip

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/bench"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadFaults breaks a load from the server's side — a worker's connection killed in the
// middle of a file, the target crashed and restarted, a duplicate key in the dump — and checks
// that the load stops with an error naming the file, and that --resume then finishes it with
// every table equal to the source (the duplicate key excepted: that dump cannot load).
// Transactions are kept small (64 KiB) so that each file spans many of them.
func TestLoadFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 3 x 20 MB with faults")
	}
	ctx := context.Background()
	src := testserver.ForTest(t, testserver.Options{})
	dst := testserver.ForTest(t, testserver.Options{})
	if _, err := bench.Generate(ctx, Open(t, src, ""), bench.Dataset{Kind: bench.KindIndexed, Tables: 2, Rows: 60000, Seed: 2, Database: "fl"}, 2); err != nil {
		t.Fatal(err)
	}
	sqlDir := t.TempDir() + "/sql"
	tsvDir := t.TempDir() + "/tsv"
	for _, d := range []dumper.Options{{OutDir: sqlDir}, {OutDir: tsvDir, Format: dumper.FormatTSV}} {
		d.Databases, d.Threads, d.FileSize = []string{"fl"}, 2, 2<<20
		if _, err := dumper.Run(ctx, Config(src), d); err != nil {
			t.Fatalf("dump %s: %v", d.OutDir, err)
		}
	}
	watch := Open(t, dst, "")

	t.Run("connection killed mid-file", func(t *testing.T) {
		o := loader.Options{Dir: tsvDir, TargetDB: "f_kill", Threads: 2, MaxTxBytes: 64 << 10, Journal: t.TempDir() + "/journal"}
		err := loadUntil(t, dst, o, watch, func() {
			// A worker in the middle of a file, killed as a DBA's KILL or a proxy would. The
			// tables are read-locked first, so that the next command of a worker waits (its
			// file partly loaded) however fast the machine is; that worker is killed, then the
			// lock released.
			lock, err := watch.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Close()
			if _, err := lock.ExecContext(ctx, "LOCK TABLES f_kill.indexed1 READ, f_kill.indexed2 READ"); err != nil {
				t.Fatal(err)
			}
			defer lock.ExecContext(ctx, "UNLOCK TABLES")
			for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
				var id int64
				// A bulk INSERT command (the tsv tables' path) or a LOAD DATA.
				err := watch.QueryRow("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'f_kill'" +
					" AND (INFO LIKE 'LOAD DATA%' OR INFO LIKE 'INSERT%') AND STATE LIKE '%metadata lock%' LIMIT 1").Scan(&id)
				if err == nil {
					if _, err := watch.Exec("KILL CONNECTION " + strconv.FormatInt(id, 10)); err != nil {
						t.Fatal(err)
					}
					return
				}
			}
			t.Fatal("no worker ever waited in a bulk INSERT or LOAD DATA behind the lock")
		})
		if !strings.Contains(err.Error(), ".tsv") {
			t.Errorf("the error does not name the data file: %v", err)
		}
		resumeAndCompare(t, src, dst, o)
	})

	t.Run("target restarted mid-load", func(t *testing.T) {
		o := loader.Options{Dir: sqlDir, TargetDB: "f_restart", Threads: 2, MaxTxBytes: 64 << 10, Journal: t.TempDir() + "/journal"}
		loadUntil(t, dst, o, watch, func() {
			// A crash: SIGKILL, no clean shutdown; InnoDB recovers the committed transactions.
			if err := dst.Kill(); err != nil {
				t.Fatal(err)
			}
			if err := dst.Restart(ctx); err != nil {
				t.Fatal(err)
			}
		})
		resumeAndCompare(t, src, dst, o)
	})

	t.Run("duplicate key", func(t *testing.T) {
		dir := t.TempDir() + "/dup"
		copyDir(t, sqlDir, dir)
		name := duplicateLastInsert(t, dir)
		for _, localInfile := range []bool{true, false} {
			if !localInfile {
				SetLocalInfile(t, watch, false)
			}
			db := "f_dup_" + map[bool]string{true: "loaddata", false: "insert"}[localInfile]
			_, err := loader.Run(ctx, Config(dst), loader.Options{Dir: dir, TargetDB: db, Threads: 2, Journal: t.TempDir() + "/journal"})
			if err == nil {
				t.Fatalf("local_infile %v: a dump with a duplicate key loaded without an error", localInfile)
			}
			msg := err.Error()
			if !strings.Contains(msg, name) || !strings.Contains(msg, "INSERT") || !strings.Contains(msg, "Duplicate entry") {
				t.Errorf("local_infile %v: the error does not name the file %s, the INSERT and the duplicate: %v", localInfile, name, err)
			}
			t.Logf("local_infile %v: %s", localInfile, firstLine(msg))
		}
	})
}

// loadUntil runs loader.Run with o into dst and calls fault once the progress table shows a
// file partly loaded; it returns the load's error, failing the test if the load succeeded or
// did not say how to resume.
func loadUntil(t *testing.T, dst *testserver.Server, o loader.Options, watch *sql.DB, fault func()) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(context.Background(), Config(dst), o)
		done <- err
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-done:
			t.Fatalf("the load ended before the fault: %v", err)
		case <-deadline:
			t.Fatal("no file was ever partly loaded")
		case <-time.After(5 * time.Millisecond):
		}
		var n int
		if watch.QueryRow("SELECT COUNT(*) FROM _sluice_load.progress WHERE NOT done AND statements > 0").Scan(&n) == nil && n > 0 {
			break
		}
	}
	fault()
	err := <-done
	if err == nil {
		t.Fatal("the load succeeded through the fault")
	}
	if !strings.Contains(err.Error(), "--resume") {
		t.Errorf("the error does not say how to finish: %v", err)
	}
	t.Logf("stopped: %s", firstLine(err.Error()))
	return err
}

// resumeAndCompare finishes the load with --resume and compares the target with the source.
func resumeAndCompare(t *testing.T, src, dst *testserver.Server, o loader.Options) {
	t.Helper()
	o.Resume, o.Checksum = true, loader.ChecksumFail
	if _, err := loader.Run(context.Background(), Config(dst), o); err != nil {
		t.Fatalf("--resume: %v", err)
	}
	Equal(t, src, "fl", dst, o.TargetDB)
}

// duplicateLastInsert appends a copy of the first INSERT of the dump's first SQL data file to
// the file's end, as a dump of a table changing under a non-consistent dump could hold, and
// updates the metadata's size and checksum so that the loader reads the file. It returns the
// file's name.
func duplicateLastInsert(t *testing.T, dir string) string {
	t.Helper()
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := meta.Tables[0].DataFiles[0]
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("INSERT ")) {
			first = l
			break
		}
	}
	if first == nil {
		t.Fatalf("%s has no INSERT", name)
	}
	fi, err := dumpdir.WriteFile(dir, name, append(b, first...))
	if err != nil {
		t.Fatal(err)
	}
	meta.Files[name] = fi
	if err := meta.Write(dir); err != nil {
		t.Fatal(err)
	}
	return name
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
