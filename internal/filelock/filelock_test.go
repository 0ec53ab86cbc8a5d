//go:build unix

package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLock checks that a second open of a locked file cannot lock it, and can once the first
// is closed (as when the holding process exits).
func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, b := open(), open()
	if err := Lock(a); err != nil {
		t.Fatalf("first lock: %v", err)
	}
	err := Lock(b)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock while the first is held: got %v, want ErrLocked", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Lock(b); err != nil {
		t.Fatalf("lock after the holder closed its file: %v", err)
	}
}
