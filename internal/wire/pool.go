package wire

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"net"
	"sync"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/conn"
)

// readBufferSize is the read buffer under every connection of an Open pool. go-sql-driver reads the socket
// into a 4 KiB buffer, one read(2) per 4 KiB of rows; a 256 KiB buffer below it cuts the
// system calls of a large dump by about 60 times, and lets the result-set reader
// (resultset.go) use rows in place.
const readBufferSize = 256 << 10

// Client capability flags of the MySQL client/server protocol ("Capabilities Flags" in the
// MySQL source documentation; MariaDB's are the same bits).
const (
	capProtocol41   = 0x00000200
	capSSL          = 0x00000800
	capCompress     = 0x00000020
	capDeprecateEOF = 0x01000000
)

// Conn is the socket under one connection of an Open pool: reads go through a readBufferSize buffer,
// and it remembers the capability flags the driver sent in its handshake response, so that the
// caller can read result sets from the socket itself (resultset.go).
type Conn struct {
	net.Conn
	src *socketReader
	r   *bufio.Reader // reads src

	mu      sync.Mutex
	caps    uint32   // client capabilities of the handshake response; 0 until it is written
	greet   greeting // the server's greeting, read before the handshake response (bulk.go)
	bulk    bool     // the handshake response asked for bulk operations (bulk.go)
	out     []byte   // the COM_QUERY packet being sent
	bulkOut []byte   // the header of the COM_STMT_BULK_EXECUTE command being sent
}

// Read fills p from the socket's read buffer, for the driver; until the handshake response is
// written it also keeps the server's greeting (bulk.go).
func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	if c.caps == 0 {
		c.greet.add(p[:n])
	}
	c.mu.Unlock()
	return n, err
}

// Write sends p. The first packet with sequence number 1 is the client's handshake response
// (or SSL request): its bytes 4-7 are the capability flags the session runs with. When the
// server's greeting offered MariaDB's bulk operations, the response asks for them (askBulk).
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.caps == 0 && len(p) >= 8 && p[3] == 1 {
		if c.greet.bulk && askBulk(p) {
			c.bulk = true
		}
		c.caps = binary.LittleEndian.Uint32(p[4:8])
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// Direct reports whether the caller may read result sets from this socket itself: the session
// speaks protocol 4.1 without TLS or compression (either would make the socket's bytes not the
// packets themselves).
func (c *Conn) Direct() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps&capProtocol41 != 0 && c.caps&(capSSL|capCompress) == 0
}

// Sockets maps the driver connections of one Open pool to their sockets. The pool's connector
// records each connection it makes; a caller looks its connection up inside (*sql.Conn).Raw.
type Sockets struct {
	mu    sync.Mutex
	conns map[driver.Conn]*Conn
}

// Lookup returns the socket under the driver connection dc, or nil (also when ws is nil).
func (ws *Sockets) Lookup(dc any) *Conn {
	c, ok := dc.(driver.Conn)
	if ws == nil || !ok {
		return nil
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.conns[c]
}

// slot carries, in the context of one Connect, where the dial function leaves its socket.
type slot struct{ c *Conn }

type slotKey struct{}

// connector is the pool's driver.Connector: go-sql-driver's, with each new connection's
// socket recorded in ws.
type connector struct {
	inner driver.Connector
	ws    *Sockets
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	sl := &slot{}
	dc, err := c.inner.Connect(context.WithValue(ctx, slotKey{}, sl))
	if err != nil {
		return nil, err
	}
	if sl.c != nil {
		c.ws.mu.Lock()
		c.ws.conns[dc] = sl.c
		c.ws.mu.Unlock()
	}
	return dc, nil
}

func (c *connector) Driver() driver.Driver { return c.inner.Driver() }

// Open opens a pool of at most maxConns connections to cfg, each over a Conn, and
// returns it with the registry of its sockets. Errors explain themselves as everywhere else in
// sluice (wrong password, unreachable server: conn.Config.OpenConnector).
func Open(ctx context.Context, cfg conn.Config, maxConns int) (*sql.DB, *Sockets, error) {
	dc := cfg.DriverConfig("")
	dc.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		src := &socketReader{c: c}
		wc := &Conn{Conn: c, src: src, r: bufio.NewReaderSize(src, readBufferSize)}
		if s, ok := ctx.Value(slotKey{}).(*slot); ok {
			s.c = wc
		}
		return wc, nil
	}
	inner, err := mysql.NewConnector(dc)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", cfg, err)
	}
	ws := &Sockets{conns: make(map[driver.Conn]*Conn)}
	db, err := cfg.OpenConnector(ctx, &connector{inner: inner, ws: ws}, maxConns)
	if err != nil {
		return nil, nil, err
	}
	return db, ws, nil
}
