package dumper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

func TestSyncerFinishesInOrderAndStopsOnError(t *testing.T) {
	dir := t.TempDir()
	sy := newSyncer(1)
	done := make(chan error, 1)
	go func() { done <- sy.run() }()
	var got []string
	for _, name := range []string{"a", "b"} {
		f, err := dumpdir.Create(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(name)); err != nil {
			t.Fatal(err)
		}
		if err := sy.finish(f, func(fi dumpdir.FileInfo) { got = append(got, fi.Name) }); err != nil {
			t.Fatal(err)
		}
	}
	// A file whose directory is gone cannot be renamed: run stops with that error.
	gone := filepath.Join(dir, "gone")
	if err := os.Mkdir(gone, 0o700); err != nil {
		t.Fatal(err)
	}
	bad, err := dumpdir.Create(gone, "c")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(gone); err != nil {
		t.Fatal(err)
	}
	_ = sy.finish(bad, func(dumpdir.FileInfo) { t.Error("done called for a file that failed") })
	if err := <-done; err == nil {
		t.Fatal("run returned no error for a file that could not be finished")
	}
	// After the failure, finish refuses (and removes) further files.
	late, err := dumpdir.Create(dir, "d")
	if err != nil {
		t.Fatal(err)
	}
	if err := sy.finish(late, func(dumpdir.FileInfo) {}); err == nil {
		t.Error("finish accepted a file after run stopped")
	}
	if _, err := os.Stat(filepath.Join(dir, "d.partial")); !os.IsNotExist(err) {
		t.Errorf("d.partial left behind: %v", err)
	}
	sy.close()
	sy.abortQueued()
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("finished %v, want [a b]", got)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s not renamed into place: %v", n, err)
		}
	}
}
