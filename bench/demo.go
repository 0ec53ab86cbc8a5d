package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/compare"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// DemoOptions size the demo (`make demo`).
type DemoOptions struct {
	Dataset Dataset // what to generate on the first server
	Threads int     // -t for generate, dump and load
	Out     io.Writer
	// Sluice is a built sluice binary: dump and load then run as its commands, with their
	// progress bar and summary on Err, and their figures read back from --metrics-file.
	// "" runs dumper.Run and loader.Run in this process instead.
	Sluice string
	Err    io.Writer // the commands' stderr (default os.Stderr)
}

// DemoResult holds the figures the demo prints.
type DemoResult struct {
	Rows            int64   // rows dumped and restored
	DataBytes       int64   // data_length + index_length of the source database, bytes
	DumpBytes       int64   // bytes of the dump on disk
	GenerateSeconds float64 // wall seconds to fill the source
	DumpSeconds     float64 // wall seconds of sluice dump
	LoadSeconds     float64 // wall seconds of sluice load
	LockSeconds     float64 // seconds the dump held the global read lock
	TablesVerified  int     // objects compared equal (CHECKSUM TABLE, SHOW CREATE)
}

// Demo starts two throwaway MariaDB servers, fills the first with o.Dataset, dumps it with
// sluice, restores the dump into the second, and verifies every table by CHECKSUM TABLE and
// every definition by SHOW CREATE. It returns an error naming the first difference.
func Demo(ctx context.Context, o DemoOptions) (*DemoResult, error) {
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }
	say("starting two throwaway MariaDB servers on 127.0.0.1 ...")
	a, err := testserver.Start(ctx, testserver.Options{})
	if err != nil {
		return nil, err
	}
	defer a.Stop()
	b, err := testserver.Start(ctx, testserver.Options{})
	if err != nil {
		return nil, err
	}
	defer b.Stop()
	say("  source %s:%d, target %s:%d (%s)", a.Host, a.Port, b.Host, b.Port, a.Version)

	srcDB, err := a.DB("")
	if err != nil {
		return nil, err
	}
	defer srcDB.Close()
	res := &DemoResult{}
	say("generating %s:%dx%d into %s with %d threads ...", o.Dataset.Kind, o.Dataset.Tables, o.Dataset.Rows, o.Dataset.Database, o.Threads)
	gs, err := Generate(ctx, srcDB, o.Dataset, o.Threads)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	res.GenerateSeconds, res.DataBytes = gs.Seconds, gs.Bytes

	dir, err := os.MkdirTemp("", "sluice-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "dump")
	say("sluice dump -t %d -B %s -o %s ...", o.Threads, o.Dataset.Database, out)
	if o.Sluice != "" {
		m, err := runSluice(ctx, o, a, dir, "dump", "-t", fmt.Sprint(o.Threads), "-B", o.Dataset.Database, "-o", out)
		if err != nil {
			return nil, err
		}
		res.Rows, res.DumpBytes, res.DumpSeconds, res.LockSeconds = int64(m["sluice_rows_total"]), int64(m["sluice_bytes_total"]),
			m["sluice_last_run_duration_seconds"], m["sluice_lock_seconds"]
	} else {
		dr, err := dumper.Run(ctx, a.ConnConfig(), dumper.Options{OutDir: out, Databases: []string{o.Dataset.Database}, Threads: o.Threads})
		if err != nil {
			return nil, fmt.Errorf("dump: %w", err)
		}
		res.Rows, res.DumpBytes, res.DumpSeconds, res.LockSeconds = dr.Rows, dr.Bytes, dr.Elapsed.Seconds(), dr.Lock.Seconds()
	}

	say("sluice load -t %d -d %s ...", o.Threads, out)
	if o.Sluice != "" {
		m, err := runSluice(ctx, o, b, dir, "load", "-t", fmt.Sprint(o.Threads), "-d", out)
		if err != nil {
			return nil, err
		}
		res.LoadSeconds = m["sluice_last_run_duration_seconds"]
	} else {
		lr, err := loader.Run(ctx, b.ConnConfig(), loader.Options{Dir: out, Threads: o.Threads})
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		res.LoadSeconds = lr.Elapsed.Seconds()
	}

	say("verifying CHECKSUM TABLE and SHOW CREATE on both servers ...")
	dstDB, err := b.DB("")
	if err != nil {
		return nil, err
	}
	defer dstDB.Close()
	want, err := compare.Take(ctx, srcDB, o.Dataset.Database)
	if err != nil {
		return nil, err
	}
	got, err := compare.Take(ctx, dstDB, o.Dataset.Database)
	if err != nil {
		return nil, err
	}
	if d := compare.Diff(want, got); len(d) > 0 {
		return nil, fmt.Errorf("restore differs from the source:\n%s", strings.Join(d, "\n"))
	}
	res.TablesVerified = len(want)

	say("")
	say("| step | wall seconds | rows | MB | rows/s |")
	say("|---|---:|---:|---:|---:|")
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	say("| generate (%d threads) | %.1f | %d | %.0f (data+indexes) | %.0f |", o.Threads, res.GenerateSeconds, res.Rows, mb(res.DataBytes), float64(res.Rows)/res.GenerateSeconds)
	say("| sluice dump -t %d | %.1f | %d | %.0f (files) | %.0f |", o.Threads, res.DumpSeconds, res.Rows, mb(res.DumpBytes), float64(res.Rows)/res.DumpSeconds)
	say("| sluice load -t %d | %.1f | %d | %.0f (files) | %.0f |", o.Threads, res.LoadSeconds, res.Rows, mb(res.DumpBytes), float64(res.Rows)/res.LoadSeconds)
	say("")
	say("global read lock held %.3f s; %d objects verified equal (CHECKSUM TABLE, SHOW CREATE). Demo OK.", res.LockSeconds, res.TablesVerified)
	return res, nil
}
