package dumper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// chunk is one unit of data work: the rows of a table matching where ("" for all).
type chunk struct {
	out     *tableOutput
	index   int
	where   string
	maxRows int64     // rows per file (tables read in one scan); 0 for no limit
	rng     *intRange // a splittable range of a dense integer key, read in sub-ranges; nil for where
}

func (c chunk) String() string {
	if c.index < 0 {
		return fmt.Sprintf("%s (a range split off by an idle worker)", c.out.t)
	}
	return fmt.Sprintf("%s chunk %d", c.out.t, c.index)
}

// selectSQL builds the SELECT of the dumped columns of the rows matching where ("" for all).
func (c chunk) selectSQL(where string) string {
	cols := make([]string, len(c.out.t.Columns))
	for i, col := range c.out.t.Columns {
		cols[i] = col.Select
	}
	q := "SELECT " + strings.Join(cols, ",") + " FROM " + sqltext.QualifiedName(c.out.t.DB, c.out.t.Name)
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// wholeTables reports, for tables in the order they are dumped (largest first), which to read
// in one scan: a table is read whole when this and the tables after it hold at least threads
// times its estimated bytes, so that while one worker reads it the others have as much to do;
// the last tables, which would leave workers idle, are cut into splittable ranges. This is the
// longest-processing-time-first rule (Graham, 1969) with the tail split. With one thread every
// table is read whole; a table whose size is unknown (0) is always cut. Only without --rows:
// given --rows, every table with a key is cut into ranges of that many rows, as mydumper does.
func wholeTables(tables []*table, threads int) []bool {
	whole := make([]bool, len(tables))
	var rest int64
	for i := len(tables) - 1; i >= 0; i-- {
		size := max(tables[i].DataLength, 0)
		rest += size
		whole[i] = threads <= 1 || (size > 0 && size*int64(threads) <= rest)
	}
	return whole
}

// autoChunkBytes is the data size a chunk aims at when --rows is not given.
const autoChunkBytes = 64 << 20

// rowsPerChunk is o.Rows, or the rows that hold about autoChunkBytes by the table's average row
// length (at least 10,000).
func rowsPerChunk(t *table, o *Options) int64 {
	if o.Rows > 0 {
		return o.Rows
	}
	avg := int64(100)
	if t.EstRows > 0 && t.DataLength > 0 {
		avg = max(t.DataLength/t.EstRows, 1)
	}
	return max(autoChunkBytes/avg, 10000)
}

// and joins conditions with AND, skipping empty ones.
func and(conds ...string) string {
	var parts []string
	for _, c := range conds {
		if c != "" {
			parts = append(parts, "("+c+")")
		}
	}
	return strings.Join(parts, " AND ")
}

// planTable cuts out's table into chunks and sends each as soon as it is known, so workers dump
// the first chunks while later boundaries are still being found. Every row falls in exactly one
// chunk: ranges are half-open and contiguous, the first has no lower bound (and takes the NULL
// keys of a nullable key), the last has no upper bound. The boundaries need not come from the
// snapshot: rows outside them in the snapshot still fall into the first or last range.
//   - No usable key, or whole: one chunk, a single scan whose files end every rows-per-chunk
//     rows. A scan without a key range is the cheapest way to read a table (a range condition
//     costs the server per row), so dumpData asks for it whenever other tables are left to
//     keep the other workers busy (see wholeTables).
//   - One integer key whose MIN..MAX span is at most 1.1 × the estimated rows (dense): fixed
//     steps of rows-per-chunk key values.
//   - Any other key (sparse integers, composite, strings, binary, temporal): boundaries are found
//     by walking the index, SELECT key ... WHERE key > previous ORDER BY key LIMIT 1 OFFSET n-1,
//     which reads n index entries per boundary and never holds more than one key in memory.
//
// conn reads with SET NAMES binary and time_zone '+00:00', as the workers do, so boundary values
// are exact bytes written back as literals by keyLiteral.
func planTable(ctx context.Context, conn *sql.Conn, out *tableOutput, whole bool, o *Options, send func(chunk) error) error {
	t := out.t
	n := rowsPerChunk(t, o)
	k := t.Key
	if k == nil || whole {
		return send(chunk{out: out, where: o.where(t), maxRows: n})
	}
	index := 0
	emit := func(cond string) error {
		c := chunk{out: out, index: index, where: and(cond, o.where(t))}
		index++
		return send(c)
	}
	if k.integer() {
		done, err := planDense(ctx, conn, out, n, o, send)
		if err != nil || done {
			return err
		}
	}
	from := sqltext.QualifiedName(t.DB, t.Name) + " FORCE INDEX (" + sqltext.QuoteIdent(k.Index) + ")"
	cols := keyColumns(k)
	var prev [][]byte
	for {
		cond := ""
		switch {
		case prev != nil:
			cond = keyCompare(k, ">", prev)
		case k.Nullable:
			cond = sqltext.QuoteIdent(k.Cols[0].Name) + " IS NOT NULL"
		}
		q := "SELECT " + cols + " FROM " + from
		if cond != "" {
			q += " WHERE " + cond
		}
		q += fmt.Sprintf(" ORDER BY %s LIMIT 1 OFFSET %d", cols, n-1)
		next, err := queryKey(ctx, conn, q, len(k.Cols))
		if err != nil {
			return fmt.Errorf("%s: chunk boundaries on %s: %w", t, k.Index, err)
		}
		var lower, upper string
		if prev != nil {
			lower = cond // keyCompare(k, ">", prev), as queried above
		}
		if next != nil {
			upper = keyCompare(k, "<=", next)
		}
		if prev == nil && k.Nullable && upper != "" {
			upper = sqltext.QuoteIdent(k.Cols[0].Name) + " IS NULL OR " + upper
		}
		if err := emit(and(lower, upper)); err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		prev = next
	}
}

// planDense splits a single integer key whose values are dense into splittable ranges of n key
// values (intRange): it returns done=false, having sent nothing, when the key is sparse, the
// estimate unknown, or the values beyond int64 arithmetic, and the caller walks the index.
func planDense(ctx context.Context, conn *sql.Conn, out *tableOutput, n int64, o *Options, send func(chunk) error) (done bool, err error) {
	t := out.t
	k := t.Key
	name := sqltext.QuoteIdent(k.Cols[0].Name)
	var lo, hi sql.NullString
	q := "SELECT MIN(" + name + "), MAX(" + name + ") FROM " + sqltext.QualifiedName(t.DB, t.Name)
	if err := conn.QueryRowContext(ctx, q).Scan(&lo, &hi); err != nil {
		return false, fmt.Errorf("%s: %s: %w", t, q, err)
	}
	if !lo.Valid {
		// Empty, or only NULL keys: one chunk takes whatever the snapshot holds, filtered by
		// --where and cut into files as the keyless scan is.
		return true, send(chunk{out: out, where: o.where(t), maxRows: n})
	}
	minV, err1 := strconv.ParseInt(lo.String, 10, 64)
	maxV, err2 := strconv.ParseInt(hi.String, 10, 64)
	if err1 != nil || err2 != nil || minV < math.MinInt64/4 || maxV > math.MaxInt64/4 || n > math.MaxInt64/4 {
		return false, nil
	}
	span := maxV - minV + 1
	if t.EstRows <= 0 || span > t.EstRows+t.EstRows/10 {
		return false, nil
	}
	for i, a := 0, minV; a <= maxV; i, a = i+1, a+n {
		r := newIntRange(out, k.Cols[0].Name, a, n, a == minV, a+n > maxV, k.Nullable)
		if err := send(chunk{out: out, index: i, rng: r}); err != nil {
			return true, err
		}
	}
	return true, nil
}

// queryKey runs q, which selects at most one row of width columns, and returns its values as raw
// bytes (nil for NULL), or nil when there is no row.
func queryKey(ctx context.Context, conn *sql.Conn, q string, width int) ([][]byte, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	raw := make([]sql.RawBytes, width)
	ptrs := make([]any, width)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	vals := make([][]byte, width)
	for i, r := range raw {
		if r == nil {
			return nil, errors.New("key column is NULL")
		}
		vals[i] = append([]byte{}, r...)
	}
	return vals, rows.Close()
}
