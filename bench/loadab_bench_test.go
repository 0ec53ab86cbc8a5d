package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
	"golang.org/x/sys/unix"
)

// BenchmarkLoadAB compares sluice binaries on one dump, interleaved, so that the neighbours'
// load on a shared machine weighs on every binary alike (single bench runs minutes apart
// differ by more than the changes measured; bench/README.md "Bulk insert and table affinity").
// On one throwaway server (binary log off, SLUICE_BENCH_POOL buffer pool, default 256M) it
// generates SLUICE_BENCH_SPEC (default sysbench:4x1000k) into database src, dumps it once with
// the first binary (-t 2, and SLUICE_BENCH_DUMP_ARGS, space separated, e.g. --format tsv), then SLUICE_BENCH_ROUNDS times (default 3) in turn loads it with each binary of
// SLUICE_BENCH_BINS (comma separated paths, relative ones from bench/ where go test runs;
// default ../bin/sluice, the module's make build; the name "limit" is the server's own limit,
// limitLoadTables from SELECT INTO OUTFILE files written once) into a
// fresh database dst with `sluice load -t N` (N is SLUICE_BENCH_THREADS, default 2; the limit
// uses as many connections) and SLUICE_BENCH_LOAD_ARGS (space separated, e.g.
// --checksum=skip). With SLUICE_BENCH_COLD set, the dump's and the limit's files are dropped
// from the page cache before each load (evictDir), as for a restore of a dump written by
// sluice (O_DIRECT) or on another machine. With SLUICE_BENCH_LOGDIR set, every run's output
// (e.g. with SLUICE_BENCH_LOAD_ARGS=--log-level=debug, the per-job timeline) is written to a
// file in that directory, one per run in order. It logs each load's wall time, the server's
// and the binary's CPU seconds, the binary's peak RSS (MiB) and the load average, then each
// binary's median wall time and its ratio to the first's.
// Run it alone:
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
		if bin == ToolLimit {
			continue
		}
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
	var clientCPU float64 // CPU seconds of the last run's process
	var clientRSS int64   // peak resident set size of the last run's process, bytes
	logDir, runs := os.Getenv("SLUICE_BENCH_LOGDIR"), 0
	// run runs bin sub on srv and returns its output with the error when it fails; with
	// SLUICE_BENCH_LOGDIR set it also writes the output to DIR/NN-sub.log.
	run := func(bin, sub string, args ...string) error {
		cmd := exec.CommandContext(ctx, bin, append(append([]string{sub}, conn...), args...)...)
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+srv.Password)
		out, err := cmd.CombinedOutput()
		if logDir != "" {
			runs++
			if werr := os.WriteFile(filepath.Join(logDir, fmt.Sprintf("%02d-%s.log", runs, sub)), out, 0o600); werr != nil {
				return werr
			}
		}
		if cmd.ProcessState != nil {
			clientCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
			clientRSS = maxRSS(cmd.ProcessState)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w\n%s", bin, sub, err, out)
		}
		return nil
	}
	dir := filepath.Join(b.TempDir(), "dump")
	first := bins[0]
	for _, bin := range bins {
		if bin != ToolLimit {
			first = bin
			break
		}
	}
	if err := run(first, "dump", append([]string{"-B", "src", "-t", "2", "-o", dir}, strings.Fields(os.Getenv("SLUICE_BENCH_DUMP_ARGS"))...)...); err != nil {
		b.Fatal(err)
	}
	threads := 2
	if v, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_THREADS")); err == nil && v > 0 {
		threads = v
	}
	limit, err := abLimit(ctx, srv, db, bins, threads)
	if err != nil {
		b.Fatal(err)
	}
	extra := strings.Fields(os.Getenv("SLUICE_BENCH_LOAD_ARGS"))
	cold := os.Getenv("SLUICE_BENCH_COLD") != ""
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	walls := make([][]float64, len(bins))
	for range rounds {
		for i, bin := range bins {
			if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS dst"); err != nil {
				b.Fatal(err)
			}
			if cold {
				for _, d := range []string{dir, filepath.Join(srv.FilesDir, "limit")} {
					if err := evictDir(d); err != nil {
						b.Fatal(err)
					}
				}
			}
			time.Sleep(3 * time.Second) // let the DROP's purge and flushing settle
			cpu0, t0 := processCPU(srv.Pid()), time.Now()
			clientCPU, clientRSS = 0, 0
			if bin == ToolLimit {
				err = limit(ctx)
			} else {
				err = run(bin, "load", append([]string{"-d", dir, "-B", "dst", "-t", strconv.Itoa(threads)}, extra...)...)
			}
			if err != nil {
				b.Fatal(err)
			}
			wall, cpu := time.Since(t0).Seconds(), processCPU(srv.Pid())-cpu0
			la, _ := os.ReadFile("/proc/loadavg")
			walls[i] = append(walls[i], wall)
			b.Logf("%-30s wall %6.2f s  server CPU %6.2f s  client CPU %5.2f s  peak RSS %3d MiB  loadavg %s", bin, wall, cpu, clientCPU, clientRSS>>20, strings.Join(strings.Fields(string(la))[:3], " "))
		}
	}
	for i, bin := range bins {
		slices.Sort(walls[i])
		b.Logf("%-30s median wall %6.2f s of %d (÷ the first: %.2f)", bin, walls[i][len(walls[i])/2], rounds, walls[i][len(walls[i])/2]/walls[0][len(walls[0])/2])
	}
}

// abLimit prepares the limit's load of database src into dst on srv when bins names it
// (ToolLimit): the tables' SELECT INTO OUTFILE files and PK-only splits. It returns the load
// (limitLoadTables, threads connections), or nil when bins does not name the limit.
func abLimit(ctx context.Context, srv *testserver.Server, db *sql.DB, bins []string, threads int) (func(context.Context) error, error) {
	if !slices.Contains(bins, ToolLimit) {
		return nil, nil
	}
	var tables []string
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'src' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	in := filepath.Join(srv.FilesDir, "limit")
	if err := os.Mkdir(in, 0o777); err != nil {
		return nil, err
	}
	if err := limitDumpTables(ctx, db, "src", tables, in, 2); err != nil {
		return nil, err
	}
	splits, err := splitTables(ctx, db, "src", "dst", tables)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return limitLoadTables(ctx, db, "dst", tables, splits, in, threads) }, nil
}

// evictDir asks the kernel to drop the files under dir from the page cache
// (posix_fadvise(POSIX_FADV_DONTNEED)), so that the next load reads them from the disk as a
// restore of a dump written elsewhere, or by sluice with O_DIRECT, does. A missing dir is
// nothing to evict.
func evictDir(dir string) error {
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	})
}
