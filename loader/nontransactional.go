package loader

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// engineRe finds the storage engine of a CREATE TABLE: the ENGINE= option after its column
// list (SHOW CREATE TABLE writes it first among the table options).
var engineRe = regexp.MustCompile(`(?i)\)\s*ENGINE\s*=\s*(\w+)`)

// transactionalEngines are the engines whose ROLLBACK undoes rows, so that a data file's rows
// and its progress row commit together (progress_table.go) and a resume loads each row once.
var transactionalEngines = map[string]bool{"INNODB": true, "XTRADB": true, "ROCKSDB": true, "TOKUDB": true}

// engineOf returns p's storage engine as its dumped CREATE TABLE names it, upper case, or ""
// when it names none (the server's default, InnoDB unless configured otherwise).
func engineOf(p *tablePlan) string {
	m := engineRe.FindStringSubmatch(p.split.Create)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}

// nonTransactional reports whether p is a table in an engine that cannot roll rows back
// (MyISAM, Aria, MEMORY, CSV, ARCHIVE ...): a transaction's rows stay in it when the
// transaction does not commit, so neither the progress table nor a ROLLBACK keeps its rows
// exactly once.
func nonTransactional(p *tablePlan) bool {
	e := engineOf(p)
	return p.t.Kind == dumpdir.KindTable && e != "" && !transactionalEngines[e]
}

// markPartialReloads prepares a resume for the non-transactional tables (by their engine on
// the target, information_schema.TABLES) the interrupted restore began to load but did not
// finish (some data file not journaled): it may have left rows of a file it had not recorded,
// which a resume from the progress table would load again. Each such table is reloaded whole
// instead: marked reload (truncateReloads empties it, and its progress rows are ignored) and
// its files forgotten by the journal for this run, so that they are verified and loaded again.
// A crash during the reload leaves it unfinished again, and the next resume reloads it again.
// A table not on the target yet is left alone: createTables creates it empty.
func markPartialReloads(ctx context.Context, db *sql.DB, plans []*tablePlan, j *journal, o *Options) error {
	engines := map[string]string{} // target.table -> engine, upper case
	var dbs []any
	seen := map[string]bool{}
	for _, p := range plans {
		if !seen[p.target] {
			seen[p.target] = true
			dbs = append(dbs, p.target)
		}
	}
	if len(dbs) == 0 {
		return nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(dbs)), ", ")
	rows, err := db.QueryContext(ctx, "SELECT TABLE_SCHEMA, TABLE_NAME, UPPER(ENGINE) FROM information_schema.TABLES"+
		" WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE IS NOT NULL AND TABLE_SCHEMA IN ("+marks+")", dbs...)
	if err != nil {
		return fmt.Errorf("--resume: reading the target's table engines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, t, e string
		if err := rows.Scan(&d, &t, &e); err != nil {
			return fmt.Errorf("--resume: reading the target's table engines: %w", err)
		}
		engines[d+"."+t] = e
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("--resume: reading the target's table engines: %w", err)
	}
	for _, p := range plans {
		e, ok := engines[p.String()]
		if p.t.Kept || p.t.Kind != dumpdir.KindTable || !ok || transactionalEngines[e] {
			continue
		}
		var done []string
		left := 0
		for _, name := range p.t.DataFiles {
			if j.has("file " + name) {
				done = append(done, name)
			} else {
				left++
			}
		}
		if left == 0 {
			continue // loaded whole
		}
		p.reload = true
		for _, name := range done {
			j.forget("file " + name)
		}
		o.Log.Warn("resuming a non-transactional table: emptied and loaded again from its first row",
			"table", p.String(), "engine", e, "files_loaded_before", len(done))
	}
	return nil
}

// truncateReloads empties the tables markPartialReloads marked, once they exist.
func (r *restore) truncateReloads(ctx context.Context, plans []*tablePlan) error {
	for _, p := range plans {
		if !p.reload {
			continue
		}
		if _, err := r.main.ExecContext(ctx, "TRUNCATE TABLE "+quoteIdent(p.target)+"."+quoteIdent(p.t.Name)); err != nil {
			return fmt.Errorf("%s: emptying the %s table to load it again: %w", p, engineOf(p), err)
		}
		for _, name := range p.t.DataFiles {
			delete(r.progress, name)
		}
	}
	return nil
}
