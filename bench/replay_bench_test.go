package bench

import (
	"context"
	"database/sql"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/binlog"
	"github.com/sluicedb/sluice/internal/testserver"
)

// BenchmarkBinlogReplay measures point-in-time replay (issue 18): SLUICE_BENCH_TRX
// transactions (default 20,000: single-row INSERTs and, one in ten, a 10-row UPDATE) are
// archived with binlog.Archive, then replayed into a second server by binlog.Replay (over TCP,
// one connection) and by `mariadb-binlog FILES | mariadb` (root over the Unix socket), each
// onto the same starting state, none of them writing the target's binary log; it logs
// transactions/s and events/s (the archived events after the start) of each. Run it alone:
//
//	go test -run '^$' -bench BinlogReplay -benchtime 1x -timeout 30m ./bench/
func BenchmarkBinlogReplay(b *testing.B) {
	trx := 20000
	if v, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_TRX")); err == nil && v > 0 {
		trx = v
	}
	src := testserver.ForTest(b, testserver.Options{})
	dst := testserver.ForTest(b, testserver.Options{})
	ctx := context.Background()
	sdb, err := src.DB("")
	if err != nil {
		b.Fatal(err)
	}
	defer sdb.Close()
	ddb, err := dst.DB("")
	if err != nil {
		b.Fatal(err)
	}
	defer ddb.Close()
	schema := []string{"CREATE DATABASE r", "CREATE TABLE r.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40), n INT)"}
	for _, s := range schema {
		if _, err := sdb.Exec(s); err != nil {
			b.Fatal(err)
		}
	}
	var file, x, y string
	var pos uint64
	if err := sdb.QueryRow("SHOW MASTER STATUS").Scan(&file, &pos, &x, &y); err != nil {
		b.Fatal(err)
	}
	for i := range trx {
		q := "INSERT INTO r.t (v, n) VALUES ('value', " + strconv.Itoa(i) + ")"
		if i%10 == 9 {
			q = "UPDATE r.t SET n = n + 1 WHERE id > " + strconv.Itoa(i-10) + " AND id <= " + strconv.Itoa(i)
		}
		if _, err := sdb.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	if err := binlog.Archive(ctx, binlog.Options{Source: src.ConnConfig(), Dir: dir, StartFile: file, ServerID: 777}); err != nil {
		b.Fatal(err)
	}
	ix, err := binlog.ReadIndex(dir)
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	events := 0 // the events replayed: those after the start position
	for _, f := range ix.Files {
		files = append(files, filepath.Join(dir, f.Name))
		raw, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			b.Fatal(err)
		}
		for off := 4; off+19 <= len(raw); off += int(binary.LittleEndian.Uint32(raw[off+9:])) {
			if f.Name != file || uint64(binary.LittleEndian.Uint32(raw[off+13:])) > pos {
				events++
			}
		}
	}
	reset := func() {
		for _, s := range append([]string{"DROP DATABASE IF EXISTS r", "RESET MASTER"}, schema...) {
			if _, err := ddb.Exec(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	var sum string
	check := func(what string) {
		var name, got string
		if err := ddb.QueryRow("CHECKSUM TABLE r.t").Scan(&name, &got); err != nil {
			b.Fatal(err)
		}
		if sum == "" {
			if err := sdb.QueryRow("CHECKSUM TABLE r.t").Scan(&name, &sum); err != nil {
				b.Fatal(err)
			}
		}
		if got != sum {
			b.Fatalf("%s: checksum %s, source %s", what, got, sum)
		}
	}
	mc, err := mysql.ParseDSN(dst.DSN(""))
	if err != nil {
		b.Fatal(err)
	}
	mc.MultiStatements = true
	mdb, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		b.Fatal(err)
	}
	defer mdb.Close()
	replay := func(db *sql.DB, multi bool) (binlog.ReplayResult, time.Duration) {
		reset()
		c, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// As sluice load replays: not into the target's binary log, so each transaction
		// also records its archive position (binlog/resume.go).
		if _, err := c.ExecContext(ctx, "SET SESSION sql_log_bin = 0"); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := binlog.Replay(ctx, c, binlog.ReplayOptions{Dir: dir, DumpFile: file, DumpPos: pos, MultiStatements: multi})
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		check("sluice replay")
		return res, d
	}
	b.ResetTimer()
	for range b.N {
		res, sl := replay(ddb, false)
		_, slm := replay(mdb, true)
		reset()
		start := time.Now()
		cmd := dst.Client()
		args := append([]string{"--disable-log-bin", "--start-position=" + strconv.FormatUint(pos, 10)}, files...)
		dump := exec.CommandContext(ctx, "mariadb-binlog", args...)
		pipe, err := dump.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stdin = pipe
		if err := dump.Start(); err != nil {
			b.Fatal(err)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("mariadb: %v\n%s", err, out)
		}
		if err := dump.Wait(); err != nil {
			b.Fatal(err)
		}
		mbt := time.Since(start)
		check("mariadb-binlog | mariadb")
		tps := func(d time.Duration) float64 { return float64(res.Transactions) / d.Seconds() }
		eps := func(d time.Duration) float64 { return float64(events) / d.Seconds() }
		b.Logf("%d transactions, %d events, %d statements: sluice replay %v (%.0f trx/s, %.0f events/s), batched (as sluice load) %v (%.0f trx/s, %.0f events/s), mariadb-binlog | mariadb %v (%.0f trx/s, %.0f events/s)",
			res.Transactions, events, res.Statements, sl.Round(time.Millisecond), tps(sl), eps(sl), slm.Round(time.Millisecond), tps(slm), eps(slm),
			mbt.Round(time.Millisecond), tps(mbt), eps(mbt))
	}
}
