package loader

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

// prepareUsers reads the dump's accounts file and checks its accounts against the target
// (package accounts), and names every DEFINER missing on the target, all before anything is
// loaded. It returns nil accounts when the dump has none, with --no-users, and for a partial
// restore (-T, --source-db, -B: grants name the dumped databases and tables), and the number
// of warnings it logged.
func prepareUsers(ctx context.Context, db *sql.DB, dir *dumpdir.Dir, meta *dumpdir.Metadata, dbs []dumpdir.Database, plans []*tablePlan, o *Options, j *journal) (*accounts.Restore, int, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer c.Close()
	var users *accounts.Restore
	partial := len(o.Tables) > 0 || o.SourceDB != "" || o.TargetDB != ""
	switch {
	case meta.AccountsFile == "" || o.NoUsers:
	case partial:
		o.Log.Info("accounts not restored: a restore of some databases or tables (-T, --source-db, -B) restores none", "file", meta.AccountsFile)
	default:
		f, err := accounts.ReadFile(ctx, dir, meta.Files[meta.AccountsFile])
		if err != nil {
			return nil, 0, err
		}
		users, err = accounts.Prepare(ctx, c, f, accounts.RestoreOptions{
			Overwrite: o.OverwriteUsers, Strict: o.UsersStrict, Log: o.Log,
			Done:   func(n accounts.Name) bool { return j.has("account " + n.String()) },
			Record: func(n accounts.Name) error { return j.add("account " + n.String()) },
		})
		if err != nil {
			return nil, 0, err
		}
	}
	warnings, err := checkDefiners(ctx, c, dir, meta, dbs, plans, users, o)
	if err != nil {
		return nil, 0, err
	}
	return users, warnings, nil
}

// checkDefiners warns, by name and once per account, about every DEFINER of the views,
// triggers, routines and events to load that does not exist on the target and is not among the
// accounts to create: such an object is created, but fails when used. It returns the number
// of warnings. With --skip-definer there is nothing to check; with --definer, that account.
func checkDefiners(ctx context.Context, c *sql.Conn, dir *dumpdir.Dir, meta *dumpdir.Metadata, dbs []dumpdir.Database, plans []*tablePlan, users *accounts.Restore, o *Options) (int, error) {
	if o.Definers.Skip {
		return 0, nil
	}
	objects := map[accounts.Name][]string{}
	if o.Definers.Replace != nil {
		objects[*o.Definers.Replace] = []string{"--definer"}
	} else {
		var files []string
		for _, p := range plans {
			if p.t.Kind == dumpdir.KindView {
				files = append(files, p.t.SchemaFile)
			}
			files = append(files, p.t.TriggersFile)
		}
		if len(o.Tables) == 0 {
			for _, d := range dbs {
				files = append(files, d.PostFile)
			}
		}
		for _, name := range files {
			if name == "" {
				continue
			}
			stmts, err := readScript(ctx, dir, meta, name)
			if err != nil {
				return 0, err
			}
			for _, s := range stmts {
				if n, ok := accounts.DefinerOf(s); ok {
					objects[n] = append(objects[n], name)
				}
			}
		}
	}
	var missing []accounts.Name
	for n := range objects {
		if users != nil && users.WillExist(n) {
			continue
		}
		var k int
		err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?", n.User, n.Host).Scan(&k)
		if errIs(err, erTableAccessDenied, erDBAccessDenied) {
			o.Log.Warn("cannot check that the dump's definers exist on the target: the load needs SELECT on mysql.user", "err", err)
			return 1, nil
		}
		if err != nil {
			return 0, fmt.Errorf("definers: %w", err)
		}
		if k == 0 {
			missing = append(missing, n)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].String() < missing[j].String() })
	for _, n := range missing {
		files := objects[n]
		if len(files) > 3 {
			files = append(files[:3:3], fmt.Sprintf("and %d more", len(files)-3))
		}
		o.Log.Warn(fmt.Sprintf("definer %s does not exist on the target: the objects it defines are created but fail when used; create the account, or load with --definer user@host or --skip-definer", n),
			"files", strings.Join(files, ", "))
	}
	return len(missing), nil
}

// Server errors checkDefiners tolerates (MySQL manual, "Server Error Message Reference").
const (
	erDBAccessDenied    = 1044 // ER_DBACCESS_DENIED_ERROR
	erTableAccessDenied = 1142 // ER_TABLEACCESS_DENIED_ERROR
)

// createUsers creates the dump's roles and accounts, before the views and routines whose
// DEFINER they may be.
func (r *restore) createUsers(ctx context.Context) error {
	if r.users == nil {
		return nil
	}
	return r.users.Create(ctx, r.main)
}

// grantUsers runs the accounts' grants once every object they name exists, and logs the
// accounts summary.
func (r *restore) grantUsers(ctx context.Context, res *Result) error {
	if r.users == nil {
		return nil
	}
	if !r.j.has("accounts granted") {
		if err := r.users.Grant(ctx, r.main); err != nil {
			return err
		}
		if err := r.j.add("accounts granted"); err != nil {
			return err
		}
	}
	s := r.users.Summary()
	res.Accounts = s
	res.Warnings += s.Warnings
	r.o.Log.Info("accounts restored", "created", s.Created, "skipped", s.Skipped, "failed", s.Failed, "grants_failed", s.GrantsFailed)
	return nil
}
