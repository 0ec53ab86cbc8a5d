package loader

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/wire"
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
				return r.o.warn.Warn("local_infile_off", "local_infile is OFF on the server: the rows a bulk INSERT cannot take (tsv or SQL) load as INSERT statements, which is slower; SET GLOBAL local_infile = 1 to use LOAD DATA LOCAL INFILE")
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
// interrupted run) are passed over. Where a bulk INSERT can take the table (tsvBulk), the same
// transactions' lines go as its parameters instead (fillBulk), as loadSQLAsTSV sends an SQL
// file's rows, falling back the same way. Without either, with local_infile off, each
// transaction's rows go in as INSERTs (insertTSV). It returns how many of the file's rows are committed.
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
	bulk, err := r.tsvBulk(ctx, c, p)
	if err != nil {
		return committed, bulkPrepareError(ctx, name, err)
	}
	if bulk != nil {
		defer bulk.close(ctx, r, c)
		tr.conv = tsvBulkValues(len(p.t.Columns))
	}
	for done := false; !done; {
		tr.bytes, tr.rows = 0, 0
		if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		first := committed + 1
		switch {
		case bulk != nil:
			n, err := bulk.insert(ctx, r, c, tr.fillBulk, &tr.bulkRows)
			again, err := r.bulkFailed(ctx, c, p, name, err)
			if again {
				// This transaction again, and the rest of the file, by LOAD DATA (or, for a
				// refused command with local_infile off, INSERT statements).
				if err != nil {
					return committed, fmt.Errorf("%s: %w", name, err)
				}
				return r.loadTSV(ctx, w, p, name, committed)
			}
			if tr.err != nil {
				return committed, fmt.Errorf("%s: %w", name, tr.err)
			}
			if err != nil {
				return committed, fmt.Errorf("%s rows %d-%d: bulk INSERT: %w", name, first, tr.batchEnd(), err)
			}
			if n != tr.rows {
				return committed, fmt.Errorf("%s rows %d-%d: bulk INSERT loaded %d rows of %d%s", name, first, tr.batchEnd(), n, tr.rows, firstWarning(ctx, c))
			}
			r.o.Log.Debug("bulk INSERT", "table", p.String(), "file", name, "rows", n)
		case !tr.fill():
		case r.localInfile:
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
		default:
			if err := r.insertTSV(ctx, c, p, tr, name); err != nil {
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

	n        int64 // lines read from the file so far, pending included
	bulkRows       // the current transaction's lines waiting to be read; with conv, their rows' values
	pending  bool  // a line waits that the next transaction starts with: in buf, or with conv in line
	line     []byte
	conv     func(dst, line []byte) ([]byte, error) // with a bulk INSERT: appends a line's values (tsvBulkValues)
	eof      bool
	err      error

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

// fillBulk is fill for a bulk INSERT (tr.conv set): it converts the current transaction's next
// lines into their rows' values in buf (each row's end in ends), bulkPacketBytes or a little
// more at a time, and reports whether rows wait. A line that would take the transaction over
// bound waits in line for the next one.
func (tr *tsvReader) fillBulk() bool {
	if tr.off < len(tr.buf) {
		return true
	}
	tr.buf, tr.ends, tr.off = tr.buf[:0], tr.ends[:0], 0
	for len(tr.buf) < bulkPacketBytes && tr.err == nil {
		if !tr.pending {
			if tr.eof {
				break
			}
			line, err := tr.lr.next()
			if err == io.EOF {
				tr.eof = true
				break
			}
			if err != nil {
				tr.err = err
				break
			}
			tr.n++
			tr.line = line // valid until the next lr.next, which comes after it is taken
			tr.pending = true
		}
		cost := int64(len(tr.line)) + 1 + rowOverhead
		if tr.bound.full(tr.bytes, tr.rows, cost, 1) {
			break
		}
		buf, err := tr.conv(tr.buf, tr.line)
		if err != nil {
			tr.err = fmt.Errorf("line %d: %w", tr.n, err)
			break
		}
		tr.buf, tr.ends = buf, append(tr.ends, len(buf))
		tr.pending = false
		tr.bytes += cost
		tr.rows++
	}
	return len(tr.buf) > 0
}

// tsvBulkValues returns tsvReader.conv for a table of ncols columns: it splits a line (no
// newline) at tabs into exactly ncols fields, decodes each as sqltext.UnescapeTSV does (\N is NULL), without
// allocating, and appends it as a bulk INSERT parameter (wire.AppendBulkValue). Another field
// count is an error, and so is a field ending in an escaping backslash (escapesNext), whose
// line LOAD DATA would split elsewhere.
func tsvBulkValues(ncols int) func(dst, line []byte) ([]byte, error) {
	var field []byte
	return func(dst, line []byte) ([]byte, error) {
		rest := line
		for i := range ncols {
			f := rest
			j := bytes.IndexByte(rest, '\t')
			if j >= 0 {
				f, rest = rest[:j], rest[j+1:]
			}
			if (j < 0) != (i == ncols-1) {
				return dst, fmt.Errorf("%d fields, the load clause has %d", bytes.Count(line, []byte{'\t'})+1, ncols)
			}
			if escapesNext(f) {
				return dst, fmt.Errorf("field %d ends in an escaping backslash, which LOAD DATA reads as a literal tab or newline: not a tsv file sluice wrote; try --no-bulk-insert", i+1)
			}
			switch {
			case sqltext.IsTSVNull(f):
				dst = wire.AppendBulkValue(dst, nil)
			case len(f) == 0:
				dst = wire.AppendBulkValue(dst, []byte{}) // '', not NULL, even when f is nil
			case bytes.IndexByte(f, '\\') < 0:
				dst = wire.AppendBulkValue(dst, f)
			default:
				field = sqltext.AppendUnescapedTSV(field[:0], f)
				dst = wire.AppendBulkValue(dst, field)
			}
		}
		return dst, nil
	}
}

// escapesNext reports whether the TSV field f ends in an odd number of backslashes, so that
// LOAD DATA ... ESCAPED BY '\\' would read the tab or newline after it as part of the field
// (sql_load.cc, READ_INFO::read_field). sluice's encoder (sqltext.AppendTSV) escapes every
// backslash, tab and newline, so its files never hold one.
func escapesNext(f []byte) bool {
	n := 0
	for n < len(f) && f[len(f)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// batchEnd returns how many of the file's lines the transactions so far hold.
func (tr *tsvReader) batchEnd() int64 {
	if tr.pending {
		return tr.n - 1
	}
	return tr.n
}
