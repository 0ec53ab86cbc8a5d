// Command sluice-demo runs `make demo`: two throwaway MariaDB servers, a generated sample
// database on the first, sluice dump, sluice load into the second, checksums compared.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/sluicedb/sluice/bench"
)

func main() {
	spec := flag.String("dataset", "indexed:4x400000", "dataset to generate (indexed:NxM, sysbench:NxM, mixed:M)")
	threads := flag.Int("t", 2, "threads for generate, dump and load")
	sluice := flag.String("sluice", "", "a built sluice binary: run dump and load as its commands (progress bar and summary on stderr)")
	flag.Parse()
	d, err := bench.ParseDataset(*spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sluice-demo:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := bench.Demo(ctx, bench.DemoOptions{Dataset: d, Threads: *threads, Out: os.Stdout, Sluice: *sluice, Err: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "sluice-demo:", err)
		os.Exit(1)
	}
}
