package loader

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// maxAttempts bounds how often one data file is tried after deadlocks or lock-wait timeouts.
const maxAttempts = 5

// retryable reports whether err rolled the transaction back for a reason that goes away when it
// is run again: ER_LOCK_DEADLOCK (1213) or ER_LOCK_WAIT_TIMEOUT (1205) (MariaDB manual,
// "InnoDB Deadlocks"). Decided by error number, never by message text.
func retryable(err error) bool { return errIs(err, 1213, 1205) }

// loadWithRetry loads one data file on worker w, resuming after the last committed transaction
// when a deadlock or lock-wait timeout rolls one back, up to maxAttempts tries. skip is the
// number of the file's INSERTs an interrupted restore already committed.
func (r *restore) loadWithRetry(ctx context.Context, w int, p *tablePlan, name string, skip int64) error {
	var err error
	for attempt := 1; ; attempt++ {
		switch {
		case p.t.Format == dumpdir.FormatLoadData:
			err = r.loadDataFile(ctx, w, p, name)
		case p.t.Format == "tsv":
			skip, err = r.loadTSV(ctx, w, p, name, skip)
		default:
			// SQL: its rows go by bulk INSERT or LOAD DATA LOCAL when either can take them
			// (loadSQLAsTSV), else statement by statement.
			var enc []sqltext.TSVEncoding
			if enc, err = r.tsvEncodings(ctx, r.conns[w], p); err == nil {
				if enc != nil && (r.localInfile || p.bulk) {
					skip, err = r.loadSQLAsTSV(ctx, r.conns[w], p, name, skip, enc)
				} else {
					skip, err = r.loadSQL(ctx, r.conns[w], p, name, skip)
				}
			}
		}
		if err == nil || !retryable(err) || attempt == maxAttempts {
			if err != nil && retryable(err) {
				err = errors.Join(err, errors.New("gave up after repeated deadlocks: try fewer --threads"))
			}
			return err
		}
		if _, rerr := r.conns[w].ExecContext(ctx, "ROLLBACK"); rerr != nil {
			// The next attempt's BEGIN would commit what is left of the transaction.
			return errors.Join(err, fmt.Errorf("ROLLBACK before retrying: %w", rerr))
		}
		r.o.Log.Warn("data file rolled back by the server; retrying", "table", p.String(), "file", name, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 50 * time.Millisecond):
		}
	}
}
