package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // value expressions (DEFAULT, CHECK)
)

// defKind is what one definition line of a CREATE TABLE declares.
type defKind int

const (
	kindColumn     defKind = iota
	kindPrimary            // PRIMARY KEY
	kindUnique             // UNIQUE KEY
	kindKey                // KEY / INDEX
	kindFulltext           // FULLTEXT KEY
	kindSpatial            // SPATIAL KEY
	kindForeignKey         // CONSTRAINT ... FOREIGN KEY
	kindOther              // CHECK constraints and anything else that stays in the CREATE
)

// def is one classified definition line.
type def struct {
	text string
	kind defKind

	// columns
	name    string // column name (unquoted)
	notNull bool
	autoInc bool
	width   int // estimated stored bytes (columnWidth); 0 when the parser does not know the type

	// indexes: the lower-case column of each key part, "" for an expression part
	cols []string
	lens []int // the prefix length of each key part, 0 for the whole column

	// foreign keys: the referenced table; refDB is "" when unqualified
	refDB, refTable string
}

// isSecondaryIndex reports whether d is an index other than the PRIMARY KEY.
func (d def) isSecondaryIndex() bool {
	switch d.kind {
	case kindUnique, kindKey, kindFulltext, kindSpatial:
		return true
	}
	return false
}

// classify parses one definition line with the TiDB parser, wrapped as
// "CREATE TABLE t (\n<line>\n)". Lines the parser does not know are handled as follows:
//   - a column line (starts with a backtick) is classified from its top-level words
//     (NOT NULL, AUTO_INCREMENT); it stays verbatim in the CREATE anyway, so MariaDB column
//     types and attributes the parser lacks (uuid, inet6, geometry, INVISIBLE, PERSISTENT,
//     COMPRESSED, ...) do not prevent the split;
//   - "SPATIAL KEY"/"SPATIAL INDEX" lines are parsed as plain keys and marked spatial, and a
//     trailing MariaDB "IGNORED"/"NOT IGNORED" is cut before parsing (the text keeps it);
//   - anything else is an error, and the caller falls back to the unchanged statement.
func classify(p *parser.Parser, line string) (def, error) {
	d := def{text: line}
	if name, ok := leadingIdent(line); ok {
		d.kind = kindColumn
		d.name = name
		if col, err := parseColumn(p, line); err == nil {
			if col.Name.Name.O != name {
				return d, fmt.Errorf("column line %q parsed as column %q", line, col.Name.Name.O)
			}
			d.width = columnWidth(col)
			for _, o := range col.Options {
				switch o.Tp {
				case ast.ColumnOptionNotNull, ast.ColumnOptionPrimaryKey:
					d.notNull = true
				case ast.ColumnOptionAutoIncrement:
					d.autoInc = true
				}
			}
			return d, nil
		}
		words := topLevelWords(line)
		for i, w := range words {
			switch {
			case w == "AUTO_INCREMENT":
				d.autoInc = true
			case w == "NULL" && i > 0 && words[i-1] == "NOT":
				d.notNull = true
			}
		}
		return d, nil
	}

	parsed := line
	upper := strings.ToUpper(line)
	spatial := strings.HasPrefix(upper, "SPATIAL KEY ") || strings.HasPrefix(upper, "SPATIAL INDEX ")
	if spatial {
		parsed = strings.TrimSpace(parsed[len("SPATIAL"):])
	}
	for _, suffix := range []string{" NOT IGNORED", " IGNORED"} {
		if strings.HasSuffix(strings.ToUpper(parsed), suffix) {
			parsed = parsed[:len(parsed)-len(suffix)]
			break
		}
	}
	st, err := p.ParseOneStmt("CREATE TABLE t (\n"+parsed+"\n)", "", "")
	if err != nil {
		return d, fmt.Errorf("parse %q: %w", line, err)
	}
	ct, ok := st.(*ast.CreateTableStmt)
	if !ok || len(ct.Cols) != 0 || len(ct.Constraints) != 1 {
		return d, fmt.Errorf("line %q is not exactly one constraint", line)
	}
	c := ct.Constraints[0]
	for _, k := range c.Keys {
		col := ""
		if k.Expr == nil && k.Column != nil {
			col = k.Column.Name.L
		}
		d.cols = append(d.cols, col)
		d.lens = append(d.lens, k.Length)
	}
	d.name = c.Name
	switch c.Tp {
	case ast.ConstraintPrimaryKey:
		d.kind = kindPrimary
	case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
		d.kind = kindUnique
	case ast.ConstraintKey, ast.ConstraintIndex:
		d.kind = kindKey
		if spatial {
			d.kind = kindSpatial
		}
	case ast.ConstraintFulltext:
		d.kind = kindFulltext
	case ast.ConstraintForeignKey:
		d.kind = kindForeignKey
		if c.Refer == nil || c.Refer.Table == nil {
			return d, fmt.Errorf("foreign key %q without REFERENCES table", line)
		}
		d.refDB = c.Refer.Table.Schema.O
		d.refTable = c.Refer.Table.Name.O
	case ast.ConstraintCheck:
		d.kind = kindOther
	default:
		return d, fmt.Errorf("unsupported index kind in %q", line)
	}
	if spatial && d.kind != kindSpatial {
		return d, fmt.Errorf("line %q starts with SPATIAL but is not a key", line)
	}
	if err := checkPrefix(d.kind, upper); err != nil {
		return d, fmt.Errorf("line %q: %w", line, err)
	}
	return d, nil
}

// parseColumn parses a single column definition line.
func parseColumn(p *parser.Parser, line string) (*ast.ColumnDef, error) {
	st, err := p.ParseOneStmt("CREATE TABLE t (\n"+line+"\n)", "", "")
	if err != nil {
		return nil, err
	}
	ct, ok := st.(*ast.CreateTableStmt)
	if !ok || len(ct.Cols) != 1 || len(ct.Constraints) != 0 {
		return nil, fmt.Errorf("line %q is not exactly one column", line)
	}
	return ct.Cols[0], nil
}

// checkPrefix makes sure that the text of a line starts the way SHOW CREATE TABLE prints
// the kind the parser found, so that the text cut and the parse agree.
func checkPrefix(k defKind, upper string) error {
	var want []string
	switch k {
	case kindPrimary:
		want = []string{"PRIMARY KEY"}
	case kindUnique:
		want = []string{"UNIQUE KEY", "UNIQUE INDEX", "UNIQUE "}
	case kindKey:
		want = []string{"KEY ", "INDEX "}
	case kindFulltext:
		want = []string{"FULLTEXT KEY ", "FULLTEXT INDEX "}
	case kindSpatial:
		want = []string{"SPATIAL KEY ", "SPATIAL INDEX "}
	case kindForeignKey:
		if strings.HasPrefix(upper, "CONSTRAINT ") || strings.HasPrefix(upper, "FOREIGN KEY") {
			return nil
		}
		return fmt.Errorf("foreign key line does not start with CONSTRAINT")
	default:
		return nil
	}
	if slices.ContainsFunc(want, func(w string) bool { return strings.HasPrefix(upper, w) }) {
		return nil
	}
	return fmt.Errorf("text does not start with %q", want[0])
}
