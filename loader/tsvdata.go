package loader

import (
	"context"
	"fmt"
	"io"

	"github.com/go-sql-driver/mysql"
)

// checkLocalInfile reads the server's local_infile (MariaDB manual, "LOAD DATA INFILE": LOCAL
// needs it ON). With it, tsv files and the rows of SQL files go through LOAD DATA LOCAL INFILE;
// without it, both are loaded as INSERT statements, which is slower, and a log line says so.
func (r *restore) checkLocalInfile(ctx context.Context) error {
	for _, p := range r.plans {
		if len(p.t.DataFiles) > 0 {
			if err := r.main.QueryRowContext(ctx, "SELECT @@GLOBAL.local_infile").Scan(&r.localInfile); err != nil {
				return fmt.Errorf("reading local_infile: %w", err)
			}
			if !r.localInfile {
				r.o.Log.Warn("local_infile is OFF on the server: loading data with INSERT statements, which is slower; SET GLOBAL local_infile = 1 to use LOAD DATA LOCAL INFILE")
			}
			return nil
		}
	}
	return nil
}

// loadTSV loads a tsv data file in one transaction with LOAD DATA LOCAL INFILE, streaming the
// decompressed file through the driver's reader handler (no temporary file), with the
// load_clause the dump recorded for it; the progress table marks it done in the same
// transaction. Without local_infile it falls back to INSERTs (insertTSV).
func (r *restore) loadTSV(ctx context.Context, w int, p *tablePlan, name string) error {
	c := r.conns[w]
	f, err := r.dir.Open(ctx, name, p.t.Compression)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if r.localInfile {
		handler := "sluice-" + r.nonce + "-" + name
		mysql.RegisterReaderHandler(handler, func() io.Reader { return f })
		defer mysql.DeregisterReaderHandler(handler)
		q := "LOAD DATA LOCAL INFILE 'Reader::" + handler + "' INTO TABLE " + quoteIdent(p.t.Name) + " " + p.t.LoadClause
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: LOAD DATA LOCAL INFILE: %w", name, err)
		}
	} else if err := r.insertTSV(ctx, c, p, f, name); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, progressSQL(r.id, name, 0, true)); err != nil {
		return fmt.Errorf("%s: recording progress in %s: %w", name, progressTable, err)
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
