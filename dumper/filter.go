package dumper

import (
	"slices"
	"strings"
)

// filterTables applies --regex (matched against "db.table", as mydumper does) and
// --ignore-engines (case-insensitive engine names; views have no engine and are kept) to tables.
func filterTables(tables []*table, o *Options) []*table {
	var out []*table
	for _, t := range tables {
		if o.Regex != nil && !o.Regex.MatchString(t.DB+"."+t.Name) {
			continue
		}
		if t.Engine != "" && slices.ContainsFunc(o.IgnoreEngines, func(e string) bool { return strings.EqualFold(e, t.Engine) }) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// transactional reports whether the engine keeps MVCC snapshots, so the table can be read after
// the lock is released. Other tables (MyISAM, Aria, MEMORY...) are read while it is held.
func transactional(engine string) bool {
	switch strings.ToLower(engine) {
	case "innodb", "rocksdb", "tokudb", "":
		return true
	}
	return false
}
