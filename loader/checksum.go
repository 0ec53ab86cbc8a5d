package loader

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// ChecksumMode is what --checksum does once the tables are loaded.
type ChecksumMode string

const (
	// ChecksumFail recomputes every chunk's checksum on the target and fails with a
	// *ChecksumError (exit code 3) when one differs from the dump's. The default: the
	// comparison took a median 9 % (1-15 %, a noisy shared machine) of the load's wall time on
	// the indexed dataset at -t 2 (bench/README.md), within the 10 % a default may cost.
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

// verifyChecksums recomputes on the target, o.Threads chunks at a time, the checksum of every
// chunk of every loaded table whose dump recorded checksums (checksum.Run over the chunk's key
// range), and compares each with the dump's; a table dumped without checksums has its row
// count compared instead. Differences fail the load (ChecksumFail) or are logged and counted
// in res.Warnings (ChecksumWarn).
func (r *restore) verifyChecksums(ctx context.Context, plans []*tablePlan, res *Result) error {
	var checks []chunkCheck
	var diffs []string
	for _, p := range plans {
		if p.t.Kind != dumpdir.KindTable || len(p.t.DataFiles) == 0 && p.t.Rows == 0 {
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
		cols, err := checksum.Columns(ctx, r.main, p.target, p.t.Name, p.t.Columns)
		if err != nil {
			return fmt.Errorf("--checksum: %w", err)
		}
		for i := range p.t.Chunks {
			checks = append(checks, chunkCheck{p: p, n: i, cols: cols})
		}
	}
	start := time.Now()
	defer func() {
		r.o.Log.Info("checksums compared", "chunks", len(checks), "seconds", time.Since(start).Seconds())
	}()
	ready := make([]bool, r.o.Threads) // worker w's connection has checksum.Session set
	var mu sync.Mutex
	rows := map[*tablePlan]int64{} // rows found on the target, over all of a table's chunks
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
		ch := c.p.t.Chunks[c.n]
		want, err := checksum.ParseSum(ch.Sum)
		if err != nil {
			return fmt.Errorf("--checksum: %s chunk %d: %w: the metadata file is corrupt", c.p, c.n, err)
		}
		got, err := checksum.Run(ctx, conn, c.p.target, c.p.t.Name, c.cols, ch.Where)
		if err != nil {
			return fmt.Errorf("--checksum: %s chunk %d: %w", c.p, c.n, err)
		}
		r.o.Log.Debug("chunk checksum", "table", c.p.String(), "chunk", c.n, "rows", got.Rows)
		mu.Lock()
		rows[c.p] += got.Rows
		mu.Unlock()
		if got != want {
			mu.Lock()
			diffs = append(diffs, fmt.Sprintf("%s chunk %d (%s): the dump has %d rows (checksum %d), the target %d (checksum %d)",
				c.p, c.n, rangeText(ch.Where), want.Rows, want.CRC, got.Rows, got.CRC))
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range plans {
		if n, ok := rows[p]; ok && n != p.t.Rows {
			diffs = append(diffs, fmt.Sprintf("%s has %d rows, the dump %d", p, n, p.t.Rows))
		}
	}
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
	q := "SELECT COUNT(*) FROM " + quoteIdent(p.target) + "." + quoteIdent(p.t.Name)
	if err := r.main.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return nil, fmt.Errorf("--checksum: %s: %w", p, err)
	}
	r.o.Log.Debug("row count checked", "table", p.String(), "rows", n)
	if n != p.t.Rows {
		return []string{fmt.Sprintf("%s has %d rows, the dump %d (dumped without checksums: rows compared only)", p, n, p.t.Rows)}, nil
	}
	return nil, nil
}
