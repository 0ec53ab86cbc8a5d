package loader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// tsvTarget says where one tsv field goes: a column (expr empty) or, for fields the load clause
// reads into a user variable, the column its SET assignment names and the expression with the
// variable replaced by the field's literal.
type tsvTarget struct {
	column string // quoted column name
	expr   string // e.g. "UNHEX(@sluice_3)"; "" for a plain column
	v      string // the user variable in expr
}

// parseLoadClause reads the column list and SET assignments of a load clause as package dumper
// writes it: "CHARACTER SET binary " + sqltext.TSVFieldsClause + " (`a`,@v2) SET `b` = F(@v2)".
// Other clauses (mydumper's) are not understood: the error says to enable local_infile.
func parseLoadClause(clause string) ([]tsvTarget, error) {
	prefix := "CHARACTER SET binary " + sqltext.TSVFieldsClause + " ("
	rest, ok := strings.CutPrefix(clause, prefix)
	if !ok {
		return nil, errors.New("load clause not written by sluice")
	}
	var ts []tsvTarget
	vars := map[string]int{}
	for {
		var item string
		if strings.HasPrefix(rest, "`") {
			item, rest = cutIdent(rest)
			ts = append(ts, tsvTarget{column: item})
		} else {
			i := strings.IndexAny(rest, ",)")
			if i < 0 || !strings.HasPrefix(rest, "@") {
				return nil, errors.New("bad column list")
			}
			item, rest = rest[:i], rest[i:]
			vars[item] = len(ts)
			ts = append(ts, tsvTarget{v: item})
		}
		if rest == "" {
			return nil, errors.New("bad column list")
		}
		c := rest[0]
		rest = rest[1:]
		if c == ')' {
			break
		}
	}
	if rest, ok = strings.CutPrefix(rest, " SET "); ok {
		for rest != "" {
			if !strings.HasPrefix(rest, "`") {
				return nil, errors.New("bad SET clause")
			}
			var col string
			col, rest = cutIdent(rest)
			if rest, ok = strings.CutPrefix(rest, " = "); !ok {
				return nil, errors.New("bad SET clause")
			}
			end := strings.Index(rest, ", `")
			if end < 0 {
				end = len(rest)
			}
			expr := rest[:end]
			rest = strings.TrimPrefix(rest[end:], ", ")
			at := strings.Index(expr, "@")
			if at < 0 {
				return nil, errors.New("bad SET clause")
			}
			name := expr[at:]
			if j := strings.IndexAny(name, " )"); j >= 0 {
				name = name[:j]
			}
			i, ok := vars[name]
			if !ok {
				return nil, errors.New("bad SET clause")
			}
			ts[i].column, ts[i].expr = col, expr
		}
	}
	for _, t := range ts {
		if t.column == "" {
			return nil, fmt.Errorf("variable %s is not assigned", t.v)
		}
	}
	return ts, nil
}

// cutIdent splits a leading backtick-quoted identifier from s.
func cutIdent(s string) (string, string) {
	for i := 1; i < len(s); i++ {
		if s[i] == '`' {
			if i+1 < len(s) && s[i+1] == '`' {
				i++
				continue
			}
			return s[:i+1], s[i+1:]
		}
	}
	return s, ""
}

// insertTSV loads a tsv file with multi-row INSERTs of about 1 MiB, inside the caller's
// transaction: the fallback when the server has local_infile off.
func (r *restore) insertTSV(ctx context.Context, c *sql.Conn, p *tablePlan, f io.Reader, name string) error {
	ts, err := parseLoadClause(p.t.LoadClause)
	if err != nil {
		return fmt.Errorf("%s: cannot load without LOAD DATA: %w: SET GLOBAL local_infile = 1 on the server", name, err)
	}
	if _, err := c.ExecContext(ctx, "SET NAMES binary"); err != nil {
		return err
	}
	cols := make([]string, len(ts))
	for i, t := range ts {
		cols[i] = t.column
	}
	prefix := "INSERT INTO " + quoteIdent(p.t.Name) + " (" + strings.Join(cols, ",") + ") VALUES "
	var stmt, lit, field []byte
	flush := func() error {
		if len(stmt) == 0 {
			return nil
		}
		_, err := c.ExecContext(ctx, string(stmt))
		stmt = stmt[:0]
		return err
	}
	lr := newLineReader(f, name)
	for line := 1; ; line++ {
		l, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		fields := strings.Split(string(l), "\t")
		if len(fields) != len(ts) {
			return fmt.Errorf("%s line %d: %d fields, the load clause has %d", name, line, len(fields), len(ts))
		}
		if len(stmt) == 0 {
			stmt = append(stmt, prefix...)
		} else {
			stmt = append(stmt, ',')
		}
		stmt = append(stmt, '(')
		for i, t := range ts {
			if i > 0 {
				stmt = append(stmt, ',')
			}
			field = sqltext.UnescapeTSV(field, []byte(fields[i]))
			lit = lit[:0]
			if field == nil {
				lit = append(lit, "NULL"...)
			} else {
				lit = append(lit, '\'')
				lit = sqltext.AppendEscaped(lit, field)
				lit = append(lit, '\'')
			}
			if t.expr == "" {
				stmt = append(stmt, lit...)
			} else {
				stmt = append(stmt, strings.Replace(t.expr, t.v, string(lit), 1)...)
			}
		}
		stmt = append(stmt, ')')
		if len(stmt) >= 1<<20 {
			if err := flush(); err != nil {
				return fmt.Errorf("%s line %d: %w", name, line, err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
