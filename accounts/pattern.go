package accounts

import (
	"fmt"
	"regexp"
	"strings"
)

// Pattern matches account names: "user@host" where each part is an SQL LIKE pattern (% any
// run of characters, _ one character, \ escapes them) and may be quoted with ', " or `; a
// missing "@host" matches every host, so "app" is every app account and a MariaDB role named
// app. The name is split at its last @ outside quotes, so 'a@b'@'%' names user a@b.
type Pattern struct {
	text       string
	user, host *regexp.Regexp // host nil: any host
}

// ParsePattern parses a --include-users / --exclude-users pattern. It fails naming the pattern
// when a quote is not closed or the user part is empty.
func ParsePattern(s string) (Pattern, error) {
	user, host, hasHost, err := splitPattern(s)
	if err != nil {
		return Pattern{}, err
	}
	if user == "" {
		return Pattern{}, fmt.Errorf("user pattern %q: want user@host (host optional; %% and _ are wildcards)", s)
	}
	p := Pattern{text: s, user: likeRegexp(user)}
	if hasHost {
		p.host = likeRegexp(host)
	}
	return p, nil
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.text }

// Match reports whether the pattern matches the account name n.
func (p Pattern) Match(n Name) bool {
	return p.user.MatchString(n.User) && (p.host == nil || p.host.MatchString(n.Host))
}

func splitPattern(s string) (user, host string, hasHost bool, err error) {
	var parts []string
	var cur strings.Builder
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0 && c == q && i+1 < len(s) && s[i+1] == q:
			cur.WriteByte(c)
			i++
		case q != 0 && c == q:
			q = 0
		case q != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"' || c == '`':
			q = c
		case c == '@':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if q != 0 {
		return "", "", false, fmt.Errorf("user pattern %q: unclosed quote", s)
	}
	parts = append(parts, cur.String())
	if len(parts) == 1 {
		return parts[0], "", false, nil
	}
	// Unquoted @ inside the user part: the host is after the last one.
	return strings.Join(parts[:len(parts)-1], "@"), parts[len(parts)-1], true, nil
}

// likeRegexp compiles an SQL LIKE pattern, case-sensitively (user names are case-sensitive;
// host names are matched as written).
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		case c == '%':
			b.WriteString("(?s:.*)")
		case c == '_':
			b.WriteString("(?s:.)")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// systemUsers are the accounts a server creates for itself, left out of a dump unless a
// --include-users pattern names them: root (any host), MariaDB 10.4+'s mariadb.sys, and MySQL
// 8's mysql.sys, mysql.session and mysql.infoschema (MySQL 8.0 manual, "Reserved Accounts";
// MariaDB manual, "mysql.global_priv"). PUBLIC is not an account: its grants are kept apart.
var systemUsers = []string{"root", "mariadb.sys", "mysql.sys", "mysql.session", "mysql.infoschema"}

// IsSystem reports whether n is one of the reserved accounts left out unless named.
func IsSystem(n Name) bool {
	for _, u := range systemUsers {
		if n.User == u {
			return true
		}
	}
	return false
}

// Filter chooses the accounts a dump includes: those some Include pattern matches (every
// non-system account when Include is empty) and no Exclude pattern matches. A system account
// is included only when an Include pattern names its user without wildcards.
type Filter struct {
	Include, Exclude []Pattern
}

// Keep reports whether the account is dumped.
func (f Filter) Keep(n Name) bool {
	if f.excluded(n) {
		return false
	}
	if len(f.Include) == 0 {
		return !IsSystem(n)
	}
	for _, p := range f.Include {
		if p.Match(n) && (!IsSystem(n) || p.namesUser(n.User)) {
			return true
		}
	}
	return false
}

// namesUser reports whether the pattern's user part is exactly user, no wildcard involved.
func (p Pattern) namesUser(user string) bool {
	u, _, _, _ := splitPattern(p.text)
	return u == user
}

// excluded reports whether an Exclude pattern matches n.
func (f Filter) excluded(n Name) bool {
	for _, p := range f.Exclude {
		if p.Match(n) {
			return true
		}
	}
	return false
}
