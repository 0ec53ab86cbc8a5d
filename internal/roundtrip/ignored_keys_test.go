package roundtrip

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/verify"
)

// TestIgnoredKeys dumps, loads and verifies tables whose unique keys include IGNORED ones
// (MariaDB 10.6+; MySQL 8's INVISIBLE): chunks are never cut on them. On x an ignored key on a
// would rank beside the visible one on b (both single NOT NULL integers, "u" sorting first),
// and a range on a scans the whole table per chunk; on y the only unique key is ignored, and
// FORCE INDEX on it fails ("Key 'uc' doesn't exist"), which failed the dump and the verify.
func TestIgnoredKeys(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	Exec(t, src, "CREATE DATABASE ign", "USE ign",
		"CREATE TABLE ign.x (a INT NOT NULL, b INT NOT NULL, UNIQUE KEY u1 (b), UNIQUE KEY u (a) IGNORED)",
		"INSERT INTO ign.x SELECT seq, 30000 - seq FROM seq_1_to_20000",
		"CREATE TABLE ign.y (c VARCHAR(10) NULL, v INT, UNIQUE KEY uc (c) IGNORED)",
		"INSERT INTO ign.y SELECT CONCAT('k', seq), seq FROM seq_1_to_5000")
	dir := RoundTrip(t, a, b, []string{"ign"}, dumper.Options{Threads: 2, Rows: 1000}, loader.Options{Threads: 2})
	meta, err := os.ReadFile(filepath.Join(dir, "metadata"))
	if err != nil {
		t.Fatal(err)
	}
	sec := regexp.MustCompile("(?s)\\[`ign`\\.`x`\\](.*?)(\\n\\[|$)").FindSubmatch(meta)
	if sec == nil {
		t.Fatalf("metadata has no section for ign.x:\n%s", meta)
	}
	if !regexp.MustCompile("chunk_\\d+ = .*`b`").Match(sec[1]) || regexp.MustCompile("chunk_\\d+ = .*`a`").Match(sec[1]) {
		t.Errorf("ign.x's chunks, want them cut on the visible key's column b, not the ignored a:\n%s", sec[1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := verify.Run(ctx, Config(a), Config(b), verify.Options{Databases: []string{"ign"}, Threads: 2, ChunkRows: 700})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if res.Tables != 2 || res.Rows != 25000 {
		t.Errorf("verify compared %+v, want 2 tables and 25000 rows", res)
	}
}
