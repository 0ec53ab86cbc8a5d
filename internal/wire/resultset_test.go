package wire

import (
	"bufio"
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// fakeServer answers one COM_QUERY per script on the server end of a net.Pipe with the
// packets the script writes.
type fakeServer struct {
	t    *testing.T
	conn net.Conn
	seq  byte
}

func (s *fakeServer) packet(payload []byte) {
	for {
		n := min(len(payload), maxPacket)
		hdr := []byte{byte(n), byte(n >> 8), byte(n >> 16), s.seq}
		s.seq++
		if _, err := s.conn.Write(append(hdr, payload[:n]...)); err != nil {
			return
		}
		payload = payload[n:]
		if n < maxPacket {
			return
		}
	}
}

// readQuery reads one COM_QUERY packet and returns its text.
func (s *fakeServer) readQuery() string {
	var hdr [4]byte
	if _, err := io.ReadFull(s.conn, hdr[:]); err != nil {
		return ""
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	p := make([]byte, n)
	if _, err := io.ReadFull(s.conn, p); err != nil || p[0] != comQuery {
		s.t.Errorf("not a COM_QUERY: %q %v", p, err)
		return ""
	}
	s.seq = 1
	return string(p[1:])
}

func lenencStr(v []byte) []byte {
	var b []byte
	switch n := len(v); {
	case n < 251:
		b = []byte{byte(n)}
	case n < 1<<16:
		b = []byte{0xfc, byte(n), byte(n >> 8)}
	case n < 1<<24:
		b = []byte{0xfd, byte(n), byte(n >> 8), byte(n >> 16)}
	default:
		b = []byte{0xfe, byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24), 0, 0, 0, 0}
	}
	return append(b, v...)
}

// resultSet writes a whole text result set of rows (nil values are NULL).
func (s *fakeServer) resultSet(deprecateEOF bool, ncols int, rows [][][]byte) {
	s.packet([]byte{byte(ncols)})
	for i := range ncols {
		s.packet(append(lenencStr([]byte("def")), lenencStr([]byte{byte('a' + i)})...))
	}
	if !deprecateEOF {
		s.packet([]byte{pktEOF, 0, 0, 2, 0})
	}
	for _, r := range rows {
		var p []byte
		for _, v := range r {
			if v == nil {
				p = append(p, pktNull)
			} else {
				p = append(p, lenencStr(v)...)
			}
		}
		s.packet(p)
	}
	if deprecateEOF {
		s.packet([]byte{pktEOF, 0, 0, 2, 0, 0, 0})
	} else {
		s.packet([]byte{pktEOF, 0, 0, 2, 0})
	}
}

func errPacket(code uint16, state, msg string) []byte {
	return append([]byte{pktErr, byte(code), byte(code >> 8), '#'}, state+msg...)
}

// pipe returns a Conn with the given capabilities on one end of a loopback TCP
// connection (so that reads batch with SO_RCVLOWAT, as on a dump connection) and the fake
// server on the other; serve runs the server side in a goroutine.
func pipe(t *testing.T, caps uint32, serve func(*fakeServer)) *Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	go serve(&fakeServer{t: t, conn: server})
	src := &socketReader{c: client}
	return &Conn{Conn: client, src: src, r: bufio.NewReaderSize(src, readBufferSize), caps: caps}
}

// collect runs query on c and returns the rows, copied, NULL as nil.
func collect(c *Conn, ncols int) ([][][]byte, error) {
	var got [][][]byte
	err := c.QueryRows(context.Background(), "SELECT", ncols, func(_ []byte, vals [][]byte) error {
		r := make([][]byte, len(vals))
		for i, v := range vals {
			if v != nil {
				r[i] = append([]byte{}, v...)
			}
		}
		got = append(got, r)
		return nil
	})
	return got, err
}

func TestQueryRowsValues(t *testing.T) {
	rows := [][][]byte{
		{[]byte("1"), nil, []byte("")},
		{[]byte("-42"), bytes.Repeat([]byte{'x'}, 300), []byte("tab\there")},                          // 2-byte length
		{[]byte("7"), bytes.Repeat([]byte{0xfe}, 70000), nil},                                         // 3-byte length
		{[]byte("8"), bytes.Repeat([]byte{'y'}, readBufferSize+10), []byte("larger than the buffer")}, // copied out of the buffer
		{bytes.Repeat([]byte{'z'}, maxPacket+5), []byte("a row of two packets"), []byte("")},          // 8-byte length, continued packet
	}
	for _, deprecateEOF := range []bool{false, true} {
		caps := uint32(capProtocol41)
		if deprecateEOF {
			caps |= capDeprecateEOF
		}
		c := pipe(t, caps, func(s *fakeServer) {
			for range 2 {
				if s.readQuery() == "" {
					return
				}
				s.resultSet(deprecateEOF, 3, rows)
			}
		})
		for round := range 2 { // the connection is usable again after a result set
			got, err := collect(c, 3)
			if err != nil {
				t.Fatalf("deprecateEOF=%v round %d: %v", deprecateEOF, round, err)
			}
			if len(got) != len(rows) {
				t.Fatalf("deprecateEOF=%v: %d rows, want %d", deprecateEOF, len(got), len(rows))
			}
			for i := range rows {
				for j := range rows[i] {
					w, g := rows[i][j], got[i][j]
					if (w == nil) != (g == nil) || !bytes.Equal(w, g) {
						t.Errorf("deprecateEOF=%v row %d column %d: got %d bytes (nil %v), want %d (nil %v)",
							deprecateEOF, i, j, len(g), g == nil, len(w), w == nil)
					}
				}
			}
		}
	}
}

func TestQueryRowsServerErrors(t *testing.T) {
	c := pipe(t, capProtocol41|capDeprecateEOF, func(s *fakeServer) {
		s.readQuery()
		s.packet(errPacket(1146, "42S02", "Table 'db.t' doesn't exist"))
		s.readQuery()
		s.packet([]byte{1})
		s.packet(lenencStr([]byte("def")))
		s.packet([]byte{1, '1'})
		s.packet(errPacket(1317, "70100", "Query execution was interrupted"))
		s.readQuery()
		s.resultSet(true, 1, [][][]byte{{[]byte("ok")}})
	})
	for _, want := range []uint16{1146, 1317} {
		_, err := collect(c, 1)
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != want {
			t.Fatalf("got %v, want MySQL error %d", err, want)
		}
		if errors.Is(err, driver.ErrBadConn) {
			t.Errorf("server error %d marked the connection bad", want)
		}
		if want == 1146 && (string(me.SQLState[:]) != "42S02" || !strings.Contains(me.Message, "doesn't exist")) {
			t.Errorf("error fields: %+v", me)
		}
	}
	got, err := collect(c, 1)
	if err != nil || len(got) != 1 || string(got[0][0]) != "ok" {
		t.Fatalf("after server errors: %q, %v", got, err)
	}
}

func TestQueryRowsCallbackErrorDrains(t *testing.T) {
	c := pipe(t, capProtocol41, func(s *fakeServer) {
		s.readQuery()
		s.resultSet(false, 1, [][][]byte{{[]byte("1")}, {[]byte("2")}, {[]byte("3")}})
		s.readQuery()
		s.resultSet(false, 1, [][][]byte{{[]byte("next")}})
	})
	full := errors.New("disk full")
	calls := 0
	err := c.QueryRows(context.Background(), "SELECT", 1, func([]byte, [][]byte) error { calls++; return full })
	if !errors.Is(err, full) || errors.Is(err, driver.ErrBadConn) || calls != 1 {
		t.Fatalf("got %v after %d calls, want the callback's error after 1 call", err, calls)
	}
	got, err := collect(c, 1)
	if err != nil || len(got) != 1 || string(got[0][0]) != "next" {
		t.Fatalf("next query: %q, %v", got, err)
	}
}

// TestQueryRowsBadInput checks that a malformed result set (a truncated row or end packet, the
// wrong column count, no result set, a closed connection) fails and marks the connection bad,
// and that a query too long for one packet fails before it is sent, keeping the connection.
func TestQueryRowsBadInput(t *testing.T) {
	// A query longer than one packet is refused before it is sent: the connection stays usable.
	c := pipe(t, capProtocol41, func(s *fakeServer) {})
	if err := c.QueryRows(context.Background(), strings.Repeat("x", maxPacket), 1, nil); err == nil || errors.Is(err, driver.ErrBadConn) {
		t.Errorf("a query of one packet's size: got %v, want an error that keeps the connection", err)
	}
	cases := map[string]func(s *fakeServer){
		"truncated row": func(s *fakeServer) {
			s.packet([]byte{2})
			s.packet(nil)
			s.packet(nil)
			s.packet([]byte{pktEOF, 0, 0, 2, 0})
			s.packet([]byte{5, 'a', 'b'})
		},
		"column count": func(s *fakeServer) {
			s.resultSet(false, 3, nil)
		},
		"no result set": func(s *fakeServer) {
			s.packet([]byte{pktOK, 0, 0, 2, 0, 0, 0})
		},
		"connection closed": func(s *fakeServer) {
			s.packet([]byte{2})
			s.conn.Close()
		},
		"truncated end of rows": func(s *fakeServer) {
			s.packet([]byte{2})
			s.packet(nil)
			s.packet(nil)
			s.packet([]byte{pktEOF, 0, 0, 2, 0})
			s.packet([]byte{1, 'a', 1, 'b'})
			s.packet([]byte{pktEOF})
		},
	}
	for name, serve := range cases {
		c := pipe(t, capProtocol41, func(s *fakeServer) { s.readQuery(); serve(s) })
		_, err := collect(c, 2)
		if !errors.Is(err, driver.ErrBadConn) {
			t.Errorf("%s: got %v, want an error that marks the connection bad", name, err)
		}
	}
}

func TestQueryRowsCancel(t *testing.T) {
	c := pipe(t, capProtocol41, func(s *fakeServer) {
		s.readQuery()
		s.packet([]byte{1}) // then nothing: the query hangs
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := c.QueryRows(ctx, "SELECT", 1, func([]byte, [][]byte) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, driver.ErrBadConn) {
		t.Fatalf("got %v, want the context's error on a bad connection", err)
	}
}

func TestWireConnCapabilities(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	go func() { _, _ = io.Copy(io.Discard, server) }()
	c := &Conn{Conn: client, src: &socketReader{c: client}, r: bufio.NewReader(client)}
	if c.Direct() {
		t.Error("direct before the handshake response")
	}
	// Handshake response: header with sequence 1, then the capability flags.
	caps := uint32(capProtocol41 | capDeprecateEOF)
	if _, err := c.Write([]byte{32, 0, 0, 1, byte(caps), byte(caps >> 8), byte(caps >> 16), byte(caps >> 24)}); err != nil {
		t.Fatal(err)
	}
	if !c.Direct() || c.caps != caps {
		t.Errorf("caps %#x direct %v after handshake response, want %#x true", c.caps, c.Direct(), caps)
	}
	c.caps = 0
	tls := uint32(capProtocol41 | capSSL)
	_, _ = c.Write([]byte{32, 0, 0, 1, byte(tls), byte(tls >> 8), byte(tls >> 16), byte(tls >> 24)})
	if c.Direct() {
		t.Error("direct on a TLS session")
	}
}
