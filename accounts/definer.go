package accounts

import (
	"fmt"
	"strings"
)

// Definers says what a load does with the DEFINER of views, routines, triggers and events.
// The zero value keeps it (MySQL and MariaDB semantics: the object runs with its definer's
// privileges when SQL SECURITY DEFINER).
type Definers struct {
	Skip    bool  // --skip-definer: drop the clause, so the object's definer is the loading account
	Replace *Name // --definer user@host: this account instead; nil to keep the dumped one
}

// ParseDefiner parses a --definer value: user@host, each part optionally quoted with ', " or
// `; a name with no @ is a MariaDB role (or, on MySQL, user@'%'). It fails naming the value.
func ParseDefiner(s string) (Name, error) {
	user, host, hasHost, err := splitPattern(s)
	if err != nil {
		return Name{}, fmt.Errorf("--definer %q: %w", s, err)
	}
	if user == "" || hasHost && host == "" {
		return Name{}, fmt.Errorf("--definer %q: want user@host", s)
	}
	return Name{User: user, Host: host}, nil
}

// Rewrite returns stmt with its DEFINER clause dropped or replaced as d says, and the definer
// it had (ok false when stmt is not a CREATE with a DEFINER clause: then it is returned as it
// is). The clause is looked for between CREATE and the object's keyword (VIEW, PROCEDURE,
// FUNCTION, TRIGGER, EVENT), so a body is never changed.
func (d Definers) Rewrite(stmt string) (out string, definer Name, ok bool) {
	start, end, definer, ok := findDefiner(stmt)
	if !ok {
		return stmt, Name{}, false
	}
	switch {
	case d.Skip:
		return strings.TrimRight(stmt[:start], " ") + " " + strings.TrimLeft(stmt[end:], " "), definer, true
	case d.Replace != nil:
		return stmt[:start] + "DEFINER=" + d.Replace.String() + stmt[end:], definer, true
	}
	return stmt, definer, true
}

// DefinerOf returns the account named in stmt's DEFINER clause; ok is false when it has none
// or names CURRENT_USER.
func DefinerOf(stmt string) (Name, bool) {
	_, _, n, ok := findDefiner(stmt)
	return n, ok && !(n.User == "CURRENT_USER" && n.Host == "")
}

// findDefiner finds "DEFINER = account" in a CREATE statement: its byte range and the account.
func findDefiner(stmt string) (start, end int, n Name, ok bool) {
	// The clause comes within the first few hundred bytes; lex no body.
	head := stmt
	if len(head) > 2048 {
		head = head[:2048]
	}
	toks := lex(head)
	if len(toks) == 0 || !toks[0].is("CREATE") {
		return 0, 0, Name{}, false
	}
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		for _, w := range []string{"VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"} {
			if t.is(w) {
				return 0, 0, Name{}, false
			}
		}
		if !t.is("DEFINER") || i+2 >= len(toks) || !toks[i+1].isPunct("=") {
			continue
		}
		n, _, next, ok := parseAccountAt(toks, i+2)
		if !ok {
			return 0, 0, Name{}, false
		}
		// CURRENT_USER or CURRENT_USER()
		if next+1 < len(toks) && toks[next].isPunct("(") && toks[next+1].isPunct(")") {
			next += 2
		}
		return t.start, toks[next-1].end, n, true
	}
	return 0, 0, Name{}, false
}
