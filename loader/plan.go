package loader

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
	"github.com/sluicedb/sluice/schema"
)

// tablePlan is one table, view or sequence to restore, with its schema file cut by
// schema.SplitCreateTable.
type tablePlan struct {
	t      *dumpdir.Table
	target string   // database it is restored into
	key    string   // journal key: file-name-escaped target.table, unique per table
	create []string // the schema file's statements, the CREATE TABLE replaced by the PK-only one
	split  schema.Split
	strat  strategy // the index strategy chosen for the table (chooseStrategy)

	encOnce sync.Once             // tsvEncodings fills enc once
	enc     []sqltext.TSVEncoding // the dumped columns' TSV encodings on the target; nil: load SQL files as statements
	encErr  error
	bulk    bool        // a transactional table every dumped column of which can go by bulk INSERT (bulkType); set with enc
	noBulk  atomic.Bool // a row was too long for a bulk INSERT command: LOAD DATA from then on
	reload  bool        // resumed non-transactional table loaded again whole (markPartialReloads)
}

func (p *tablePlan) String() string { return p.target + "." + p.t.Name }

// selectTables applies --source-db and -T to the dump's tables and databases. It fails when a
// filter matches nothing, naming the flag.
func selectTables(meta *dumpdir.Metadata, o *Options) ([]dumpdir.Database, []*dumpdir.Table, error) {
	var tables []*dumpdir.Table
	used := map[string]bool{}
	for i := range meta.Tables {
		t := &meta.Tables[i]
		if o.SourceDB != "" && t.Database != o.SourceDB {
			continue
		}
		if len(o.Tables) > 0 && !slices.Contains(o.Tables, t.Database+"."+t.Name) {
			continue
		}
		tables = append(tables, t)
		used[t.Database] = true
	}
	for _, want := range o.Tables {
		if !slices.ContainsFunc(tables, func(t *dumpdir.Table) bool { return t.Database+"."+t.Name == want }) {
			return nil, nil, fmt.Errorf("-T %s: no such table in the dump (give db.table as dumped, with --source-db's database)", want)
		}
	}
	var dbs []dumpdir.Database
	for _, d := range meta.Databases {
		if (o.SourceDB == "" || d.Name == o.SourceDB) && (len(o.Tables) == 0 || used[d.Name]) {
			dbs = append(dbs, d)
		}
	}
	if o.SourceDB != "" && len(dbs) == 0 {
		return nil, nil, fmt.Errorf("--source-db %s: no such database in the dump", o.SourceDB)
	}
	if o.TargetDB != "" && len(dbs) > 1 {
		return nil, nil, fmt.Errorf("-B %s: the dump holds %d databases and table names may clash: pick one with --source-db", o.TargetDB, len(dbs))
	}
	return dbs, tables, nil
}

// planTables reads and splits every selected table's schema file. A table the parser cannot
// split is logged and keeps its indexes and foreign keys in the CREATE TABLE.
func planTables(ctx context.Context, dir *dumpdir.Dir, tables []*dumpdir.Table, meta *dumpdir.Metadata, o *Options) ([]*tablePlan, error) {
	var plans []*tablePlan
	for _, t := range tables {
		p := &tablePlan{t: t, target: o.target(t.Database)}
		p.key = dumpdir.EscapeName(p.target) + "." + dumpdir.EscapeName(t.Name)
		if t.SchemaFile != "" {
			stmts, err := readScript(ctx, dir, meta, t.SchemaFile)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			for _, s := range stmts {
				if t.Kind == dumpdir.KindTable && isCreateTable(s) {
					sp, err := splitTable(ctx, p, s, o)
					if err != nil {
						return nil, err
					}
					p.split = sp
					s = sp.Create
				}
				p.create = append(p.create, s)
			}
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// splitTable cuts the CREATE TABLE s of p with the index strategy chooseStrategy picks from
// the table's shape (read by a first DeferAll split), size and the target's buffer pool, and
// logs the choice. Foreign keys are deferred whatever the strategy.
func splitTable(ctx context.Context, p *tablePlan, s string, o *Options) (schema.Split, error) {
	mode := o.DeferIndexes
	if mode == schema.DeferAuto {
		mode = schema.DeferAll
	}
	sp, err := schema.SplitCreateTable(p.target, p.t.Name, s, mode)
	if err != nil {
		return sp, fmt.Errorf("%s: %w", p, err)
	}
	if sp.Warning != "" {
		o.Log.Warn("loading with the indexes in the CREATE TABLE", "table", p.String(), "reason", sp.Warning)
		return sp, nil
	}
	rows := p.t.Rows
	if v, ok := o.strategyRows[p.t.Database+"."+p.t.Name]; ok {
		rows = v
	}
	p.strat = chooseStrategy(strategyInput{rows: rows, shape: sp.Shape, pool: o.pool, threads: o.Threads,
		minRows: o.DeferMinRows, forced: o.DeferIndexes})
	if p.strat.name != "" {
		level := slog.LevelInfo
		if o.dryRun {
			level = slog.LevelDebug // the plan shows it
		}
		o.Log.Log(ctx, level, "index strategy", "table", p.String(), "strategy", p.strat.name, "reason", p.strat.reason)
	}
	if p.strat.mode != mode {
		if sp, err = schema.SplitCreateTable(p.target, p.t.Name, s, p.strat.mode); err != nil {
			return sp, fmt.Errorf("%s: %w", p, err)
		}
	}
	return sp, nil
}

func isCreateTable(s string) bool {
	u := strings.ToUpper(s)
	return strings.HasPrefix(u, "CREATE TABLE ") || strings.HasPrefix(u, "CREATE OR REPLACE TABLE ")
}

// schedule turns the plans of tables (views excluded) into the scheduler's tables, leaving out
// the work j records as done. A foreign key to a table outside the restore waits for nothing.
func schedule(plans []*tablePlan, j *journal) []scheduler.Table {
	pos := map[schema.TableRef]int{}
	for i, p := range plans {
		pos[schema.TableRef{DB: p.target, Table: p.t.Name}] = i
	}
	out := make([]scheduler.Table, len(plans))
	for i, p := range plans {
		st := scheduler.Table{Bytes: p.t.Bytes, Rows: p.t.Rows}
		if p.t.Kept {
			out[i] = st // as it is on the target: nothing to load or build
			continue
		}
		for f, name := range p.t.DataFiles {
			if !j.has("file " + name) {
				st.Files = append(st.Files, f)
			}
		}
		for k := range p.split.Indexes {
			st.Index = st.Index || !j.has(indexEntry(p, k))
		}
		st.Constraint = len(p.split.ForeignKeys) > 0 && !j.has("constraint "+p.key)
		for _, r := range p.split.References {
			if q, ok := pos[r]; ok && q != i {
				st.Refs = append(st.Refs, q)
			}
		}
		out[i] = st
	}
	return out
}

func indexEntry(p *tablePlan, k int) string { return fmt.Sprintf("index %s %d", p.key, k) }
