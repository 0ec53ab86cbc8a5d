package checksum

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/wire"
)

// Select is the SELECT of the rows of db.table matching where ("" for all), each column read
// as the dumper reads it (sqltext.SelectExpr), in cols' order.
func Select(db, table string, cols []Column, where string) string {
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = sqltext.SelectExpr(c.Name, c.DataType)
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM " + sqltext.QualifiedName(db, table)
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// Read returns the checksum of the rows of db.table matching where, read with Select on c
// (which must be Direct, idle and have Session set) and summed from their packets as the
// dumper sums them while dumping (Sum.AddPacket). The server only scans and sends the rows;
// the CRC-32s are the client's: on sysbench 1M rows (bench/README.md, BenchmarkRecheck)
// 0.34-0.52 s of server CPU and 0.11-0.13 s of client CPU, against 1.16-1.45 s of server CPU
// for Query, which rebuilds every packet with CONCAT. Errors name
// the table; one that unwraps to driver.ErrBadConn leaves c unusable (wire.Conn.QueryRows).
func Read(ctx context.Context, c *wire.Conn, db, table string, cols []Column, where string) (Sum, error) {
	var s Sum
	err := c.QueryRows(ctx, Select(db, table, cols, where), len(cols), func(p []byte, _ [][]byte) error {
		s.AddPacket(p)
		return nil
	})
	if err != nil {
		return Sum{}, fmt.Errorf("%s checksum: %w", sqltext.QualifiedName(db, table), err)
	}
	return s, nil
}

// Compute returns the checksum of the rows of db.table matching where ("" for all) on c, which
// must have Session set: read back and summed client-side (Read) when socks (the registry of
// the wire.Open pool c belongs to; nil for another pool) knows c's socket and it may be read
// directly, otherwise rebuilt by the server (Run: TLS and compressed sessions, other pools),
// which costs the server about three times the CPU (bench/README.md, BenchmarkRecheck). Both
// ways give the same Sum (TestReadEqualsQuery), so either side of a comparison may take either.
// Its errors are Read's or Run's, naming the table.
func Compute(ctx context.Context, c *sql.Conn, socks *wire.Sockets, db, table string, cols []Column, where string) (Sum, error) {
	var s Sum
	read := false
	err := c.Raw(func(dc any) error {
		wc := socks.Lookup(dc)
		if wc == nil || !wc.Direct() {
			return nil
		}
		read = true
		var err error
		s, err = Read(ctx, wc, db, table, cols, where)
		return err
	})
	if err != nil || read {
		return s, err
	}
	return Run(ctx, c, db, table, cols, where)
}
