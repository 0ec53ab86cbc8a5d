package roundtrip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestBadInput checks that wrong credentials, an unreachable server, a corrupt or truncated
// file, an incomplete dump and existing tables all fail with a clear error, never a partial
// restore, and that no password reaches an error or a dump file.
func TestBadInput(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE bad", "CREATE TABLE bad.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO bad.t VALUES (1, 'one'), (2, 'two'), (3, 'three')")

	wrong := Config(a)
	wrong.Password = "not-the-password-x9"
	_, err := dumper.Run(ctx, wrong, dumper.Options{OutDir: t.TempDir() + "/d", Databases: []string{"bad"}})
	if err == nil || !strings.Contains(err.Error(), "access denied") || strings.Contains(err.Error(), wrong.Password) {
		t.Fatalf("wrong password: %v", err)
	}
	gone := Config(a)
	gone.Port = 1
	if _, err := dumper.Run(ctx, gone, dumper.Options{OutDir: t.TempDir() + "/d", Databases: []string{"bad"}}); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("unreachable server: %v", err)
	}

	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"bad"}, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != dumpdir.DirMode {
		t.Fatalf("dump directory mode %v (%v), want %v", st.Mode().Perm(), err, dumpdir.DirMode)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != dumpdir.FileMode {
			t.Errorf("%s has mode %v, want %v", e.Name(), info.Mode().Perm(), dumpdir.FileMode)
		}
		body, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(body), a.Password) {
			t.Errorf("%s contains the password", e.Name())
		}
	}
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"bad"}}); err == nil {
		t.Fatal("dump into a non-empty directory accepted")
	}

	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, meta.Tables[0].DataFiles[0])
	orig, _ := os.ReadFile(data)
	dst := Open(t, b, "")
	count := func() int {
		var n int
		if err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bad'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A truncated data file is refused by its checksum.
	os.WriteFile(data, orig[:len(orig)-10], 0o600)
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "truncated or corrupt") {
		t.Fatalf("truncated file: %v", err)
	}
	os.WriteFile(data, orig, 0o600)
	// The failed restore left its journal; start over as its message says.
	journals, _ := filepath.Glob(filepath.Join(dir, "*.journal"))
	for _, j := range journals {
		os.Remove(j)
	}

	// A dump without metadata is incomplete; nothing is created.
	os.Rename(filepath.Join(dir, dumpdir.MetadataName), filepath.Join(dir, "meta.bak"))
	Exec(t, dst, "DROP DATABASE IF EXISTS bad")
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("dump without metadata: %v", err)
	}
	if n := count(); n != 0 {
		t.Fatalf("incomplete dump created %d tables", n)
	}
	os.Rename(filepath.Join(dir, "meta.bak"), filepath.Join(dir, dumpdir.MetadataName))

	// A good load, then a second one that must refuse the existing table.
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	Equal(t, a, "bad", b, "bad")
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "--overwrite-tables") {
		t.Fatalf("existing table: %v", err)
	}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, OverwriteTables: true}); err != nil {
		t.Fatalf("--overwrite-tables: %v", err)
	}
	Equal(t, a, "bad", b, "bad")
}
