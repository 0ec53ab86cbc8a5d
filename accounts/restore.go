package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/replication"
)

// RestoreOptions are the account settings of a load.
type RestoreOptions struct {
	// Overwrite (--overwrite-users) drops an account that exists on the target and creates it
	// as dumped. The account the load is connected as is never dropped.
	Overwrite bool
	// Strict (--users-strict) makes any account warning an error: an account left alone,
	// skipped or refused by the target, or a grant dropped or refused.
	Strict bool
	// Done reports whether an earlier run of this restore created the account (the loader's
	// journal, for --resume); nil for none.
	Done func(Name) bool
	// Record is called once an account is created, before its grants; nil for none.
	Record func(Name) error
	Log    *slog.Logger
}

// Summary counts what a restore did with the dumped accounts. Every skipped or failed account
// and every dropped or refused grant is also a warning, logged with the account's name.
type Summary struct {
	Created      int // accounts and roles created
	Skipped      int // left alone (they exist on the target) or not creatable there (translation)
	Failed       int // the target refused the CREATE (unknown plugin, missing privilege)
	GrantsFailed int // GRANT or SET DEFAULT ROLE statements the target refused
	Warnings     int // every warning logged, those above and grants dropped in translation
}

// Restore is the accounts part of one load: Prepare checks the dumped accounts against the
// target before anything is loaded; Create makes the roles and users, before the views and
// routines whose DEFINER they are; Grant runs their grants once every object exists, then
// sets the default roles and the grants of PUBLIC.
type Restore struct {
	o       RestoreOptions
	source  replication.Flavor // the dump's
	target  replication.Flavor
	version replication.Version
	current Name          // CURRENT_USER() of the load
	exists  map[Name]bool // accounts and roles on the target before the load
	plans   []*plan
	public  []string
	sum     Summary
	warns   []string
}

type planState int

const (
	pending planState = iota
	created
	skipped
	failed
)

type plan struct {
	translation
	drop    bool // --overwrite-users: drop the existing account first
	resumed bool // an earlier run of this restore created it (RestoreOptions.Done, read once in Prepare)
	state   planState
}

// Prepare reads the target's version and accounts and decides, for every account of f, whether
// it is created, left alone (it exists) or skipped (it cannot exist on the target), logging a
// warning for each one not created and for each grant translation drops. With o.Strict, any
// such warning is an error here, before anything is loaded. c is a connection to the target.
func Prepare(ctx context.Context, c *sql.Conn, f *File, o RestoreOptions) (*Restore, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	r := &Restore{o: o, exists: map[Name]bool{}, source: f.Flavor}
	var version, current string
	if err := c.QueryRowContext(ctx, "SELECT @@version, CURRENT_USER()").Scan(&version, &current); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	r.target = replication.FlavorOf(version)
	r.version, _ = replication.ParseVersion(version)
	if i := strings.LastIndexByte(current, '@'); i >= 0 {
		r.current = Name{current[:i], current[i+1:]}
	}
	names, err := queryNames(ctx, c, "SELECT User, Host FROM mysql.user")
	if err != nil {
		return nil, fmt.Errorf("accounts: read the target's accounts: %w: the load needs SELECT on the mysql schema, or give --no-users", err)
	}
	for _, n := range names {
		r.exists[n] = true
	}
	plugins, err := activePlugins(ctx, c)
	if err != nil {
		return nil, err
	}
	roles := map[Name]bool{}
	for _, a := range f.Accounts {
		if a.Role {
			roles[a.Name] = true
		}
	}
	for _, a := range f.Accounts {
		t := translate(a, f.Flavor, r.target, roles)
		for _, w := range t.warnings {
			r.warn(w)
		}
		p := &plan{translation: t, resumed: r.o.Done != nil && r.o.Done(t.Name)}
		r.plans = append(r.plans, p)
		missing := missingPlugin(t.Create, plugins)
		switch {
		case t.skip:
			p.state = skipped
		case missing != "" && !p.resumed:
			r.warn(fmt.Sprintf("%s %s: authentication plugin %s is not loaded on the target: skipped (install it, e.g. INSTALL SONAME 'auth_%s' on MariaDB, and load again)", kindOf(a), t.Name, missing, missing))
			p.state = skipped
		case !r.exists[t.Name] || p.resumed:
		case t.Name == r.current:
			r.warn(fmt.Sprintf("%s %s is the account this load is connected as: left alone, even with --overwrite-users", kindOf(a), t.Name))
			p.state = skipped
		case o.Overwrite:
			p.drop = true
		default:
			r.warn(fmt.Sprintf("%s %s already exists on the target: left alone with its own password and grants (--overwrite-users drops and recreates it)", kindOf(a), t.Name))
			p.state = skipped
		}
		if p.state == skipped {
			r.sum.Skipped++
		}
	}
	switch {
	case len(f.PublicGrants) == 0:
	case r.target != replication.MariaDB || !r.version.AtLeast(10, 11, 0):
		for _, g := range f.PublicGrants {
			r.warn(fmt.Sprintf("grant to PUBLIC dropped: the target (%s) has no PUBLIC role: %s", version, g))
		}
	default:
		r.public = f.PublicGrants
	}
	if o.Strict && len(r.warns) > 0 {
		return nil, r.strictError()
	}
	return r, nil
}

func (r *Restore) warn(msg string) {
	r.o.Log.Warn(msg)
	r.warns = append(r.warns, msg)
	r.sum.Warnings++
}

func (r *Restore) strictError() error {
	shown := r.warns
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(r.warns)-5))
	}
	return fmt.Errorf("--users-strict: %d account warnings: %s: fix them, or load without --users-strict (or with --no-users)",
		len(r.warns), strings.Join(shown, "; "))
}

// Summary returns the counts so far.
func (r *Restore) Summary() Summary { return r.sum }

// WillExist reports whether an account or role exists on the target once the accounts are
// created: it existed before, or it is among those to create.
func (r *Restore) WillExist(n Name) bool {
	if r.exists[n] {
		return true
	}
	for _, p := range r.plans {
		if p.Name == n && p.state == pending {
			return true
		}
	}
	return false
}

// Create creates the roles, then the users (in the dump's order, which puts roles first). An
// account the target refuses (a server error: unknown plugin, missing privilege, unknown
// syntax) is a warning and counted as failed; any other error (a lost connection) is returned.
func (r *Restore) Create(ctx context.Context, c *sql.Conn) error {
	for _, p := range r.plans {
		if p.state != pending {
			continue
		}
		if p.resumed {
			p.state = created
			r.sum.Created++
			continue
		}
		if p.drop {
			verb := "DROP USER IF EXISTS "
			if p.Role {
				verb = "DROP ROLE IF EXISTS "
			}
			if err := r.exec(ctx, c, p, verb+p.Name.String()); err != nil {
				return err
			}
			if p.state == failed {
				continue
			}
		}
		if err := r.exec(ctx, c, p, p.Create); err != nil {
			return err
		}
		if p.state == failed {
			continue
		}
		p.state = created
		r.sum.Created++
		if r.o.Record != nil {
			if err := r.o.Record(p.Name); err != nil {
				return err
			}
		}
	}
	if r.o.Strict && r.sum.Failed > 0 {
		return r.strictError()
	}
	return nil
}

// exec runs one CREATE or DROP of p; a server error marks p failed with a warning naming the
// account (never the statement: it holds the password hash).
func (r *Restore) exec(ctx context.Context, c *sql.Conn, p *plan, stmt string) error {
	_, err := c.ExecContext(ctx, stmt)
	var me *mysql.MySQLError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &me):
		r.warn(fmt.Sprintf("%s %s: the target refused to create it: %s: skipped", kindOf(p.Account), p.Name, redact(me.Error(), stmt)))
		p.state = failed
		r.sum.Failed++
		return nil
	default:
		return fmt.Errorf("%s %s: %w", kindOf(p.Account), p.Name, err)
	}
}

// Grant runs the grants of every account Create made, then hands MariaDB roles to the
// account that administered them on the source, sets the default roles, and grants PUBLIC's
// privileges. A statement the target refuses is a warning naming it.
func (r *Restore) Grant(ctx context.Context, c *sql.Conn) error {
	run := func(who string, stmt string) error {
		_, err := c.ExecContext(ctx, stmt)
		var me *mysql.MySQLError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &me):
			// MariaDB's SHOW GRANTS carries IDENTIFIED BY PASSWORD '*hash' in a grant.
			r.warn(fmt.Sprintf("%s: the target refused %q: %s", who, sqltext.RedactSecrets(stmt), redact(me.Error(), stmt)))
			r.sum.GrantsFailed++
			return nil
		default:
			return fmt.Errorf("%s: %s: %w", who, sqltext.RedactSecrets(stmt), err)
		}
	}
	dumped := map[Name]bool{}
	for _, p := range r.plans {
		dumped[p.Name] = true
	}
	for _, p := range r.plans {
		if p.state != created {
			continue
		}
		who := kindOf(p.Account) + " " + p.Name.String()
		for _, g := range p.Grants {
			if err := run(who, g); err != nil {
				return err
			}
		}
	}
	for _, p := range r.plans {
		if p.state != created || len(p.DefaultRoles) == 0 {
			continue
		}
		roles := make([]string, len(p.DefaultRoles))
		for i, n := range p.DefaultRoles {
			roles[i] = n.String()
		}
		stmt := "SET DEFAULT ROLE " + roles[0] + " FOR " + p.Name.String()
		if r.target == replication.MySQL {
			stmt = "SET DEFAULT ROLE " + strings.Join(roles, ", ") + " TO " + p.Name.String()
		}
		if err := run(kindOf(p.Account)+" "+p.Name.String(), stmt); err != nil {
			return err
		}
	}
	for _, g := range r.public {
		if err := run("PUBLIC", g); err != nil {
			return err
		}
	}
	for _, p := range r.plans {
		who := kindOf(p.Account) + " " + p.Name.String()
		if p.state != created || !p.Role || r.target != replication.MariaDB {
			continue
		}
		// MariaDB's CREATE ROLE grants the role WITH ADMIN OPTION to its creator, this load:
		// give it to the source's administrator instead (root, usually), unless that account's
		// own grants, restored above, already do. This comes last, so that a crash before the
		// loader journals the grants leaves the least to redo: a resumed run's role grants
		// then fail, with warnings, where the REVOKE below took the loading account's admin
		// option away.
		if a := p.Admin; a != nil && *a != r.current && !dumped[*a] && r.exists[*a] {
			if err := run(who, "GRANT "+p.Name.String()+" TO "+a.String()+" WITH ADMIN OPTION"); err != nil {
				return err
			}
		}
		// A MariaDB source's roles nobody administers, or someone else does, are not left to
		// this load either. A MySQL source records no administrator (MySQL grants roles by the
		// ROLE_ADMIN privilege): the loading account keeps it, or nobody could grant the role.
		if r.source == replication.MariaDB && (p.Admin == nil || *p.Admin != r.current) {
			if err := run(who, "REVOKE "+p.Name.String()+" FROM "+r.current.String()); err != nil {
				return err
			}
		}
	}
	if r.o.Strict && r.sum.GrantsFailed > 0 {
		return r.strictError()
	}
	return nil
}

// redact replaces in a server's error message every string literal of stmt (an
// authentication hash, which a syntax error quotes "near '...'") by '...'.
func redact(msg, stmt string) string {
	for _, t := range lex(stmt) {
		if v := t.value(); t.kind == tokString && len(v) >= 4 {
			msg = strings.ReplaceAll(msg, v, "...")
		}
	}
	return msg
}

// activePlugins returns the names of the target's active authentication plugins (MariaDB
// manual and MySQL 8.0 manual, "INFORMATION_SCHEMA PLUGINS Table").
func activePlugins(ctx context.Context, c *sql.Conn) (map[string]bool, error) {
	rows, err := c.QueryContext(ctx, "SELECT PLUGIN_NAME FROM information_schema.PLUGINS WHERE PLUGIN_TYPE = 'AUTHENTICATION' AND PLUGIN_STATUS = 'ACTIVE'")
	if err != nil {
		return nil, fmt.Errorf("accounts: the target's authentication plugins: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[strings.ToLower(n)] = true
	}
	return out, rows.Err()
}

// missingPlugin returns the first authentication plugin of a CREATE USER that is not among
// plugins, or "" (also when the statement is CREATE ROLE or does not parse: the server decides).
func missingPlugin(create string, plugins map[string]bool) string {
	d, err := parseCreateUser(create)
	if err != nil {
		return ""
	}
	for _, m := range d.Auth {
		if m.Plugin != "" && !plugins[m.Plugin] {
			return m.Plugin
		}
	}
	return ""
}
