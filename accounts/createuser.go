package accounts

import (
	"fmt"
	"strings"
)

// authMethod is one authentication method of a CREATE USER: a plugin and what it checks.
type authMethod struct {
	Plugin string // plugin name, lower case: mysql_native_password for IDENTIFIED BY PASSWORD
	Auth   string // the hash or authentication string as written (a quoted string or 0x...); "" for none
}

// limit is one resource limit of WITH: MAX_QUERIES_PER_HOUR 10.
type limit struct{ Name, Value string }

// option is one trailing clause of CREATE USER, its words as written ("PASSWORD EXPIRE
// INTERVAL 30 DAY", "ACCOUNT LOCK", "PASSWORD HISTORY DEFAULT", "COMMENT 'text'").
type option struct {
	Key  string // the clause's leading keywords, upper case: "PASSWORD EXPIRE", "ACCOUNT", "PASSWORD HISTORY"...
	Text string
}

// userDef is a parsed CREATE USER statement as SHOW CREATE USER prints it on MariaDB 10.4+ or
// MySQL 8 (MariaDB manual, "CREATE USER"; MySQL 8.0 manual, "CREATE USER Statement").
type userDef struct {
	Name    Name
	Auth    []authMethod
	Require string // "REQUIRE SSL", "REQUIRE ISSUER '...' AND SUBJECT '...'"; "" for none
	Limits  []limit
	Options []option
	Default []Name // MySQL's DEFAULT ROLE clause
}

// parseCreateUser parses a CREATE USER statement. It fails naming the first token it does not
// know, so that a statement it cannot translate is never half-translated.
func parseCreateUser(stmt string) (*userDef, error) {
	toks := lex(strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
	p := &ddlParser{toks: toks}
	if !p.word("CREATE") || !p.word("USER") {
		return nil, fmt.Errorf("not a CREATE USER statement")
	}
	if p.peek("IF") {
		p.i += 3 // IF NOT EXISTS
	}
	n, _, next, ok := parseAccountAt(toks, p.i)
	if !ok {
		return nil, fmt.Errorf("CREATE USER: no account name")
	}
	d := &userDef{Name: n}
	p.i = next
	for p.i < len(toks) {
		start := p.i
		switch {
		case p.word("IDENTIFIED"):
			if err := p.auth(d); err != nil {
				return nil, err
			}
		case p.word("REQUIRE"):
			for p.i < len(toks) && !p.clauseStart() {
				p.i++
			}
			d.Require = p.text(start)
		case p.word("WITH"):
			for p.i+1 < len(toks) && strings.HasPrefix(strings.ToUpper(toks[p.i].text), "MAX_") {
				d.Limits = append(d.Limits, limit{strings.ToUpper(toks[p.i].text), toks[p.i+1].text})
				p.i += 2
			}
		case p.word("PASSWORD"):
			key := "PASSWORD " + strings.ToUpper(p.next())
			switch key {
			case "PASSWORD EXPIRE":
				if p.peek("INTERVAL") {
					p.i += 3
				} else if p.peek("DEFAULT") || p.peek("NEVER") {
					p.i++
				}
			case "PASSWORD HISTORY":
				p.i++
			case "PASSWORD REUSE":
				p.i++ // INTERVAL
				if !p.word("DEFAULT") {
					p.i += 2 // n DAY
				}
			case "PASSWORD REQUIRE":
				p.i++ // CURRENT
				if p.peek("DEFAULT") || p.peek("OPTIONAL") {
					p.i++
				}
			default:
				return nil, fmt.Errorf("CREATE USER %s: unknown clause %s", n, key)
			}
			d.Options = append(d.Options, option{key, p.text(start)})
		case p.word("ACCOUNT"), p.word("FAILED_LOGIN_ATTEMPTS"), p.word("PASSWORD_LOCK_TIME"), p.word("COMMENT"), p.word("ATTRIBUTE"):
			p.i++
			d.Options = append(d.Options, option{strings.ToUpper(toks[start].text), p.text(start)})
		case p.word("DEFAULT"):
			p.i++ // ROLE
			for {
				r, _, next, ok := parseAccountAt(toks, p.i)
				if !ok {
					break
				}
				d.Default = append(d.Default, r)
				p.i = next
				if !p.punct(",") {
					break
				}
			}
		default:
			return nil, fmt.Errorf("CREATE USER %s: unknown clause at %q", n, toks[start].text)
		}
	}
	return d, nil
}

// auth parses what follows IDENTIFIED.
func (p *ddlParser) auth(d *userDef) error {
	if p.word("BY") {
		if p.word("PASSWORD") {
			d.Auth = append(d.Auth, authMethod{Plugin: "mysql_native_password", Auth: p.next()})
			return nil
		}
		return fmt.Errorf("CREATE USER %s: a clear-text password: refused", d.Name)
	}
	if !p.word("VIA") && !p.word("WITH") {
		return fmt.Errorf("CREATE USER %s: IDENTIFIED %s: want BY, VIA or WITH", d.Name, p.next())
	}
	for {
		m := authMethod{Plugin: strings.ToLower(unquote(p.next()))}
		switch {
		case p.word("USING"), p.word("AS"):
			if p.word("PASSWORD") { // USING PASSWORD('clear') never comes from SHOW
				return fmt.Errorf("CREATE USER %s: a clear-text password: refused", d.Name)
			}
			m.Auth = p.next()
		case p.peek("BY"):
			return fmt.Errorf("CREATE USER %s: a clear-text password: refused", d.Name)
		}
		d.Auth = append(d.Auth, m)
		if !p.word("OR") && !(p.word("AND") && p.word("IDENTIFIED") && (p.word("WITH") || p.word("VIA"))) {
			return nil
		}
	}
}

// render writes d as a CREATE USER statement for flavour mysql (true) or MariaDB (false).
func (d *userDef) render(mysql bool) string {
	var b strings.Builder
	b.WriteString("CREATE USER " + d.Name.String())
	switch {
	case len(d.Auth) == 0:
	case mysql:
		m := d.Auth[0]
		b.WriteString(" IDENTIFIED WITH '" + m.Plugin + "'")
		if m.Auth != "" {
			b.WriteString(" AS " + m.Auth)
		}
	case len(d.Auth) == 1 && d.Auth[0].Plugin == "mysql_native_password" && d.Auth[0].Auth != "":
		b.WriteString(" IDENTIFIED BY PASSWORD " + d.Auth[0].Auth)
	default:
		for i, m := range d.Auth {
			if i == 0 {
				b.WriteString(" IDENTIFIED VIA ")
			} else {
				b.WriteString(" OR ")
			}
			b.WriteString(m.Plugin)
			if m.Auth != "" {
				b.WriteString(" USING " + m.Auth)
			}
		}
	}
	if d.Require != "" {
		b.WriteString(" " + d.Require)
	}
	if len(d.Limits) > 0 {
		b.WriteString(" WITH")
		for _, l := range d.Limits {
			b.WriteString(" " + l.Name + " " + l.Value)
		}
	}
	for _, o := range d.Options {
		b.WriteString(" " + o.Text)
	}
	return b.String()
}

// stripDefaultRole removes MySQL's DEFAULT ROLE clause from SHOW CREATE USER's output: the
// roles may not exist yet when the account is created, so default roles are set last. A
// statement it cannot parse is returned as it is.
func stripDefaultRole(stmt string) string {
	toks := lex(stmt)
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].is("DEFAULT") || !toks[i+1].is("ROLE") || (i > 0 && (toks[i-1].is("EXPIRE") || toks[i-1].is("HISTORY"))) {
			continue
		}
		j := i + 2
		for {
			_, _, next, ok := parseAccountAt(toks, j)
			if !ok {
				break
			}
			j = next
			if j >= len(toks) || !toks[j].isPunct(",") {
				break
			}
			j++
		}
		end := len(stmt)
		if j < len(toks) {
			end = toks[j].start
		}
		return strings.TrimSpace(stmt[:toks[i].start] + stmt[end:])
	}
	return stmt
}

// ddlParser walks the tokens of one statement.
type ddlParser struct {
	toks []token
	i    int
}

func (p *ddlParser) peek(w string) bool { return p.i < len(p.toks) && p.toks[p.i].is(w) }

// word consumes the keyword w if it is next.
func (p *ddlParser) word(w string) bool {
	if p.peek(w) {
		p.i++
		return true
	}
	return false
}

func (p *ddlParser) punct(s string) bool {
	if p.i < len(p.toks) && p.toks[p.i].isPunct(s) {
		p.i++
		return true
	}
	return false
}

// next consumes and returns the next token's text, "" at the end.
func (p *ddlParser) next() string {
	if p.i >= len(p.toks) {
		return ""
	}
	p.i++
	return p.toks[p.i-1].text
}

// text returns the tokens from start up to the current one, joined by single spaces.
func (p *ddlParser) text(start int) string {
	parts := make([]string, 0, p.i-start)
	for _, t := range p.toks[start:min(p.i, len(p.toks))] {
		parts = append(parts, t.text)
	}
	return strings.Join(parts, " ")
}

// clauseStart reports whether the next token starts a CREATE USER clause after REQUIRE.
func (p *ddlParser) clauseStart() bool {
	for _, w := range []string{"WITH", "PASSWORD", "ACCOUNT", "DEFAULT", "FAILED_LOGIN_ATTEMPTS", "PASSWORD_LOCK_TIME", "COMMENT", "ATTRIBUTE", "IDENTIFIED"} {
		if p.peek(w) {
			return true
		}
	}
	return false
}

// unquote returns a plugin name without its quotes ('auth_socket' or auth_socket).
func unquote(s string) string {
	if t := lex(s); len(t) == 1 {
		return t[0].value()
	}
	return s
}
