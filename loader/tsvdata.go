package loader

import (
	"context"
	"fmt"
	"io"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// checkLocalInfile reads the server's local_infile (MariaDB manual, "LOAD DATA INFILE": LOCAL
// needs it ON). With it, tsv files and the rows of SQL files go through LOAD DATA LOCAL INFILE;
// without it, both are loaded as INSERT statements, which is slower, and a log line says so
// (SQL rows still go by bulk INSERT where it can take them: loadSQLAsTSV).
func (r *restore) checkLocalInfile(ctx context.Context) error {
	for _, p := range r.plans {
		// A pipe's tables have no data file yet: theirs arrive while the load runs.
		if len(p.t.DataFiles) > 0 || r.o.stream != nil && p.t.Kind == dumpdir.KindTable && !p.t.Kept {
			if err := r.main.QueryRowContext(ctx, "SELECT @@GLOBAL.local_infile").Scan(&r.localInfile); err != nil {
				return fmt.Errorf("reading local_infile: %w", err)
			}
			if !r.localInfile {
				return r.o.warn.Warn("local_infile_off", "local_infile is OFF on the server: tsv files, and the SQL rows a bulk INSERT cannot take, load as INSERT statements, which is slower; SET GLOBAL local_infile = 1 to use LOAD DATA LOCAL INFILE")
			}
			return nil
		}
	}
	return nil
}

// loadTSV loads a tsv data file with LOAD DATA LOCAL INFILE, streaming the decompressed file
// through the driver's reader handler (no temporary file), with the load_clause the dump
// recorded for it, in as many transactions as r.bound needs: each LOAD DATA takes whole lines
// (rows: sluice's TSV escapes a newline inside a value as \n, so every newline ends a row) up
// to the bound, and its transaction records in the progress table how many of the file's rows
// are in, so that --resume skips exactly those. The first skip rows (committed by an
// interrupted run) are passed over. Without local_infile each transaction's rows go in as
// INSERTs (insertTSV). It returns how many of the file's rows are committed.
func (r *restore) loadTSV(ctx context.Context, w int, p *tablePlan, name string, skip int64) (committed int64, err error) {
	committed = skip
	c := r.conns[w]
	f, err := r.openData(ctx, name, p.t.Compression)
	if err != nil {
		return committed, err
	}
	defer f.Close()
	tr := &tsvReader{lr: newLineReader(f, name), bound: r.bound}
	for tr.n < skip {
		if _, err := tr.lr.next(); err == io.EOF {
			return committed, fmt.Errorf("%s: %d rows, but the progress table says %d were loaded: the dump changed since the interrupted restore", name, tr.n, skip)
		} else if err != nil {
			return committed, err
		}
		tr.n++
	}
	handler := "sluice-" + r.nonce + "-" + name
	if r.localInfile {
		mysql.RegisterReaderHandler(handler, func() io.Reader { return tr })
		defer mysql.DeregisterReaderHandler(handler)
	}
	load := "LOAD DATA LOCAL INFILE 'Reader::" + handler + "' INTO TABLE " + quoteIdent(p.t.Name) + " " + p.t.LoadClause
	for done := false; !done; {
		tr.bytes, tr.rows = 0, 0
		if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		if tr.fill() {
			first := committed + 1
			if r.localInfile {
				res, err := c.ExecContext(ctx, load)
				if tr.err != nil {
					return committed, fmt.Errorf("%s: %w", name, tr.err)
				}
				if err != nil {
					return committed, fmt.Errorf("%s rows %d-%d: LOAD DATA LOCAL INFILE: %w", name, first, tr.batchEnd(), err)
				}
				if n, _ := res.RowsAffected(); n != tr.rows {
					return committed, fmt.Errorf("%s rows %d-%d: LOAD DATA loaded %d rows of %d%s", name, first, tr.batchEnd(), n, tr.rows, firstWarning(ctx, c))
				}
			} else if err := r.insertTSV(ctx, c, p, tr, name); err != nil {
				return committed, fmt.Errorf("%s rows %d-%d: %w", name, first, tr.batchEnd(), err)
			}
		}
		if tr.err != nil {
			return committed, fmt.Errorf("%s: %w", name, tr.err)
		}
		end := tr.batchEnd()
		done = tr.eof && !tr.pending
		if err := r.recordProgress(ctx, c, name, end, done); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		committed = end
	}
	return committed, nil
}

// tsvReader gives one transaction's lines of a tsv file at a time: whole lines, newline
// included, until the next one would take the transaction over bound (at least one line).
type tsvReader struct {
	lr    *lineReader
	bound txBound

	n       int64 // lines read from the file so far, pending included
	buf     []byte
	off     int
	pending bool // buf holds a line that the next transaction starts with
	eof     bool
	err     error

	bytes, rows int64 // in the current transaction (counted bytes, see txBound)
}

// fill makes lines of the current transaction wait in buf unless it is over; it reports
// whether bytes are waiting.
func (tr *tsvReader) fill() bool {
	for {
		if tr.pending {
			cost := int64(len(tr.buf)) + rowOverhead
			if tr.bound.full(tr.bytes, tr.rows, cost, 1) {
				return false
			}
			tr.pending, tr.off = false, 0
			tr.bytes += cost
			tr.rows++
		}
		if tr.off < len(tr.buf) {
			return true
		}
		if tr.eof || tr.err != nil {
			return false
		}
		line, err := tr.lr.next()
		if err == io.EOF {
			tr.eof = true
			return false
		}
		if err != nil {
			tr.err = err
			return false
		}
		tr.n++
		tr.buf = append(append(tr.buf[:0], line...), '\n')
		tr.off = len(tr.buf)
		tr.pending = true
	}
}

// Read implements io.Reader for the driver's LOAD DATA LOCAL handler and insertTSV.
// It fills p with as many lines as fit: the driver sends one packet per Read.
func (tr *tsvReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && tr.fill() {
		c := copy(p[n:], tr.buf[tr.off:])
		tr.off += c
		n += c
	}
	if n > 0 {
		return n, nil
	}
	if tr.err != nil {
		return 0, tr.err
	}
	return 0, io.EOF
}

// batchEnd returns how many of the file's lines the transactions so far hold.
func (tr *tsvReader) batchEnd() int64 {
	if tr.pending {
		return tr.n - 1
	}
	return tr.n
}
