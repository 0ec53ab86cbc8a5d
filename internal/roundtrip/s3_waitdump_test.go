package roundtrip

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/loader"
)

// loadWaitDump starts a load with WaitDump on an object-store prefix the dump has not written
// yet, then dumps r.t there in many files: the load follows the dump's progress markers (which
// the dump leaves beside its metadata) and ends equal to the source.
func (e *s3Env) loadWaitDump(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	loc := "s3://" + s3Bucket + "/waitdump"
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(ctx, Config(e.b), loader.Options{Dir: loc, Threads: 2, TargetDB: "r_wd", WaitDump: 2 * time.Minute, Journal: t.TempDir() + "/journal"})
		done <- err
	}()
	if _, err := dumper.Run(ctx, Config(e.a), dumper.Options{OutDir: loc, Databases: []string{"r"}, Threads: 2, StatementSize: 16 << 10, FileSize: 128 << 10}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("load --wait-dump from %s: %v", loc, err)
	}
	Equal(t, e.a, "r", e.b, "r_wd")
	keys := objectKeys(t, e.m, "waitdump/")
	for _, k := range []string{dumpdir.SchemasName, dumpdir.ProgressName} {
		if !slices.Contains(keys, "waitdump/"+k) {
			t.Errorf("no %s marker among %q", k, keys)
		}
	}
}
