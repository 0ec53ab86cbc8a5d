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

// TestLoadBulkInsert checks the bulk INSERT path (loader/bulkinsert.go): a table of every type it
// takes (latin1 and utf8mb4 text, bytes that are not text, temporal values, DECIMAL, FLOAT,
// ENUM with its ” error value, SET, NULLs) loads by bulk INSERT commands, statements larger
// than one 4 MiB command included, while a table with BLOB and TEXT columns loads by LOAD
// DATA; both restore equal to the source, checked row by row (compare) and by the loader's own
// checksums, and with --no-bulk-insert no table takes the bulk path.
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
		"INSERT INTO bk.lobs SELECT seq, REPEAT('t', seq), UNHEX(REPEAT('00FF', seq)) FROM bk.seq_1_to_300")
	// One statement holds more than a 4 MiB bulk command's rows (about 1.2 KiB a row).
	do := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"bk"}, Threads: 1, StatementSize: 6 << 20}
	if _, err := dumper.Run(ctx, Config(a), do); err != nil {
		t.Fatal(err)
	}
	for _, noBulk := range []bool{false, true} {
		var log bytes.Buffer
		target := map[bool]string{false: "bk2", true: "bk3"}[noBulk]
		lo := loader.Options{Dir: do.OutDir, Threads: 2, TargetDB: target, NoBulkInsert: noBulk, Log: testLogger(&log)}
		if _, err := loader.Run(ctx, Config(a), lo); err != nil {
			t.Fatalf("NoBulkInsert %v: %v\n%s", noBulk, err, log.String())
		}
		Equal(t, a, "bk", a, target)
		rows := map[string]int{}
		for _, l := range strings.Split(log.String(), "\n") {
			if strings.Contains(l, `msg="bulk INSERT"`) {
				for _, f := range strings.Fields(l) {
					if v, ok := strings.CutPrefix(f, "table="); ok {
						rows[v]++
					}
				}
			}
		}
		switch {
		case noBulk && len(rows) > 0:
			t.Errorf("--no-bulk-insert: bulk INSERT transactions %v", rows)
		case !noBulk && (rows[target+".typed"] == 0 || rows[target+".lobs"] > 0):
			t.Errorf("bulk INSERT transactions %v: want some for %s.typed and none for %s.lobs", rows, target, target)
		}
	}
}
