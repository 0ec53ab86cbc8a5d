package loader

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

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
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{name: name, br: bufio.NewReaderSize(r, 1<<20)}
}

// next returns the next line (valid until the following call), or io.EOF after the last.
func (l *lineReader) next() ([]byte, error) {
	l.line = l.line[:0]
	for {
		part, err := l.br.ReadSlice('\n')
		l.line = append(l.line, part...)
		switch {
		case err == nil:
			return l.line[:len(l.line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF && len(l.line) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, fmt.Errorf("%s: last line has no line end: the file is truncated", l.name)
		default:
			return nil, fmt.Errorf("%s: %w", l.name, err)
		}
	}
}
