package loader

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/scheduler"
)

// ChecksumMode is what --checksum does once the tables are loaded.
type ChecksumMode string

const (
	// ChecksumFail recomputes every chunk's checksum on the target and fails with a
	// *ChecksumError (exit code 3) when one differs from the dump's. The default: with the rows
	// read back and summed client-side, the load with it took 0.97x the server's limit on
	// sysbench 4x1M at -t 2, against 1.06x with the server rebuilding the rows (bench/README.md,
	// "Checksums read back").
	ChecksumFail ChecksumMode = "fail"
	// ChecksumWarn recomputes them and logs each difference as a warning (Result.Warnings).
	ChecksumWarn ChecksumMode = "warn"
	// ChecksumSkip does not check.
	ChecksumSkip ChecksumMode = "skip"
)

// ParseChecksumMode reads a --checksum value, or returns an error naming the flag's values.
func ParseChecksumMode(s string) (ChecksumMode, error) {
	switch m := ChecksumMode(s); m {
	case ChecksumFail, ChecksumWarn, ChecksumSkip:
		return m, nil
	}
	return "", fmt.Errorf("--checksum %q: want fail, warn or skip", s)
}

// ChecksumError is a load whose target differs from the dump: each difference names the table,
// the key range of the chunk (the dump's WHERE condition for it) and both sides' rows. Its exit
// code is 3, a verification that found differences (as `sluice verify`'s).
type ChecksumError struct {
	Diffs []string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("--checksum: %d chunk(s) differ from the dump: %s: load again with --overwrite-tables",
		len(e.Diffs), strings.Join(e.Diffs, "; "))
}

// ExitCode is 3: verification found differences (cmd/sluice maps it).
func (e *ChecksumError) ExitCode() int { return 3 }

// chunkCheck is one chunk of a table to recompute on the target.
type chunkCheck struct {
	p    *tablePlan
	n    int // the chunk's number in the metadata
	cols []checksum.Column
}

// checkTally gathers what chunk checks found: rows per table and the differences. Safe for
// concurrent use.
type checkTally struct {
	mu    sync.Mutex
	rows  map[*tablePlan]int64 // rows found on the target, over all of a table's chunks
	diffs []string
}

// checkChunk recomputes chunk c's checksum on conn (checksum.Session already set), read back
// from the socket when it may be (checksum.Compute), and adds what it found to tally.
func (r *restore) checkChunk(ctx context.Context, conn *sql.Conn, c chunkCheck, tally *checkTally) error {
	ch := c.p.t.Chunks[c.n]
	want, err := checksum.ParseSum(ch.Sum)
	if err != nil {
		return fmt.Errorf("--checksum: %s chunk %d: %w: the metadata file is corrupt", c.p, c.n, err)
	}
	got, err := checksum.Compute(ctx, conn, r.socks, c.p.target, c.p.t.Name, c.cols, ch.Where)
	if err != nil {
		return fmt.Errorf("--checksum: %s chunk %d: %w", c.p, c.n, err)
	}
	r.o.Log.Debug("chunk checksum", "table", c.p.String(), "chunk", c.n, "rows", got.Rows)
	tally.mu.Lock()
	defer tally.mu.Unlock()
	tally.rows[c.p] += got.Rows
	if got != want {
		tally.diffs = append(tally.diffs, fmt.Sprintf("%s chunk %d (%s): the dump has %d rows (checksum %d), the target %d (checksum %d)",
			c.p, c.n, rangeText(ch.Where), want.Rows, want.CRC, got.Rows, got.CRC))
	}
	return nil
}

// chunkChecks returns the chunk checks of p, reading its columns on q.
func chunkChecks(ctx context.Context, q checksum.Querier, p *tablePlan) ([]chunkCheck, error) {
	cols, err := checksum.Columns(ctx, q, p.target, p.t.Name, p.t.Columns)
	if err != nil {
		return nil, fmt.Errorf("--checksum: %w", err)
	}
	checks := make([]chunkCheck, len(p.t.Chunks))
	for i := range p.t.Chunks {
		checks[i] = chunkCheck{p: p, n: i, cols: cols}
	}
	return checks, nil
}

// verifyChecksums recomputes on the target, o.Threads chunks at a time, the checksum of every
// chunk of every loaded table whose dump recorded checksums (checksum.Run over the chunk's key
// range), and compares each with the dump's; a table dumped without checksums has its row
// count compared instead. Tables early already checked while the others loaded (see
// earlyChecks; nil for none) are not checked again, their findings are counted here.
// Differences fail the load (ChecksumFail) or are logged and counted in res.Warnings
// (ChecksumWarn).
func (r *restore) verifyChecksums(ctx context.Context, plans []*tablePlan, res *Result, early *earlyChecks) error {
	var checks []chunkCheck
	tally := &checkTally{rows: map[*tablePlan]int64{}}
	var diffs []string
	for _, p := range plans {
		if p.t.Kind != dumpdir.KindTable || len(p.t.DataFiles) == 0 && p.t.Rows == 0 {
			continue
		}
		if early.checked(p) {
			continue
		}
		if p.t.Checksum != checksum.Algorithm {
			d, err := r.checkRows(ctx, p)
			if err != nil {
				return err
			}
			diffs = append(diffs, d...)
			continue
		}
		cs, err := chunkChecks(ctx, r.main, p)
		if err != nil {
			return err
		}
		checks = append(checks, cs...)
	}
	start := time.Now()
	defer func() {
		r.o.Log.Info("checksums compared", "chunks", len(checks), "seconds", time.Since(start).Seconds(),
			"tables_checked_early", early.count())
	}()
	ready := make([]bool, r.o.Threads) // worker w's connection has checksum.Session set
	err := scheduler.Run(ctx, r.o.Threads, scheduler.Slice(checks), func(ctx context.Context, w int, c chunkCheck) error {
		conn, err := r.conn(ctx, w)
		if err != nil {
			return err
		}
		if !ready[w] {
			for _, q := range checksum.Session {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("--checksum: %s: %w", q, err)
				}
			}
			ready[w] = true
		}
		return r.checkChunk(ctx, conn, c, tally)
	})
	if err != nil {
		return err
	}
	early.addTo(tally)
	for _, p := range plans {
		if n, ok := tally.rows[p]; ok && n != p.t.Rows {
			tally.diffs = append(tally.diffs, fmt.Sprintf("%s has %d rows, the dump %d", p, n, p.t.Rows))
		}
	}
	diffs = append(diffs, tally.diffs...)
	if len(diffs) == 0 {
		return nil
	}
	if r.o.Checksum == ChecksumFail {
		return &ChecksumError{Diffs: diffs}
	}
	for _, d := range diffs {
		r.o.Log.Warn("--checksum: differs from the dump", "chunk", d)
	}
	res.Warnings += len(diffs)
	return nil
}

// rangeText is a chunk's WHERE condition for a message: "whole table" when it has none.
func rangeText(where string) string {
	if where == "" {
		return "whole table"
	}
	return "where " + where
}

// checkRows compares a restored table's row count with the one the dump recorded, for dumps
// taken without checksums; it returns the difference, if any.
func (r *restore) checkRows(ctx context.Context, p *tablePlan) ([]string, error) {
	if r.meta.Producer == dumpdir.ProducerMydumper && p.t.Rows == 0 {
		r.o.Log.Warn("--checksum: the mydumper dump records no row count for the table", "table", p.String())
		return nil, nil
	}
	var n int64
	q := "SELECT COUNT(*) FROM " + sqltext.QualifiedName(p.target, p.t.Name)
	if err := r.main.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return nil, fmt.Errorf("--checksum: %s: %w", p, err)
	}
	r.o.Log.Debug("row count checked", "table", p.String(), "rows", n)
	if n != p.t.Rows {
		return []string{fmt.Sprintf("%s has %d rows, the dump %d (dumped without checksums: rows compared only)", p, n, p.t.Rows)}, nil
	}
	return nil, nil
}
