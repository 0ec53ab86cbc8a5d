package dumper

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

// readBufferSize is the read buffer under every dump connection. go-sql-driver reads the socket
// into a 4 KiB buffer, one read(2) per 4 KiB of rows; a 256 KiB buffer below it cuts the
// system calls of a large dump by about 60 times, and lets the dumper's own result-set reader
// (textproto.go) use rows in place.
const readBufferSize = 256 << 10

// Client capability flags of the MySQL client/server protocol ("Capabilities Flags" in the
// MySQL source documentation; MariaDB's are the same bits).
const (
	capProtocol41   = 0x00000200
	capSSL          = 0x00000800
	capCompress     = 0x00000020
	capDeprecateEOF = 0x01000000
)

// wireConn is the socket under one dump connection: reads go through a readBufferSize buffer,
// and it remembers the capability flags the driver sent in its handshake response, so that the
// dumper can read result sets from the socket itself (textproto.go).
type wireConn struct {
	net.Conn
	src *socketReader
	r   *bufio.Reader // reads src

	mu   sync.Mutex
	caps uint32 // client capabilities of the handshake response; 0 until it is written
	out  []byte // the COM_QUERY packet being sent
}

func (c *wireConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write sends p. The first packet with sequence number 1 is the client's handshake response
// (or SSL request): its bytes 4-7 are the capability flags the session runs with.
func (c *wireConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.caps == 0 && len(p) >= 8 && p[3] == 1 {
		c.caps = binary.LittleEndian.Uint32(p[4:8])
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// direct reports whether the dumper may read result sets from this socket itself: the session
// speaks protocol 4.1 without TLS or compression (either would make the socket's bytes not the
// packets themselves).
func (c *wireConn) direct() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps&capProtocol41 != 0 && c.caps&(capSSL|capCompress) == 0
}

// wires maps the driver connections of one dump pool to their sockets. The pool's connector
// records each connection it makes; readRows looks its connection up.
type wires struct {
	mu    sync.Mutex
	conns map[driver.Conn]*wireConn
}

// lookup returns the socket under the driver connection dc, or nil (also when ws is nil).
func (ws *wires) lookup(dc any) *wireConn {
	c, ok := dc.(driver.Conn)
	if ws == nil || !ok {
		return nil
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.conns[c]
}

// wireSlot carries, in the context of one Connect, where the dial function leaves its socket.
type wireSlot struct{ c *wireConn }

type wireSlotKey struct{}

// wireConnector is the pool's driver.Connector: go-sql-driver's, with each new connection's
// socket recorded in ws.
type wireConnector struct {
	inner driver.Connector
	ws    *wires
}

func (c *wireConnector) Connect(ctx context.Context) (driver.Conn, error) {
	slot := &wireSlot{}
	dc, err := c.inner.Connect(context.WithValue(ctx, wireSlotKey{}, slot))
	if err != nil {
		return nil, err
	}
	if slot.c != nil {
		c.ws.mu.Lock()
		c.ws.conns[dc] = slot.c
		c.ws.mu.Unlock()
	}
	return dc, nil
}

func (c *wireConnector) Driver() driver.Driver { return c.inner.Driver() }

// openPool opens a pool of at most maxConns connections to cfg, each over a wireConn, and
// returns it with the registry of its sockets. Errors explain themselves as everywhere else in
// sluice (wrong password, unreachable server: conn.Config.OpenConnector).
func openPool(ctx context.Context, cfg conn.Config, maxConns int) (*sql.DB, *wires, error) {
	dc := cfg.DriverConfig("")
	dc.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		src := &socketReader{c: c}
		wc := &wireConn{Conn: c, src: src, r: bufio.NewReaderSize(src, readBufferSize)}
		if slot, ok := ctx.Value(wireSlotKey{}).(*wireSlot); ok {
			slot.c = wc
		}
		return wc, nil
	}
	connector, err := mysql.NewConnector(dc)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", cfg, err)
	}
	ws := &wires{conns: make(map[driver.Conn]*wireConn)}
	db, err := cfg.OpenConnector(ctx, &wireConnector{inner: connector, ws: ws}, maxConns)
	if err != nil {
		return nil, nil, err
	}
	return db, ws, nil
}
