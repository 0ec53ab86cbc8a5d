package loader

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestResumeRefusesShortFile checks both SQL load paths (statements, and rows sent with LOAD
// DATA LOCAL) refuse a file with fewer INSERTs than the progress table says were committed,
// instead of marking it done: the file is not the one the interrupted restore was loading.
func TestResumeRefusesShortFile(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	db, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"CREATE DATABASE sf", "CREATE TABLE sf.t (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO sf.t SELECT seq, CONCAT('v', seq) FROM sf.seq_1_to_20"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, s.ConnConfig(), dumper.Options{OutDir: dir, Databases: []string{"sf"}, Threads: 1, StatementSize: 100}); err != nil {
		t.Fatal(err)
	}
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "USE sf"); err != nil {
		t.Fatal(err)
	}
	if err := createProgressTable(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := &restore{o: &Options{Dir: dir, QueriesPerTx: 1000, MaxTxBytes: 64 << 20}, dir: dumpdir.Local(dir), id: "test", nonce: "test"}
	for i := range meta.Tables {
		mt := &meta.Tables[i]
		if mt.Name != "t" || len(mt.DataFiles) == 0 {
			continue
		}
		p := &tablePlan{t: mt, target: "sf"}
		name := mt.DataFiles[0]
		enc, err := r.tsvEncodings(ctx, c, p)
		if err != nil || enc == nil {
			t.Fatalf("tsvEncodings: %v, %v", enc, err)
		}
		_, errTSV := r.loadSQLAsTSV(ctx, c, p, name, 1000, enc)
		_, errSQL := r.loadSQL(ctx, c, p, name, 1000)
		for path, err := range map[string]error{"LOAD DATA": errTSV, "statements": errSQL} {
			if err == nil || !strings.Contains(err.Error(), "the dump changed") {
				t.Errorf("%s path with 1000 INSERTs recorded as loaded: %v; want the dump-changed error", path, err)
			}
		}
		return
	}
	t.Fatal("table t with data files not found in the metadata")
}
