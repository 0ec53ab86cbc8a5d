package roundtrip

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// TestLoadDeferMinRows checks that a table below --defer-min-rows is created with its indexes
// (no index build after its data) while a larger one has them deferred, and both restore equal.
func TestLoadDeferMinRows(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	Exec(t, Open(t, a, ""), "CREATE DATABASE dm", "USE dm",
		"CREATE TABLE small (id INT PRIMARY KEY, v INT, KEY kv (v))",
		"INSERT INTO small SELECT seq, seq % 7 FROM seq_1_to_50",
		"CREATE TABLE big (id INT PRIMARY KEY, v INT, w VARCHAR(20), KEY kv (v), UNIQUE KEY uw (w))",
		"INSERT INTO big SELECT seq, seq % 7, CONCAT('w', seq) FROM seq_1_to_3000")
	var log bytes.Buffer
	RoundTrip(t, a, b, []string{"dm"}, dumper.Options{Threads: 2},
		loader.Options{Threads: 2, DeferMinRows: 1000, Log: testLogger(&log)})
	built := map[string]bool{}
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, `msg="added deferred definitions"`) && strings.Contains(line, "what=indexes") {
			for _, tb := range []string{"small", "big"} {
				if strings.Contains(line, "table=dm."+tb+" ") {
					built[tb] = true
				}
			}
		}
	}
	if !built["big"] || built["small"] {
		t.Errorf("index builds after the data: %v, want big only\n%s", built, log.String())
	}
}

// TestLoadDeferAuto checks that --defer-indexes auto (with --defer-min-rows 0, so that its cost
// model alone decides) keeps a tiny table's indexes in its CREATE TABLE and defers a larger
// one's, that the dry run and the log show each choice and its reason, and that both tables
// restore equal (CHECKSUM TABLE and SHOW CREATE TABLE, by Equal).
func TestLoadDeferAuto(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	Exec(t, Open(t, a, ""), "CREATE DATABASE da", "USE da",
		"CREATE TABLE tiny (id INT PRIMARY KEY, v INT, KEY kv (v))",
		"INSERT INTO tiny SELECT seq, seq % 7 FROM seq_1_to_50",
		"CREATE TABLE big (id INT PRIMARY KEY, v INT, w VARCHAR(20), KEY kv (v), UNIQUE KEY uw (w))",
		// 80,000 rows × 2 indexes: more entries than auto keeps inline.
		"INSERT INTO big SELECT seq, seq % 7, CONCAT('w', seq) FROM seq_1_to_80000")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(context.Background(), Config(a), dumper.Options{OutDir: dir, Databases: []string{"da"}, Threads: 2}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	lo := loader.Options{Dir: dir, Threads: 2, DeferIndexes: schema.DeferAuto, DeferMinRows: 0}
	plan, err := loader.DryRun(context.Background(), Config(b), lo)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, pt := range plan.Tables {
		got[pt.Name] = pt.Strategy
		if pt.StrategyReason == "" {
			t.Errorf("dry run: %s has no strategy reason", pt.Name)
		}
		if pt.Name == "da.tiny" && (len(pt.Indexes) != 0 || !strings.Contains(pt.Create, "KEY `kv`")) {
			t.Errorf("dry run: da.tiny inline but indexes %q, CREATE %s", pt.Indexes, pt.Create)
		}
		if pt.Name == "da.big" && (len(pt.Indexes) != 1 || strings.Contains(pt.Create, "KEY `kv`")) {
			t.Errorf("dry run: da.big deferred but indexes %q, CREATE %s", pt.Indexes, pt.Create)
		}
	}
	if got["da.tiny"] != "inline" || got["da.big"] != "deferred" {
		t.Fatalf("dry run strategies = %v, want da.tiny inline, da.big deferred", got)
	}
	var log bytes.Buffer
	lo.Log = testLogger(&log)
	if _, err := loader.Run(context.Background(), Config(b), lo); err != nil {
		t.Fatalf("load: %v", err)
	}
	Equal(t, a, "da", b, "da")
	for tb, want := range map[string]string{"tiny": "inline", "big": "deferred"} {
		if !strings.Contains(log.String(), `msg="index strategy" table=da.`+tb+" strategy="+want+" ") {
			t.Errorf("log has no index strategy %s for da.%s:\n%s", want, tb, log.String())
		}
	}
	if n := strings.Count(log.String(), `msg="added deferred definitions" table=da.big what=indexes`); n != 1 {
		t.Errorf("da.big: %d index builds after the data, want 1\n%s", n, log.String())
	}
	if i := strings.Index(log.String(), `msg="checksums compared"`); i < 0 || !strings.Contains(log.String()[i:], "tables_checked_early=") {
		t.Errorf("log has no checksums compared line with tables_checked_early:\n%s", log.String())
	} else {
		t.Log(strings.SplitN(log.String()[i:], "\n", 2)[0])
	}
	if strings.Contains(log.String(), `msg="added deferred definitions" table=da.tiny what=indexes`) {
		t.Errorf("da.tiny: an index build after the data, want none (inline)\n%s", log.String())
	}
}
