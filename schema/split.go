package schema

import (
	"errors"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser"
)

// Split is a CREATE TABLE statement cut into the parts the loader runs at different times:
// Create before the data, Indexes after the table's data, ForeignKeys after every table's
// data. All strings are complete SQL statements without a trailing semicolon.
type Split struct {
	// Create is the CREATE TABLE with the PRIMARY KEY, columns, CHECK constraints, table
	// options and partitioning of the original, minus the deferred indexes and every foreign
	// key. Every kept line is the original text. It names the table unqualified, as
	// SHOW CREATE TABLE does, so it runs in the target database (USE db first). When Warning
	// is set it is the original statement unchanged (foreign keys included).
	Create string
	// Indexes are ALTER TABLE `db`.`table` statements that add the deferred indexes, to run
	// in order: first one statement with every deferred UNIQUE, ordinary and SPATIAL key
	// ("ADD UNIQUE KEY ..., ADD KEY ..., ADD SPATIAL KEY ..."), then one statement per
	// FULLTEXT index. Empty when nothing is deferred.
	Indexes []string
	// ForeignKeys is at most one ALTER TABLE `db`.`table` statement adding every FOREIGN KEY
	// constraint of the table, to run after Indexes (which already hold the indexes the
	// constraints use) and after the referenced tables exist.
	ForeignKeys []string
	// References are the distinct tables the foreign keys reference, in order of first use,
	// without the table itself (a self-reference needs no waiting). Unqualified references
	// resolve to db: the server resolves them to the database of the altered table, not the
	// session's current database (checked on MariaDB 10.11 by TestServerRoundTrip), so a
	// dump restored under another database name keeps its references inside it.
	References []TableRef
	// Warning is non-empty when the statement could not be split (the parser rejected a
	// line, the text is not one definition per line, or an index kind is unknown, such as
	// MariaDB 11.7 VECTOR keys). It names db.table and the reason; Create is then the
	// original statement and Indexes, ForeignKeys and References are empty.
	Warning string
	// Shape describes the table's secondary indexes, deferred or not (zero when Warning is
	// set); the loader's --defer-indexes auto chooses the table's strategy from it.
	Shape IndexShape
}

// TableRef names a table by database and table name, both unquoted and exact (names may
// contain dots, backticks, spaces and any Unicode).
type TableRef struct {
	DB, Table string
}

// String returns "db.table" for messages. It is ambiguous when names contain dots; compare
// TableRef values, not strings.
func (r TableRef) String() string { return r.DB + "." + r.Table }

// QuotedName returns `db`.`table` with backticks doubled inside the names.
func (r TableRef) QuotedName() string { return sqltext.QualifiedName(r.DB, r.Table) }

// SplitCreateTable cuts createSQL, the text of SHOW CREATE TABLE for db.table from MariaDB
// 10.x or MySQL 8 (one definition per line, two-space indent, identifiers in backticks,
// sql_mode without ANSI_QUOTES), into a Split. Trailing whitespace and semicolons are
// ignored.
//
// Every definition line is classified with the TiDB parser (see classify) but the output
// is cut from the original lines, never regenerated, so server-specific syntax survives.
// Table options and partitioning after the closing parenthesis are copied verbatim and not
// parsed. If a line cannot be classified the result is the unchanged statement with
// Warning set; the error is reserved for caller mistakes: an empty or non-CREATE TABLE
// statement (views, sequences printed as CREATE SEQUENCE) or an invalid mode.
//
// Which secondary indexes stay in the CREATE, whatever the mode:
//   - the index the AUTO_INCREMENT column needs: when the column is not the first column
//     of the PRIMARY KEY, the first index starting with it (or, for MyISAM/Aria tables where
//     the PRIMARY KEY does not contain it, the first index containing it), since the server
//     rejects an AUTO_INCREMENT column that is not indexed (MariaDB KB "AUTO_INCREMENT");
//   - without a PRIMARY KEY, the first UNIQUE key whose key parts are all NOT NULL columns:
//     InnoDB clusters the table on it ("Clustered and Secondary Indexes" in the MySQL
//     manual), and creating it later would rebuild the table around it;
//   - with PARTITION BY, every UNIQUE key: each must include the partitioning columns
//     (MySQL manual "Partitioning Keys, Primary Keys, and Unique Keys"), and keeping them
//     avoids checking that here; non-unique keys are still deferred.
//
// Index order: the server lists indexes sorted (PRIMARY, UNIQUE NOT NULL, other UNIQUE,
// ordinary and SPATIAL in creation order, FULLTEXT last; sort_keys in sql_table.cc) and
// ALTER TABLE appends new indexes after the existing ones before sorting. So that
// SHOW CREATE TABLE after the restore is identical to the source, kept indexes must be a
// prefix of the non-FULLTEXT index lines (and of the FULLTEXT lines): when an index is
// kept, every index line before it in the same group is kept too, and deferred indexes are
// added in their original line order.
//
// Foreign keys are deferred even in DeferNone: the loader creates and loads tables in any
// order and in parallel, and adding the constraints at the end with foreign_key_checks=0
// costs only a metadata change (the supporting indexes exist by then).
// Non-InnoDB engines (MyISAM, Aria, MEMORY) are split the same way: adding indexes later
// is valid for them, and their foreign keys are parsed and ignored by the server anyway.
func SplitCreateTable(db, table, createSQL string, mode DeferMode) (Split, error) {
	name := TableRef{DB: db, Table: table}
	if mode < DeferAll || mode > DeferNone {
		return Split{}, fmt.Errorf("%s: invalid defer mode %s: give all, fulltext or none (auto is chosen per table by the loader)", name, mode)
	}
	stmt := strings.TrimRight(createSQL, " \t\r\n;")
	upper := strings.ToUpper(stmt)
	if !strings.HasPrefix(upper, "CREATE TABLE ") && !strings.HasPrefix(upper, "CREATE TEMPORARY TABLE ") &&
		!strings.HasPrefix(upper, "CREATE OR REPLACE TABLE ") {
		return Split{}, fmt.Errorf("%s: not a CREATE TABLE statement (%.40q): dump the table's schema with SHOW CREATE TABLE", name, stmt)
	}
	s, err := split(name, stmt, mode)
	if err != nil {
		return Split{
			Create: createSQL,
			Warning: fmt.Sprintf("%s: cannot split CREATE TABLE, indexes and foreign keys stay in it (slower load; needs foreign_key_checks=0): %v",
				name, err),
		}, nil
	}
	return s, nil
}

// split does the work of SplitCreateTable; any error means "fall back".
func split(name TableRef, stmt string, mode DeferMode) (Split, error) {
	l, err := cutLayout(stmt)
	if err != nil {
		return Split{}, err
	}
	p := parser.New()
	defs := make([]def, len(l.defs))
	for i, text := range l.defs {
		if defs[i], err = classify(p, text); err != nil {
			return Split{}, err
		}
	}
	keep, err := keepSet(defs, mode, hasPartitioning(l.tail))
	if err != nil {
		return Split{}, err
	}

	var s Split
	var kept, main, fks []string
	for i, d := range defs {
		switch {
		case keep[i]:
			kept = append(kept, d.text)
		case d.kind == kindForeignKey:
			fks = append(fks, "ADD "+d.text)
			ref := TableRef{DB: d.refDB, Table: d.refTable}
			if ref.DB == "" {
				ref.DB = name.DB
			}
			if ref != name && !slices.Contains(s.References, ref) {
				s.References = append(s.References, ref)
			}
		case d.kind == kindFulltext:
			// added after the main ALTER, one per statement; see Split.Indexes
		default:
			main = append(main, "ADD "+d.text)
		}
	}
	if len(kept) == 0 {
		// Every definition deferred: a statement with no column (found by FuzzSplitCreateTable).
		return Split{}, errors.New("no column definition to keep in the CREATE TABLE")
	}
	alter := "ALTER TABLE " + name.QuotedName() + " "
	if len(main) > 0 {
		s.Indexes = append(s.Indexes, alter+strings.Join(main, ", "))
	}
	for i, d := range defs {
		if !keep[i] && d.kind == kindFulltext {
			s.Indexes = append(s.Indexes, alter+"ADD "+d.text)
		}
	}
	if len(fks) > 0 {
		s.ForeignKeys = []string{alter + strings.Join(fks, ", ")}
	}
	s.Create = l.assemble(kept)
	s.Shape = shapeOf(defs)
	return s, nil
}

// keepSet decides, per definition, whether it stays in the CREATE TABLE. See
// SplitCreateTable for the rules.
func keepSet(defs []def, mode DeferMode, partitioned bool) ([]bool, error) {
	keep := make([]bool, len(defs))
	notNull := map[string]bool{}
	autoInc := ""
	primary := -1
	for i, d := range defs {
		switch {
		case d.kind == kindColumn:
			keep[i] = true
			notNull[strings.ToLower(d.name)] = d.notNull
			if d.autoInc {
				autoInc = strings.ToLower(d.name)
			}
		case d.kind == kindPrimary:
			if primary >= 0 {
				return nil, errors.New("two PRIMARY KEY lines")
			}
			primary = i
			keep[i] = true
		case d.kind == kindOther:
			keep[i] = true
		case d.isSecondaryIndex():
			switch mode {
			case DeferNone:
				keep[i] = true
			case DeferFulltext:
				keep[i] = d.kind != kindFulltext && d.kind != kindSpatial
			}
			if partitioned && d.kind == kindUnique {
				keep[i] = true
			}
		}
	}

	if primary < 0 {
		for i, d := range defs {
			if d.kind == kindUnique && allNotNull(d.cols, notNull) {
				keep[i] = true
				break
			}
		}
	}
	if autoInc != "" {
		if i := autoIncIndex(defs, primary, autoInc); i >= 0 {
			keep[i] = true
		}
	}

	// Kept indexes must be a prefix of their group (non-FULLTEXT, FULLTEXT).
	for _, fulltext := range []bool{false, true} {
		last := -1
		for i, d := range defs {
			if d.isSecondaryIndex() && (d.kind == kindFulltext) == fulltext && keep[i] {
				last = i
			}
		}
		for i := 0; i < last; i++ {
			if defs[i].isSecondaryIndex() && (defs[i].kind == kindFulltext) == fulltext {
				keep[i] = true
			}
		}
	}
	return keep, nil
}

// autoIncIndex returns the position in defs of the secondary index that must stay for the
// AUTO_INCREMENT column col (lower case), or -1 if the PRIMARY KEY (at defs[primary], -1 if none)
// covers it.
func autoIncIndex(defs []def, primary int, col string) int {
	if primary >= 0 && len(defs[primary].cols) > 0 && defs[primary].cols[0] == col {
		return -1
	}
	for i, d := range defs {
		if d.isSecondaryIndex() && len(d.cols) > 0 && d.cols[0] == col {
			return i
		}
	}
	if primary >= 0 && slices.Contains(defs[primary].cols, col) {
		return -1
	}
	for i, d := range defs {
		if d.isSecondaryIndex() && slices.Contains(d.cols, col) {
			return i
		}
	}
	return -1
}

func allNotNull(cols []string, notNull map[string]bool) bool {
	for _, c := range cols {
		if c == "" || !notNull[c] {
			return false
		}
	}
	return len(cols) > 0
}

// hasPartitioning reports whether the table options text contains PARTITION BY outside
// quoted strings and identifiers (MySQL 8 prints it inside a /*!50100 ... */ comment, which
// is searched too).
func hasPartitioning(tail string) bool {
	for i := 0; i < len(tail); i++ {
		switch tail[i] {
		case '`', '\'', '"':
			i = skipQuoted(tail, i)
		case 'P', 'p':
			if len(tail)-i >= len("PARTITION BY") && strings.EqualFold(tail[i:i+len("PARTITION BY")], "PARTITION BY") {
				return true
			}
		}
	}
	return false
}
