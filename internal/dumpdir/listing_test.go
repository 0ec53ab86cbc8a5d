package dumpdir

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestLocalListing(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	p := Local(root)
	for _, n := range []string{"b", "a"} {
		os.Mkdir(filepath.Join(root, n), DirMode)
		if _, err := p.Sub(n).WriteFile(ctx, "f", []byte(n+n)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "loose"), []byte("x"), 0o600)
	kids, err := p.Children(ctx)
	if err != nil || len(kids) != 2 || kids[0] != "a" || kids[1] != "b" {
		t.Fatalf("Children: %q, %v", kids, err)
	}
	files, err := p.Sub("a").Files(ctx)
	if err != nil || len(files) != 1 || files[0].Name != "f" || files[0].Size != 2 {
		t.Fatalf("Files: %+v, %v", files, err)
	}
	if err := p.Sub("a").RemoveAll(ctx); err != nil {
		t.Fatal(err)
	}
	if kids, _ := p.Children(ctx); len(kids) != 1 || kids[0] != "b" {
		t.Fatalf("after RemoveAll: %q", kids)
	}
}

func TestParent(t *testing.T) {
	for in, want := range map[string]string{
		"/backups/2026-12-01":  "/backups",
		"/backups/2026-12-01/": "/backups",
		"s3://b/nightly/d1":    "s3://b/nightly/",
		"s3://b/nightly/d1/":   "s3://b/nightly/",
		"s3://b/d1":            "s3://b/",
		"relative/d":           "relative",
	} {
		if got := Parent(in); got != want {
			t.Errorf("Parent(%q) = %q, want %q", in, got, want)
		}
	}
}
