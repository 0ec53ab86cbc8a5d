package loader

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// tsvEncodings returns the TSV encodings of the columns the dump recorded for p's table, from
// their types on the target (the table exists by then), or nil when the dump recorded no columns
// or a column is missing there: the file is then loaded statement by statement.
func (r *restore) tsvEncodings(ctx context.Context, c *sql.Conn, p *tablePlan) ([]sqltext.TSVEncoding, error) {
	p.encOnce.Do(func() {
		if len(p.t.Columns) == 0 {
			return
		}
		rows, err := c.QueryContext(ctx, "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", p.target, p.t.Name)
		if err != nil {
			p.encErr = err
			return
		}
		defer rows.Close()
		types := map[string]string{}
		for rows.Next() {
			var n, t string
			if p.encErr = rows.Scan(&n, &t); p.encErr != nil {
				return
			}
			types[n] = t
		}
		if p.encErr = rows.Err(); p.encErr != nil {
			return
		}
		enc := make([]sqltext.TSVEncoding, len(p.t.Columns))
		for i, col := range p.t.Columns {
			t, ok := types[col]
			if !ok {
				return
			}
			enc[i] = sqltext.TSVEncodingOf(t)
		}
		p.enc = enc
	})
	return p.enc, p.encErr
}

// insertReader streams an SQL data file's INSERT statements as TSV rows (appendInsertAsTSV) to
// one LOAD DATA LOCAL statement at a time: a batch ends after maxStmts statements or maxBytes
// bytes of them, at the end of the file, or before a line that is not an INSERT (held for the
// caller to run as a statement). The first skip INSERTs of the file are passed over.
type insertReader struct {
	lr                 *lineReader
	enc                []sqltext.TSVEncoding
	skip               int64
	maxStmts, maxBytes int64

	n                  int64  // INSERT statements read from the file so far
	held               []byte // a non-INSERT line waiting to be run
	eof                bool
	err                error
	buf                []byte // converted rows not yet read
	off                int
	stmts, bytes, rows int64 // in the current batch
}

// fill converts the next INSERT into buf unless the batch is over; it reports whether rows are
// waiting.
func (ir *insertReader) fill() bool {
	for ir.off == len(ir.buf) {
		if ir.err != nil || ir.eof || ir.held != nil || ir.stmts >= ir.maxStmts || ir.bytes >= ir.maxBytes {
			return false
		}
		line, err := ir.lr.next()
		if err == io.EOF {
			ir.eof = true
			return false
		}
		if err != nil {
			ir.err = err
			return false
		}
		stmt := bytes.TrimSuffix(line, []byte(";"))
		if len(stmt) == 0 {
			continue
		}
		if !bytes.HasPrefix(stmt, []byte("INSERT ")) {
			ir.held = append([]byte(nil), stmt...)
			return false
		}
		if ir.n++; ir.n <= ir.skip {
			continue
		}
		var rows int64
		ir.buf, rows, err = appendInsertAsTSV(ir.buf[:0], stmt, ir.enc)
		if err != nil {
			ir.err = fmt.Errorf("INSERT %d: %w", ir.n, err)
			return false
		}
		ir.off = 0
		ir.stmts++
		ir.bytes += int64(len(stmt))
		ir.rows += rows
	}
	return true
}

// Read implements io.Reader for the driver's LOAD DATA LOCAL handler.
func (ir *insertReader) Read(p []byte) (int, error) {
	if !ir.fill() {
		if ir.err != nil {
			return 0, ir.err
		}
		return 0, io.EOF
	}
	n := copy(p, ir.buf[ir.off:])
	ir.off += n
	return n, nil
}

// loadSQLAsTSV loads an SQL data file as loadSQL does — the same transactions, the same
// progress records, so the same resume — but sends each transaction's rows with one LOAD DATA
// LOCAL INFILE instead of running the INSERT statements, which spares the server parsing them.
// After each LOAD DATA the affected rows must equal the rows converted, or the file fails.
// Warnings are not errors here, as with INSERT: MariaDB warns (1265) when it stores the empty
// ENUM error value ” that the source itself held. It returns how many of the file's INSERTs are
// committed.
func (r *restore) loadSQLAsTSV(ctx context.Context, c *sql.Conn, p *tablePlan, name string, skip int64, enc []sqltext.TSVEncoding) (committed int64, err error) {
	committed = skip
	f, err := r.dir.Open(ctx, name, p.t.Compression)
	if err != nil {
		return committed, err
	}
	defer f.Close()
	ir := &insertReader{lr: sqlLineReader(f, name, p.t), enc: enc, skip: skip,
		maxStmts: int64(r.o.QueriesPerTx), maxBytes: r.o.MaxTxBytes}
	handler := "sluice-" + r.nonce + "-" + name
	mysql.RegisterReaderHandler(handler, func() io.Reader { return ir })
	defer mysql.DeregisterReaderHandler(handler)
	load := "LOAD DATA LOCAL INFILE 'Reader::" + handler + "' INTO TABLE " + quoteIdent(p.t.Name) + " " +
		sqltext.TSVLoadClause(p.t.Columns, enc)
	exec := func(q string) error {
		_, err := c.ExecContext(ctx, q)
		return err
	}
	done := false
	for !done {
		ir.stmts, ir.bytes, ir.rows = 0, 0, 0
		if !ir.fill() {
			if ir.err != nil {
				return committed, fmt.Errorf("%s: %w", name, ir.err)
			}
			if ir.held != nil {
				stmt := string(ir.held)
				ir.held = nil
				if err := exec(stmt); err != nil {
					return committed, fmt.Errorf("%s: %.60s: %w", name, stmt, err)
				}
				continue
			}
		}
		if ir.eof && ir.n < skip {
			return committed, shortFileError(name, ir.n, skip)
		}
		if err := exec("BEGIN"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		if ir.off < len(ir.buf) {
			res, err := c.ExecContext(ctx, load)
			if ir.err != nil {
				return committed, fmt.Errorf("%s: %w", name, ir.err)
			}
			if err != nil {
				return committed, fmt.Errorf("%s INSERT %d: LOAD DATA LOCAL INFILE: %w", name, ir.n, err)
			}
			if n, _ := res.RowsAffected(); n != ir.rows {
				return committed, fmt.Errorf("%s INSERT %d: LOAD DATA loaded %d rows of %d", name, ir.n, n, ir.rows)
			}
		}
		done = ir.eof && ir.held == nil && ir.off == len(ir.buf)
		if err := exec(progressSQL(r.id, name, ir.n, done)); err != nil {
			return committed, fmt.Errorf("%s: recording progress in %s: %w", name, progressTable, err)
		}
		if err := exec("COMMIT"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		committed = ir.n
	}
	return committed, nil
}
