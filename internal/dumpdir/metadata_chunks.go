package dumpdir

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/ini.v1"
)

// Chunk is one chunk of a table's data as the dumper read it in its snapshot: its rows, the
// checksum of those rows (package checksum's "ROWS CRC"), and Where, the SQL condition that
// selects exactly those rows again on any server holding the table ("" for the whole table),
// with column names unqualified so that it holds under another database name. Files are the
// data files holding its rows (none of them holds another chunk's rows), so that a loader can
// check the chunk once they are in; none when the dump did not record them (before 2026-12-03,
// or a table whose data was left out).
type Chunk struct {
	Sum   string   // "ROWS CRC" (checksum.Sum.String)
	Where string   // "" for the whole table
	Files []string // data file names, as in the table's data_files
}

// writeChunks writes a table section's checksum keys: checksum = ALGORITHM, then
// chunk_N = ROWS CRC "WHERE" and, when the chunk has files, chunk_N_files = NAME NAME ..., N
// from 0 (a separate key, which readers before it ignore). Nothing when the table has no checksum.
func writeChunks(b *bytes.Buffer, t *Table) {
	if t.Checksum == "" {
		return
	}
	fmt.Fprintf(b, "checksum = %s\n", t.Checksum)
	for i, c := range t.Chunks {
		fmt.Fprintf(b, "chunk_%d = %s %s\n", i, c.Sum, quote(c.Where))
		if len(c.Files) > 0 {
			fmt.Fprintf(b, "chunk_%d_files = %s\n", i, strings.Join(c.Files, " "))
		}
	}
}

// readChunks reads writeChunks' keys of section s into t.
func (p *parser) readChunks(s *ini.Section, t *Table) {
	t.Checksum = s.Key("checksum").String()
	if t.Checksum == "" {
		return
	}
	for i := 0; s.HasKey("chunk_" + strconv.Itoa(i)); i++ {
		key := "chunk_" + strconv.Itoa(i)
		v := s.Key(key).String()
		f := strings.SplitN(v, " ", 3)
		if len(f) != 3 {
			p.fail(s, key, fmt.Errorf("%q: want ROWS CRC \"WHERE\"", v))
			return
		}
		where, err := strconv.Unquote(f[2])
		if err != nil {
			p.fail(s, key, err)
			return
		}
		c := Chunk{Sum: f[0] + " " + f[1], Where: where}
		if files := strings.Fields(s.Key(key + "_files").String()); len(files) > 0 {
			c.Files = files
		}
		t.Chunks = append(t.Chunks, c)
	}
}
