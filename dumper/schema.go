package dumper

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/rowmap"
	"github.com/sluicedb/sluice/internal/sqlscript"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// Schema files are written in the form myloader (0.10 to 1.0) and sluice load read: a statement
// ends at a line that ends with ";", with no client-side DELIMITER. Every statement goes through
// sqlscript.EncodeBody (stmt), so that a routine's, trigger's or event's own ";\n" becomes
// "; \n" as mydumper writes it, reversibly: sluice load decodes it back to the exact text
// (metadata StatementsEncoded), myloader runs it with the extra space. They are read with SET
// NAMES utf8mb4.
const schemaHeader = "/*!40101 SET NAMES utf8mb4*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n"

// stmt returns one schema statement as a schema file holds it: encoded, then ";" and a newline.
func stmt(s string) string { return sqlscript.EncodeBody(s) + ";\n" }

// schemaWriter reads definitions on its own utf8mb4 connection and writes schema files.
type schemaWriter struct {
	conn  *sql.Conn
	dir   *dumpdir.Dir
	files map[string]dumpdir.FileInfo
	names *fileNamer // turns each file's mydumper name into the dump's (see fileNamer)
	// trigs holds, per database read so far, each table's trigger names in SHOW TRIGGERS
	// order (which is their firing order).
	trigs map[string]map[string][]string
	used  string // the connection's default database, for SHOW CREATE VIEW
}

// use makes db the connection's default database, so that SHOW CREATE VIEW names the view and
// the tables of its own database unqualified, as mydumper's view files do: the file then
// creates the view in whatever database it is loaded into (sluice load -B, myloader -B).
func (s *schemaWriter) use(ctx context.Context, db string) error {
	if s.used == db {
		return nil
	}
	s.used = ""
	if _, err := s.conn.ExecContext(ctx, "USE "+sqltext.QuoteIdent(db)); err != nil {
		return err
	}
	s.used = db
	return nil
}

func (s *schemaWriter) write(ctx context.Context, name string, body string) (string, error) {
	name = s.names.name(name, "sql")
	fi, err := s.dir.WriteFile(ctx, name, []byte(body))
	if err != nil {
		return "", err
	}
	s.files[name] = fi
	return name, nil
}

// showCreate runs a SHOW CREATE statement and returns the row (column name -> value).
func (s *schemaWriter) showCreate(ctx context.Context, what string) (map[string]string, error) {
	rows, err := rowmap.Query(ctx, s.conn, "SHOW CREATE "+what)
	if err != nil {
		return nil, err
	}
	if len(rows) != 1 {
		return nil, fmt.Errorf("SHOW CREATE %s: %d rows", what, len(rows))
	}
	return rows[0], nil
}

// sessionFor returns the SET statements that restore the session an object was created in:
// its sql_mode and character set variables, as mysqldump writes them.
func sessionFor(r map[string]string) string {
	var b strings.Builder
	if cs := r["character_set_client"]; cs != "" {
		fmt.Fprintf(&b, "SET character_set_client = %s;\nSET character_set_results = %s;\nSET collation_connection = %s;\n",
			cs, cs, r["collation_connection"])
	}
	if _, ok := r["sql_mode"]; ok {
		fmt.Fprintf(&b, "SET SESSION sql_mode = %s;\n", sqltext.QuoteString(r["sql_mode"]))
	}
	if tz := r["time_zone"]; tz != "" {
		fmt.Fprintf(&b, "SET SESSION time_zone = %s;\n", sqltext.QuoteString(tz))
	}
	return b.String()
}

func (s *schemaWriter) database(ctx context.Context, db string) (string, error) {
	r, err := s.showCreate(ctx, "DATABASE "+sqltext.QuoteIdent(db))
	if err != nil {
		return "", fmt.Errorf("database %s: %w", db, err)
	}
	return s.write(ctx, dumpdir.DatabaseSchemaFile(db), schemaHeader+stmt(r["Create Database"]))
}

func (s *schemaWriter) table(ctx context.Context, t *table) (string, error) {
	q := sqltext.QualifiedName(t.DB, t.Name)
	switch t.Kind {
	case dumpdir.KindView:
		if err := s.use(ctx, t.DB); err != nil {
			return "", fmt.Errorf("view %s: %w", t, err)
		}
		r, err := s.showCreate(ctx, "VIEW "+sqltext.QuoteIdent(t.Name))
		if err != nil {
			return "", fmt.Errorf("view %s: %w", t, err)
		}
		return s.write(ctx, dumpdir.ViewSchemaFile(t.DB, t.Name), schemaHeader+sessionFor(r)+stmt(r["Create View"]))
	case dumpdir.KindSequence:
		r, err := s.showCreate(ctx, "SEQUENCE "+q)
		if err != nil {
			return "", fmt.Errorf("sequence %s: %w", t, err)
		}
		var next string
		if err := s.conn.QueryRowContext(ctx, "SELECT next_not_cached_value FROM "+q).Scan(&next); err != nil {
			return "", fmt.Errorf("sequence %s: %w", t, err)
		}
		body := schemaHeader + stmt(r["Create Table"]) + "DO SETVAL(" + sqltext.QuoteIdent(t.Name) + ", " + next + ", 0);\n"
		return s.write(ctx, dumpdir.SequenceSchemaFile(t.DB, t.Name), body)
	}
	r, err := s.showCreate(ctx, "TABLE "+q)
	if err != nil {
		return "", fmt.Errorf("table %s: %w", t, err)
	}
	return s.write(ctx, dumpdir.TableSchemaFile(t.DB, t.Name), schemaHeader+stmt(r["Create Table"]))
}

// triggers writes the table's triggers file, or returns "" when it has none.
// SHOW TRIGGERS is run once per database: it reads every table's triggers whatever its WHERE
// clause, so once per table would cost a database of N tables N² reads.
func (s *schemaWriter) triggers(ctx context.Context, t *table) (string, error) {
	byTable, ok := s.trigs[t.DB]
	if !ok {
		rows, err := rowmap.Query(ctx, s.conn, "SHOW TRIGGERS FROM "+sqltext.QuoteIdent(t.DB))
		if err != nil {
			return "", fmt.Errorf("%s: triggers: %w", t, err)
		}
		byTable = map[string][]string{}
		for _, r := range rows {
			byTable[r["Table"]] = append(byTable[r["Table"]], r["Trigger"])
		}
		if s.trigs == nil {
			s.trigs = map[string]map[string][]string{}
		}
		s.trigs[t.DB] = byTable
	}
	names := byTable[t.Name]
	if len(names) == 0 {
		return "", nil
	}
	var b strings.Builder
	b.WriteString(schemaHeader)
	for _, name := range names {
		r, err := s.showCreate(ctx, "TRIGGER "+sqltext.QualifiedName(t.DB, name))
		if err != nil {
			return "", fmt.Errorf("%s: trigger %s: %w", t, name, err)
		}
		b.WriteString(sessionFor(r))
		b.WriteString(stmt(r["SQL Original Statement"]))
	}
	return s.write(ctx, dumpdir.TriggersFile(t.DB, t.Name), b.String())
}

// post writes the database's routines and events file, or returns "" when it has none.
func (s *schemaWriter) post(ctx context.Context, db string, o *Options) (string, error) {
	var b strings.Builder
	n := 0
	add := func(kind, list, createCol string) error {
		rows, err := rowmap.Query(ctx, s.conn, list+" WHERE Db = ?", db)
		if err != nil {
			return fmt.Errorf("database %s: %w", db, err)
		}
		for _, x := range rows {
			r, err := s.showCreate(ctx, kind+" "+sqltext.QualifiedName(db, x["Name"]))
			if err != nil {
				return fmt.Errorf("%s %s.%s: %w", strings.ToLower(kind), db, x["Name"], err)
			}
			b.WriteString(sessionFor(r))
			b.WriteString(stmt(r[createCol]))
			n++
		}
		return nil
	}
	if !o.NoRoutines {
		if err := add("PROCEDURE", "SHOW PROCEDURE STATUS", "Create Procedure"); err != nil {
			return "", err
		}
		if err := add("FUNCTION", "SHOW FUNCTION STATUS", "Create Function"); err != nil {
			return "", err
		}
	}
	if !o.NoEvents {
		if err := add("EVENT", "SHOW EVENTS FROM "+sqltext.QuoteIdent(db), "Create Event"); err != nil {
			return "", err
		}
	}
	if n == 0 {
		return "", nil
	}
	return s.write(ctx, dumpdir.DatabasePostFile(db), schemaHeader+b.String())
}
