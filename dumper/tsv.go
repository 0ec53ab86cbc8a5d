package dumper

import (
	"github.com/sluicedb/sluice/internal/sqltext"
)

// appendTSVRow appends one row as a TSV line: fields by each column's encoding, tab separated,
// newline terminated.
func appendTSVRow(dst []byte, enc []sqltext.TSVEncoding, vals [][]byte) []byte {
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, '\t')
		}
		dst = sqltext.AppendTSVField(dst, enc[i], v)
	}
	return append(dst, '\n')
}

// tsvLoadClause is the clause that loads the table's TSV files exactly (recorded as load_clause
// in the metadata; see dumpdir.Table and sqltext.TSVLoadClause).
func tsvLoadClause(cols []column) string {
	names := make([]string, len(cols))
	enc := make([]sqltext.TSVEncoding, len(cols))
	for i, c := range cols {
		names[i], enc[i] = c.Name, sqltext.TSVEncodingOf(c.DataType)
	}
	return sqltext.TSVLoadClause(names, enc)
}
