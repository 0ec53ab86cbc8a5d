package loader

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqlscript"
	"github.com/sluicedb/sluice/internal/sqltext"
)

var quoteIdent = sqltext.QuoteIdent

// verify checks a file against the size and CRC-32C the metadata recorded for it.
func verify(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, name string) error {
	fi, ok := meta.Files[name]
	if !ok {
		return fmt.Errorf("%s: not listed in the metadata file: the dump is damaged", name)
	}
	return dir.Verify(ctx, fi)
}

// readScript reads a schema file, checks it against the metadata's size and CRC-32C, and splits
// it into statements.
func readScript(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, name string) ([]string, error) {
	fi, ok := meta.Files[name]
	if !ok {
		return nil, fmt.Errorf("%s: not listed in the metadata file: the dump is damaged", name)
	}
	b, err := dir.ReadVerified(ctx, fi)
	if err != nil {
		return nil, err
	}
	stmts, err := sqlscript.Split(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stmts, nil
}

// lineReader returns a file's lines one by one, without the newline. A file whose last line
// lacks its newline is truncated: the error says so.
type lineReader struct {
	name string
	br   *bufio.Reader
	line []byte
	// insertLines is how many newlines an INSERT statement of this file holds: package dumper
	// writes one statement per line and escapes every newline in values, but a table or column
	// name with a newline in it is written as it is (a quoted identifier has no escapes), so
	// each INSERT spans that many more lines, and next joins them (sqlLineReader).
	insertLines int
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{name: name, br: bufio.NewReaderSize(r, 1<<20)}
}

// sqlLineReader is a lineReader for an SQL data file of table t, whose lines are statements.
func sqlLineReader(r io.Reader, name string, t *dumpdir.Table) *lineReader {
	lr := newLineReader(r, name)
	lr.insertLines = strings.Count(t.Name, "\n")
	for _, c := range t.Columns {
		lr.insertLines += strings.Count(c, "\n")
	}
	return lr
}

// next returns the next line (valid until the following call), or io.EOF after the last. With
// insertLines, an INSERT line is returned with the insertLines lines after it, newlines kept.
func (l *lineReader) next() ([]byte, error) {
	l.line = l.line[:0]
	if err := l.appendLine(); err != nil {
		return nil, err
	}
	if l.insertLines > 0 && bytes.HasPrefix(l.line, []byte("INSERT ")) {
		for range l.insertLines {
			l.line = append(l.line, '\n')
			if err := l.appendLine(); err == io.EOF {
				return nil, fmt.Errorf("%s: ends inside an INSERT statement: the file is truncated", l.name)
			} else if err != nil {
				return nil, err
			}
		}
	}
	return l.line, nil
}

// appendLine appends the next line, without its newline, to l.line.
func (l *lineReader) appendLine() error {
	start := len(l.line)
	for {
		part, err := l.br.ReadSlice('\n')
		l.line = append(l.line, part...)
		switch {
		case err == nil:
			l.line = l.line[:len(l.line)-1]
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF && len(l.line) == start:
			return io.EOF
		case err == io.EOF:
			return fmt.Errorf("%s: last line has no line end: the file is truncated", l.name)
		default:
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
}
