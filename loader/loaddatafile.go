package loader

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// loadDataFile loads one of mydumper's --format LOAD_DATA or CSV data files: an .sql file whose
// SET statements run as they are and whose LOAD DATA statement names the .dat file beside it.
// The .dat file is streamed, decompressed by its suffix, through the driver's reader handler,
// and the statement keeps its own FIELDS, LINES, column list and SET clauses, so the server
// reads the file exactly as mydumper described it. CHARACTER SET binary is added when the
// statement has none: mydumper writes the rows under SET NAMES binary, so they hold each
// column's own bytes (without it the server would convert them from character_set_database).
// The file loads in one transaction that also marks it done in the progress table.
func (r *restore) loadDataFile(ctx context.Context, w int, p *tablePlan, name string) error {
	if !r.localInfile {
		return fmt.Errorf("%s: a mydumper LOAD DATA file needs local_infile ON on the target: SET GLOBAL local_infile = 1", name)
	}
	c := r.conns[w]
	stmts, err := readScript(ctx, r.dir, r.meta, name)
	if err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for i, s := range stmts {
		if !strings.HasPrefix(strings.ToUpper(s), "LOAD DATA ") {
			if _, err := c.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s statement %d: %w", name, i+1, err)
			}
			continue
		}
		handler := "sluice-" + r.nonce + "-" + name
		q, dat, err := rewriteLoadData(s, "Reader::"+handler)
		if err != nil {
			return fmt.Errorf("%s statement %d: %w", name, i+1, err)
		}
		f, err := r.dir.Open(ctx, dat, dumpdir.CompressionOf(dat))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		mysql.RegisterReaderHandler(handler, func() io.Reader { return f })
		_, err = c.ExecContext(ctx, q)
		mysql.DeregisterReaderHandler(handler)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: LOAD DATA LOCAL INFILE from %s: %w", name, dat, err)
		}
	}
	if err := r.recordProgress(ctx, c, name, 0, true); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// rewriteLoadData replaces the file of a LOAD DATA [LOCAL] INFILE 'file' statement by source
// (read LOCAL) and adds CHARACTER SET binary after INTO TABLE `t` unless the statement names a
// character set. It returns the statement and the file's base name, to be opened in the dump
// directory. Statements of another shape are an error naming what is missing.
func rewriteLoadData(stmt, source string) (q, file string, err error) {
	up := strings.ToUpper(stmt)
	i := strings.Index(up, "INFILE '")
	if i < 0 {
		return "", "", fmt.Errorf("LOAD DATA without INFILE 'file': %.80s", stmt)
	}
	start := i + len("INFILE '")
	j := strings.IndexByte(stmt[start:], '\'')
	if j < 0 {
		return "", "", fmt.Errorf("LOAD DATA with an unterminated file name: %.80s", stmt)
	}
	file = filepath.Base(stmt[start : start+j])
	rest := stmt[start+j+1:]
	if !strings.Contains(strings.ToUpper(rest), "CHARACTER SET") {
		ru := strings.ToUpper(rest)
		k := strings.Index(ru, "INTO TABLE ")
		if k < 0 {
			return "", "", fmt.Errorf("LOAD DATA without INTO TABLE: %.80s", stmt)
		}
		k += len("INTO TABLE ")
		end := identEnd(rest[k:])
		if end < 0 {
			return "", "", fmt.Errorf("LOAD DATA with a bad table name: %.80s", stmt)
		}
		rest = rest[:k+end] + " CHARACTER SET binary" + rest[k+end:]
	}
	return "LOAD DATA LOCAL INFILE " + sqltext.QuoteString(source) + rest, file, nil
}

// identEnd returns the length of the (possibly db-qualified, backquoted) table name at the start
// of s, or -1.
func identEnd(s string) int {
	n := 0
	for {
		if strings.HasPrefix(s[n:], "`") {
			k := n + 1
			for {
				e := strings.IndexByte(s[k:], '`')
				if e < 0 {
					return -1
				}
				k += e + 1
				if !strings.HasPrefix(s[k:], "`") {
					break
				}
				k++
			}
			n = k
		} else {
			k := strings.IndexAny(s[n:], " .\n\t(")
			if k < 0 {
				return len(s)
			}
			if k == 0 {
				return -1
			}
			n += k
		}
		if !strings.HasPrefix(s[n:], ".") {
			return n
		}
		n++
	}
}
