package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// BenchmarkEncryptCost measures what --encrypt-recipient costs a dump: the indexed dataset
// (SLUICE_BENCH_ROWS rows per table, default 1,250,000, four tables: 5M rows) is dumped at
// -t 2 with and without encryption, for each compression, the runs interleaved (clear,
// encrypted, clear, ...) so that the shared machine's drift falls on both alike; it logs the
// median wall time of each and the ratio, and the median CPU time (user + system, getrusage(2)
// of this process, which runs the dumper: the server's CPU is not in it), a steadier measure on
// a shared machine since encryption costs CPU only. Run it alone:
//
//	go test -run '^$' -bench EncryptCost -benchtime 1x -timeout 60m ./bench/
func BenchmarkEncryptCost(b *testing.B) {
	rows := 1250000
	if v, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	rounds := 5
	if v, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	srv := testserver.ForTest(b, testserver.Options{BufferPool: "1G"})
	db, err := srv.DB("")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	d := Dataset{Kind: KindIndexed, Tables: 4, Rows: int64(rows), Seed: 1, Database: "encbench"}
	if _, err := Generate(ctx, db, d, 2); err != nil {
		b.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	run := 0
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var lastCPU time.Duration
	dump := func(comp string, rs []age.Recipient) (time.Duration, int64) {
		run++
		c0 := cpu()
		defer func() { lastCPU = cpu() - c0 }()
		dir := filepath.Join(tmp, strconv.Itoa(run))
		res, err := dumper.Run(ctx, srv.ConnConfig(), dumper.Options{OutDir: dir, Databases: []string{d.Database}, Threads: 2,
			Compression: comp, Recipients: rs, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(dir)
		return res.Elapsed, res.Bytes
	}
	median := func(v []time.Duration) time.Duration {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2]
	}
	for b.Loop() {
		for _, comp := range []string{dumpdir.CompressNone, dumpdir.CompressZstd} {
			var clear, enc, clearCPU, encCPU []time.Duration
			var clearBytes, encBytes int64
			dump(comp, nil) // warm the buffer pool and the page cache
			for i := 0; i < rounds; i++ {
				t, n := dump(comp, nil)
				clear, clearBytes, clearCPU = append(clear, t), n, append(clearCPU, lastCPU)
				t, n = dump(comp, []age.Recipient{id.Recipient()})
				enc, encBytes, encCPU = append(enc, t), n, append(encCPU, lastCPU)
			}
			mc, me := median(clear), median(enc)
			name := comp
			if name == "" {
				name = "none"
			}
			b.Logf("%d rows, -t 2, compression %s: clear median %.2f s %v, encrypted median %.2f s %v: %+.1f %% wall time; %d -> %d bytes",
				4*rows, name, mc.Seconds(), clear, me.Seconds(), enc, 100*(me.Seconds()/mc.Seconds()-1), clearBytes, encBytes)
			cc, ce := median(clearCPU), median(encCPU)
			b.Logf("compression %s: dumper CPU median clear %.2f s, encrypted %.2f s: +%.2f s, %.1f %% of the clear dump's median wall time",
				name, cc.Seconds(), ce.Seconds(), (ce - cc).Seconds(), 100*(ce-cc).Seconds()/mc.Seconds())
			b.ReportMetric(100*(me.Seconds()/mc.Seconds()-1), fmt.Sprintf("%%wall-%s", name))
			b.ReportMetric(100*(ce-cc).Seconds()/mc.Seconds(), fmt.Sprintf("%%cpu/wall-%s", name))
		}
	}
}
