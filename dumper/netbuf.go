package dumper

import (
	"bufio"
	"context"
	"database/sql"
	"net"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/conn"
)

// readBufferSize is the read buffer under every dump connection. go-sql-driver reads the socket
// into a 4 KiB buffer, one read(2) per 4 KiB of rows; a 256 KiB buffer below it cuts the
// system calls of a large dump by about 60 times.
const readBufferSize = 256 << 10

// bufferedConn is a network connection whose reads go through a large buffer.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// openPool opens a pool of at most maxConns connections to cfg whose reads are buffered by
// readBufferSize. It first connects with cfg.Open, so errors explain themselves as everywhere
// else in sluice (wrong password, unreachable server).
func openPool(ctx context.Context, cfg conn.Config, maxConns int) (*sql.DB, error) {
	check, err := cfg.Open(ctx, "", 1)
	if err != nil {
		return nil, err
	}
	check.Close()
	dc := cfg.DriverConfig("")
	dc.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBufferSize)}, nil
	}
	connector, err := mysql.NewConnector(dc)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	return db, nil
}
