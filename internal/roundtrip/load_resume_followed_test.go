package roundtrip

import (
	"bytes"
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
	"github.com/sluicedb/sluice/schema"
)

// TestResumeFollowedLoad interrupts a load that follows a dump being written (--wait-dump:
// here a complete dump with its metadata file held back, so the load plans from the schemas
// marker and then times out waiting for the end), then resumes it once the dump is complete.
// The marker's row estimate (100) keeps the table's indexes inline, the final count (50,000
// rows × 4 indexes) would defer them: the resume must build them as the interrupted load did
// (loader's resumePlans), not refuse the journal, and the table must equal the source.
func TestResumeFollowedLoad(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE wf",
		"CREATE TABLE wf.t (id INT NOT NULL PRIMARY KEY, a INT NOT NULL, b INT NOT NULL, c INT NOT NULL, d INT NOT NULL,"+
			" KEY ka (a), KEY kb (b), KEY kc (c), KEY kd (d)) ENGINE=InnoDB",
		"INSERT INTO wf.t SELECT seq, seq % 97, seq % 101, seq % 103, seq % 107 FROM wf.seq_1_to_50000")
	path := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: path, Databases: []string{"wf"}, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	dir, err := dumpdir.OpenDir(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	dir.Decrypt(nil)
	m, err := dir.ReadSchemas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Tables {
		m.Tables[i].Rows = 100
	}
	if err := dir.SaveSchemas(ctx, m); err != nil {
		t.Fatal(err)
	}
	dir.Close()
	metadata := filepath.Join(path, dumpdir.MetadataName)
	if err := os.Rename(metadata, metadata+".later"); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	o := loader.Options{Dir: path, Threads: 2, TargetDB: "wf2", WaitDump: 2 * time.Second, DeferIndexes: schema.DeferAuto, Log: testLogger(&log)}
	if _, err := loader.Run(ctx, Config(a), o); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("a load of a dump whose end never comes: %v, want a resumable error\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "table=wf2.t strategy=inline") {
		t.Fatalf("the followed load did not keep the indexes inline from the marker's estimate:\n%s", log.String())
	}
	if err := os.Rename(metadata+".later", metadata); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	o.WaitDump, o.Resume = 0, true
	if _, err := loader.Run(ctx, Config(a), o); err != nil {
		t.Fatalf("--resume once the dump is complete: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "resuming a restore that followed the dump") {
		t.Errorf("the resume did not take the followed load's strategies:\n%s", log.String())
	}
	Equal(t, a, "wf", a, "wf2")
}
