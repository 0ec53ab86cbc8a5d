package roundtrip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// stageDump copies the dump in src to dst as it stood while being written, after its first n
// progress events: every schema file, the schemas marker, the progress marker cut to n events
// and the data files those name; no metadata file. It returns the events and the data files.
func stageDump(t *testing.T, src, dst string, n int) []dumpdir.PipeEvent {
	t.Helper()
	ctx := context.Background()
	s := dumpdir.Local(src)
	meta, err := s.ReadMetadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.ReadProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) < n {
		t.Fatalf("the dump's progress marker has %d events; want at least %d", len(evs), n)
	}
	data := map[string]bool{}
	for _, tb := range meta.Tables {
		for _, f := range tb.DataFiles {
			data[f] = true
		}
	}
	shown := map[string]bool{}
	for _, e := range evs[:n] {
		shown[e.File.Name] = true
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == dumpdir.MetadataName || name == dumpdir.ProgressName || name == dumpdir.StatusName || data[name] && !shown[name] {
			continue
		}
		copyFile(t, filepath.Join(src, name), filepath.Join(dst, name))
	}
	if err := dumpdir.Local(dst).SaveProgress(ctx, evs[:n]); err != nil {
		t.Fatal(err)
	}
	return evs
}

// finishDump copies what stageDump left out of src into dst, the metadata file last.
func finishDump(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); name != dumpdir.MetadataName {
			copyFile(t, filepath.Join(src, name), filepath.Join(dst, name))
		}
	}
	copyFile(t, filepath.Join(src, dumpdir.MetadataName), filepath.Join(dst, dumpdir.MetadataName))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to+".tmp", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(to+".tmp", to); err != nil {
		t.Fatal(err)
	}
}

// TestLoadFollowsDump loads a dump as it stood half written (its schemas and progress markers,
// the files these name, no metadata file): the data files already finished are loaded before
// the metadata file exists (rows are seen on the target meanwhile), and once the rest of the
// dump and its metadata appear the load completes, equal to the source. A dump whose writer
// stops (no progress and no metadata for --wait-dump) fails the load with one error naming
// the directory and --resume, and --resume finishes it once the dump is complete.
func TestLoadFollowsDump(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	Exec(t, src, "CREATE DATABASE fd")
	CreateKeyShapes(t, src, "fd", 2000)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	whole := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: whole, Databases: []string{"fd"}, Threads: 2, Rows: 300}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	meta, err := dumpdir.Local(whole).ReadMetadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{dumpdir.SchemasName, dumpdir.ProgressName} {
		st, err := os.Stat(filepath.Join(whole, f))
		if err != nil {
			t.Fatalf("the dump has no progress marker: %v", err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v; want 0600", f, st.Mode().Perm())
		}
	}

	// The first data file's table is the one whose rows are looked for while the dump is half
	// written.
	evs, err := dumpdir.Local(whole).ReadProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := -1
	for i, e := range evs {
		if !e.TableDone {
			first = i
			break
		}
	}
	if first < 0 || len(evs) < first+3 {
		t.Fatalf("progress marker of %d events with the first data file at %d; want several data files", len(evs), first)
	}
	table := meta.Tables[evs[first].Table]

	half := t.TempDir() + "/dump"
	stageDump(t, whole, half, first+1)
	db := Open(t, b, "")
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(ctx, Config(b), loader.Options{Dir: half, Threads: 2, WaitDump: 2 * time.Minute})
		done <- err
	}()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var n int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM `fd`.`"+table.Name+"`").Scan(&n)
		if err == nil && n > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the load ended before the dump was complete: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row of fd.%s loaded from the dump's first finished file while the dump had no metadata (last error %v)", table.Name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(half, dumpdir.MetadataName)); err == nil {
		t.Fatal("the half-written dump has a metadata file")
	}
	finishDump(t, whole, half)
	if err := <-done; err != nil {
		t.Fatalf("load --wait-dump: %v", err)
	}
	Equal(t, a, "fd", b, "fd")

	// A dump whose dumper died: no progress and no metadata for --wait-dump.
	dead := t.TempDir() + "/dump"
	stageDump(t, whole, dead, first+2)
	journal := filepath.Join(t.TempDir(), "journal")
	lo := loader.Options{Dir: dead, Threads: 2, WaitDump: 2 * time.Second, OverwriteTables: true, Journal: journal}
	_, err = loader.Run(ctx, Config(b), lo)
	if err == nil || !strings.Contains(err.Error(), "no data file finished for --wait-dump") || !strings.Contains(err.Error(), dead) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("load of a dump whose dumper died: %v; want an error naming %s, the stalled dump and --resume", err, dead)
	}
	// Resumed while the dump is still stalled: the files loaded before are skipped, and the
	// load stops the same way.
	lo.Resume = true
	_, err = loader.Run(ctx, Config(b), lo)
	if err == nil || !strings.Contains(err.Error(), "no data file finished for --wait-dump") {
		t.Fatalf("resumed load of a dump whose dumper died: %v; want the same error", err)
	}
	finishDump(t, whole, dead)
	if _, err := loader.Run(ctx, Config(b), lo); err != nil {
		t.Fatalf("load --resume once the dump is complete: %v", err)
	}
	Equal(t, a, "fd", b, "fd")
}
