package binlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

func exec1(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// masterPos returns the server's current binlog file and position (SHOW MASTER STATUS).
func masterPos(t *testing.T, db *sql.DB) (string, uint64) {
	t.Helper()
	var file, a, b string
	var pos uint64
	if err := db.QueryRow("SHOW MASTER STATUS").Scan(&file, &pos, &a, &b); err != nil {
		t.Fatal(err)
	}
	return file, pos
}

func masterFile(t *testing.T, db *sql.DB) string {
	t.Helper()
	var file, pos, a, b string
	if err := db.QueryRow("SHOW MASTER STATUS").Scan(&file, &pos, &a, &b); err != nil {
		t.Fatal(err)
	}
	return file
}

// sameBytes fails unless the archive's file name is byte for byte the source's.
func sameBytes(t *testing.T, s *testserver.Server, dir, name string) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(s.DataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("archived %s: %d bytes differ from the source's %d", name, len(got), len(want))
	}
}

// startServer starts a test server and opens it as the sluice account; (nil, nil) when the
// test was skipped.
func startServer(t *testing.T) (*testserver.Server, *sql.DB) {
	t.Helper()
	s := testserver.ForTest(t, testserver.Options{})
	if s == nil {
		return nil, nil
	}
	db, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return s, db
}

// TestArchiveRotationAndResume archives from a binlog file's start through a FLUSH BINARY
// LOGS rotation, stops at the source's end, resumes after more writes, and checks that the
// archived files equal the source's byte for byte and that mariadb-binlog reads them.
func TestArchiveRotationAndResume(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first := masterFile(t, db)
	exec1(t, db, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO pitr.t VALUES (1, 'one'), (2, 'two')", "FLUSH BINARY LOGS", "INSERT INTO pitr.t VALUES (3, 'three')")
	second := masterFile(t, db)
	dir := t.TempDir()
	o := Options{Source: s.ConnConfig(), Dir: dir, StartFile: first, ServerID: 4242}
	if err := Archive(ctx, o); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, s, dir, first)
	ix, err := ReadIndex(dir)
	if err != nil || ix == nil {
		t.Fatalf("index: %v %v", ix, err)
	}
	if len(ix.Files) != 2 || !ix.Files[0].Complete || ix.Files[1].Complete || ix.Files[1].Name != second {
		t.Fatalf("index files %+v, want %s complete and %s open", ix.Files, first, second)
	}
	// Restart: more writes in the open file, then another rotation.
	exec1(t, db, "INSERT INTO pitr.t VALUES (4, 'four')", "FLUSH BINARY LOGS", "UPDATE pitr.t SET v = 'FIVE' WHERE id = 1")
	third := masterFile(t, db)
	if err := Archive(ctx, o); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, s, dir, second)
	if ix, err = ReadIndex(dir); err != nil {
		t.Fatal(err)
	}
	if n := len(ix.Files); n != 3 || ix.Files[2].Name != third || ix.Files[2].LastGTID == "" {
		t.Fatalf("index files %+v, want three ending with %s", ix.Files, third)
	}
	// The index's SHA-256, kept as the bytes are written (and from the kept bytes of a
	// reopened file), is the file's.
	for _, f := range ix.Files {
		sum, err := fileSHA256(filepath.Join(dir, f.Name))
		if err != nil || sum != f.SHA256 {
			t.Fatalf("index sha256 of %s = %s, file has %s (%v)", f.Name, f.SHA256, sum, err)
		}
	}
	// mariadb-binlog reads the archive and finds every write.
	out, err := exec.CommandContext(ctx, "mariadb-binlog", "--verbose",
		filepath.Join(dir, first), filepath.Join(dir, second), filepath.Join(dir, third)).CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-binlog: %v\n%s", err, out)
	}
	for _, want := range []string{"'one'", "'three'", "'four'", "'FIVE'", "CREATE TABLE pitr.t"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("mariadb-binlog output lacks %s", want)
		}
	}
	// The third file's events so far equal the source's, after its Format_description
	// event (whose "in use" flag the server clears only when it closes the file).
	src, _ := os.ReadFile(filepath.Join(s.DataDir, third))
	got, _ := os.ReadFile(filepath.Join(dir, third))
	fde := len(magic) + int(binary.LittleEndian.Uint32(got[len(magic)+9:]))
	if len(got) <= fde || !bytes.HasPrefix(src[fde:], got[fde:]) {
		t.Errorf("archived %s (%d bytes) is not a prefix of the source's (%d bytes)", third, len(got), len(src))
	}
}

// TestArchiveGap refuses to start from a purged binlog file.
func TestArchiveGap(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	first := masterFile(t, db)
	exec1(t, db, "FLUSH BINARY LOGS")
	// MariaDB keeps a file until its binlog checkpoint is written: purge until it is gone.
	for i := 0; ; i++ {
		exec1(t, db, "PURGE BINARY LOGS TO '"+masterFile(t, db)+"'")
		var oldest, size string
		if err := db.QueryRow("SHOW BINARY LOGS").Scan(&oldest, &size); err != nil {
			t.Fatal(err)
		}
		if oldest != first {
			break
		}
		if i == 100 {
			t.Fatalf("%s still not purged", first)
		}
		time.Sleep(100 * time.Millisecond)
	}
	err := Archive(context.Background(), Options{Source: s.ConnConfig(), Dir: t.TempDir(), StartFile: first, ServerID: 4243})
	if !errors.Is(err, ErrGap) {
		t.Fatalf("archive from purged %s: %v, want ErrGap", first, err)
	}
}

// fileSHA256 returns the hex SHA-256 of the file at path, to compare with the index's.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
