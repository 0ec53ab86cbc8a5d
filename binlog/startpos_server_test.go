package binlog

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArchiveStartPosition starts an archive in the middle of a binlog file, at the event
// boundary SHOW MASTER STATUS gives after a first transaction: the archived file holds the
// Format_description event and exactly the later transactions, mariadb-binlog reads it, and
// replay from that position applies them. A position inside an event is refused, naming it.
func TestArchiveStartPosition(t *testing.T) {
	s, db := startServer(t)
	dst, ddb := startServer(t)
	if s == nil || dst == nil {
		return
	}
	exec1(t, db, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(40), d DATETIME(3))", "INSERT INTO pitr.t VALUES (1, 'before', NULL)")
	file, pos := masterPos(t, db)
	exec1(t, db, "INSERT INTO pitr.t VALUES (2, 'after', NOW())", "UPDATE pitr.t SET v = 'changed' WHERE id = 2")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	bad := Archive(ctx, Options{Source: s.ConnConfig(), Dir: t.TempDir(), StartFile: file, StartPos: pos + 3, ServerID: 4249})
	if bad == nil || !strings.Contains(bad.Error(), "is not where an event") {
		t.Errorf("archive from %s:%d, inside an event: %v, want an error saying so", file, pos+3, bad)
	}
	t.Log(bad)

	dir := t.TempDir()
	if err := Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: file, StartPos: pos, ServerID: 4249}); err != nil {
		t.Fatal(err)
	}
	ix, err := ReadIndex(dir)
	if err != nil || ix == nil || len(ix.Files) != 1 || ix.Files[0].StartPos != pos || ix.Files[0].FirstGTID == "" {
		t.Fatalf("index %+v (%v): want one file starting at %d", ix, err, pos)
	}
	out, err := exec.CommandContext(ctx, "mariadb-binlog", "--verbose", filepath.Join(dir, file)).CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-binlog: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "'after'") || strings.Contains(string(out), "'before'") {
		t.Errorf("mariadb-binlog output: want the row 'after' and not 'before':\n%s", out)
	}

	// The target holds the state at the start position; replay brings it to the source's.
	exec1(t, ddb, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(40), d DATETIME(3))", "INSERT INTO pitr.t VALUES (1, 'before', NULL)")
	c, err := ddb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := Replay(ctx, c, ReplayOptions{Dir: dir, DumpFile: file, DumpPos: pos}); err != nil {
		t.Fatal(err)
	}
	if got, want := checksum(t, ddb), checksum(t, db); got != want {
		t.Errorf("after replaying the archive from %s:%d: checksum %d, want the source's %d", file, pos, got, want)
	}
}
