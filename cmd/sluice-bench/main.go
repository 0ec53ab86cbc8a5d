// Command sluice-bench runs the benchmark suite of package bench (`make bench`,
// `make bench-quick`) and writes report.md, report.json and report.png into -out.
// Exit codes: 0 all cases passed, 1 a case or the suite failed, 2 bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/bench"
)

func main() {
	os.Exit(run())
}

func run() int {
	quick := flag.Bool("quick", false, "tiny datasets, one run per case, checksums verified (CI)")
	out := flag.String("out", "bench/results", "directory for report.md, report.json and report.png")
	sluice := flag.String("sluice", "bin/sluice", "sluice binary to measure (make build)")
	repeat := flag.Int("repeat", 0, "runs per case, medians reported (default: 3, or 1 with -quick)")
	threads := flag.String("threads", "", "comma-separated -t values (default: 1,2,4, or 1,2 with -quick)")
	targets := flag.String("targets", "", "semicolon-separated PROFILE=BUFFERPOOL@DATASET, e.g. "+
		"'small-pool=256M@indexed:4x1250k;fits=4G@sysbench:4x1M' (default: the full or quick set)")
	caseTimeout := flag.Duration("case-timeout", 0, "stop any single run after this long and report it as stopped (0: no limit)")
	checksum := flag.Bool("checksum", false, "verify every load by CHECKSUM TABLE too (always on with -quick)")
	dumpsOnly := flag.Bool("dumps-only", false, "measure the dumps only (no loads, so dumps are not verified by loading them)")
	noS3 := flag.Bool("no-s3", false, "skip the s3 variants (dump to and load from a MinIO server)")
	peerBin := flag.String("peer-bin", "", "directory holding the mydumper and myloader to measure instead of those on PATH")
	sluiceOnly := flag.Bool("sluice-only", false, "measure the limit and sluice's sql dump and loads only (no peers, no zstd/tsv/s3 variants)")
	deferModes := flag.String("defer", "", "comma-separated --defer-indexes values the sluice sql loads compare (default: all,none)")
	flag.Parse()

	o := bench.FullOptions(*sluice)
	if *quick {
		o = bench.QuickOptions(*sluice)
	}
	if *repeat > 0 {
		o.Repeat = *repeat
	}
	if *checksum {
		o.Checksum = true
	}
	o.CaseTimeout = *caseTimeout
	o.DumpsOnly = *dumpsOnly
	o.NoS3 = *noS3
	o.SluiceOnly = *sluiceOnly
	if *deferModes != "" {
		o.DeferModes = strings.Split(*deferModes, ",")
	}
	if *peerBin != "" {
		for _, tool := range []string{bench.ToolMydumper, bench.ToolMyloader} {
			if st, err := os.Stat(filepath.Join(*peerBin, tool)); err != nil || st.IsDir() {
				fmt.Fprintf(os.Stderr, "sluice-bench: -peer-bin %q: no %s program there; give the directory holding the mydumper and myloader build to measure\n", *peerBin, tool)
				return 2
			}
		}
		o.PeerBin = *peerBin
	}
	if *threads != "" {
		o.Threads = nil
		for _, s := range strings.Split(*threads, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, "sluice-bench: -threads %q: %q is not a positive number\n", *threads, s)
				return 2
			}
			o.Threads = append(o.Threads, n)
		}
	}
	if *targets != "" {
		ts, err := parseTargets(*targets)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sluice-bench: -targets:", err)
			return 2
		}
		o.Targets = ts
	}
	o.Log = os.Stdout
	o.AfterTarget = func(rep *bench.Report) {
		if err := rep.Write(*out); err != nil {
			fmt.Fprintln(os.Stderr, "sluice-bench:", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := bench.Run(ctx, o)
	if werr := rep.Write(*out); werr != nil {
		fmt.Fprintln(os.Stderr, "sluice-bench:", werr)
		return 1
	}
	fmt.Println()
	fmt.Print(rep.Markdown())
	fmt.Printf("\nreport written to %s/{%s,%s,%s}\n", *out, bench.ReportMarkdown, bench.ReportJSON, bench.ReportPNG)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sluice-bench:", err)
		return 1
	}
	for _, r := range rep.Results {
		if r.Error != "" {
			fmt.Fprintf(os.Stderr, "sluice-bench: %s %s failed: %s\n", r.Op, r.Label(), r.Error)
			return 1
		}
	}
	return 0
}

// parseTargets reads "PROFILE=BUFFERPOOL@DATASET;...".
func parseTargets(s string) ([]bench.Target, error) {
	var out []bench.Target
	for _, part := range strings.Split(s, ";") {
		prof, spec, ok := strings.Cut(strings.TrimSpace(part), "@")
		name, pool, ok2 := strings.Cut(prof, "=")
		if !ok || !ok2 || name == "" || pool == "" {
			return nil, fmt.Errorf("%q: expected PROFILE=BUFFERPOOL@DATASET, e.g. small-pool=256M@indexed:4x1250k", part)
		}
		d, err := bench.ParseDataset(spec)
		if err != nil {
			return nil, err
		}
		out = append(out, bench.Target{Profile: bench.Profile{Name: name, BufferPool: pool}, Dataset: d})
	}
	return out, nil
}
