package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/sluicedb/sluice/replication"
)

// Read lists the accounts and roles of the server c is connected to that f keeps, and reads
// each with SHOW CREATE USER (CREATE ROLE for a MariaDB role) and SHOW GRANTS, its default
// roles, and (MariaDB 10.11+) the grants of PUBLIC. It needs SELECT on the mysql schema. The
// connection's character set is set to utf8mb4, so names are read as they are. Errors name
// the account.
func Read(ctx context.Context, c *sql.Conn, f Filter) (*File, error) {
	var version string
	if err := c.QueryRowContext(ctx, "SELECT @@version").Scan(&version); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	out := &File{Flavor: replication.FlavorOf(version), Version: version}
	if _, err := c.ExecContext(ctx, "SET NAMES utf8mb4"); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	var err error
	var accts []Account
	if out.Flavor == replication.MariaDB {
		accts, err = listMariaDB(ctx, c)
	} else {
		accts, err = listMySQL(ctx, c)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: list: %w: the dump needs SELECT on the mysql schema, or give --no-users", err)
	}
	for _, a := range accts {
		if a.IsPublic() {
			// PUBLIC's grants are dumped unless --exclude-users names PUBLIC.
			if !f.excluded(a.Name) {
				if out.PublicGrants, err = readPublic(ctx, c); err != nil {
					return nil, err
				}
			}
			continue
		}
		if !f.Keep(a.Name) {
			continue
		}
		if err := readAccount(ctx, c, out.Flavor, &a); err != nil {
			return nil, err
		}
		out.Accounts = append(out.Accounts, a)
	}
	sort.SliceStable(out.Accounts, func(i, j int) bool {
		a, b := out.Accounts[i], out.Accounts[j]
		if a.Role != b.Role {
			return a.Role
		}
		if a.User != b.User {
			return a.User < b.User
		}
		return a.Host < b.Host
	})
	return out, nil
}

// listMariaDB reads mysql.user (a view of mysql.global_priv since 10.4) with is_role, and each
// role's first holder WITH ADMIN OPTION from mysql.roles_mapping.
func listMariaDB(ctx context.Context, c *sql.Conn) ([]Account, error) {
	rows, err := c.QueryContext(ctx, "SELECT User, Host, is_role FROM mysql.user")
	if err != nil {
		return nil, err
	}
	var out []Account
	for rows.Next() {
		var a Account
		var isRole string
		if err := rows.Scan(&a.User, &a.Host, &isRole); err != nil {
			rows.Close()
			return nil, err
		}
		a.Role = isRole == "Y"
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	admins := map[string]Name{}
	rows, err = c.QueryContext(ctx, "SELECT Role, User, Host FROM mysql.roles_mapping WHERE Admin_option = 'Y' ORDER BY Role, User = 'root' DESC, User, Host")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var role string
		var n Name
		if err := rows.Scan(&role, &n.User, &n.Host); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := admins[role]; !ok {
			admins[role] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if n, ok := admins[out[i].User]; ok && out[i].Role {
			out[i].Admin = &n
		}
	}
	return out, nil
}

// listMySQL reads mysql.user; an account is a role when it is granted to another
// (mysql.role_edges) or is someone's default role (mysql.default_roles), MySQL 8.0's own test
// in its manual ("Using Roles": roles are accounts). Default roles come from mysql.default_roles.
func listMySQL(ctx context.Context, c *sql.Conn) ([]Account, error) {
	names, err := queryNames(ctx, c, "SELECT User, Host FROM mysql.user")
	if err != nil {
		return nil, err
	}
	roles := map[Name]bool{}
	defaults := map[Name][]Name{}
	if rs, err := queryNames(ctx, c, "SELECT FROM_USER, FROM_HOST FROM mysql.role_edges"); err == nil {
		for _, r := range rs {
			roles[r] = true
		}
	}
	rows, err := c.QueryContext(ctx, "SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles ORDER BY DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST")
	if err == nil {
		for rows.Next() {
			var u, r Name
			if err := rows.Scan(&u.User, &u.Host, &r.User, &r.Host); err != nil {
				rows.Close()
				return nil, err
			}
			roles[r] = true
			defaults[u] = append(defaults[u], r)
		}
		rows.Close()
	}
	out := make([]Account, len(names))
	for i, n := range names {
		out[i] = Account{Name: n, Role: roles[n], DefaultRoles: defaults[n]}
	}
	// MySQL prints binary caching_sha2_password hashes as hex only when asked (8.0.17+).
	c.ExecContext(ctx, "SET SESSION print_identified_with_as_hex = ON")
	return out, nil
}

func queryNames(ctx context.Context, c *sql.Conn, q string) ([]Name, error) {
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Name
	for rows.Next() {
		var n Name
		if err := rows.Scan(&n.User, &n.Host); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// readAccount fills a's Create, Grants and (MariaDB) DefaultRoles.
func readAccount(ctx context.Context, c *sql.Conn, flavor replication.Flavor, a *Account) error {
	if a.Role && a.Host == "" {
		a.Create = "CREATE ROLE " + a.Name.String()
	} else {
		if err := c.QueryRowContext(ctx, "SHOW CREATE USER "+a.Name.String()).Scan(&a.Create); err != nil {
			return fmt.Errorf("account %s: SHOW CREATE USER: %w: leave it out with --exclude-users, or dump with --no-users", a.Name, err)
		}
		if flavor == replication.MySQL {
			a.Create = stripDefaultRole(a.Create)
		}
	}
	lines, err := showGrants(ctx, c, a.Name.String())
	if err != nil {
		return fmt.Errorf("account %s: %w: leave it out with --exclude-users, or dump with --no-users", a.Name, err)
	}
	a.Grants = nil
	for _, l := range lines {
		g := cleanGrant(l)
		switch {
		case g.defaultRole != nil:
			a.DefaultRoles = append(a.DefaultRoles, *g.defaultRole)
		case g.stmt != "":
			a.Grants = append(a.Grants, g.stmt)
		}
	}
	return nil
}

func readPublic(ctx context.Context, c *sql.Conn) ([]string, error) {
	lines, err := showGrants(ctx, c, "PUBLIC")
	if err != nil {
		return nil, fmt.Errorf("PUBLIC: %w", err)
	}
	var out []string
	for _, l := range lines {
		if g := cleanGrant(l); g.stmt != "" {
			out = append(out, g.stmt)
		}
	}
	return out, nil
}

func showGrants(ctx context.Context, c *sql.Conn, who string) ([]string, error) {
	rows, err := c.QueryContext(ctx, "SHOW GRANTS FOR "+who)
	if err != nil {
		return nil, fmt.Errorf("SHOW GRANTS: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("SHOW GRANTS: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
