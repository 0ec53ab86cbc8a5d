package loader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := openJournal(path, "id1", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.add("file a.sql"); err != nil {
		t.Fatal(err)
	}
	j.close()
	if _, err := openJournal(path, "id1", false); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("fresh restore over a journal: %v, want a refusal naming --resume", err)
	}
	if _, err := openJournal(path, "id2", true); err == nil {
		t.Fatal("resume with another restore id was accepted")
	}
	// A torn last line (a crash mid-write) is ignored and does not glue onto the next entry.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("file b.s")
	f.Close()
	j, err = openJournal(path, "id1", true)
	if err != nil {
		t.Fatal(err)
	}
	if !j.has("file a.sql") || j.has("file b.sql") {
		t.Fatalf("resumed journal: a=%v b=%v, want true false", j.has("file a.sql"), j.has("file b.sql"))
	}
	if err := j.add("index t 0"); err != nil {
		t.Fatal(err)
	}
	j.close()
	j, err = openJournal(path, "id1", true)
	if err != nil {
		t.Fatal(err)
	}
	if !j.has("index t 0") {
		t.Fatal("entry after a torn line was lost")
	}
	if err := j.remove(); err != nil {
		t.Fatal(err)
	}
}

// TestJournalKeyed checks that a keyed journal records no entry in clear and still resumes.
func TestJournalKeyed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	key := []byte("0123456789abcdef0123456789abcdef")
	j, err := openJournal(path, "id1", false)
	if err != nil {
		t.Fatal(err)
	}
	j.keyed(key)
	if err := j.add("created secret_db.secret_table"); err != nil {
		t.Fatal(err)
	}
	j.close()
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "secret") {
		t.Fatalf("keyed journal holds an entry in clear:\n%s", b)
	}
	j, err = openJournal(path, "id1", true)
	if err != nil {
		t.Fatal(err)
	}
	j.keyed(key)
	if !j.has("created secret_db.secret_table") || j.has("created other") {
		t.Fatal("keyed journal does not resume its entries")
	}
	j.keyed([]byte("another key, another dump......."))
	if j.has("created secret_db.secret_table") {
		t.Fatal("an entry matched under another key")
	}
	j.close()
}

// TestJournalInUse checks that while one load holds its journal, a second load of the same
// dump is refused with an error saying so, both fresh and with --resume, and that --resume
// works once the first has stopped.
func TestJournalInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	first, err := openJournal(path, "id1", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, resume := range []bool{false, true} {
		_, err := openJournal(path, "id1", resume)
		if err == nil || !strings.Contains(err.Error(), "in use by another sluice load") {
			t.Fatalf("resume=%v beside a running load: %v, want a refusal naming the running load", resume, err)
		}
	}
	first.close() // the first load stops (or is killed: the kernel drops its lock alike)
	j, err := openJournal(path, "id1", true)
	if err != nil {
		t.Fatalf("--resume after the first load stopped: %v", err)
	}
	j.close()
}
