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

// verify checks a file against the size and CRC-32C the metadata recorded for it. A mydumper
// dump records none: Run says so once, and files are used unverified.
func verify(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, name string) error {
	if !meta.Checksums {
		return nil
	}
	fi, ok := meta.Files[name]
	if !ok {
		return fmt.Errorf("%s: not listed in the metadata file: the dump is damaged", name)
	}
	return dir.Verify(ctx, fi)
}

// onePassBudget bounds the memory the workers of a load from an object store hold in data
// files read whole (onePass): a worker reads a data object of at most onePassBudget/threads
// bytes (and at least 8 MiB) with one GET.
const onePassBudget = 96 << 20

// onePass reports whether the data file name is read once, whole, and checked as it is opened
// (dumpdir.Dir.OpenVerified) rather than checked by verifyFiles and read again to be loaded:
// for an object store, where a second read is a second download, and a file small enough to
// hold in memory (onePassBudget); never without metadata. Its size is still checked before the restore begins; a
// corrupt one is refused before any of its rows is sent, but after the files loaded before it.
func onePass(dir *dumpdir.Dir, o *Options, meta *dumpdir.Metadata, name string) bool {
	if meta == nil || !meta.Checksums || dir.LocalPath() != "" {
		return false
	}
	fi, ok := meta.Files[name]
	return ok && fi.Size <= max(8<<20, onePassBudget/int64(max(o.Threads, 1)))
}

// openData opens the data file name to be loaded: read whole and checked as it is
// opened when onePass says so, else streamed (verifyFiles checked it before the restore began).
func (r *restore) openData(ctx context.Context, name, compression string) (*dumpdir.Reader, error) {
	if onePass(r.dir, r.o, r.meta, name) {
		return r.dir.OpenVerified(ctx, r.meta.Files[name], compression)
	}
	return r.dir.Open(ctx, name, compression)
}

// readScript verifies, decompresses (by the name's suffix: mydumper compresses schema files too)
// and splits a schema file into statements, the way the dump's producer wrote them
// (dumpdir.Metadata.Statements): DELIMITER-aware for sluice format_version 1, one statement per
// ";"-ended line block for mydumper's dumps, and the same decoded with sqlscript.DecodeBody for
// sluice's format_version 2.
func readScript(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, name string) ([]string, error) {
	if err := verify(ctx, dir, meta, name); err != nil {
		return nil, err
	}
	f, err := dir.Open(ctx, name, dumpdir.CompressionOf(name))
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if meta.Statements == dumpdir.StatementsMydumper || meta.Statements == dumpdir.StatementsEncoded {
		stmts := sqlscript.SplitLines(string(b))
		for i, s := range stmts {
			if meta.Statements == dumpdir.StatementsEncoded {
				stmts[i] = sqlscript.DecodeBody(s)
			}
			// A statement that ends inside a quote or comment is a damaged file: say so
			// rather than send the server a statement cut in two.
			if _, err := sqlscript.Split(stmts[i]); err != nil {
				return nil, fmt.Errorf("%s statement %d: %w", name, i+1, err)
			}
		}
		return stmts, nil
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

// stmtReader returns a data file's statements one by one: the lines up to one that ends with
// ";" (myloader's rule), joined by newlines, without that ";". Package dumper writes one
// statement per line; mydumper writes a multi-row INSERT over several lines (one row each).
type stmtReader struct {
	lr  *lineReader
	buf []byte
}

func newStmtReader(r io.Reader, name string) *stmtReader {
	return &stmtReader{lr: newLineReader(r, name)}
}

// next returns the next statement (valid until the following call), or io.EOF after the last.
// A file that ends inside a statement is truncated: the error says so.
func (s *stmtReader) next() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		line, err := s.lr.next()
		if err == io.EOF {
			if len(bytes.TrimSpace(s.buf)) > 0 {
				return nil, fmt.Errorf("%s: the last statement has no ';': the file is truncated", s.lr.name)
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		end := bytes.HasSuffix(line, []byte(";"))
		if end && len(s.buf) == 0 {
			return line[:len(line)-1], nil
		}
		if len(s.buf) > 0 {
			s.buf = append(s.buf, '\n')
		}
		s.buf = append(s.buf, line...)
		if end {
			return s.buf[:len(s.buf)-1], nil
		}
	}
}

// sqlStatements returns the reader of an SQL data file's statements, without their final ";":
// for sluice's dumps one per line (sqlLineReader, which knows how many lines an INSERT spans
// when names hold newlines), for mydumper's as many lines as end with the one ending in ";"
// (stmtReader).
func sqlStatements(r io.Reader, name string, t *dumpdir.Table, meta *dumpdir.Metadata) func() ([]byte, error) {
	if meta != nil && meta.Producer == dumpdir.ProducerMydumper {
		return newStmtReader(r, name).next
	}
	lr := sqlLineReader(r, name, t)
	return func() ([]byte, error) {
		line, err := lr.next()
		return bytes.TrimSuffix(line, []byte(";")), err
	}
}
