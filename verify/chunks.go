package verify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/scheduler"
)

// span is a key range of a table: the rows whose key is above lo and at most hi, a nil bound
// being none. The whole table is span{t, nil, nil}.
type span struct {
	t      *table
	lo, hi [][]byte
}

// cond is the span's WHERE condition; "" for the whole table.
func (s span) cond() string {
	var parts []string
	if s.lo != nil {
		parts = append(parts, "("+compare(s.t, ">", s.lo)+")")
	}
	if s.hi != nil {
		parts = append(parts, "("+compare(s.t, "<=", s.hi)+")")
	}
	return strings.Join(parts, " AND ")
}

// compare is the condition "key op vals".
func compare(t *table, op string, vals [][]byte) string {
	names := make([]string, len(t.Key))
	lits := make([]string, len(t.Key))
	for i, c := range t.Key {
		names[i] = c.Name
		lits[i] = string(sqltext.AppendKeyLiteral(nil, c.Kind, c.Charset, vals[i]))
	}
	return sqltext.KeyCompare(names, lits, op)
}

// keyText shows a key as (v1,v2) for a report line; "" for nil.
func keyText(t *table, vals [][]byte) string {
	if vals == nil {
		return ""
	}
	var b []byte
	for i, c := range t.Key {
		if i > 0 {
			b = append(b, ',')
		}
		b = sqltext.AppendValue(b, c.Kind, vals[i])
	}
	return "(" + string(b) + ")"
}

// keyColumns is the key's column list for SELECT and ORDER BY.
func keyColumns(t *table) string {
	names := make([]string, len(t.Key))
	for i, c := range t.Key {
		names[i] = sqltext.QuoteIdent(c.Name)
	}
	return strings.Join(names, ",")
}

// keyAt returns the key of the row at offset (0-based) in key order among the rows of s on q,
// or nil when s has fewer rows.
func keyAt(ctx context.Context, q checksum.Querier, s span, offset int64) ([][]byte, error) {
	cols := keyColumns(s.t)
	query := "SELECT " + cols + " FROM " + sqltext.QualifiedName(s.t.DB, s.t.Name) + " FORCE INDEX (" + sqltext.QuoteIdent(s.t.Index) + ")"
	if c := s.cond(); c != "" {
		query += " WHERE " + c
	}
	query += fmt.Sprintf(" ORDER BY %s LIMIT 1 OFFSET %d", cols, offset)
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("%s: chunk boundary: %w", s.t, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	raw := make([]sql.RawBytes, len(s.t.Key))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	vals := make([][]byte, len(raw))
	for i, r := range raw {
		vals[i] = append([]byte{}, r...)
	}
	return vals, rows.Close()
}

// sums returns the checksums of s on both servers, queried at once (read back where the
// sockets allow, checksum.Compute), and how long the slower took.
func (r *run) sums(ctx context.Context, w *worker, s span) (src, tgt checksum.Sum, took time.Duration, err error) {
	start := time.Now()
	err = scheduler.All(ctx, func(ctx context.Context) (err error) {
		src, err = checksum.Compute(ctx, w.src, r.srcSocks, s.t.DB, s.t.Name, s.t.Cols, s.cond())
		if err != nil {
			err = fmt.Errorf("source: %w", err)
		}
		return err
	}, func(ctx context.Context) (err error) {
		tgt, err = checksum.Compute(ctx, w.tgt, r.tgtSocks, s.t.DB, s.t.Name, s.t.Cols, s.cond())
		if err != nil {
			err = fmt.Errorf("target: %w", err)
		}
		return err
	})
	return src, tgt, time.Since(start), err
}

// sub is the difference of two checksums: the rows of a range less those of a part of it.
func sub(a, b checksum.Sum) checksum.Sum {
	return checksum.Sum{Rows: a.Rows - b.Rows, CRC: a.CRC - b.CRC}
}

// bisect narrows a span whose checksums differ (src on the source, tgt on the target) to ranges
// of at most o.BisectRows rows on either side, and reports each range that differs. It cuts at
// the middle key of the side with more rows and queries the lower half only: the upper half's
// checksums are the span's less the lower half's.
func (r *run) bisect(ctx context.Context, w *worker, s span, src, tgt checksum.Sum) error {
	if src == tgt {
		return nil
	}
	n := max(src.Rows, tgt.Rows)
	if n <= r.o.BisectRows || s.t.Key == nil {
		r.report(Diff{Table: s.t.String(), What: "rows", Lower: keyText(s.t, s.lo), Upper: keyText(s.t, s.hi), SourceRows: src.Rows, TargetRows: tgt.Rows})
		return nil
	}
	side := w.src
	if tgt.Rows > src.Rows {
		side = w.tgt
	}
	mid, err := keyAt(ctx, side, s, n/2-1)
	if err != nil {
		return err
	}
	if mid == nil { // the side changed under a live comparison: report what was found
		r.report(Diff{Table: s.t.String(), What: "rows", Lower: keyText(s.t, s.lo), Upper: keyText(s.t, s.hi), SourceRows: src.Rows, TargetRows: tgt.Rows})
		return nil
	}
	left := span{t: s.t, lo: s.lo, hi: mid}
	ls, lt, _, err := r.sums(ctx, w, left)
	if err != nil {
		return err
	}
	if err := r.bisect(ctx, w, left, ls, lt); err != nil {
		return err
	}
	return r.bisect(ctx, w, span{t: s.t, lo: mid, hi: s.hi}, sub(src, ls), sub(tgt, lt))
}

// nextChunkRows adapts a table's chunk size to o.ChunkTime from a chunk of rows rows that took
// took: proportionally, at most halved or doubled at a time, between 100 and 10,000,000 rows
// (pt-table-checksum's --chunk-time, without its weighted average).
func (r *run) nextChunkRows(t *table, rows int64, took time.Duration) {
	if r.o.ChunkTime <= 0 || took <= 0 || rows < 100 {
		return
	}
	cur := t.chunkRows.Load()
	n := int64(float64(rows) * float64(r.o.ChunkTime) / float64(took))
	n = min(max(n, cur/2, 100), cur*2, 10_000_000)
	t.chunkRows.Store(n)
}
