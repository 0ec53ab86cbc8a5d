package loader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/privs"
)

// Plan is what Run would do with the same options (--dry-run): read from the dump and the
// target without changing either.
type Plan struct {
	Server    string         // the target's @@version
	Databases []string       // databases created (target names)
	Tables    []PlannedTable // in the order their data loads: largest first
	Views     []string       // target db.view, created after the data
	Triggers  []string       // triggers files, run after the views
	PostFiles []string       // routines and events files, one per database, run last
	Accounts  []string       // accounts and roles of the dump's accounts file to create ('user'@'host'), before the views
	// AccountsNote says why no accounts are restored, when the dump has some ("" otherwise).
	AccountsNote string
	// Problems are what would make Run fail (Fatal) or finish with warnings, each naming the
	// fix. Empty when the dry run found nothing.
	Problems []Problem
}

// PlannedTable is one table or sequence of a Plan.
type PlannedTable struct {
	Name        string   // target db.table
	Rows, Bytes int64    // as the dump's metadata records them
	DataFiles   int      // data files to load
	Create      string   // the CREATE TABLE run before the data: PRIMARY KEY only, unless Kept
	Indexes     []string // ALTER TABLE statements adding the deferred indexes after the data
	ForeignKeys []string // ALTER TABLE statements adding the foreign keys once referenced tables are indexed
	Kept        string   // why the indexes stay in the CREATE TABLE ("" when deferred)
	// Strategy is how the secondary indexes are built: "inline" (in the CREATE TABLE,
	// maintained as rows load), "deferred" (ALTER TABLE after the data), or "" for a table
	// without secondary indexes or whose CREATE TABLE could not be split (see Kept).
	Strategy string
	// StrategyReason says why Strategy was chosen (--defer-indexes auto) or forced, with the
	// figures the choice was made from.
	StrategyReason string
	// StatsPause is the ALTER TABLE that turns InnoDB's automatic statistics recalculation
	// off while the table loads, run right after the CREATE ("" when the table keeps it: see
	// stats.go); the default comes back, with one ANALYZE TABLE, once every table is in.
	StatsPause string
}

// Problem is something a dry run found that Run would fail on (Fatal) or warn about.
type Problem struct {
	Fatal   bool
	Message string
}

// definerRE finds the DEFINER clause of a view, trigger, routine or event definition.
var definerRE = regexp.MustCompile("DEFINER=`((?:[^`]|``)*)`@`((?:[^`]|``)*)`")

// DryRun reads the dump in o.Dir and the target cfg reaches and returns the Plan of a restore
// with o, changing nothing on either: no journal is written, no table created. It fails when the
// dump cannot be read (incomplete, corrupt, filters matching nothing) or the target cannot be
// reached; what the restore would fail on is a Problem: tables that exist, a journal in the
// way, missing privileges, local_infile OFF, definers that do not exist on the target.
func DryRun(ctx context.Context, cfg conn.Config, o Options) (*Plan, error) {
	o.setDefaults()
	dir, err := dumpdir.OpenDir(ctx, o.Dir)
	if err != nil {
		return nil, fmt.Errorf("-d %w", err)
	}
	defer dir.Close()
	dir.Decrypt(o.Identities)
	meta, err := dir.ReadMetadata(ctx)
	if err != nil {
		return nil, err
	}
	if !meta.Encrypted {
		dir.Decrypt(nil) // a clear-text dump: its files are read as they are
	}
	dbs, tables, err := selectTables(meta, &o)
	if err != nil {
		return nil, err
	}
	db, err := cfg.Open(ctx, "", 2)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	o.pool, o.dryRun = bufferPool(ctx, db), true
	plans, err := planTables(ctx, dir, tables, meta, &o)
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	fail := func(format string, args ...any) {
		p.Problems = append(p.Problems, Problem{Fatal: true, Message: fmt.Sprintf(format, args...)})
	}
	warn := func(format string, args ...any) {
		p.Problems = append(p.Problems, Problem{Message: fmt.Sprintf(format, args...)})
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.QueryRowContext(ctx, "SELECT @@version").Scan(&p.Server); err != nil {
		return nil, err
	}
	for _, d := range dbs {
		p.Databases = append(p.Databases, o.target(d.Name))
		if d.PostFile != "" && len(o.Tables) == 0 {
			p.PostFiles = append(p.PostFiles, d.PostFile)
		}
	}
	// Accounts: restored with the whole dump only, as prepareUsers decides.
	var creates map[[2]string]bool
	if meta.AccountsFile != "" {
		partial := len(o.Tables) > 0 || o.SourceDB != "" || o.TargetDB != ""
		switch {
		case o.NoUsers:
			p.AccountsNote = "--no-users"
		case partial:
			p.AccountsNote = "not restored by a restore of some databases or tables (-T, --source-db, -B)"
		default:
			f, err := accounts.ReadFile(ctx, dir, meta.Files[meta.AccountsFile])
			if err != nil {
				return nil, err
			}
			creates = map[[2]string]bool{}
			for _, a := range f.Accounts {
				p.Accounts = append(p.Accounts, a.Name.String())
				creates[[2]string{a.User, a.Host}] = true
			}
		}
	}
	var data []*tablePlan
	for _, tp := range plans {
		if tp.t.Kind == dumpdir.KindView {
			p.Views = append(p.Views, tp.String())
			continue
		}
		if tp.t.TriggersFile != "" {
			p.Triggers = append(p.Triggers, tp.t.TriggersFile)
		}
		data = append(data, tp)
	}
	slices.SortStableFunc(data, func(a, b *tablePlan) int { return int(min(max(b.t.Bytes-a.t.Bytes, -1), 1)) })
	localInfile := true
	for _, tp := range data {
		pt := PlannedTable{Name: tp.String(), Rows: tp.t.Rows, Bytes: tp.t.Bytes, DataFiles: len(tp.t.DataFiles),
			Indexes: tp.split.Indexes, ForeignKeys: tp.split.ForeignKeys, Kept: tp.split.Warning,
			Strategy: tp.strat.name, StrategyReason: tp.strat.reason}
		if pausesStats(tp, &o) {
			pt.StatsPause = pauseStatsQuery(tp)
		}
		for _, s := range tp.create {
			if isCreateTable(s) {
				pt.Create = s
			}
		}
		if pt.Kept == "" && len(tp.split.Indexes) == 0 && tp.t.Rows < o.DeferMinRows && tp.t.Kind == dumpdir.KindTable {
			pt.Kept = fmt.Sprintf("fewer than --defer-min-rows %d rows", o.DeferMinRows)
		}
		p.Tables = append(p.Tables, pt)
		if len(tp.t.DataFiles) > 0 {
			localInfile = false
		}
	}

	// Would the restore start?
	if !o.Resume {
		if _, err := os.Stat(o.Journal); err == nil {
			fail("%s exists: an earlier restore of this dump was interrupted: finish it with --resume, or drop its tables and delete the journal to start over", o.Journal)
		} else if !errors.Is(err, os.ErrNotExist) {
			fail("journal %s: %v", o.Journal, err)
		}
		if !o.OverwriteTables {
			clash, err := existingTables(ctx, db, plans)
			if err != nil {
				return nil, err
			}
			if len(clash) > 0 {
				fail("tables already exist: %s: use --overwrite-tables to drop and recreate them, -B to load into another database, or --resume to finish an interrupted restore",
					strings.Join(short(clash), ", "))
			}
		}
	} else if _, err := os.Stat(o.Journal); err != nil {
		fail("--resume: %v: nothing to resume (was --journal given the first time?)", err)
	}
	if err := checkReplicaTarget(ctx, db, meta, &o); err != nil {
		fail("%v", err)
	}
	if !localInfile { // some table has data
		var on bool
		if err := c.QueryRowContext(ctx, "SELECT @@GLOBAL.local_infile").Scan(&on); err != nil {
			return nil, err
		}
		if !on {
			warn("local_infile is OFF on the target: the rows a bulk INSERT cannot take (tsv or SQL) would load as INSERT statements, slower (exit 4; --strict fails): SET GLOBAL local_infile = 1")
		}
	}

	// Privileges the statements need.
	grants, err := privs.Read(ctx, c)
	if err != nil {
		warn("cannot read the user's privileges (%v): they are not checked", err)
	}
	need := func(priv, why string) {
		var lack []string
		for _, d := range p.Databases {
			if !privs.Has(grants, priv, d) {
				lack = append(lack, d)
			}
		}
		if len(lack) > 0 {
			fail("the user lacks %s on %s, which %s: GRANT %s ON each database TO the user", priv, strings.Join(lack, ", "), why, priv)
		}
	}
	need("CREATE", "creating the databases and tables needs")
	need("INSERT", "loading the data needs")
	if slices.ContainsFunc(p.Tables, func(t PlannedTable) bool { return len(t.Indexes)+len(t.ForeignKeys) > 0 }) {
		need("ALTER", "adding the deferred indexes and foreign keys needs")
		need("INDEX", "adding the deferred indexes needs")
	}
	if o.OverwriteTables {
		need("DROP", "--overwrite-tables needs")
	}
	if len(p.Views) > 0 {
		need("CREATE VIEW", "creating the views needs")
	}
	if len(p.Triggers) > 0 {
		need("TRIGGER", "creating the triggers needs")
	}
	if len(p.PostFiles) > 0 {
		need("CREATE ROUTINE", "creating the routines needs")
		need("EVENT", "creating the events needs")
	}
	if len(p.Accounts) > 0 && !privs.Has(grants, "CREATE USER", "") {
		fail("the user lacks CREATE USER, which restoring the dump's %d accounts needs: GRANT CREATE USER ON *.* TO the user, or --no-users", len(p.Accounts))
	}
	if !privs.Has(grants, "CREATE", progressDB) {
		fail("the user lacks CREATE on %s, the resume progress table's database: GRANT ALL ON `%s`.* TO the user", progressDB, progressDB)
	}

	// Views name their tables with the dumped database: under -B they would not follow.
	for _, tp := range plans {
		if tp.t.Kind != dumpdir.KindView || tp.target == tp.t.Database {
			continue
		}
		if name := quoteIdent(tp.t.Database) + "."; slices.ContainsFunc(tp.create, func(s string) bool { return strings.Contains(s, name) }) {
			fail("view %s: its definition names the database %s, which -B does not rewrite: the view would be created in %s (or fail there): load it without -B, or create it by hand",
				tp, tp.t.Database, tp.t.Database)
		}
	}

	// Definers: they must exist, and the user may only name others with SET USER or SUPER.
	if err := planDefiners(ctx, c, dir, &o, meta, plans, dbs, grants, creates, fail, warn); err != nil {
		warn("cannot check the definers: %v", err)
	}
	return p, nil
}

// planDefiners reads the DEFINER of every view, trigger, routine and event in the restore and
// reports those missing on the target and not among the accounts the restore creates (the
// object would fail when used: ERROR 1449) and, when
// the user lacks SET USER and SUPER, those that are not the user (the CREATE would fail).
func planDefiners(ctx context.Context, c *sql.Conn, dir *dumpdir.Dir, o *Options, meta *dumpdir.Metadata, plans []*tablePlan, dbs []dumpdir.Database,
	grants map[string]bool, creates map[[2]string]bool, fail, warn func(string, ...any)) error {
	var files []string
	for _, tp := range plans {
		if tp.t.Kind == dumpdir.KindView && tp.t.SchemaFile != "" {
			files = append(files, tp.t.SchemaFile)
		}
		if tp.t.TriggersFile != "" {
			files = append(files, tp.t.TriggersFile)
		}
	}
	for _, d := range dbs {
		if d.PostFile != "" && len(o.Tables) == 0 {
			files = append(files, d.PostFile)
		}
	}
	users := map[[2]string][]string{} // definer: files naming it
	var order [][2]string
	switch {
	case o.Definers.Skip: // every object runs as the loading user
		files = nil
	case o.Definers.Replace != nil: // every object runs as this one
		u := [2]string{o.Definers.Replace.User, o.Definers.Replace.Host}
		users[u], order, files = []string{"--definer"}, [][2]string{u}, nil
	}
	for _, f := range files {
		stmts, err := readScript(ctx, dir, meta, f)
		if err != nil {
			return err
		}
		for _, st := range stmts {
			for _, m := range definerRE.FindAllStringSubmatch(st, -1) {
				u := [2]string{strings.ReplaceAll(m[1], "``", "`"), strings.ReplaceAll(m[2], "``", "`")}
				if _, ok := users[u]; !ok {
					order = append(order, u)
				}
				if !slices.Contains(users[u], f) {
					users[u] = append(users[u], f)
				}
			}
		}
	}
	if len(order) == 0 {
		return nil
	}
	var current string
	if err := c.QueryRowContext(ctx, "SELECT CURRENT_USER()").Scan(&current); err != nil {
		return err
	}
	setUser := privs.Has(grants, "SET USER", "") || privs.Has(grants, "SUPER", "")
	for _, u := range order {
		var n int
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?", u[0], u[1]).Scan(&n); err != nil {
			return fmt.Errorf("reading mysql.user: %w", err)
		}
		name := fmt.Sprintf("`%s`@`%s`", u[0], u[1])
		if n == 0 && !creates[u] {
			warn("definer %s of %s does not exist on the target: those objects would fail when used (ERROR 1449): create the account first", name, strings.Join(short(users[u]), ", "))
		}
		if !setUser && u[0]+"@"+u[1] != current {
			fail("definer %s of %s is not the loading user %s, which needs SET USER (or SUPER) to create them: GRANT SET USER ON *.* TO the user", name, strings.Join(short(users[u]), ", "), current)
		}
	}
	return nil
}

func short(names []string) []string {
	if len(names) > 5 {
		return append(names[:5:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return names
}
