package loader

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/wire"
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
		bulk := true
		for i, col := range p.t.Columns {
			t, ok := types[col]
			if !ok {
				return
			}
			enc[i] = sqltext.TSVEncodingOf(t)
			bulk = bulk && bulkType(t)
		}
		// A non-transactional table keeps the rows of a bulk batch its fallback rolls back
		// (bulkFailed): LOAD DATA, whose batch is one statement, is its only path.
		p.enc, p.bulk = enc, bulk && !nonTransactional(p)
	})
	return p.enc, p.encErr
}

// insertReader streams an SQL data file's INSERT statements as TSV rows (appendInsertAsTSV) to
// one LOAD DATA LOCAL statement at a time, or with bulk as the rows' values for bulk INSERT
// commands (sqltext.AppendInsertValues, each row's end in ends): a batch ends after maxStmts statements, before a
// statement that would take it over bound, at the end of the file, or before a line that is
// not an INSERT (held for the caller to run as a statement). The first skip INSERTs of the file
// are passed over.
type insertReader struct {
	lr       *lineReader
	enc      []sqltext.TSVEncoding
	skip     int64
	maxStmts int64
	bound    txBound
	bulk     bool

	n        int64  // INSERT statements read from the file so far, pending included
	held     []byte // a non-INSERT line waiting to be run
	eof      bool
	err      error
	bulkRows       // converted rows: TSV, or with bulk the rows' values
	pending  bool  // buf holds a converted statement that the next batch starts with
	pCost    int64 // its counted bytes (see txBound)
	pRows    int64 // its rows

	stmts, bytes, rows int64 // in the current batch
}

// fill makes converted rows of the current batch wait in buf unless the batch is over; it
// reports whether rows are waiting.
func (ir *insertReader) fill() bool {
	for {
		if ir.pending {
			if ir.stmts > 0 && (ir.stmts >= ir.maxStmts || ir.bound.full(ir.bytes, ir.rows, ir.pCost, ir.pRows)) {
				return false
			}
			ir.pending, ir.off = false, 0
			ir.stmts++
			ir.bytes += ir.pCost
			ir.rows += ir.pRows
		}
		if ir.off < len(ir.buf) {
			return true
		}
		if ir.err != nil || ir.eof || ir.held != nil {
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
		if ir.bulk {
			ir.buf, ir.ends, err = sqltext.AppendInsertValues(ir.buf[:0], ir.ends[:0], stmt, len(ir.enc), wire.AppendBulkValue)
			rows = int64(len(ir.ends))
		} else {
			ir.buf, rows, err = sqltext.AppendInsertAsTSV(ir.buf[:0], stmt, ir.enc)
		}
		if err != nil {
			ir.err = fmt.Errorf("INSERT %d: %w", ir.n, err)
			return false
		}
		ir.off = len(ir.buf) // not readable until the batch takes it
		ir.pending, ir.pRows, ir.pCost = true, rows, int64(len(stmt))+rows*rowOverhead
	}
}

// batchEnd returns how many of the file's INSERTs the batches so far hold: those read, less a
// pending one.
func (ir *insertReader) batchEnd() int64 {
	if ir.pending {
		return ir.n - 1
	}
	return ir.n
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
// progress records, so the same resume — but sends each transaction's rows by bulk INSERT
// commands (prepareBulk), or else with one LOAD DATA LOCAL INFILE (else, with local_infile
// off, it is loadSQL), instead of running the INSERT statements, which spares the server parsing them.
// After each LOAD DATA the affected rows must equal the rows converted, or the file fails.
// Warnings are not errors here, as with INSERT: MariaDB warns (1265) when it stores the empty
// ENUM error value ” that the source itself held. It returns how many of the file's INSERTs are
// committed.
func (r *restore) loadSQLAsTSV(ctx context.Context, c *sql.Conn, p *tablePlan, name string, skip int64, enc []sqltext.TSVEncoding) (committed int64, err error) {
	committed = skip
	bulk, err := r.prepareBulk(ctx, c, p)
	if err != nil {
		return committed, bulkPrepareError(ctx, name, err)
	}
	if bulk != nil {
		defer bulk.close(ctx, r, c)
	} else if !r.localInfile {
		return r.loadSQL(ctx, c, p, name, skip)
	}
	f, err := r.openData(ctx, name, p.t.Compression)
	if err != nil {
		return committed, err
	}
	defer f.Close()
	ir := &insertReader{lr: sqlLineReader(f, name, p.t), enc: enc, skip: skip,
		maxStmts: int64(r.o.QueriesPerTx), bound: r.bound, bulk: bulk != nil}
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
			first := committed + 1
			how := "LOAD DATA LOCAL INFILE"
			var n int64
			if bulk != nil {
				how = "bulk INSERT"
				n, err = bulk.insert(ctx, r, c, ir.fill, &ir.bulkRows)
				var again bool
				if again, err = r.bulkFailed(ctx, c, p, name, err); again {
					// This batch again by LOAD DATA, and with it every later file of the
					// server, or of the table.
					if err != nil {
						return committed, fmt.Errorf("%s: %w", name, err)
					}
					return r.loadSQLAsTSV(ctx, c, p, name, committed, enc)
				}
			} else {
				var res sql.Result
				if res, err = c.ExecContext(ctx, load); err == nil {
					n, _ = res.RowsAffected()
				}
			}
			if ir.err != nil {
				return committed, fmt.Errorf("%s: %w", name, ir.err)
			}
			if err != nil {
				return committed, fmt.Errorf("%s INSERTs %d-%d: %s: %w", name, first, ir.batchEnd(), how, err)
			}
			if n != ir.rows {
				return committed, fmt.Errorf("%s INSERTs %d-%d: %s loaded %d rows of %d%s", name, first, ir.batchEnd(), how, n, ir.rows, firstWarning(ctx, c))
			}
			if bulk != nil {
				r.o.Log.Debug("bulk INSERT", "table", p.String(), "file", name, "rows", n)
			}
		}
		end := ir.batchEnd()
		done = ir.eof && ir.held == nil && !ir.pending && ir.off == len(ir.buf)
		if err := r.recordProgress(ctx, c, name, end, done); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		if err := exec("COMMIT"); err != nil {
			return committed, fmt.Errorf("%s: %w", name, err)
		}
		committed = end
	}
	return committed, nil
}

// firstWarning returns ": " and the first warning of the statement c ran last, or "" when
// there is none: LOAD DATA LOCAL turns errors such as a duplicate key into warnings and skips
// the row (MariaDB manual, "LOAD DATA INFILE": with LOCAL, as with IGNORE).
func firstWarning(ctx context.Context, c *sql.Conn) string {
	var level, msg string
	var code int
	if err := c.QueryRowContext(ctx, "SHOW WARNINGS LIMIT 1").Scan(&level, &code, &msg); err != nil {
		return ""
	}
	return fmt.Sprintf(": %s %d: %s", level, code, msg)
}
