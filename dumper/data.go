package dumper

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
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

// chunk is one unit of data work: the rows of a table matching where ("" for all).
type chunk struct {
	out   *tableOutput
	index int
	where string
}

func (c chunk) String() string {
	return fmt.Sprintf("%s chunk %d", c.out.t, c.index)
}

// selectSQL builds the chunk's SELECT of the dumped columns.
func (c chunk) selectSQL() string {
	cols := make([]string, len(c.out.t.Columns))
	for i, col := range c.out.t.Columns {
		cols[i] = col.Select
	}
	q := "SELECT " + strings.Join(cols, ",") + " FROM " + sqltext.QualifiedName(c.out.t.DB, c.out.t.Name)
	if c.where != "" {
		q += " WHERE " + c.where
	}
	return q
}

// dumpChunk streams the chunk's rows from conn, inside the worker's snapshot transaction,
// straight into data files: rows are never held beyond the statement being built. It reads
// through the driver's own row interface (conn.Raw) so each value is the text protocol's bytes,
// with no per-row conversion or allocation by database/sql.
func dumpChunk(ctx context.Context, conn *sql.Conn, c chunk, o *Options) error {
	w := newChunkWriter(c.out, o)
	err := conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("driver connection cannot run queries directly")
		}
		rows, err := q.QueryContext(ctx, c.selectSQL(), nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(c.out.t.Columns))
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
					return fmt.Errorf("column %s: unexpected %T from the driver", c.out.t.Columns[i].Name, v)
				}
			}
			if err := w.row(vals); err != nil {
				return err
			}
		}
	})
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		w.abort()
		return fmt.Errorf("%s: %w", c, err)
	}
	return nil
}
