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
	"github.com/sluicedb/sluice/internal/sqltext"
)

// BenchmarkRecheck measures what recomputing a loaded table's checksum costs the server and
// the client, two ways: the server rebuilding each row's packet with CONCAT and summing its
// CRC32 (checksum.Query, what `load --checksum` ran), against the server sending the rows and
// the client summing the CRC-32s of the packets it reads (what the dumper does while dumping
// and checksum.Read does; here through database/sql, which costs the client more CPU than the
// loader's direct socket reader but the server the same).
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
	conn, err := db.Conn(ctx)
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
			return clientSum(ctx, conn, d.Database, table, cols)
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

// clientSum reads every row of db.table as the dumper selects it and sums the CRC-32s of the
// rows' packets, rebuilt from the driver's raw values.
func clientSum(ctx context.Context, c *sql.Conn, db, table string, cols []checksum.Column) (checksum.Sum, error) {
	exprs := make([]string, len(cols))
	for i, col := range cols {
		exprs[i] = sqltext.SelectExpr(col.Name, col.DataType)
	}
	rows, err := c.QueryContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+sqltext.QualifiedName(db, table))
	if err != nil {
		return checksum.Sum{}, err
	}
	defer rows.Close()
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	vals := make([][]byte, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	var s checksum.Sum
	var scratch []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return checksum.Sum{}, fmt.Errorf("%s: %w", table, err)
		}
		for i, v := range raw {
			vals[i] = v
		}
		scratch = s.AddValues(vals, scratch)
	}
	return s, rows.Err()
}

// selfCPU is this process's user plus system CPU seconds so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
