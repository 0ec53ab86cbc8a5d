package dumpdir

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenVerified checks that OpenVerified returns a whole file's decompressed content, and
// refuses a file changed in one byte (same size) or missing, by name, before returning any of
// it; and that CheckSize tells a file of the wrong size or a missing one, not a changed byte.
func TestOpenVerified(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := Local(dir)
	f, err := d.CreateData(ctx, "db.t.00000.sql.zst", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCompressor(f, CompressZstd)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("INSERT INTO `t` VALUES (1,'x');\n", 1000)
	if _, err := io.WriteString(c, want); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.OpenVerified(ctx, fi, CompressZstd)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != want {
		t.Fatalf("OpenVerified read %d bytes (%v), want %d", len(got), err, len(want))
	}
	if err := d.CheckSize(ctx, fi); err != nil {
		t.Fatalf("CheckSize: %v", err)
	}

	path := filepath.Join(dir, fi.Name)
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.CheckSize(ctx, fi); err != nil {
		t.Fatalf("CheckSize of a file of the right size: %v", err)
	}
	if _, err := d.OpenVerified(ctx, fi, CompressZstd); err == nil || !strings.Contains(err.Error(), fi.Name) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("OpenVerified of a changed file: %v, want an error naming it as corrupt", err)
	}
	if err := os.WriteFile(path, b[:len(b)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.CheckSize(ctx, fi); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("CheckSize of a short file: %v, want truncated", err)
	}
	os.Remove(path)
	for _, err := range []error{d.CheckSize(ctx, fi), func() error { _, err := d.OpenVerified(ctx, fi, CompressZstd); return err }()} {
		if err == nil || !strings.Contains(err.Error(), "incomplete") {
			t.Fatalf("missing file: %v, want the dump is incomplete", err)
		}
	}
}
