package loader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/wire"
)

// bulkPacketBytes bounds the rows one COM_STMT_BULK_EXECUTE carries: well under the 16 MiB
// max_allowed_packet of MariaDB 10.11. A command holds the rows of one of the dump's INSERT
// statements (1 MiB by default, mydumper's and sluice's --statement-size), or of a part of a
// larger one, so that the round trips cost nothing measurable.
const bulkPacketBytes = 4 << 20

// bulkMinPacket is the smallest max_allowed_packet the bulk path runs under, so that a command
// of bulkPacketBytes or half the packet has room for rows. A single row longer than the
// packet, or than the 16 MiB of one protocol packet (a large BLOB or TEXT value), is a
// rowTooLongError: its table then goes by LOAD DATA (bulkFailed).
const bulkMinPacket = 1 << 20

// rowTooLongError is a row that no bulk INSERT command can carry: size bytes of values and
// command header, more than the session's max_allowed_packet (bytes) or one protocol packet
// (16 MiB). A row within max_allowed_packet that is only longer than one protocol packet can
// still go as an INSERT statement, which the driver sends in several packets.
type rowTooLongError struct {
	size, maxAllowed int
}

func (e *rowTooLongError) Error() string {
	if e.size <= e.maxAllowed {
		return fmt.Sprintf("a row too long for a bulk INSERT: %d bytes with its command header, more than one protocol packet (16 MiB)", e.size)
	}
	return fmt.Sprintf("a row too long for a bulk INSERT: %d bytes with its command header, more than max_allowed_packet %d", e.size, e.maxAllowed)
}

// bulkType reports whether a column of information_schema DATA_TYPE dataType goes into a bulk
// INSERT as its decoded bytes (a binary parameter the server stores as LOAD DATA ... CHARACTER
// SET binary stores a field): every type whose TSV encoding is raw (sqltext.TSVEncodingOf), so
// not BIT, YEAR, MySQL's JSON or the spatial types, which LOAD DATA converts with SET clauses.
func bulkType(dataType string) bool {
	return sqltext.TSVEncodingOf(dataType) == sqltext.TSVRaw
}

// bulkStmt is the bulk INSERT of one table prepared on one worker's connection.
type bulkStmt struct {
	st         wire.Stmt
	packet     int // bytes of rows per command, at most
	maxAllowed int // the session's max_allowed_packet, bytes
}

// maxCommand is the bytes a command may hold: the session's max_allowed_packet, at most one
// protocol packet (wire.Conn.BulkInsert sends a command as one).
func (b *bulkStmt) maxCommand() int { return min(b.maxAllowed, 1<<24-1) }

// prepareBulk prepares on c, when p's rows may go by MariaDB's bulk INSERT (every column a
// bulkType, the session negotiated bulk operations, max_allowed_packet at least bulkMinPacket),
// `INSERT IGNORE INTO t (columns) VALUES (?, ...)`: IGNORE, as LOAD DATA LOCAL implies it, so
// that a row the server refuses is a warning and a short count (loadSQLAsTSV's check), not a
// different error. It returns nil when the table or the session cannot take it; an error only
// when the server failed on the statement for another reason than not knowing bulk commands.
func (r *restore) prepareBulk(ctx context.Context, c *sql.Conn, p *tablePlan) (*bulkStmt, error) {
	if r.socks == nil || r.o.NoBulkInsert {
		return nil, nil
	}
	if !p.bulk || p.noBulk.Load() {
		r.o.Log.Debug("bulk INSERT: not for this table (its column types, or a row too long)", "table", p.String())
		return nil, nil
	}
	var bulk bool
	_ = c.Raw(func(dc any) error {
		wc := r.socks.Lookup(dc)
		bulk = wc != nil && wc.Bulk()
		return nil
	})
	if !bulk || r.bulkRefused.Load() {
		r.o.Log.Debug("bulk INSERT: the session did not negotiate bulk operations, or the server refused them", "table", p.String())
		return nil, nil
	}
	var maxAllowed int
	if err := c.QueryRowContext(ctx, "SELECT @@max_allowed_packet").Scan(&maxAllowed); err != nil {
		return nil, err
	}
	if maxAllowed < bulkMinPacket {
		return nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(p.t.Columns)), ", ")
	cols := make([]string, len(p.t.Columns))
	for i, n := range p.t.Columns {
		cols[i] = quoteIdent(n)
	}
	q := "INSERT IGNORE INTO " + quoteIdent(p.t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES (" + marks + ")"
	var b *bulkStmt
	err := c.Raw(func(dc any) error {
		st, err := r.socks.Lookup(dc).Prepare(ctx, q)
		if err != nil {
			return err
		}
		b = &bulkStmt{st: st, maxAllowed: maxAllowed}
		b.packet = min(bulkPacketBytes, b.maxCommand()/2)
		return nil
	})
	if wire.IsBulkUnsupported(err) {
		return nil, nil
	}
	return b, err
}

// tsvBulk prepares p's bulk INSERT for its tsv files (prepareBulk) when their load clause, as
// package dumper writes it, loads every field into its column as it is (no SET expression:
// not BIT, YEAR, spatial or MySQL's JSON), in the order of the dump's columns. It returns nil
// for other tables, mydumper's load clauses, and sessions prepareBulk refuses.
func (r *restore) tsvBulk(ctx context.Context, c *sql.Conn, p *tablePlan) (*bulkStmt, error) {
	if r.socks == nil || r.o.NoBulkInsert {
		return nil, nil
	}
	ts, err := parseLoadClause(p.t.LoadClause)
	if err != nil || len(ts) != len(p.t.Columns) {
		return nil, nil
	}
	for i, t := range ts {
		if t.expr != "" || t.column != quoteIdent(p.t.Columns[i]) {
			return nil, nil
		}
	}
	if _, err := r.tsvEncodings(ctx, c, p); err != nil {
		return nil, err
	}
	return r.prepareBulk(ctx, c, p)
}

// bulkPrepareError wraps an error of prepareBulk or tsvBulk for data file name: with the hint
// --no-bulk-insert, unless the load was cancelled.
func bulkPrepareError(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: preparing its bulk INSERT: %w", name, err)
	}
	return fmt.Errorf("%s: preparing its bulk INSERT: %w: try --no-bulk-insert", name, err)
}

// bulkFailed decides what follows a bulk INSERT batch of p's data file name that ended with
// err (bulkStmt.insert's). A command the server refuses though it offered bulk operations
// (wire.IsBulkUnsupported: a server or proxy), or a row no command can carry (rowTooLongError)
// when local_infile is on or the row is within max_allowed_packet, rolls the transaction back
// and turns the bulk path off for the server or the table: bulkFailed returns again, and the
// caller loads this batch and the rest of the file by LOAD DATA, or with local_infile off by
// INSERT statements (its error is the ROLLBACK's). Otherwise it returns err, a row longer than
// max_allowed_packet with the hint to raise it or turn local_infile on (LOAD DATA streams it).
func (r *restore) bulkFailed(ctx context.Context, c *sql.Conn, p *tablePlan, name string, err error) (again bool, _ error) {
	refused := wire.IsBulkUnsupported(err)
	var tooLong *rowTooLongError
	long := errors.As(err, &tooLong)
	if refused || long && (r.localInfile || tooLong.size <= tooLong.maxAllowed) {
		how := "LOAD DATA LOCAL"
		if !r.localInfile {
			how = "INSERT statements"
		}
		r.o.Log.Warn("bulk INSERT not possible: loading by "+how, "table", p.String(), "file", name, "err", err)
		if refused {
			r.bulkRefused.Store(true)
		}
		p.noBulk.Store(true)
		_, err := c.ExecContext(ctx, "ROLLBACK")
		return true, err
	}
	if long {
		return false, fmt.Errorf("%w: raise max_allowed_packet, or SET GLOBAL local_infile = 1", err)
	}
	return false, err
}

// close deallocates the statement.
func (b *bulkStmt) close(ctx context.Context, r *restore, c *sql.Conn) {
	_ = c.Raw(func(dc any) error {
		if wc := r.socks.Lookup(dc); wc != nil {
			return wc.CloseStmt(ctx, b.st)
		}
		return nil
	})
}

// bulkRows is a batch's rows waiting to be sent: buf[off:] unread, and with bulk each row's
// values (wire.AppendBulkValue) ending at the offsets in ends.
type bulkRows struct {
	buf  []byte
	ends []int // with bulk, where each row of buf ends
	off  int
}

// insert sends the rows of the current batch, which fill makes wait in rb (an SQL file's
// converted statements, sqltext.AppendInsertValues; or a tsv file's lines, tsvReader.fillBulk),
// in commands of at most b.packet bytes, cut at rows, and returns the rows the server inserted.
func (b *bulkStmt) insert(ctx context.Context, r *restore, c *sql.Conn, fill func() bool, rb *bulkRows) (int64, error) {
	var total int64
	err := c.Raw(func(dc any) error {
		wc := r.socks.Lookup(dc)
		if wc == nil {
			return errors.New("bulk INSERT: the connection's socket is gone")
		}
		send := func(rows []byte) error {
			if size := len(rows) + 11 + 2*b.st.Params; size > b.maxCommand() { // a single row longer than the packet; 11 bytes of header and 2 per column
				return &rowTooLongError{size: size, maxAllowed: b.maxAllowed}
			}
			n, err := wc.BulkInsert(ctx, b.st, rows)
			total += n
			return err
		}
		for fill() {
			start, last := rb.off, rb.off
			for _, e := range rb.ends {
				if e-start > b.packet && last > start {
					if err := send(rb.buf[start:last]); err != nil {
						return err
					}
					start = last
				}
				last = e
			}
			if err := send(rb.buf[start:last]); err != nil {
				return err
			}
			rb.off = len(rb.buf)
		}
		return nil
	})
	return total, err
}
