package dumper

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// appendNumber appends an int64, uint64, float32 or float64 in decimal.
func appendNumber(dst []byte, v driver.Value) []byte {
	switch v := v.(type) {
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case uint64:
		return strconv.AppendUint(dst, v, 10)
	case float32:
		return strconv.AppendFloat(dst, float64(v), 'g', -1, 32)
	case float64:
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	return dst
}

// dumpChunk streams the chunk's rows from conn, inside the worker's snapshot transaction,
// straight into data files: rows are never held beyond the statement being built. A splittable
// range is read one sub-range (one SELECT) at a time until it is done, so that idle workers can
// split off what is left (intRange).
func dumpChunk(ctx context.Context, conn *sql.Conn, ws *wires, dir *dumpdir.Dir, sy *syncer, c chunk, o *Options) error {
	w := newChunkWriter(ctx, dir, c.out, c.maxRows, sy, o)
	err := func() error {
		if c.rng == nil {
			return readRows(ctx, conn, ws, c.selectSQL(c.where), w)
		}
		for {
			cond, ok := c.rng.next()
			if !ok {
				return nil
			}
			if err := readRows(ctx, conn, ws, c.selectSQL(and(cond, o.Where)), w); err != nil {
				return err
			}
		}
	}()
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		w.abort()
		return fmt.Errorf("%s: %w", c, err)
	}
	return nil
}

// readRows runs query on conn and hands every row to w. When ws knows the connection's socket
// and may read it (wireConn.direct), the rows are read from the socket (textproto.go); otherwise,
// or with ws nil, through the driver's own row interface (conn.Raw), with no per-row conversion
// or allocation by database/sql.
func readRows(ctx context.Context, conn *sql.Conn, ws *wires, query string, w *chunkWriter) error {
	cols := w.out.t.Columns
	return conn.Raw(func(dc any) error {
		if wc := ws.lookup(dc); wc != nil && wc.direct() {
			return wc.queryRows(ctx, query, len(cols), w.row)
		}
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("driver connection cannot run queries directly")
		}
		rows, err := q.QueryContext(ctx, query, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(cols))
		vals := make([][]byte, len(dest))
		var scratch []byte // numbers the driver parsed, formatted back to text
		for {
			scratch = scratch[:0]
			if err := rows.Next(dest); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			for i, v := range dest {
				switch v := v.(type) {
				case nil:
					vals[i] = nil
				case []byte:
					if v == nil {
						v = []byte{}
					}
					vals[i] = v
				case int64, uint64, float32, float64:
					// The driver parses integer and floating-point columns of the text protocol;
					// strconv prints them back exactly (shortest form that reads back the same).
					n := len(scratch)
					scratch = appendNumber(scratch, v)
					vals[i] = scratch[n:len(scratch):len(scratch)]
				default:
					return fmt.Errorf("column %s: unexpected %T from the driver", cols[i].Name, v)
				}
			}
			if err := w.row(vals); err != nil {
				return err
			}
		}
	})
}
