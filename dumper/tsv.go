package dumper

import (
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// tsvEncoding is how one column's values are written in a TSV data file.
type tsvEncoding int

const (
	tsvRaw  tsvEncoding = iota // bytes escaped by sqltext.AppendTSV, loaded straight into the column
	tsvBit                     // BIT: decimal integer, loaded with SET col = CAST(@v AS UNSIGNED)
	tsvHex                     // spatial: hex, loaded with SET col = UNHEX(@v)
	tsvJSON                    // MySQL JSON: raw, loaded with SET col = CONVERT(@v USING utf8mb4)
	tsvYear                    // YEAR: raw, loaded with SET col = CAST(@v AS UNSIGNED), since the string '0000' loads as 2000
)

func tsvEncodingOf(c column) tsvEncoding {
	switch {
	case c.DataType == "bit":
		return tsvBit
	case c.DataType == "year":
		return tsvYear
	case c.Kind == sqltext.KindJSON:
		return tsvJSON
	case c.Kind == sqltext.KindBinary && !strings.Contains(c.DataType, "binary") && !strings.Contains(c.DataType, "blob"):
		return tsvHex // geometry and its subtypes
	}
	return tsvRaw
}

// appendTSVRow appends one row as a TSV line: fields by each column's encoding, tab separated,
// newline terminated.
func appendTSVRow(dst []byte, enc []tsvEncoding, vals [][]byte) []byte {
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, '\t')
		}
		switch enc[i] {
		case tsvBit:
			dst = sqltext.AppendTSVBit(dst, v)
		case tsvHex:
			dst = sqltext.AppendTSVHex(dst, v)
		default:
			dst = sqltext.AppendTSV(dst, v)
		}
	}
	return append(dst, '\n')
}

// tsvLoadClause is the clause that follows `LOAD DATA [LOCAL] INFILE 'file' INTO TABLE t` to load
// the table's TSV files exactly (recorded as load_clause in the metadata; see dumpdir.Table):
// CHARACTER SET binary, sqltext.TSVFieldsClause, the column list with a user variable for each
// column that needs converting, and the SET clause converting them.
func tsvLoadClause(cols []column) string {
	var list, set []string
	for i, c := range cols {
		name := sqltext.QuoteIdent(c.Name)
		v := "@sluice_" + strconv.Itoa(i+1)
		switch tsvEncodingOf(c) {
		case tsvBit, tsvYear:
			set = append(set, name+" = CAST("+v+" AS UNSIGNED)")
		case tsvHex:
			set = append(set, name+" = UNHEX("+v+")")
		case tsvJSON:
			set = append(set, name+" = CONVERT("+v+" USING utf8mb4)")
		default:
			list = append(list, name)
			continue
		}
		list = append(list, v)
	}
	s := "CHARACTER SET binary " + sqltext.TSVFieldsClause + " (" + strings.Join(list, ",") + ")"
	if len(set) > 0 {
		s += " SET " + strings.Join(set, ", ")
	}
	return s
}
