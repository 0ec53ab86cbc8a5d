package accounts

import "strings"

// grantLine is one line of SHOW GRANTS, classified.
type grantLine struct {
	stmt        string // the statement to run; "" when the line adds nothing (GRANT USAGE ON *.*)
	defaultRole *Name  // MariaDB's "SET DEFAULT ROLE r FOR u" line: the default role
}

// cleanGrant turns one line of SHOW GRANTS into a statement that is valid input on its own.
// MariaDB repeats the account's authentication, TLS requirement and resource limits on the
// global line (`GRANT RELOAD ON *.* TO u IDENTIFIED BY PASSWORD '*...' REQUIRE SSL WITH GRANT
// OPTION MAX_QUERIES_PER_HOUR 10`): they belong to CREATE USER, and MySQL 8 refuses them in a
// GRANT, so everything after the grantee but WITH GRANT/ADMIN OPTION is dropped. GRANT USAGE ON
// *.* grants nothing and is dropped. MariaDB's SET DEFAULT ROLE line becomes the account's
// default role, set after every grant.
func cleanGrant(line string) grantLine {
	toks := lex(line)
	if len(toks) >= 4 && toks[0].is("SET") && toks[1].is("DEFAULT") && toks[2].is("ROLE") {
		if n, _, _, ok := parseAccountAt(toks, 3); ok && !toks[3].is("NONE") {
			return grantLine{defaultRole: &n}
		}
		return grantLine{}
	}
	if len(toks) < 2 || !toks[0].is("GRANT") {
		return grantLine{stmt: line} // REVOKE (MySQL partial revokes) and anything else as it is
	}
	if len(toks) >= 6 && toks[1].is("USAGE") && toks[2].is("ON") && toks[3].isPunct("*") && toks[4].isPunct(".") && toks[5].isPunct("*") {
		return grantLine{}
	}
	to := grantee(toks)
	if to < 0 {
		return grantLine{stmt: line}
	}
	_, _, end, ok := parseAccountAt(toks, to+1)
	if !ok {
		return grantLine{stmt: line}
	}
	// A list of grantees (never in SHOW GRANTS) is left as it is.
	if end < len(toks) && toks[end].isPunct(",") {
		return grantLine{stmt: line}
	}
	out := strings.TrimSpace(line[:toks[end-1].end])
	for i := end; i+1 < len(toks); i++ {
		if (toks[i].is("GRANT") || toks[i].is("ADMIN")) && toks[i+1].is("OPTION") {
			out += " WITH " + strings.ToUpper(toks[i].text) + " OPTION"
			break
		}
	}
	return grantLine{stmt: out}
}

// grantee returns the index of the TO of a GRANT statement (outside parentheses), or -1.
func grantee(toks []token) int {
	depth := 0
	for i, t := range toks {
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case depth == 0 && t.is("TO"):
			return i
		}
	}
	return -1
}

// isRoleGrant reports whether a GRANT statement grants roles (no ON clause) rather than
// privileges.
func isRoleGrant(toks []token) bool {
	if len(toks) == 0 || !toks[0].is("GRANT") {
		return false
	}
	to := grantee(toks)
	if to < 0 {
		return false
	}
	depth := 0
	for _, t := range toks[:to] {
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case depth == 0 && t.is("ON"):
			return false
		}
	}
	return true
}
