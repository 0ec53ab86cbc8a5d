package loader

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqlscript"
	"github.com/sluicedb/sluice/internal/sqltext"
)

var quoteIdent = sqltext.QuoteIdent

// verify checks a file against the size and CRC-32C the metadata recorded for it.
func verify(dir string, meta *dumpdir.Metadata, name string) error {
	fi, ok := meta.Files[name]
	if !ok {
		return fmt.Errorf("%s: not listed in the metadata file: the dump is damaged", name)
	}
	return dumpdir.Verify(dir, fi)
}

// readScript verifies and splits a schema file into statements.
func readScript(dir string, meta *dumpdir.Metadata, name string) ([]string, error) {
	if err := verify(dir, meta, name); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	stmts, err := sqlscript.Split(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stmts, nil
}

// runScript runs a verified schema file's statements on c.
func runScript(ctx context.Context, c *sql.Conn, dir string, meta *dumpdir.Metadata, name string) error {
	stmts, err := readScript(dir, meta, name)
	if err != nil {
		return err
	}
	for i, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s statement %d: %w", name, i+1, err)
		}
	}
	return nil
}

// loadSQLData runs an SQL data file, one statement per line as package dumper writes them, on c.
// It returns the number of statements run. A file whose last line lacks its newline is truncated.
func loadSQLData(ctx context.Context, c *sql.Conn, dir, name, compression string) (int, error) {
	r, err := dumpdir.Open(dir, name, compression)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	var line []byte
	n := 0
	for {
		line = line[:0]
		for {
			part, err := br.ReadSlice('\n')
			line = append(line, part...)
			if err == nil {
				break
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err == io.EOF {
				if len(line) == 0 {
					return n, nil
				}
				return n, fmt.Errorf("%s: last statement has no line end: the file is truncated", name)
			}
			return n, fmt.Errorf("%s: %w", name, err)
		}
		stmt := line[:len(line)-1]
		if len(stmt) > 0 && stmt[len(stmt)-1] == ';' {
			stmt = stmt[:len(stmt)-1]
		}
		if len(stmt) == 0 {
			continue
		}
		if _, err := c.ExecContext(ctx, string(stmt)); err != nil {
			return n, fmt.Errorf("%s statement %d: %w", name, n+1, err)
		}
		n++
	}
}
