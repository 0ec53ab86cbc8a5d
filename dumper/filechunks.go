package dumper

import (
	"strconv"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// fileChunks cuts the checksum of a table read in one scan into one chunk per data file, each
// with the key range of its rows, so that the loader can check a file's rows as soon as that
// file is in, while its pages are still in the target's buffer pool (on sysbench 4×1M at -t 2,
// checking whole tables after their data took 2-5 s of a 15-20 s load: bench/README.md,
// "Checksums per data file"). It applies to a table whose chunk key is one NOT NULL integer
// column: InnoDB returns a full scan in primary-key order, and the key range of each file is
// known once the key values are seen to rise strictly through the scan. Should they not (a
// UNIQUE key that is not the clustered index, another engine), the scan keeps its one chunk.
// Not safe for concurrent use: each chunkWriter has its own.
type fileChunks struct {
	col    int    // position of the key column in the row
	name   string // the key column, quoted
	rising bool   // every key value so far was above the one before
	seen   bool   // a row was seen
	last   int64  // the key value of the last row
	start  checksum.Sum
	files  []fileChunk
}

// fileChunk is one closed data file of the scan: its name, its rows' checksum and the key value
// of its last row.
type fileChunk struct {
	name string
	sum  checksum.Sum
	last int64
}

// newFileChunks returns the tracker for a scan of t, or nil when t's chunk key is not one NOT
// NULL integer column among the dumped ones.
func newFileChunks(t *table) *fileChunks {
	k := t.Key
	if k == nil || !k.integer() || k.Nullable {
		return nil
	}
	for i, c := range t.Columns {
		if c.Name == k.Cols[0].Name {
			return &fileChunks{col: i, name: sqltext.QuoteIdent(c.Name), rising: true}
		}
	}
	return nil
}

// row notes one row's values (as the text protocol returns them).
func (f *fileChunks) row(vals [][]byte) {
	if !f.rising {
		return
	}
	v := vals[f.col]
	n, err := strconv.ParseInt(string(v), 10, 64)
	if v == nil || err != nil || f.seen && n <= f.last {
		f.rising = false
		return
	}
	f.seen, f.last = true, n
}

// closed notes that file name ended with the scan's checksum at total.
func (f *fileChunks) closed(name string, total checksum.Sum) {
	f.files = append(f.files, fileChunk{name: name, last: f.last,
		sum: checksum.Sum{Rows: total.Rows - f.start.Rows, CRC: total.CRC - f.start.CRC}})
	f.start = total
}

// chunks returns the scan's chunks, a file each, with their conditions joined to filter (the
// --where of the table, or ""): ok is false when the scan keeps its one chunk (keys not rising,
// or fewer than two files).
func (f *fileChunks) chunks(filter string) (out []fileChunkRange, ok bool) {
	if f == nil || !f.rising || len(f.files) < 2 {
		return nil, false
	}
	for i, fc := range f.files {
		var lower, upper string
		if i > 0 {
			lower = f.name + " > " + strconv.FormatInt(f.files[i-1].last, 10)
		}
		if i < len(f.files)-1 {
			upper = f.name + " <= " + strconv.FormatInt(fc.last, 10)
		}
		out = append(out, fileChunkRange{file: fc.name, sum: fc.sum, where: and(lower, upper, filter)})
	}
	return out, true
}

// fileChunkRange is one data file's chunk: its checksum and the condition selecting its rows.
type fileChunkRange struct {
	file  string
	sum   checksum.Sum
	where string
}
