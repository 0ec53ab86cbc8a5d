package accounts

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/replication"
)

// Plugins with an equivalent on the other flavour (MariaDB manual, "Authentication Plugin -
// Unix Socket"; MySQL 8.0 manual, "Socket Peer-Credential Pluggable Authentication"). A plugin
// missing here has none (ed25519, gssapi, parsec; caching_sha2_password, sha256_password): an
// account using only such plugins is skipped with a warning, and its password set again by hand.
var (
	pluginToMySQL   = map[string]string{"mysql_native_password": "mysql_native_password", "unix_socket": "auth_socket"}
	pluginToMariaDB = map[string]string{"mysql_native_password": "mysql_native_password", "auth_socket": "unix_socket"}
)

// Privileges whose names differ. An empty value: the flavour has no such privilege, and the
// grant of it is dropped with a warning. Names not listed are the same on both (SELECT, ...).
// MariaDB manual, "GRANT" (its 10.5 privilege split); MySQL 8.0 manual, "Privileges Provided by
// MySQL" (dynamic privileges).
var (
	privToMySQL = map[string]string{
		"BINLOG MONITOR": "REPLICATION CLIENT", "SLAVE MONITOR": "REPLICATION CLIENT", "REPLICA MONITOR": "REPLICATION CLIENT",
		"BINLOG ADMIN": "BINLOG_ADMIN", "BINLOG REPLAY": "REPLICATION_APPLIER", "CONNECTION ADMIN": "CONNECTION_ADMIN",
		"REPLICATION SLAVE ADMIN": "REPLICATION_SLAVE_ADMIN", "SET USER": "SET_USER_ID", "SHOW CREATE ROUTINE": "SHOW_ROUTINE",
		"REPLICATION MASTER ADMIN": "", "READ_ONLY ADMIN": "", "FEDERATED ADMIN": "", "DELETE HISTORY": "",
	}
	privToMariaDB = map[string]string{
		"BINLOG_ADMIN": "BINLOG ADMIN", "CONNECTION_ADMIN": "CONNECTION ADMIN", "REPLICATION_SLAVE_ADMIN": "REPLICATION SLAVE ADMIN",
		"SET_USER_ID": "SET USER", "SET_ANY_DEFINER": "SET USER", "REPLICATION_APPLIER": "BINLOG REPLAY",
		"CREATE ROLE": "", "DROP ROLE": "",
	}
)

// translation is an account made ready for a target: the statements to run and what had to be
// changed or dropped on the way.
type translation struct {
	Account           // Name, Create, Grants and DefaultRoles for the target
	warnings []string // what was dropped or could not be translated, one sentence each
	skip     bool     // the account cannot exist on the target: warnings say why
}

// translate makes a for a target of flavour to from a source of flavour from. The same
// flavour keeps every statement as the source printed it; across flavours the CREATE USER is
// parsed and written again, grants are renamed privilege by privilege, and roles change
// between MariaDB's host-less names and MySQL's 'role'@'%'. roles holds the source's roles.
func translate(a Account, from, to replication.Flavor, roles map[Name]bool) translation {
	if from == to {
		return translation{Account: a}
	}
	t := translation{Account: a}
	t.Grants, t.DefaultRoles = nil, nil
	toMySQL := to == replication.MySQL
	warn := func(format string, args ...any) {
		t.warnings = append(t.warnings, fmt.Sprintf("%s %s: ", kindOf(a), a.Name)+fmt.Sprintf(format, args...))
	}
	// roleName is a role's name on the target; false when MariaDB cannot name it (a MySQL
	// role with a host other than '%').
	roleName := func(n Name) (Name, bool) {
		switch {
		case toMySQL:
			return mysqlName(n), true
		case n.Host == "%":
			return Name{n.User, ""}, true
		}
		return n, n.Host == ""
	}
	if a.Role {
		n, ok := roleName(a.Name)
		if !ok {
			warn("MariaDB roles have no host: skipped (create it as a role named %s and grant it again)", a.User)
			t.skip = true
			return t
		}
		t.Name, t.Admin = n, nil
		t.Create = "CREATE ROLE " + n.String()
	} else {
		d, err := parseCreateUser(a.Create)
		if err != nil {
			warn("cannot translate its CREATE USER (%v): skipped", err)
			t.skip = true
			return t
		}
		if !translateUser(d, toMySQL, warn) {
			t.skip = true
			return t
		}
		t.Create = d.render(toMySQL)
	}
	for _, g := range a.Grants {
		if s, ok := translateGrant(g, toMySQL, roles, warn); ok {
			t.Grants = append(t.Grants, s)
		}
	}
	for _, r := range a.DefaultRoles {
		if n, ok := roleName(r); ok {
			t.DefaultRoles = append(t.DefaultRoles, n)
		} else {
			warn("default role %s has a host, which MariaDB roles lack: not set", r)
		}
	}
	if !toMySQL && len(t.DefaultRoles) > 1 {
		warn("MariaDB has one default role per account: %s kept, %d more not set", t.DefaultRoles[0], len(t.DefaultRoles)-1)
		t.DefaultRoles = t.DefaultRoles[:1]
	}
	return t
}

func kindOf(a Account) string {
	if a.Role {
		return "role"
	}
	return "account"
}

// translateUser rewrites d's plugins, limits and options for the target in place; false means
// the account cannot be created there.
func translateUser(d *userDef, toMySQL bool, warn func(string, ...any)) bool {
	plugins := pluginToMariaDB
	if toMySQL {
		plugins = pluginToMySQL
	}
	var auth []authMethod
	var dropped []string
	for _, m := range d.Auth {
		p, ok := plugins[m.Plugin]
		switch {
		case ok:
			if p != "mysql_native_password" {
				m.Auth = "" // unix_socket and auth_socket check the peer's OS user: no authentication string
			}
			auth = append(auth, authMethod{Plugin: p, Auth: m.Auth})
		case !toMySQL && m.Auth == "" && (m.Plugin == "caching_sha2_password" || m.Plugin == "sha256_password"):
			auth = append(auth, authMethod{}) // no password at all: the same on MariaDB
		default:
			dropped = append(dropped, m.Plugin)
		}
	}
	if len(auth) == 0 && len(d.Auth) > 0 {
		warn("authentication plugin %s has no equivalent on the target: skipped (create it by hand and set its password again)", strings.Join(dropped, ", "))
		return false
	}
	if toMySQL && len(auth) > 1 {
		for _, m := range auth[1:] {
			dropped = append(dropped, m.Plugin)
		}
		auth = auth[:1]
	}
	if len(dropped) > 0 {
		warn("authentication by %s dropped (no equivalent on the target), %s kept", strings.Join(dropped, ", "), auth[0].Plugin)
	}
	if len(auth) == 1 && auth[0].Plugin == "" {
		auth = nil
	}
	d.Auth = auth
	var limits []limit
	for _, l := range d.Limits {
		if toMySQL && l.Name == "MAX_STATEMENT_TIME" {
			warn("MAX_STATEMENT_TIME %s dropped: MySQL has no per-account statement time limit", l.Value)
			continue
		}
		limits = append(limits, l)
	}
	d.Limits = limits
	var opts []option
	for _, o := range d.Options {
		switch o.Key {
		case "PASSWORD EXPIRE", "ACCOUNT":
			opts = append(opts, o)
		case "PASSWORD HISTORY", "PASSWORD REUSE", "PASSWORD REQUIRE":
			if !strings.HasSuffix(strings.ToUpper(o.Text), " DEFAULT") {
				warn("%s dropped: MariaDB has no such per-account setting", o.Text)
			}
		case "FAILED_LOGIN_ATTEMPTS", "PASSWORD_LOCK_TIME":
			if !strings.HasSuffix(o.Text, " 0") {
				warn("%s dropped: MariaDB has no such per-account setting", o.Text)
			}
		default:
			warn("%s dropped: MariaDB has no such setting", o.Text)
		}
	}
	d.Options = opts
	if len(d.Default) > 0 {
		d.Default = nil // set after the grants (stripDefaultRole)
	}
	if toMySQL {
		d.Name = mysqlName(d.Name)
	}
	return true
}

// mysqlName is n on MySQL: a host-less MariaDB role name is 'name'@'%'.
func mysqlName(n Name) Name {
	if n.Host == "" {
		return Name{n.User, "%"}
	}
	return n
}

// translateGrant renames the privileges, roles and grantee of one GRANT for the target;
// false drops the statement (every privilege in it missing on the target, a partial revoke on
// MariaDB, a grant to PUBLIC on MySQL), with a warning.
func translateGrant(stmt string, toMySQL bool, roles map[Name]bool, warn func(string, ...any)) (string, bool) {
	toks := lex(stmt)
	if len(toks) > 0 && toks[0].is("REVOKE") {
		if !toMySQL {
			warn("partial revoke %q dropped: MariaDB has no partial revokes, so the account has more privileges than on the source", stmt)
			return "", false
		}
		return stmt, true
	}
	to := grantee(toks)
	if to < 0 || !toks[0].is("GRANT") {
		warn("statement %q not understood: dropped", stmt)
		return "", false
	}
	who, _, end, ok := parseAccountAt(toks, to+1)
	if !ok {
		warn("statement %q not understood: dropped", stmt)
		return "", false
	}
	if toks[to+1].is("PUBLIC") && toMySQL {
		warn("grant to PUBLIC %q dropped: MySQL has no PUBLIC role (see mandatory_roles)", stmt)
		return "", false
	}
	var b strings.Builder
	b.WriteString("GRANT ")
	rest := to
	if isRoleGrant(toks) {
		var roles []string
		for i := 1; i < to; {
			n, _, next, ok := parseAccountAt(toks, i)
			if !ok {
				i++
				continue
			}
			if toMySQL {
				n = mysqlName(n)
			} else if n.Host == "%" {
				n.Host = ""
			}
			roles = append(roles, n.String())
			i = next
		}
		b.WriteString(strings.Join(roles, ", "))
	} else {
		on := 1
		for on < to && !toks[on].is("ON") {
			on++
		}
		privs := splitPrivileges(stmt, toks[1:on])
		m := privToMariaDB
		if toMySQL {
			m = privToMySQL
		}
		var kept []string
		for _, p := range privs {
			name, cols := p[0], p[1]
			if n, ok := m[name]; ok {
				if n == "" {
					warn("privilege %s dropped: the target has no such privilege", name)
					continue
				}
				name = n
			} else if !toMySQL && strings.Contains(name, "_") && !strings.Contains(name, " ") && name != "ALL_PRIVILEGES" {
				warn("dynamic privilege %s dropped: MariaDB has no such privilege", name)
				continue
			}
			kept = append(kept, name+cols)
		}
		if len(kept) == 0 {
			return "", false
		}
		b.WriteString(strings.Join(kept, ", "))
		rest = on
	}
	b.WriteString(" ")
	b.WriteString(stmt[toks[rest].start:toks[to].end])
	// The grantee: a MariaDB role is 'role'@'%' on MySQL, a MySQL role 'role'@'%' is `role`.
	if toMySQL {
		who = mysqlName(who)
	} else if roles[who] && who.Host == "%" {
		who.Host = ""
	}
	if toks[to+1].is("PUBLIC") {
		b.WriteString(" PUBLIC")
	} else {
		b.WriteString(" " + who.String())
	}
	b.WriteString(stmt[toks[end-1].end:])
	return b.String(), true
}

// splitPrivileges splits a GRANT's privilege list into (name, column list) pairs: "SELECT
// (`a`, `b`)" is {"SELECT", " (`a`, `b`)"}. Names are upper case, words joined by one space.
func splitPrivileges(stmt string, toks []token) [][2]string {
	var out [][2]string
	var words []string
	cols := ""
	flush := func() {
		if len(words) > 0 {
			out = append(out, [2]string{strings.ToUpper(strings.Join(words, " ")), cols})
		}
		words, cols = nil, ""
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isPunct(","):
			flush()
		case t.isPunct("("):
			j := i
			for j < len(toks) && !toks[j].isPunct(")") {
				j++
			}
			end := len(stmt)
			if j < len(toks) {
				end = toks[j].end
			}
			cols = " " + stmt[t.start:end]
			i = j
		default:
			words = append(words, t.text)
		}
	}
	flush()
	return out
}
