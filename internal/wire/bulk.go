package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/go-sql-driver/mysql"
)

// MariaDB's array binding of prepared statements ("COM_STMT_BULK_EXECUTE" in the MariaDB
// client/server protocol documentation, MariaDB 10.2.7 and later): one command carries the
// parameters of many executions of one prepared INSERT, in the binary protocol, so that the
// server neither parses SQL nor LOAD DATA text per row. The session must have negotiated the
// extended capability MARIADB_CLIENT_STMT_BULK_OPERATIONS in its handshake, which
// go-sql-driver does not ask for: Conn asks for it (handshake below) when the server's greeting
// offers it.
const (
	capClientMySQL  = 0x00000001 // CLIENT_MYSQL (CLIENT_LONG_PASSWORD): cleared by MariaDB to signal extended capabilities
	extCapBulk      = 0x00000004 // MARIADB_CLIENT_STMT_BULK_OPERATIONS (1 << 34), bit 2 of the extended capabilities
	comStmtPrepare  = 0x16
	comStmtClose    = 0x19
	comStmtBulkExec = 0xfa
	bulkSendTypes   = 128 // bulk flag SEND_TYPES_TO_SERVER
)

// BulkTypeBlob is the parameter type (MYSQL_TYPE_BLOB) BulkInsert sends every value as: bytes
// the server takes as binary whatever the session's character_set_client, and stores as LOAD
// DATA ... CHARACTER SET binary stores a field, converting them to the column's type.
const BulkTypeBlob = 0xfc

// greeting records the server's first packet as the driver reads it, until its payload is
// complete; bulk reports whether it offers MARIADB_CLIENT_STMT_BULK_OPERATIONS.
type greeting struct {
	buf  []byte
	done bool
	bulk bool
}

// add takes bytes read from the socket before the handshake response.
func (g *greeting) add(p []byte) {
	if g.done {
		return
	}
	g.buf = append(g.buf, p...)
	if len(g.buf) < 4 {
		return
	}
	n := int(g.buf[0]) | int(g.buf[1])<<8 | int(g.buf[2])<<16
	if len(g.buf) < 4+n {
		return
	}
	g.done = true
	g.bulk = greetingOffersBulk(g.buf[4 : 4+n])
	g.buf = nil
}

// greetingOffersBulk parses a Handshake V10 payload (protocol version, server version, thread
// id, scramble, capabilities; MariaDB's extended capabilities in the last 4 of the 10 reserved
// bytes when CLIENT_MYSQL is clear) and reports whether the server offers bulk operations.
func greetingOffersBulk(p []byte) bool {
	if len(p) == 0 || p[0] != 10 {
		return false
	}
	end := 1
	for end < len(p) && p[end] != 0 {
		end++
	}
	pos := end + 1 + 4 + 8 + 1 // NUL, thread id, scramble part 1, filler
	if len(p) < pos+2+1+2+2+1+6+4 {
		return false
	}
	capsLow := binary.LittleEndian.Uint16(p[pos:])
	ext := binary.LittleEndian.Uint32(p[pos+2+1+2+2+1+6:])
	return capsLow&capClientMySQL == 0 && ext&extCapBulk != 0
}

// askBulk rewrites the handshake response p (header included, sequence number 1) to ask for
// bulk operations: the extended capability set in the last 4 bytes of its 23-byte filler, and
// CLIENT_MYSQL cleared, which tells the server that those bytes are extended capabilities
// (go-sql-driver clears it itself for a MariaDB server, and asks there for
// MARIADB_CLIENT_CACHE_METADATA). It reports whether it did; an SSL request (TLS follows, and
// then the socket's bytes are not the packets) and a compressed session are left alone.
func askBulk(p []byte) bool {
	if len(p) < 36 {
		return false
	}
	caps := binary.LittleEndian.Uint32(p[4:8])
	if caps&capSSL != 0 || caps&capCompress != 0 {
		return false
	}
	filler := p[13:32]
	if caps&capClientMySQL != 0 {
		filler = p[13:36] // no extended capabilities yet: all of it must be the zero filler
	}
	for _, b := range filler {
		if b != 0 {
			return false // not the layout we know
		}
	}
	binary.LittleEndian.PutUint32(p[4:8], caps&^capClientMySQL)
	binary.LittleEndian.PutUint32(p[32:36], binary.LittleEndian.Uint32(p[32:36])|extCapBulk)
	return true
}

// Bulk reports whether c may run BulkInsert: it is Direct and its session negotiated
// MariaDB's bulk operations.
func (c *Conn) Bulk() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bulk && c.caps&capProtocol41 != 0 && c.caps&(capSSL|capCompress) == 0
}

// Stmt is a statement prepared on a Conn by Prepare: its server-side id and its number of
// parameters.
type Stmt struct {
	id     uint32
	Params int // placeholders in the statement
}

// Prepare prepares query (COM_STMT_PREPARE) on c, which must be idle and Bulk. A server error
// is a *mysql.MySQLError and leaves c usable; any other failure unwraps to driver.ErrBadConn.
func (c *Conn) Prepare(ctx context.Context, query string) (Stmt, error) {
	var st Stmt
	err := c.command(ctx, append([]byte{0, 0, 0, 0, comStmtPrepare}, query...), nil, func(pr *packetReader, p []byte) error {
		if len(p) < 12 || p[0] != 0 {
			return fmt.Errorf("unexpected COM_STMT_PREPARE response %x", p[:min(len(p), 8)])
		}
		st.id = binary.LittleEndian.Uint32(p[1:5])
		cols := int(binary.LittleEndian.Uint16(p[5:7]))
		st.Params = int(binary.LittleEndian.Uint16(p[7:9]))
		deprecateEOF := c.caps&capDeprecateEOF != 0
		for _, n := range []int{st.Params, cols} {
			if n == 0 {
				continue
			}
			if !deprecateEOF {
				n++ // the EOF packet after the definitions
			}
			for range n {
				if _, err := pr.next(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return st, err
}

// CloseStmt deallocates st on the server (COM_STMT_CLOSE, which has no response). Its only
// error is the socket's (or ctx's), which unwraps to driver.ErrBadConn.
func (c *Conn) CloseStmt(ctx context.Context, st Stmt) error {
	p := binary.LittleEndian.AppendUint32([]byte{0, 0, 0, 0, comStmtClose}, st.id)
	return c.command(ctx, p, nil, nil)
}

// BulkInsert executes st, an INSERT of st.Params parameters each sent as BulkTypeBlob, once
// per row of rows (COM_STMT_BULK_EXECUTE): rows is the rows' parameters one after another, each
// as AppendBulkValue writes it. It returns the rows the server reports affected. The command must
// fit the server's max_allowed_packet and one protocol packet (less than 16 MiB, else an error
// before anything is sent); callers send at most a few MiB at once. A server error
// is a *mysql.MySQLError naming what failed and leaves c usable; any other failure unwraps to
// driver.ErrBadConn.
func (c *Conn) BulkInsert(ctx context.Context, st Stmt, rows []byte) (affected int64, err error) {
	c.bulkOut = append(c.bulkOut[:0], 0, 0, 0, 0, comStmtBulkExec)
	c.bulkOut = binary.LittleEndian.AppendUint32(c.bulkOut, st.id)
	c.bulkOut = binary.LittleEndian.AppendUint16(c.bulkOut, bulkSendTypes)
	for range st.Params {
		c.bulkOut = append(c.bulkOut, BulkTypeBlob, 0)
	}
	err = c.command(ctx, c.bulkOut, rows, func(_ *packetReader, p []byte) error {
		if len(p) == 0 || p[0] != 0 {
			return fmt.Errorf("unexpected COM_STMT_BULK_EXECUTE response %x", p[:min(len(p), 8)])
		}
		v, _, ok := lenenc(p[1:])
		if !ok {
			return errors.New("truncated OK packet")
		}
		affected = int64(v)
		return nil
	})
	return affected, err
}

// AppendBulkValue appends one parameter of a BulkInsert row: v as a string (indicator NONE,
// length-encoded bytes), or NULL (indicator NULL) for nil.
func AppendBulkValue(dst, v []byte) []byte {
	if v == nil {
		return append(dst, 1)
	}
	return append(AppendLenenc(append(dst, 0), uint64(len(v))), v...)
}

// AppendLenenc appends n as a length-encoded integer ("Protocol::LengthEncodedInteger" in the
// MySQL source documentation): one byte below 251, else 0xFC, 0xFD or 0xFE and 2, 3 or 8
// little-endian bytes.
func AppendLenenc(dst []byte, n uint64) []byte {
	switch {
	case n < 251:
		return append(dst, byte(n))
	case n < 1<<16:
		return append(dst, 0xfc, byte(n), byte(n>>8))
	case n < 1<<24:
		return append(dst, 0xfd, byte(n), byte(n>>8), byte(n>>16))
	}
	return binary.LittleEndian.AppendUint64(append(dst, 0xfe), n)
}

// command writes one packet with sequence number 0: pkt, 4 bytes for the packet header and then
// the start of the command's payload, followed by body, the rest of it (sent from where it is,
// with one writev where the socket allows). Unless resp is nil it then reads the first response
// packet: an ERR packet is returned as *mysql.MySQLError, anything else is given to resp. A
// payload of 16 MiB or more (more than one packet) is refused. Failures other than a server
// error unwrap to driver.ErrBadConn.
func (c *Conn) command(ctx context.Context, pkt, body []byte, resp func(*packetReader, []byte) error) (err error) {
	n := len(pkt) - 4 + len(body)
	if n >= maxPacket {
		return fmt.Errorf("command of %d bytes is longer than one packet", n)
	}
	stop := context.AfterFunc(ctx, c.src.stop)
	defer func() {
		if !stop() {
			err = badConnError{fmt.Errorf("command interrupted: %w", context.Cause(ctx))}
		}
	}()
	pkt[0], pkt[1], pkt[2], pkt[3] = byte(n), byte(n>>8), byte(n>>16), 0
	bufs := net.Buffers{pkt, body}
	if _, err := bufs.WriteTo(c.Conn); err != nil {
		return badConnError{err}
	}
	if resp == nil {
		return nil
	}
	pr := &packetReader{c: c}
	defer func() {
		if pr.batching {
			c.src.batch(false)
		}
	}()
	p, err := pr.next()
	if err != nil {
		return badConnError{err}
	}
	if len(p) > 0 && p[0] == 0xff {
		return parseErr(p)
	}
	if err := resp(pr, p); err != nil {
		var me *mysql.MySQLError
		if errors.As(err, &me) {
			return err
		}
		return badConnError{err}
	}
	return nil
}

// IsBulkUnsupported reports whether err is the server refusing a bulk command it does not
// know (ER_UNKNOWN_COM_ERROR, 1047, or ER_UNSUPPORTED_PS, 1295), so that the caller can fall
// back to another way of loading.
func IsBulkUnsupported(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1047 || me.Number == 1295)
}
