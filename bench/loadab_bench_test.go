package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkLoadAB compares sluice binaries on one dump, interleaved, so that the neighbours'
// load on a shared machine weighs on every binary alike (single bench runs minutes apart
// differ by more than the changes measured; bench/README.md "Bulk insert and table affinity").
// On one throwaway server (binary log off, SLUICE_BENCH_POOL buffer pool, default 256M) it
// generates SLUICE_BENCH_SPEC (default sysbench:4x1000k) into database src, dumps it once with
// the first binary (-t 2), then three times in turn loads it with each binary of
// SLUICE_BENCH_BINS (comma separated paths, relative ones from bench/ where go test runs;
// default ../bin/sluice, the module's make build) into a
// fresh database dst with `sluice load -t 2` and SLUICE_BENCH_LOAD_ARGS (space separated, e.g.
// --checksum=skip), and logs each load's wall time, the server's CPU seconds and the load
// average. Run it alone:
//
//	SLUICE_BENCH_BINS=/tmp/sluice-before,/tmp/sluice-after \
//	    go test -run '^$' -bench LoadAB -benchtime 1x -timeout 30m ./bench/
func BenchmarkLoadAB(b *testing.B) {
	ctx := context.Background()
	bins := strings.Split(os.Getenv("SLUICE_BENCH_BINS"), ",")
	if bins[0] == "" {
		bins = []string{"../bin/sluice"}
	}
	for i, bin := range bins {
		abs, err := filepath.Abs(bin)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(abs); err != nil {
			b.Fatalf("SLUICE_BENCH_BINS: %v (make build writes bin/sluice)", err)
		}
		bins[i] = abs
	}
	d, err := ParseDataset(benchSpec("sysbench:4x1000k"))
	if err != nil {
		b.Fatal(err)
	}
	d.Database = "src"
	srv, db := benchServer(b)
	if _, err := Generate(ctx, db, d, 2); err != nil {
		b.Fatal(err)
	}
	conn := []string{"-h", srv.Host, "-P", strconv.Itoa(srv.Port), "-u", srv.User}
	// run runs bin sub on srv and returns its output with the error when it fails.
	run := func(bin, sub string, args ...string) error {
		cmd := exec.CommandContext(ctx, bin, append(append([]string{sub}, conn...), args...)...)
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+srv.Password)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %w\n%s", bin, sub, err, out)
		}
		return nil
	}
	dir := filepath.Join(b.TempDir(), "dump")
	if err := run(bins[0], "dump", "-B", "src", "-t", "2", "-o", dir); err != nil {
		b.Fatal(err)
	}
	extra := strings.Fields(os.Getenv("SLUICE_BENCH_LOAD_ARGS"))
	for range 3 {
		for _, bin := range bins {
			if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS dst"); err != nil {
				b.Fatal(err)
			}
			time.Sleep(3 * time.Second) // let the DROP's purge and flushing settle
			cpu0, t0 := serverCPU(srv.Pid()), time.Now()
			if err := run(bin, "load", append([]string{"-d", dir, "-B", "dst", "-t", "2"}, extra...)...); err != nil {
				b.Fatal(err)
			}
			wall, cpu := time.Since(t0).Seconds(), serverCPU(srv.Pid())-cpu0
			la, _ := os.ReadFile("/proc/loadavg")
			b.Logf("%-30s wall %6.2f s  server CPU %6.2f s  loadavg %s", bin, wall, cpu, strings.Join(strings.Fields(string(la))[:3], " "))
		}
	}
}
