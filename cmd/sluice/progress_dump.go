package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sluicedb/sluice/dumper"
)

// startProgress attaches counters to o and prints them until the returned stop is called: a
// progress bar (bytes against the information_schema estimate, with rows/s, MB/s and ETA) when
// stderr is a terminal, otherwise a log line every 10 seconds.
func startProgress(o *dumper.Options, log *slog.Logger) (stop func()) {
	c := &dumper.Counters{}
	o.Progress = c
	done := make(chan struct{})
	finished := make(chan struct{})
	tty := stderrIsTerminal()
	go func() {
		defer close(finished)
		start := time.Now()
		every := 10 * time.Second
		var bar *progressbar.ProgressBar
		if tty {
			every = 500 * time.Millisecond
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if bar != nil {
					bar.Finish()
					fmt.Fprintln(os.Stderr)
				}
				return
			case <-tick.C:
			}
			s := c.Snapshot()
			secs := time.Since(start).Seconds()
			rowsPerSec, mbPerSec := float64(s.Rows)/secs, float64(s.Bytes)/secs/(1<<20)
			if !tty {
				log.Info("dump progress", "rows", s.Rows, "est_rows", s.EstRows, "mb", s.Bytes>>20,
					"rows_per_second", int64(rowsPerSec), "mb_per_second", fmt.Sprintf("%.1f", mbPerSec))
				continue
			}
			if bar == nil {
				bar = newBar(s.EstBytes)
			}
			if s.Bytes > bar.GetMax64() {
				bar.ChangeMax64(s.Bytes) // the estimate was low
			}
			bar.Describe(fmt.Sprintf("%d rows, %.0f rows/s", s.Rows, rowsPerSec))
			bar.Set64(s.Bytes)
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
