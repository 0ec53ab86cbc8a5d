package dumper

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/wire"
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
// split off what is left (intRange). The chunk's checksum and the condition of the key range it
// read (the union of its sub-ranges, contiguous since a split takes the upper half) are recorded
// in its table's output.
func dumpChunk(ctx context.Context, conn *sql.Conn, ws *wire.Sockets, dir *dumpdir.Dir, sy *syncer, c chunk, o *Options) error {
	w := newChunkWriter(ctx, dir, c.out, c.maxRows, sy, o)
	if c.rng == nil && c.maxRows > 0 { // a table read in one scan (planTable)
		w.keys = newFileChunks(c.out.t)
	}
	where, read := c.where, true
	err := func() error {
		if c.rng == nil {
			return readRows(ctx, conn, ws, c.selectSQL(c.where), c.where, w)
		}
		var all span
		read = false
		for {
			sp, ok := c.rng.next()
			if !ok {
				break
			}
			if !read {
				all, read = sp, true
			}
			all.b, all.highOpen = sp.b, sp.highOpen
			cond := and(sp.cond(c.rng.col), o.where(c.out.t))
			if err := readRows(ctx, conn, ws, c.selectSQL(cond), cond, w); err != nil {
				return err
			}
		}
		where = and(all.cond(c.rng.col), o.where(c.out.t))
		return nil
	}()
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		w.abort()
		return fmt.Errorf("%s: %w", c, err)
	}
	if !read {
		return nil
	}
	if fcs, ok := w.keys.chunks(o.where(c.out.t)); ok {
		for _, fc := range fcs {
			c.out.addChunk(fc.sum, fc.where, []string{fc.file})
		}
		return nil
	}
	c.out.addChunk(w.sum, where, w.names)
	return nil
}

// readRows runs query, which selects the rows matching where, on conn and hands every row to w,
// adding it to w's checksum. When ws knows the connection's socket and may read it
// (wire.Conn.Direct), the rows are read from the socket (internal/wire) and summed from their
// packets; otherwise, or with ws nil, through the driver's own row interface (conn.Raw), with no
// per-row conversion or allocation by database/sql, and summed from the values, or, for a table
// whose values the driver reprints differently from the server (reprinted), by the checksum
// query in the same snapshot.
func readRows(ctx context.Context, conn *sql.Conn, ws *wire.Sockets, query, where string, w *chunkWriter) error {
	cols := w.out.t.Columns
	direct := false
	err := conn.Raw(func(dc any) error {
		if wc := ws.Lookup(dc); wc != nil && wc.Direct() {
			direct = true
			return wc.QueryRows(ctx, query, len(cols), w.packetRow)
		}
		if w.reprints {
			w.keys = nil // the rows' sum comes from the server at the end, not per file
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
			if !w.reprints {
				w.scratch = w.sum.AddValues(vals, w.scratch)
			}
			if err := w.row(vals); err != nil {
				return err
			}
		}
	})
	if err != nil || direct || !w.reprints {
		return err
	}
	t := w.out.t
	sum, err := checksum.Run(ctx, conn, t.DB, t.Name, checksumColumns(t), where)
	if err != nil {
		return err
	}
	w.sum.Add(sum)
	return nil
}

// checksumColumns are t's dumped columns as package checksum names them.
func checksumColumns(t *table) []checksum.Column {
	cols := make([]checksum.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = checksum.Column{Name: c.Name, DataType: c.DataType}
	}
	return cols
}

// reprinted reports whether the driver's fallback reader prints some value of t's columns
// differently from the server's text: it parses FLOAT, DOUBLE, YEAR and integers and prints them
// back in Go's form ("1e+21", "0" for YEAR 0000, no ZEROFILL padding).
func reprinted(t *table) bool {
	for _, c := range t.Columns {
		switch c.DataType {
		case "float", "double", "real", "year":
			return true
		}
		if c.ZeroFill {
			return true
		}
	}
	return false
}
