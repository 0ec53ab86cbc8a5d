package loader

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
)

// loadSQL runs an SQL data file (one statement per line, as package dumper writes them) on c.
// INSERT statements run in transactions of at most o.QueriesPerTx statements and under
// r.bound (so each fits a Galera or Group Replication write-set limit: see txbound.go); each
// COMMIT records in the progress table, in the same transaction, how many of the file's INSERTs
// are in, and the last one marks the file done. The first skip INSERTs (committed by an
// interrupted run) are not run again; other statements (the SET header) always run. It returns
// how many of the file's INSERTs are committed, so that a retry after a deadlock resumes there.
func (r *restore) loadSQL(ctx context.Context, c *sql.Conn, p *tablePlan, name string, skip int64) (committed int64, err error) {
	committed = skip
	f, err := r.openData(ctx, name, p.t.Compression)
	if err != nil {
		return committed, err
	}
	defer f.Close()
	next := sqlStatements(f, name, p.t, r.meta)
	var n, txStmts, txBytes, txRows int64
	inTx := false
	exec := func(q string) error {
		_, err := c.ExecContext(ctx, q)
		return err
	}
	commit := func(done bool) error {
		if !inTx {
			if err := exec("BEGIN"); err != nil {
				return err
			}
		}
		if err := r.recordProgress(ctx, c, name, n, done); err != nil {
			return err
		}
		inTx, txStmts, txBytes, txRows = false, 0, 0, 0
		if err := exec("COMMIT"); err != nil {
			return err
		}
		committed = n
		return nil
	}
	for {
		line, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return committed, err
		}
		stmt := bytes.TrimSuffix(line, []byte(";"))
		if len(stmt) == 0 {
			continue
		}
		if !bytes.HasPrefix(stmt, []byte("INSERT ")) {
			if err := exec(string(stmt)); err != nil {
				return committed, fmt.Errorf("%s: %.60s: %w", name, stmt, err)
			}
			continue
		}
		if n < skip {
			n++
			continue
		}
		rows := insertRows(stmt)
		cost := int64(len(stmt)) + rows*rowOverhead
		if inTx && (txStmts >= int64(r.o.QueriesPerTx) || r.bound.full(txBytes, txRows, cost, rows)) {
			if err := commit(false); err != nil { // the n INSERTs before this one
				return committed, fmt.Errorf("%s INSERT %d: %w", name, n, err)
			}
		}
		n++
		if !inTx {
			if err := exec("BEGIN"); err != nil {
				return committed, fmt.Errorf("%s: %w", name, err)
			}
			inTx = true
		}
		if err := exec(string(stmt)); err != nil {
			return committed, fmt.Errorf("%s INSERT %d: %w", name, n, err)
		}
		txStmts++
		txBytes += cost
		txRows += rows
	}
	if n < skip {
		return committed, shortFileError(name, n, skip)
	}
	if err := commit(true); err != nil {
		return committed, fmt.Errorf("%s: %w", name, err)
	}
	return committed, nil
}

// shortFileError is the error for a file with fewer INSERTs (n) than the progress table says an
// interrupted restore committed (skip): the file is not the one that was being loaded.
func shortFileError(name string, n, skip int64) error {
	return fmt.Errorf("%s: %d INSERT statements, but the progress table says %d were loaded: the dump changed since the interrupted restore", name, n, skip)
}
