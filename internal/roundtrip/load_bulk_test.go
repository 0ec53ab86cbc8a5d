package roundtrip

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadBulkInsert checks the bulk INSERT path (loader/bulkinsert.go): tables of every type it
// takes (latin1 and utf8mb4 text, bytes that are not text, temporal values, DECIMAL, FLOAT,
// ENUM with its ” error value, SET, NULLs, TEXT and BLOB) load by bulk INSERT commands,
// statements larger than one command included, while a table with a spatial column loads by
// LOAD DATA. Everything restores equal to the source, checked row by row (compare) and by the
// loader's own checksums. With --no-bulk-insert no table takes the bulk path, and under a
// max_allowed_packet of 1 MiB a table with a row longer than that falls back to LOAD DATA
// (commands of 512 KiB for the rest). A tsv dump of the same tables takes the same paths
// (tsvReader.fillBulk), under the default and the 1 MiB packet. A row of 17 MiB, within
// max_allowed_packet but more than one protocol packet, falls back too: to LOAD DATA, or with
// local_infile off to INSERT statements.
func TestLoadBulkInsert(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "SET SESSION sql_mode = ''", "CREATE DATABASE bk",
		"CREATE TABLE bk.typed (id INT NOT NULL PRIMARY KEY, k BIGINT UNSIGNED, c CHAR(20) CHARACTER SET latin1,"+
			" v VARCHAR(300) CHARACTER SET utf8mb4, b VARBINARY(16), d DATETIME(6), dt DATE, tm TIME(3), ts TIMESTAMP NULL,"+
			" n DECIMAL(30,10), f FLOAT, g DOUBLE, e ENUM('a','b'), s SET('x','y'), w VARCHAR(1200)) ENGINE=InnoDB",
		"INSERT INTO bk.typed SELECT seq, IF(seq % 7 = 0, NULL, 18446744073709551615 - seq), IF(seq % 5 = 0, '', CONCAT('\\xe9t\\xe9 ', seq)),"+
			" CONCAT('ünï\\tcödé\\n', seq, '\\\\', REPEAT('\\'', seq % 3)), IF(seq % 4 = 0, NULL, UNHEX(CONCAT('00FF', HEX(seq)))),"+
			" '2024-02-29 23:59:59.123456' - INTERVAL seq SECOND, '1000-01-01' + INTERVAL seq DAY, SEC_TO_TIME(CAST(seq AS SIGNED) - 500000),"+
			" IF(seq % 3 = 0, NULL, FROM_UNIXTIME(1000000000 + seq)), -seq / 7, seq * 1.1, -seq / 3e10, IF(seq % 6 = 0, '', 'b'),"+
			" IF(seq % 2 = 0, 'x,y', ''), REPEAT('w', 1000 + seq % 100) FROM bk.seq_1_to_12000",
		"CREATE TABLE bk.lobs (id INT NOT NULL PRIMARY KEY, t TEXT, bl BLOB) ENGINE=InnoDB",
		"INSERT INTO bk.lobs SELECT seq, REPEAT('t', seq), UNHEX(REPEAT('00FF', seq)) FROM bk.seq_1_to_300",
		"CREATE TABLE bk.geo (id INT NOT NULL PRIMARY KEY, p POINT) ENGINE=InnoDB",
		"INSERT INTO bk.geo SELECT seq, POINT(seq, -seq) FROM bk.seq_1_to_100",
		"CREATE TABLE bk.big (id INT NOT NULL PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB",
		"INSERT INTO bk.big SELECT seq, REPEAT(CHAR(seq), IF(seq = 2, 1536 * 1024, 10)) FROM bk.seq_1_to_3",
		"CREATE TABLE bk.huge (id INT NOT NULL PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB",
		"INSERT INTO bk.huge SELECT seq, REPEAT(CHAR(64 + seq), IF(seq = 2, 17 << 20, 10)) FROM bk.seq_1_to_3")
	// One statement holds more than a 4 MiB bulk command's rows (about 1.2 KiB a row).
	do := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"bk"}, Threads: 1, StatementSize: 6 << 20}
	if _, err := dumper.Run(ctx, Config(a), do); err != nil {
		t.Fatal(err)
	}
	dt := dumper.Options{OutDir: t.TempDir() + "/tsv", Databases: []string{"bk"}, Threads: 1, Format: dumper.FormatTSV}
	if _, err := dumper.Run(ctx, Config(a), dt); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir         string
		target      string
		noBulk      bool
		smallPacket bool // max_allowed_packet 1 MiB while loading
		noInfile    bool // local_infile OFF while loading
	}{{do.OutDir, "bk2", false, false, false}, {do.OutDir, "bk3", true, false, false}, {do.OutDir, "bk4", false, true, false},
		{dt.OutDir, "bk5", false, false, false}, {dt.OutDir, "bk6", false, true, false},
		{do.OutDir, "bk7", false, false, true}, {dt.OutDir, "bk8", false, false, true}} {
		var log bytes.Buffer
		lo := loader.Options{Dir: c.dir, Threads: 2, TargetDB: c.target, NoBulkInsert: c.noBulk, Log: testLogger(&log)}
		if c.smallPacket {
			// The row of 1.5 MiB cannot be read back under this packet either: no checksums.
			lo.Checksum = loader.ChecksumSkip
			Exec(t, src, "SET GLOBAL max_allowed_packet = 1048576")
		}
		if c.noInfile {
			Exec(t, src, "SET GLOBAL local_infile = 0")
		}
		_, err := loader.Run(ctx, Config(a), lo)
		if c.smallPacket {
			Exec(t, src, "SET GLOBAL max_allowed_packet = 1073741824")
		}
		if c.noInfile {
			Exec(t, src, "SET GLOBAL local_infile = 1")
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.target, err, log.String())
		}
		Equal(t, a, "bk", a, c.target)
		bulk, fellBack := map[string]int{}, map[string]bool{}
		for _, l := range strings.Split(log.String(), "\n") {
			for _, f := range strings.Fields(l) {
				if v, ok := strings.CutPrefix(f, "table="); ok {
					if strings.Contains(l, `msg="bulk INSERT"`) {
						bulk[strings.TrimPrefix(v, c.target+".")]++
					}
					if strings.Contains(l, "bulk INSERT not possible") {
						fellBack[strings.TrimPrefix(v, c.target+".")] = true
					}
				}
			}
		}
		t.Logf("%s: bulk INSERT transactions %v, fell back to LOAD DATA %v", c.target, bulk, fellBack)
		switch {
		case c.noBulk && len(bulk) > 0:
			t.Errorf("%s, --no-bulk-insert: bulk INSERT transactions %v", c.target, bulk)
		case !c.noBulk && (bulk["typed"] == 0 || bulk["lobs"] == 0 || bulk["geo"] > 0):
			t.Errorf("%s: bulk INSERT transactions %v: want some for typed and lobs, none for geo", c.target, bulk)
		case !c.noBulk && (c.smallPacket != fellBack["big"] || !fellBack["huge"] || len(fellBack) > 2):
			t.Errorf("%s: tables that fell back from bulk INSERT %v, want huge, and big only under a 1 MiB packet", c.target, fellBack)
		case c.noInfile && !strings.Contains(log.String(), "loading by INSERT statements"):
			t.Errorf("%s: local_infile OFF: no fallback to INSERT statements logged", c.target)
		}
	}
}
