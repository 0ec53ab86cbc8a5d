package accounts

import (
	"github.com/sluicedb/sluice/internal/sqltext"
)

// Name is an account name: a user and the host it may connect from. A MariaDB role has an
// empty Host; MySQL roles are accounts with a host like any other (usually '%').
type Name struct {
	User string `json:"user"`
	Host string `json:"host"`
}

// String returns the name as SQL: 'user'@'host', or `role` for a host-less MariaDB role.
func (n Name) String() string {
	if n.Host == "" && n.User != "" {
		return sqltext.QuoteIdent(n.User)
	}
	return sqltext.QuoteString(n.User) + "@" + sqltext.QuoteString(n.Host)
}

// Account is one account or role of the dumped server, as its SHOW statements printed it
// (MariaDB manual, "SHOW CREATE USER", "SHOW GRANTS"; MySQL 8.0 manual, same sections).
type Account struct {
	Name
	Role bool `json:"role,omitempty"` // a role (MariaDB: is_role; MySQL: found in role_edges or default_roles)

	// Create is the statement that creates the account: SHOW CREATE USER's output for a user
	// (authentication plugin and hash, TLS requirements, resource limits, password expiry and
	// lock state), "CREATE ROLE `name`" for a MariaDB role. It holds hashes only.
	Create string `json:"create"`

	// Admin is the account that holds a MariaDB role WITH ADMIN OPTION on the source (the role's
	// creator, unless changed), or nil: CREATE ROLE ... WITH ADMIN names it when it exists.
	Admin *Name `json:"admin,omitempty"`

	// Grants are the account's own grants, valid statements in SHOW GRANTS order: privileges
	// at every level, role grants and proxy grants, without the authentication, TLS and limit
	// clauses MariaDB repeats on the global GRANT line (they are in Create). A MySQL source's
	// partial revokes are kept as REVOKE statements.
	Grants []string `json:"grants"`

	// DefaultRoles are the roles active when the account logs in (MariaDB: at most one).
	DefaultRoles []Name `json:"default_roles,omitempty"`
}

// IsPublic reports whether the account is MariaDB 10.11's PUBLIC role, whose grants every
// account has.
func (a *Account) IsPublic() bool { return a.Role && a.Host == "" && a.User == "PUBLIC" }
