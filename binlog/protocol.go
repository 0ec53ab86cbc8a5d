package binlog

import (
	"bufio"
	"context"
	"crypto/sha1" //nolint:gosec // mysql_native_password is defined on SHA-1
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
)

// Capability flags of the handshake (MariaDB KB, "Connection: Capabilities").
const (
	capLongPassword     = 1 << 0
	capLongFlag         = 1 << 2
	capProtocol41       = 1 << 9
	capTransactions     = 1 << 13
	capSecureConnection = 1 << 15
	capPluginAuth       = 1 << 19
)

const maxPacket = 1<<24 - 1

// ServerError is an ERR packet from the server: its error number, SQL state and message.
type ServerError struct {
	Code    uint16
	State   string
	Message string
}

// Error formats the error as the mysql client does.
func (e *ServerError) Error() string {
	return fmt.Sprintf("Error %d (%s): %s", e.Code, e.State, e.Message)
}

// errEOF is the EOF packet that ends a non-blocking binlog dump at the source's end.
var errEOF = errors.New("binlog dump: end of the source's binary log")

// protoConn is one raw protocol connection. It is not safe for concurrent use.
type protoConn struct {
	nc  net.Conn
	r   *bufio.Reader
	seq byte
}

// dial connects to cfg's server and authenticates with mysql_native_password. Errors name the
// server (never the password).
func dial(ctx context.Context, cfg conn.Config) (*protoConn, error) {
	network, addr := cfg.Address()
	d := net.Dialer{Timeout: 10 * time.Second}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", cfg, err)
	}
	c := &protoConn{nc: nc, r: bufio.NewReaderSize(nc, 1<<16)}
	if err := c.handshake(cfg.User, cfg.Password); err != nil {
		nc.Close()
		return nil, fmt.Errorf("connect to %s: %w", cfg, err)
	}
	return c, nil
}

func (c *protoConn) close() error { return c.nc.Close() }

// readPacket reads one logical packet, joining the 16 MiB pieces of a longer one.
func (c *protoConn) readPacket() ([]byte, error) {
	var out []byte
	for {
		var h [4]byte
		if _, err := io.ReadFull(c.r, h[:]); err != nil {
			return nil, err
		}
		n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
		c.seq = h[3] + 1
		start := len(out)
		out = append(out, make([]byte, n)...)
		if _, err := io.ReadFull(c.r, out[start:]); err != nil {
			return nil, err
		}
		if n < maxPacket {
			return out, nil
		}
	}
}

// writePacket writes payload as one logical packet with the current sequence number.
func (c *protoConn) writePacket(payload []byte) error {
	for {
		n := min(len(payload), maxPacket)
		h := []byte{byte(n), byte(n >> 8), byte(n >> 16), c.seq}
		c.seq++
		if _, err := c.nc.Write(append(h, payload[:n]...)); err != nil {
			return err
		}
		payload = payload[n:]
		if n < maxPacket {
			return nil
		}
	}
}

func parseErr(p []byte) error {
	e := &ServerError{}
	if len(p) >= 3 {
		e.Code = binary.LittleEndian.Uint16(p[1:3])
		p = p[3:]
		if len(p) >= 6 && p[0] == '#' {
			e.State, p = string(p[1:6]), p[6:]
		}
		e.Message = string(p)
	}
	return e
}

func cstring(p []byte) (string, []byte) {
	for i, b := range p {
		if b == 0 {
			return string(p[:i]), p[i+1:]
		}
	}
	return string(p), nil
}

// nativePassword is mysql_native_password's response: SHA1(pw) XOR SHA1(scramble, SHA1(SHA1(pw))).
func nativePassword(scramble []byte, password string) []byte {
	if password == "" {
		return nil
	}
	h1 := sha1.Sum([]byte(password)) //nolint:gosec
	h2 := sha1.Sum(h1[:])            //nolint:gosec
	h := sha1.New()                  //nolint:gosec
	h.Write(scramble)
	h.Write(h2[:])
	out := h.Sum(nil)
	for i := range out {
		out[i] ^= h1[i]
	}
	return out
}

func (c *protoConn) handshake(user, password string) error {
	p, err := c.readPacket()
	if err != nil {
		return fmt.Errorf("read handshake: %w", err)
	}
	if len(p) > 0 && p[0] == 0xff {
		return parseErr(p)
	}
	if len(p) < 1 || p[0] != 10 {
		return fmt.Errorf("handshake: protocol version %d, want 10", p[0])
	}
	_, rest := cstring(p[1:])
	if len(rest) < 4+8+1+2+1+2+2+1+10 {
		return errors.New("handshake: short packet")
	}
	scramble := append([]byte(nil), rest[4:12]...)
	rest = rest[13:]
	caps := uint32(binary.LittleEndian.Uint16(rest[0:2]))
	caps |= uint32(binary.LittleEndian.Uint16(rest[5:7])) << 16
	authLen := int(rest[7])
	rest = rest[18:]
	plugin := "mysql_native_password"
	if caps&capSecureConnection != 0 {
		n := max(13, authLen-8)
		if len(rest) < n {
			return errors.New("handshake: short scramble")
		}
		scramble = append(scramble, rest[:n-1]...) // the last byte is a NUL
		rest = rest[n:]
	}
	if caps&capPluginAuth != 0 && len(rest) > 0 {
		plugin, _ = cstring(rest)
	}
	if plugin != "mysql_native_password" {
		// Answer with native_password anyway; the server switches us if it must.
		plugin = "mysql_native_password"
	}
	ours := uint32(capLongPassword | capLongFlag | capProtocol41 | capTransactions | capSecureConnection | capPluginAuth)
	resp := binary.LittleEndian.AppendUint32(nil, ours&caps|capProtocol41)
	resp = binary.LittleEndian.AppendUint32(resp, maxPacket)
	resp = append(resp, 45) // utf8mb4_general_ci
	resp = append(resp, make([]byte, 23)...)
	resp = append(append(resp, user...), 0)
	auth := nativePassword(scramble, password)
	resp = append(append(resp, byte(len(auth))), auth...)
	resp = append(append(resp, plugin...), 0)
	if err := c.writePacket(resp); err != nil {
		return fmt.Errorf("send handshake response: %w", err)
	}
	for {
		p, err := c.readPacket()
		if err != nil {
			return fmt.Errorf("read authentication result: %w", err)
		}
		switch {
		case len(p) > 0 && p[0] == 0x00:
			return nil
		case len(p) > 0 && p[0] == 0xff:
			return parseErr(p)
		case len(p) > 0 && p[0] == 0xfe: // auth switch request
			name, data := cstring(p[1:])
			if name != "mysql_native_password" {
				return fmt.Errorf("authentication plugin %q is not supported (use an account IDENTIFIED VIA mysql_native_password)", name)
			}
			if len(data) > 20 {
				data = data[:20]
			}
			if err := c.writePacket(nativePassword(data, password)); err != nil {
				return fmt.Errorf("send authentication: %w", err)
			}
		default:
			return fmt.Errorf("authentication: unexpected packet 0x%02x", p[0])
		}
	}
}

// exec runs a statement that returns no result set (SET, ...) and waits for its OK.
func (c *protoConn) exec(stmt string) error {
	c.seq = 0
	if err := c.writePacket(append([]byte{0x03}, stmt...)); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	p, err := c.readPacket()
	if err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	switch {
	case len(p) > 0 && p[0] == 0x00:
		return nil
	case len(p) > 0 && p[0] == 0xff:
		return fmt.Errorf("%s: %w", stmt, parseErr(p))
	}
	return fmt.Errorf("%s: unexpected result set", stmt)
}

// Flags of COM_BINLOG_DUMP.
const (
	dumpNonBlock     = 1 // BINLOG_DUMP_NON_BLOCK: send EOF at the end instead of waiting
	dumpSendAnnotate = 2 // BINLOG_SEND_ANNOTATE_ROWS_EVENT (MariaDB): send Annotate_rows events too
)

// binlogDump sends COM_BINLOG_DUMP from file at pos (file "" with @slave_connect_state set
// starts at that GTID state, MariaDB).
func (c *protoConn) binlogDump(file string, pos uint32, flags uint16, serverID uint32) error {
	c.seq = 0
	p := []byte{0x12}
	p = binary.LittleEndian.AppendUint32(p, pos)
	p = binary.LittleEndian.AppendUint16(p, flags)
	p = binary.LittleEndian.AppendUint32(p, serverID)
	p = append(p, file...)
	return c.writePacket(p)
}

// readEvent returns the next event of a binlog dump (the packet without its leading OK byte),
// errEOF at the end of a non-blocking dump, or the server's error.
func (c *protoConn) readEvent() ([]byte, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	switch {
	case len(p) > 0 && p[0] == 0x00:
		return p[1:], nil
	case len(p) > 0 && p[0] == 0xff:
		return nil, parseErr(p)
	case len(p) > 0 && p[0] == 0xfe && len(p) < 9:
		return nil, errEOF
	}
	return nil, fmt.Errorf("binlog dump: unexpected packet 0x%02x", p[0])
}
