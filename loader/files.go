package loader

import (
	"bufio"
	"errors"
	"fmt"
	"io"

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

// readScript verifies, decrypts (o.Identities) and splits a schema file into statements.
func readScript(o *Options, meta *dumpdir.Metadata, name string) ([]string, error) {
	if err := verify(o.Dir, meta, name); err != nil {
		return nil, err
	}
	f, err := dumpdir.OpenDecrypted(o.Dir, name, dumpdir.CompressNone, o.Identities)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
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
