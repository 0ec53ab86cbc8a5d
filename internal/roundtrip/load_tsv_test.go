package roundtrip

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// TestLoadTSV restores tsv dumps (zstd-compressed, hard values and Sakila with its foreign keys)
// by bulk INSERT (the tables it takes; the others by LOAD DATA LOCAL), with LOAD DATA LOCAL
// INFILE only (--no-bulk-insert), and into a server with local_infile off, in
// transactions of at most 16 KiB, so that every file of more than a few rows is cut into
// several.
func TestLoadTSV(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	LoadSakila(t, a)
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"sakila", "hardv"}, Threads: 2,
		Format: dumper.FormatTSV, Compression: "zstd", FileSize: 64 << 10}); err != nil {
		t.Fatalf("dump: %v", err)
	}

	for _, c := range []struct {
		name   string
		noBulk bool
	}{{"bulk insert", false}, {"load data local", true}} {
		t.Run(c.name, func(t *testing.T) {
			b := testserver.ForTest(t, testserver.Options{})
			var logs strings.Builder
			if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 3, Checksum: loader.ChecksumFail, MaxTxBytes: 16 << 10,
				NoBulkInsert: c.noBulk, Log: testLogger(&logs)}); err != nil {
				t.Fatalf("load: %v", err)
			}
			if strings.Contains(logs.String(), "local_infile is OFF") {
				t.Fatalf("fell back to INSERTs with local_infile on:\n%s", logs.String())
			}
			if bulk := strings.Contains(logs.String(), `msg="bulk INSERT"`); bulk == c.noBulk {
				t.Errorf("bulk INSERT transactions logged: %v, want %v", bulk, !c.noBulk)
			}
			Equal(t, a, "sakila", b, "sakila")
			Equal(t, a, "hardv", b, "hardv")
		})
	}
	t.Run("local_infile off", func(t *testing.T) {
		b := testserver.ForTest(t, testserver.Options{ExtraArgs: []string{"--local-infile=0"}})
		var logs strings.Builder
		if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, DeferIndexes: schema.DeferFulltext, MaxTxBytes: 16 << 10, Log: testLogger(&logs)}); err != nil {
			t.Fatalf("load: %v", err)
		}
		if !strings.Contains(logs.String(), "local_infile is OFF") {
			t.Fatalf("no log line about the INSERT fallback:\n%s", logs.String())
		}
		Equal(t, a, "sakila", b, "sakila")
		Equal(t, a, "hardv", b, "hardv")
	})
}
