package wire

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-sql-driver/mysql"
)

const (
	maxPacket = 0xffffff // payload of a packet that continues in the next one
	comQuery  = 0x03
	pktOK     = 0x00
	pktInfile = 0xfb
	pktNull   = 0xfb
	pktEOF    = 0xfe
	pktErr    = 0xff

	statusMoreResults = 0x0008
)

// badConnError is a failure that leaves the connection's protocol state unknown (a broken
// socket, a cancelled context, bytes that are not a result set). It unwraps to
// driver.ErrBadConn as well, so database/sql discards the connection.
type badConnError struct{ err error }

func (e badConnError) Error() string   { return e.err.Error() }
func (e badConnError) Unwrap() []error { return []error{e.err, driver.ErrBadConn} }

// packetReader reads the packets of one response from a Conn.
type packetReader struct {
	c        *Conn
	big      []byte // a payload of a packet that spans several, or exceeds the read buffer
	read     int    // bytes of the response read so far, up to readBufferSize
	batching bool   // the socket was switched to batched reads (socketReader.batch)
}

// next returns the next packet's payload. It stays valid until the following call.
func (pr *packetReader) next() ([]byte, error) {
	n, err := pr.header()
	if err != nil {
		return nil, err
	}
	if n < maxPacket && n <= pr.c.r.Size() {
		p, err := pr.c.r.Peek(n)
		if err != nil {
			return nil, err
		}
		_, _ = pr.c.r.Discard(n) // cannot fail: n bytes are buffered
		return p, nil
	}
	pr.big = pr.big[:0]
	for {
		off := len(pr.big)
		pr.big = slices.Grow(pr.big, n)[:off+n]
		if _, err := io.ReadFull(pr.c.r, pr.big[off:]); err != nil {
			return nil, err
		}
		if n < maxPacket {
			return pr.big, nil
		}
		if n, err = pr.header(); err != nil {
			return nil, err
		}
	}
}

// header reads a packet header and returns the payload's length in bytes.
func (pr *packetReader) header() (int, error) {
	h, err := pr.c.r.Peek(4)
	if err != nil {
		return 0, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	_, _ = pr.c.r.Discard(4)
	if !pr.batching {
		// A response that has reached the size of a batch is a stream of rows: read the rest
		// in batches. A smaller one never waits batchWait for bytes that will not come.
		if pr.read += 4 + n; pr.read >= readBufferSize && pr.c.src != nil {
			pr.c.src.batch(true)
			pr.batching = true
		}
	}
	return n, nil
}

// QueryRows runs query on c, which must be idle (no result pending) and Direct, and calls row
// with each row's packet payload and values: the server's text of the value, nil for NULL,
// slices (the values are views into the packet) valid only during the call. ncols is the
// number of columns the caller expects. A server error (an ERR packet) is returned as
// *mysql.MySQLError and leaves the connection usable, as does an error row returned (after the
// rest of the result set is drained); any other failure unwraps to driver.ErrBadConn, so
// database/sql discards the connection.
func (c *Conn) QueryRows(ctx context.Context, query string, ncols int, row RowFunc) (err error) {
	if 1+len(query) >= maxPacket { // refused before anything is sent: the connection stays usable
		return fmt.Errorf("query of %d bytes is longer than one packet", len(query))
	}
	stop := context.AfterFunc(ctx, c.src.stop)
	defer func() {
		if !stop() {
			// The deadline was set (or is being set): the socket is of no further use.
			err = badConnError{fmt.Errorf("query interrupted: %w", context.Cause(ctx))}
		}
	}()
	if err := c.sendQuery(query); err != nil {
		return badConnError{err}
	}
	pr := &packetReader{c: c}
	defer func() {
		if pr.batching {
			c.src.batch(false)
		}
	}()
	err = readResultSet(pr, c.caps&capDeprecateEOF != 0, ncols, row)
	var me *mysql.MySQLError
	if err != nil && !errors.As(err, &me) && !errors.As(err, new(rowError)) {
		return badConnError{err}
	}
	return err
}

// sendQuery writes query, shorter than one packet (QueryRows checks), as a COM_QUERY packet
// with sequence number 0.
func (c *Conn) sendQuery(query string) error {
	n := 1 + len(query)
	c.out = append(c.out[:0], byte(n), byte(n>>8), byte(n>>16), 0, comQuery)
	c.out = append(c.out, query...)
	_, err := c.Conn.Write(c.out)
	return err
}

// RowFunc receives one row: the payload of its text-protocol row packet (the values as
// length-encoded strings, 0xFB for NULL) and the values cut from it, nil for NULL.
type RowFunc func(packet []byte, vals [][]byte) error

// rowError is an error returned by the row callback. The result set is drained before it is
// returned, so the connection stays usable.
type rowError struct{ err error }

func (e rowError) Error() string { return e.err.Error() }
func (e rowError) Unwrap() error { return e.err }

// readResultSet reads one text result set of ncols columns from pr and hands each row to row.
// deprecateEOF is whether the session has CLIENT_DEPRECATE_EOF (no EOF packet after the column
// definitions; the rows end with an OK packet whose header is 0xFE).
func readResultSet(pr *packetReader, deprecateEOF bool, ncols int, row RowFunc) error {
	p, err := pr.next()
	if err != nil {
		return err
	}
	switch {
	case len(p) == 0:
		return errors.New("empty response packet")
	case p[0] == pktErr:
		return parseErr(p)
	case p[0] == pktOK, p[0] == pktInfile:
		return fmt.Errorf("the server answered the query without a result set (packet type 0x%02x)", p[0])
	}
	n, _, ok := lenenc(p)
	if !ok || n != uint64(ncols) {
		return fmt.Errorf("result set has %d columns, want %d", n, ncols)
	}
	for range ncols { // column definitions: the caller knows its columns
		if _, err := pr.next(); err != nil {
			return err
		}
	}
	if !deprecateEOF {
		if p, err = pr.next(); err != nil {
			return err
		}
		if len(p) == 0 || p[0] != pktEOF {
			return errors.New("no EOF packet after the column definitions")
		}
	}
	vals := make([][]byte, ncols)
	var rowErr error
	for {
		p, err := pr.next()
		if err != nil {
			return err
		}
		if len(p) > 0 && p[0] == pktEOF && len(p) < maxPacket {
			status, ok := endStatus(p, deprecateEOF)
			if !ok {
				return fmt.Errorf("malformed end of rows packet (%d bytes)", len(p))
			}
			if status&statusMoreResults != 0 {
				return errors.New("more than one result set")
			}
			if rowErr != nil {
				return rowError{rowErr}
			}
			return nil
		}
		if len(p) > 0 && p[0] == pktErr {
			return parseErr(p)
		}
		if rowErr != nil {
			continue // drain what is left, so the connection stays usable
		}
		if err := splitRow(p, vals); err != nil {
			return err
		}
		if err := row(p, vals); err != nil {
			rowErr = err
		}
	}
}

// splitRow cuts a text row packet into its ncols values (nil for NULL), in place.
func splitRow(p []byte, vals [][]byte) error {
	pos := 0
	for i := range vals {
		if pos >= len(p) {
			return fmt.Errorf("row packet of %d bytes ends before column %d", len(p), i+1)
		}
		if p[pos] == pktNull {
			vals[i] = nil
			pos++
			continue
		}
		l, w, ok := lenenc(p[pos:])
		if !ok || uint64(len(p)-pos-w) < l {
			return fmt.Errorf("row packet of %d bytes: column %d overruns it", len(p), i+1)
		}
		start := pos + w
		end := start + int(l)
		vals[i] = p[start:end:end]
		pos = end
	}
	if pos != len(p) {
		return fmt.Errorf("row packet of %d bytes has %d bytes after its %d columns", len(p), len(p)-pos, len(vals))
	}
	return nil
}

// lenenc decodes a length-encoded integer at the start of b: its value and width in bytes.
func lenenc(b []byte) (v uint64, width int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	switch b[0] {
	case 0xfc:
		width = 3
	case 0xfd:
		width = 4
	case 0xfe:
		width = 9
	case 0xfb, 0xff:
		return 0, 0, false
	default:
		return uint64(b[0]), 1, true
	}
	if len(b) < width {
		return 0, 0, false
	}
	for i := width - 1; i >= 1; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, width, true
}

// endStatus returns the status flags of the packet that ends the rows: an EOF packet (0xFE,
// warnings, status) or, with CLIENT_DEPRECATE_EOF, an OK packet with a 0xFE header (affected
// rows, last insert id, status). ok is false when the packet is too short to hold them: a
// stream out of step, which the caller reports rather than taking for the end.
func endStatus(p []byte, deprecateEOF bool) (status uint16, ok bool) {
	pos := 3
	if deprecateEOF {
		_, a, ok1 := lenenc(p[1:])
		_, b, ok2 := lenenc(p[min(1+a, len(p)):])
		if !ok1 || !ok2 {
			return 0, false
		}
		pos = 1 + a + b
	}
	if len(p) < pos+2 {
		return 0, false
	}
	return uint16(p[pos]) | uint16(p[pos+1])<<8, true
}

// parseErr turns an ERR packet (0xFF, error code, '#' and SQLSTATE, message) into the driver's
// error type, so that the rest of sluice sees server errors the same however they were read.
func parseErr(p []byte) error {
	if len(p) < 3 {
		return errors.New("truncated ERR packet")
	}
	e := &mysql.MySQLError{Number: uint16(p[1]) | uint16(p[2])<<8}
	msg := p[3:]
	if len(msg) >= 6 && msg[0] == '#' {
		copy(e.SQLState[:], msg[1:6])
		msg = msg[6:]
	}
	e.Message = string(msg)
	return e
}
