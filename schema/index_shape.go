package schema

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
)

// IndexShape is what the loader's per-table index strategy (--defer-indexes auto) needs to
// know about a table's secondary indexes, read from its CREATE TABLE by SplitCreateTable
// whatever the DeferMode.
type IndexShape struct {
	// Count is the number of secondary indexes (UNIQUE, ordinary, FULLTEXT, SPATIAL).
	Count int
	// Fulltext is how many of them are FULLTEXT or SPATIAL (never maintained row by row by
	// the auto strategy: their inline maintenance is much slower than one build).
	Fulltext int
	// EntryBytes estimates the bytes one row adds to all the B-tree secondary indexes
	// (FULLTEXT and SPATIAL excluded): per index, its key parts' widths plus the primary
	// key's (which InnoDB appends to every secondary entry) plus 7 bytes of record header
	// and page directory. Widths are the column types' stored sizes; variable-length strings
	// count half their declared length (or prefix), at most 128 bytes; a type the parser
	// does not know counts 16. A coarse estimate meant for comparing with the buffer pool.
	EntryBytes int
}

// entryOverhead is the per-entry record header (5 bytes) plus page directory share (~2 bytes)
// of an InnoDB COMPACT/DYNAMIC secondary index record.
const entryOverhead = 7

// unknownWidth is the width counted for a column whose type the parser does not know.
const unknownWidth = 16

// shapeOf computes the IndexShape of the classified definitions.
func shapeOf(defs []def) IndexShape {
	width := map[string]int{}
	for _, d := range defs {
		if d.kind == kindColumn {
			width[strings.ToLower(d.name)] = d.width
		}
	}
	keyWidth := func(d def) int {
		n := 0
		for i, c := range d.cols {
			w, ok := width[c]
			if !ok || w == 0 {
				w = unknownWidth // expression part or unknown type
			}
			if i < len(d.lens) && d.lens[i] > 0 {
				w = min(w, d.lens[i])
			}
			n += w
		}
		return n
	}
	pk := 6 // DB_ROW_ID of a table without a primary key
	for _, d := range defs {
		if d.kind == kindPrimary {
			pk = keyWidth(d)
		}
	}
	var s IndexShape
	for _, d := range defs {
		if !d.isSecondaryIndex() {
			continue
		}
		s.Count++
		if d.kind == kindFulltext || d.kind == kindSpatial {
			s.Fulltext++
			continue
		}
		s.EntryBytes += keyWidth(d) + pk + entryOverhead
	}
	return s
}

// columnWidth estimates the stored bytes of a column of type tp in an index entry; see
// IndexShape.EntryBytes.
func columnWidth(col *ast.ColumnDef) int {
	tp := col.Tp
	if tp == nil {
		return unknownWidth
	}
	switch tp.GetType() {
	case mysql.TypeTiny, mysql.TypeYear, mysql.TypeEnum:
		return 1
	case mysql.TypeShort:
		return 2
	case mysql.TypeInt24, mysql.TypeDate, mysql.TypeNewDate, mysql.TypeDuration:
		return 3
	case mysql.TypeLong, mysql.TypeFloat, mysql.TypeTimestamp:
		return 4
	case mysql.TypeLonglong, mysql.TypeDouble, mysql.TypeDatetime, mysql.TypeSet, mysql.TypeBit:
		return 8
	case mysql.TypeNewDecimal:
		if f := tp.GetFlen(); f > 0 {
			return f/2 + 1
		}
		return 8
	case mysql.TypeString:
		if f := tp.GetFlen(); f > 0 {
			return min(f, 255)
		}
		return 1
	case mysql.TypeVarchar, mysql.TypeVarString, mysql.TypeTinyBlob, mysql.TypeBlob,
		mysql.TypeMediumBlob, mysql.TypeLongBlob, mysql.TypeJSON:
		f := tp.GetFlen()
		if f <= 0 {
			f = 255
		}
		return min(f/2, 128) + 2
	}
	return unknownWidth
}
