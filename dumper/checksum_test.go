package dumper_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/roundtrip"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestChunkChecksums dumps the hard values (every column type) and one table of each key shape
// in chunks, through both row readers, from a server whose time zone is not UTC, and checks
// that every chunk's recorded checksum equals checksum.Query run on the source for the recorded
// key range, and that the chunks together hold every row of each table.
func TestChunkChecksums(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=+05:30"}})
	src := roundtrip.Open(t, a, "")
	src.SetMaxOpenConns(1)
	roundtrip.CreateHardValues(t, src, "hardv")
	roundtrip.Exec(t, src, "CREATE TABLE hardv.zf (id INT PRIMARY KEY, z INT(6) ZEROFILL, y YEAR)", "INSERT INTO hardv.zf VALUES (1, 42, 0), (2, NULL, 1999)")
	roundtrip.CreateKeyShapes(t, src, "hardv", 300)
	ctx := context.Background()
	for _, driverRows := range []bool{false, true} {
		t.Run(fmt.Sprintf("driverRows=%v", driverRows), func(t *testing.T) {
			o := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"hardv"}, Threads: 2, Rows: 7}
			if driverRows {
				o = dumper.WithDriverRows(o)
			}
			if _, err := dumper.Run(ctx, roundtrip.Config(a), o); err != nil {
				t.Fatal(err)
			}
			meta, err := dumpdir.ReadMetadata(o.OutDir)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := src.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range checksum.Session {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			for _, mt := range meta.Tables {
				if mt.Checksum != checksum.Algorithm || len(mt.Chunks) == 0 {
					t.Fatalf("%s: checksum %q, %d chunks", mt.Name, mt.Checksum, len(mt.Chunks))
				}
				cols, err := checksum.Columns(ctx, conn, mt.Database, mt.Name, mt.Columns)
				if err != nil {
					t.Fatal(err)
				}
				var rows int64
				for _, c := range mt.Chunks {
					got, err := checksum.Run(ctx, conn, mt.Database, mt.Name, cols, c.Where)
					if err != nil {
						t.Fatal(err)
					}
					if got.String() != c.Sum {
						t.Errorf("%s chunk %q: dumped %s, server %s", mt.Name, c.Where, c.Sum, got)
					}
					rows += got.Rows
				}
				if rows != mt.Rows {
					t.Errorf("%s: chunks hold %d rows, the table %d", mt.Name, rows, mt.Rows)
				}
				if mt.Name == "hard" && len(mt.Chunks) < 2 {
					t.Errorf("hard: %d chunks, want several", len(mt.Chunks))
				}
			}
		})
	}
}
