package dumper

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// BenchmarkRowEncoder measures the row encoder and file writer (statement building, escaping,
// CRC-32C, buffered writes, compression) on sysbench-shaped rows: id INT, k INT, c CHAR(120),
// pad CHAR(60). Profile it with -cpuprofile to see where the time goes.
func BenchmarkRowEncoder(b *testing.B) {
	cols := []column{
		{Name: "id", Kind: sqltext.KindNumber, DataType: "int"},
		{Name: "k", Kind: sqltext.KindNumber, DataType: "int"},
		{Name: "c", Kind: sqltext.KindString, DataType: "char"},
		{Name: "pad", Kind: sqltext.KindString, DataType: "char"},
	}
	c := []byte("83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330")
	pad := []byte("67847967377-48000963322-62604785301-91415491898-96926520291")
	for _, format := range []string{FormatSQL, FormatTSV} {
		for _, comp := range []string{dumpdir.CompressNone, dumpdir.CompressZstd} {
			b.Run(fmt.Sprintf("%s/%s", format, comp+"none"[:4*boolInt(comp == "")]), func(b *testing.B) {
				o := Options{OutDir: b.TempDir(), Format: format, Compression: comp}
				o.setDefaults()
				out := &tableOutput{t: &table{DB: "sbtest", Name: "sbtest1", Columns: cols}}
				w := newChunkWriter(context.Background(), dumpdir.Local(o.OutDir), out, 0, nil, &o)
				vals := [][]byte{nil, nil, c, pad}
				var id, k []byte
				b.SetBytes(int64(len(c) + len(pad) + 14))
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					id = fmt.Appendf(id[:0], "%d", i)
					k = fmt.Appendf(k[:0], "%d", i*7%1000000)
					vals[0], vals[1] = id, k
					if err := w.row(vals); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.finish(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
