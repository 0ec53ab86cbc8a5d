package schema

import "fmt"

// DeferMode says which secondary indexes SplitCreateTable moves out of the CREATE TABLE into
// ALTER TABLE statements run after the data is loaded (the --defer-indexes flag). Foreign
// keys are deferred in every mode; see SplitCreateTable.
type DeferMode int

const (
	// DeferAll defers every secondary index (UNIQUE, ordinary, FULLTEXT, SPATIAL) except
	// those the table needs at creation (see SplitCreateTable). It is the default: building
	// an index once over loaded data is faster than maintaining it row by row (myloader's
	// --innodb-optimize-keys does the same).
	DeferAll DeferMode = iota
	// DeferFulltext defers only FULLTEXT indexes and those SPATIAL indexes that come after
	// every kept index (so that the server's index order is unchanged).
	DeferFulltext
	// DeferNone keeps every index in the CREATE TABLE; foreign keys are still deferred.
	DeferNone
	// DeferAuto lets the loader choose per table between DeferAll and keeping the indexes
	// inline (DeferFulltext, or DeferNone for small tables) from the table's size, its
	// IndexShape and the target's buffer pool (loader's chooseStrategy). It is the command
	// line's default. SplitCreateTable does not take it: the loader passes the mode it chose.
	DeferAuto
)

// String returns the flag value for m: "all", "fulltext", "none" or "auto".
func (m DeferMode) String() string {
	switch m {
	case DeferAll:
		return "all"
	case DeferFulltext:
		return "fulltext"
	case DeferNone:
		return "none"
	case DeferAuto:
		return "auto"
	}
	return fmt.Sprintf("DeferMode(%d)", int(m))
}

// ParseDeferMode parses a --defer-indexes value: "auto", "all", "fulltext" or "none" (exact,
// lower case). Any other value returns an error naming the flag and the accepted values.
func ParseDeferMode(s string) (DeferMode, error) {
	switch s {
	case "all":
		return DeferAll, nil
	case "fulltext":
		return DeferFulltext, nil
	case "none":
		return DeferNone, nil
	case "auto":
		return DeferAuto, nil
	}
	return 0, fmt.Errorf("--defer-indexes %q: want auto, all, fulltext or none", s)
}
