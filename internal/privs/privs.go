package privs

import (
	"context"
	"database/sql"
)

// grantee is the current user as information_schema's GRANTEE column spells it: 'user'@'host'.
const grantee = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"

// Read returns the current user's privileges: global ones by name ("RELOAD", "SELECT") and
// database-level ones as "PRIVILEGE db" ("SELECT shop"), from information_schema's
// USER_PRIVILEGES and SCHEMA_PRIVILEGES (MariaDB manual, "Information Schema USER_PRIVILEGES
// Table"). Privileges held through an active role are not listed there, so with a role set
// (CURRENT_ROLE() not NULL) it returns nil: unknown, not none. Wildcard database grants are
// taken as their literal names.
func Read(ctx context.Context, c *sql.Conn) (map[string]bool, error) {
	var role sql.NullString
	if err := c.QueryRowContext(ctx, "SELECT CURRENT_ROLE()").Scan(&role); err == nil && role.Valid && role.String != "NONE" {
		return nil, nil
	}
	out := map[string]bool{}
	rows, err := c.QueryContext(ctx, "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = "+grantee)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, err
		}
		out[p] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.QueryContext(ctx, "SELECT PRIVILEGE_TYPE, TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = "+grantee)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, db string
		if err := rows.Scan(&p, &db); err != nil {
			return nil, err
		}
		out[p+" "+db] = true
	}
	return out, rows.Err()
}

// Has reports whether privs (from Read) grant priv globally or on db; a nil privs (unknown)
// grants everything.
func Has(privs map[string]bool, priv, db string) bool {
	return privs == nil || privs[priv] || privs["ALL PRIVILEGES"] || (db != "" && privs[priv+" "+db])
}
