package roundtrip

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadWaitDump starts a load with WaitDump on a directory the dump has not even created
// yet, then takes the dump: the load finishes after it and the copy equals the source. A load
// waiting on a dump whose status says failed, or on one that never completes, stops with an
// error naming the directory.
func TestLoadWaitDump(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	Exec(t, src, "CREATE DATABASE wd")
	CreateKeyShapes(t, src, "wd", 2000)
	dir := t.TempDir() + "/dump"
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, WaitDump: 2 * time.Minute})
		done <- err
	}()
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"wd"}, Threads: 2, Rows: 300}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("load --wait-dump: %v", err)
	}
	Equal(t, a, "wd", b, "wd")

	failed := t.TempDir()
	if err := dumpdir.Local(failed).WriteStatus(ctx, dumpdir.Status{State: dumpdir.StateFailed, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_, err := loader.Run(ctx, Config(b), loader.Options{Dir: failed, WaitDump: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "the dump failed") || !strings.Contains(err.Error(), failed) {
		t.Fatalf("waiting on a failed dump: %v; want an error saying it failed, naming %s", err, failed)
	}
	never := t.TempDir()
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: never, WaitDump: time.Second})
	if err == nil || !strings.Contains(err.Error(), "still no metadata") {
		t.Fatalf("waiting on a dump that never completes: %v; want a timeout error", err)
	}
}
