package roundtrip

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestDumpMatrix dumps one database holding every key shape and the hard-values table in each
// format and compression, chunked small (--rows 300), restores each dump under its own
// database name on one target server and compares by CHECKSUM TABLE (package compare).
func TestDumpMatrix(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "m")
	CreateKeyShapes(t, src, "m", 2000)
	Exec(t, Open(t, b, ""), "SET GLOBAL local_infile = 1")
	ctx := context.Background()
	for _, format := range []string{dumper.FormatSQL, dumper.FormatTSV} {
		for _, comp := range []string{dumpdir.CompressNone, dumpdir.CompressZstd, dumpdir.CompressGzip} {
			name := fmt.Sprintf("%s_%s", format, comp)
			if comp == "" {
				name += "none"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir() + "/dump"
				res, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"m"}, Threads: 3,
					Rows: 300, Format: format, Compression: comp, StatementSize: 8 << 10})
				if err != nil {
					t.Fatalf("dump: %v", err)
				}
				meta, err := dumpdir.ReadMetadata(dir)
				if err != nil {
					t.Fatal(err)
				}
				files := map[string]int{}
				for _, mt := range meta.Tables {
					files[mt.Name] = len(mt.DataFiles)
					if mt.Format != format || mt.Compression != comp {
						t.Errorf("%s: metadata format %q compression %q", mt.Name, mt.Format, mt.Compression)
					}
					if mt.Rows == 0 {
						t.Errorf("%s: metadata counts no rows", mt.Name)
					}
				}
				for _, n := range KeyShapeTables {
					if files[n] < 5 {
						t.Errorf("%s: %d data files for 2000 rows at --rows 300: not chunked", n, files[n])
					}
				}
				if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, TargetDB: "m_" + name, Threads: 3}); err != nil {
					t.Fatalf("load: %v", err)
				}
				Equal(t, a, "m", b, "m_"+name)
				t.Logf("%d rows, %d bytes, lock %v", res.Rows, res.Bytes, res.Lock)
			})
		}
	}
}
