package dumper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestDumpSyncsDirectory checks that a dump fsyncs its directory twice: once when every data
// and schema file has been renamed into place and the metadata file does not exist yet, and
// once after the metadata file's rename; and not at all with --no-sync.
func TestDumpSyncsDirectory(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	exec(t, d, "CREATE DATABASE dur", "USE dur", "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)",
		"INSERT INTO t SELECT seq, REPEAT('v', seq % 100) FROM seq_1_to_5000",
		"CREATE VIEW v AS SELECT id FROM t")
	type call struct {
		dir      string
		metadata bool     // the metadata file existed
		files    []string // the directory's files at the time
	}
	dir := t.TempDir() + "/dump"
	var calls []call
	o := WithSyncDir(Options{OutDir: dir, Databases: []string{"dur"}, Threads: 2, Rows: 1000}, func(d string) error {
		c := call{dir: d}
		entries, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range entries {
			c.files = append(c.files, e.Name())
			c.metadata = c.metadata || e.Name() == dumpdir.MetadataName
		}
		calls = append(calls, c)
		return dumpdir.SyncDir(d)
	})
	if _, err := Run(context.Background(), config(s), o); err != nil {
		t.Fatal(err)
	}
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 {
		t.Fatalf("the dump synced its directory %d times, want 2 (before and after the metadata file)", len(calls))
	}
	for _, c := range calls {
		if c.dir != dir {
			t.Errorf("synced %s, want the dump directory %s", c.dir, dir)
		}
	}
	if calls[0].metadata || !calls[1].metadata {
		t.Errorf("metadata present at the first sync: %v, at the second: %v; want false, true", calls[0].metadata, calls[1].metadata)
	}
	// At the first sync every file the metadata lists is in place, and nothing is partial.
	have := map[string]bool{}
	for _, f := range calls[0].files {
		have[f] = true
		if filepath.Ext(f) == ".partial" {
			t.Errorf("%s still partial when the directory was synced before the metadata", f)
		}
	}
	if len(meta.Files) < 4 {
		t.Fatalf("metadata lists %d files, want the schema and data files", len(meta.Files))
	}
	for name := range meta.Files {
		if !have[name] {
			t.Errorf("%s was not renamed into place before the directory was synced ahead of the metadata", name)
		}
	}

	// --no-sync skips both; a failing sync fails the dump with no metadata.
	calls = nil
	o.OutDir, o.NoSync = t.TempDir()+"/nosync", true
	if _, err := Run(context.Background(), config(s), o); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("--no-sync: the directory was synced %d times", len(calls))
	}
	o = WithSyncDir(Options{OutDir: t.TempDir() + "/failing", Databases: []string{"dur"}}, func(string) error { return errors.New("EIO") })
	if _, err := Run(context.Background(), config(s), o); err == nil {
		t.Error("a dump whose directory sync failed succeeded")
	} else if _, serr := os.Stat(filepath.Join(o.OutDir, dumpdir.MetadataName)); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("a dump whose directory sync failed wrote metadata (%v): %v", serr, err)
	}
}
