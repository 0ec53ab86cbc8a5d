package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sluicedb/sluice/loader"
)

// loadProgress prints a restore's progress: one bar (bytes of data files, with tables done,
// rows, index builds running, MB/s and ETA) when stderr is a terminal, otherwise a log line
// every 10 seconds. It implements loader.Progress.
type loadProgress struct {
	log    *slog.Logger
	tty    bool
	bar    *progressbar.ProgressBar
	logged time.Time
}

func newLoadProgress(log *slog.Logger) *loadProgress {
	return &loadProgress{log: log, tty: stderrIsTerminal(), logged: time.Now()}
}

func (p *loadProgress) Report(s loader.Snapshot) {
	mbps := float64(s.BytesDone) / max(s.Elapsed.Seconds(), 0.001) / (1 << 20)
	if !p.tty {
		if time.Since(p.logged) < 10*time.Second {
			return
		}
		p.logged = time.Now()
		p.log.Info("load progress", "tables_done", s.TablesDone, "tables", s.Tables, "rows", s.RowsDone, "est_rows", s.Rows,
			"mb", s.BytesDone>>20, "of_mb", s.Bytes>>20, "mb_per_second", fmt.Sprintf("%.1f", mbps), "index_builds", s.IndexBuilds)
		return
	}
	if p.bar == nil {
		p.bar = newBar(s.Bytes)
	}
	p.bar.Describe(fmt.Sprintf("tables %d/%d, %d rows, %d index builds", s.TablesDone, s.Tables, s.RowsDone, s.IndexBuilds))
	p.bar.Set64(s.BytesDone)
}

func (p *loadProgress) Done(s loader.Snapshot) {
	if p.bar != nil {
		p.Report(s)
		p.bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}
