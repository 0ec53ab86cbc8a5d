package dumper

import (
	"fmt"
	"sync/atomic"
)

// fileNamer gives the dump's file names: mydumper's (db.table.00000.sql, db.table-schema.sql)
// in a clear-text dump; in an encrypted dump a number per file (00000001.sql), so that no
// database or table name is in clear in the directory listing either. The loader takes every
// name from the metadata file, so it reads both alike. Safe for concurrent use.
type fileNamer struct {
	opaque bool
	n      atomic.Int64
}

// name returns clear, or with opaque names the next number and ext ("sql", "tsv.zst").
func (f *fileNamer) name(clear, ext string) string {
	if f == nil || !f.opaque {
		return clear
	}
	return fmt.Sprintf("%08d.%s", f.n.Add(1), ext)
}
