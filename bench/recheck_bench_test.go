package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/wire"
)

// BenchmarkRecheck measures what recomputing a loaded table's checksum costs the server and
// the client, two ways: the server rebuilding each row's packet with CONCAT and summing its
// CRC32 (checksum.Query, what `load --checksum` ran), against the server sending the rows and
// the client summing the CRC-32s of the packets it reads from the socket (checksum.Read, what
// the loader does now and the dumper does while dumping).
// On one throwaway server (benchServer) it generates SLUICE_BENCH_SPEC (default
// sysbench:1x1000k) and checksums every table three times each way, interleaved, logging wall
// seconds, the server's CPU seconds and this process's CPU seconds, and checking both ways
// agree. Run it alone:
//
//	go test -run '^$' -bench Recheck -benchtime 1x -timeout 30m ./bench/
func BenchmarkRecheck(b *testing.B) {
	ctx := context.Background()
	d, err := ParseDataset(benchSpec("sysbench:1x1000k"))
	if err != nil {
		b.Fatal(err)
	}
	srv, db := benchServer(b)
	if _, err := Generate(ctx, db, d, 2); err != nil {
		b.Fatal(err)
	}
	wdb, socks, err := wire.Open(ctx, srv.ConnConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	defer wdb.Close()
	conn, err := wdb.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, q := range checksum.Session {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var tables []string
	rows, err := conn.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", d.Database)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			b.Fatal(err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	ways := []struct {
		name string
		sum  func(table string, cols []checksum.Column) (checksum.Sum, error)
	}{
		{"server CONCAT+CRC32", func(table string, cols []checksum.Column) (checksum.Sum, error) {
			return checksum.Run(ctx, conn, d.Database, table, cols, "")
		}},
		{"client reads rows", func(table string, cols []checksum.Column) (checksum.Sum, error) {
			return socketSum(ctx, conn, socks, d.Database, table, cols)
		}},
	}
	for range 3 {
		for _, w := range ways {
			var sums []string
			cpu0, self0, t0 := processCPU(srv.Pid()), selfCPU(), time.Now()
			for _, t := range tables {
				cols, err := checksum.Columns(ctx, conn, d.Database, t, nil)
				if err != nil {
					b.Fatal(err)
				}
				s, err := w.sum(t, cols)
				if err != nil {
					b.Fatal(err)
				}
				sums = append(sums, s.String())
			}
			wall := time.Since(t0).Seconds()
			la, _ := os.ReadFile("/proc/loadavg")
			b.Logf("%-20s wall %6.2f s  server CPU %6.2f s  client CPU %6.2f s  loadavg %s  sums %s", w.name, wall,
				processCPU(srv.Pid())-cpu0, selfCPU()-self0, strings.Join(strings.Fields(string(la))[:3], " "), strings.Join(sums, ","))
		}
	}
}

// socketSum is checksum.Read of db.table on c, whose socket socks knows.
func socketSum(ctx context.Context, c *sql.Conn, socks *wire.Sockets, db, table string, cols []checksum.Column) (checksum.Sum, error) {
	var s checksum.Sum
	err := c.Raw(func(dc any) error {
		wc := socks.Lookup(dc)
		if wc == nil || !wc.Direct() {
			return fmt.Errorf("%s: the connection's socket cannot be read directly", table)
		}
		var err error
		s, err = checksum.Read(ctx, wc, db, table, cols, "")
		return err
	})
	return s, err
}

// selfCPU is this process's user plus system CPU seconds so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
