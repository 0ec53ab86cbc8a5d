package binlog

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArchiveStopNever follows the source (--stop-never) while it writes, until the index
// shows the source's last GTID, then cancels (SIGTERM) and expects a clean return with the
// file durable and indexed.
func TestArchiveStopNever(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	first := masterFile(t, db)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: first, ServerID: 4244, StopNever: true, SyncEvery: 10 * time.Millisecond})
	}()
	exec1(t, db, "CREATE DATABASE f", "CREATE TABLE f.t (id INT PRIMARY KEY)", "INSERT INTO f.t VALUES (1)", "FLUSH BINARY LOGS", "INSERT INTO f.t VALUES (2)")
	var want string
	if err := db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&want); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ix, err := ReadIndex(dir)
		if err != nil {
			t.Fatal(err)
		}
		if ix != nil && len(ix.Files) == 2 && ix.Files[1].LastGTID == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the index is %+v, want two files, the last ending at %s", ix, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A second archiver of the same archive, while the first runs, stops at once.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	err := Archive(ctx2, Options{Source: s.ConnConfig(), Dir: dir, ServerID: 4245})
	if err == nil || !strings.Contains(err.Error(), "in use by another sluice binlog archive") {
		t.Fatalf("a second archiver beside the running one: %v, want a refusal naming the running archiver", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Archive after cancel: %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Archive did not return within 30 s of the cancel")
	}
	// Once the first has stopped, the archive resumes.
	if err := Archive(ctx2, Options{Source: s.ConnConfig(), Dir: dir, ServerID: 4245}); err != nil {
		t.Fatalf("resuming after the first archiver stopped: %v", err)
	}
	sameBytes(t, s, dir, first)
}

// TestArchiveFromGTID starts an archive after a MariaDB GTID position: the archived file
// holds the file's Format_description event and then exactly the later transactions, and
// mariadb-binlog reads it.
func TestArchiveFromGTID(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	exec1(t, db, "CREATE DATABASE g", "CREATE TABLE g.t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO g.t VALUES (1, 'before')")
	var gtid string
	if err := db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil {
		t.Fatal(err)
	}
	exec1(t, db, "INSERT INTO g.t VALUES (2, 'after')")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartGTID: gtid, ServerID: 4246}); err != nil {
		t.Fatal(err)
	}
	ix, err := ReadIndex(dir)
	if err != nil || ix == nil || len(ix.Files) != 1 || ix.Files[0].StartPos <= 4 || ix.Files[0].FirstGTID == "" || ix.Files[0].FirstGTID == gtid {
		t.Fatalf("index %+v (%v): want one file starting after %s", ix, err, gtid)
	}
	out, err := exec.CommandContext(ctx, "mariadb-binlog", "--verbose", filepath.Join(dir, ix.Files[0].Name)).CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-binlog: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "'after'") || strings.Contains(string(out), "'before'") {
		t.Errorf("mariadb-binlog output: want the row 'after' and not 'before':\n%s", out)
	}
}
