package loader

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/schema"
)

// TestRestoreIDHashesStrategies checks that with --defer-indexes auto the restore's identity
// changes when a table's chosen strategy does (so --resume refuses a restore that would build
// the table's indexes another way), and that a forced mode's identity does not depend on it.
func TestRestoreIDHashesStrategies(t *testing.T) {
	d := t.TempDir()
	if err := os.WriteFile(filepath.Join(d, dumpdir.MetadataName), []byte("[sluice]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir, err := dumpdir.OpenDir(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	plan := func(m schema.DeferMode) []*tablePlan {
		return []*tablePlan{{t: &dumpdir.Table{Name: "t"}, key: "db.t", strat: strategy{mode: m}}}
	}
	id := func(o Options, m schema.DeferMode) string {
		s, err := restoreID(ctx, dir, &dumpdir.Metadata{}, &o, plan(m))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	auto := Options{DeferIndexes: schema.DeferAuto}
	if id(auto, schema.DeferAll) == id(auto, schema.DeferFulltext) {
		t.Errorf("auto: the same identity for a table deferred and inline")
	}
	if a, b := id(auto, schema.DeferAll), id(auto, schema.DeferAll); a != b {
		t.Errorf("auto: identity not deterministic: %s, %s", a, b)
	}
	all := Options{DeferIndexes: schema.DeferAll}
	if id(all, schema.DeferAll) != id(all, schema.DeferNone) {
		t.Errorf("forced all: the identity depends on the per-table strategy (min rows decide it from the options already)")
	}
	if id(all, schema.DeferAll) == id(auto, schema.DeferAll) {
		t.Errorf("all and auto: the same identity")
	}
}
