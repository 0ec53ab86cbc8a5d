package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sluicedb/sluice/internal/progress"
)

// progressLogEvery is how often progress is logged when stderr is not a terminal (or with
// --log-format json).
const progressLogEvery = 10 * time.Second

// archiveCommand is binlog-archive's name, whose progress is files, events and lag.
const archiveCommand = "binlog-archive"

// printer prints a run's progress snapshots (it implements progress.Reporter, which dumper and
// loader report to): a bar on a terminal (bytes against the estimate, never past 100 %, with
// rows/s, MB/s and an ETA from bytes), otherwise a "progress" log record every
// progressLogEvery; and it keeps the last snapshot for the run's summary.
type printer struct {
	ui      *ui
	command string
	every   time.Duration

	mu     sync.Mutex
	last   progress.Snapshot
	logged time.Time
}

func newPrinter(u *ui, command string) *printer {
	return &printer{ui: u, command: command, every: progressLogEvery, logged: time.Now()}
}

// bar reports whether progress is drawn as a bar.
func (p *printer) bar() bool { return p.ui.tty && !p.ui.json && !p.ui.quiet }

// Report prints s: it updates the bar, or logs it when progressLogEvery has passed.
func (p *printer) Report(s progress.Snapshot) {
	p.mu.Lock()
	p.last = s
	due := time.Since(p.logged) >= p.every
	if due {
		p.logged = time.Now()
	}
	p.mu.Unlock()
	switch {
	case p.ui.quiet:
	case p.bar():
		p.draw(s, false)
	case due:
		p.ui.log.Info("progress", progressAttrs(p.command, s)...)
	}
}

// Done records the final snapshot and takes the bar off the screen, leaving its last state.
func (p *printer) Done(s progress.Snapshot) {
	p.mu.Lock()
	p.last = s
	p.mu.Unlock()
	if p.bar() {
		p.draw(s, true)
	}
}

// snapshot returns the last snapshot reported.
func (p *printer) snapshot() progress.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

func (p *printer) draw(s progress.Snapshot, done bool) {
	p.ui.stderr.withBar(func(w io.Writer) *progressbar.ProgressBar {
		return progressbar.NewOptions64(max(s.Bytes, s.BytesDone, 1), progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true), progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(25), progressbar.OptionThrottle(250*time.Millisecond),
			progressbar.OptionSetElapsedTime(true), progressbar.OptionSetDescription(describe(p.command, s)))
	}, func(b *progressbar.ProgressBar) bool {
		if s.BytesDone > b.GetMax64() {
			b.ChangeMax64(s.BytesDone) // the estimate was low: stay at 100 %, never past it
		}
		b.Set64(s.BytesDone)
		b.Describe(describe(p.command, s))
		if done {
			b.Exit()
			fmt.Fprintln(p.ui.stderr.w)
			return false
		}
		return true
	})
}

// describe is the text before the bar: tables, rows and their rate, index builds.
func describe(command string, s progress.Snapshot) string {
	if command == archiveCommand {
		return fmt.Sprintf("%s: %d files, %d events (%.0f events/s), lag %s", command, s.TablesDone, s.RowsDone, perSecond(s.RowsDone, s.Elapsed), s.Lag.Round(time.Second))
	}
	d := fmt.Sprintf("%s: %d rows (%.0f rows/s)", command, s.RowsDone, perSecond(s.RowsDone, s.Elapsed))
	if s.Tables > 0 {
		d = fmt.Sprintf("%s: tables %d/%d, %d rows (%.0f rows/s)", command, s.TablesDone, s.Tables, s.RowsDone, perSecond(s.RowsDone, s.Elapsed))
	}
	if s.Running > 0 {
		d += fmt.Sprintf(", %d index builds", s.Running)
	}
	return d
}

// progressAttrs are a progress log record's attributes.
func progressAttrs(command string, s progress.Snapshot) []any {
	a := []any{"command", command}
	if command == archiveCommand {
		return append(a, "files", s.TablesDone, "events", s.RowsDone, "bytes", s.BytesDone,
			"events_per_second", int64(perSecond(s.RowsDone, s.Elapsed)), "lag_seconds", int64(s.Lag.Seconds()))
	}
	if s.Tables > 0 {
		a = append(a, "tables_done", s.TablesDone, "tables", s.Tables)
	}
	a = append(a, "rows", s.RowsDone, "est_rows", s.Rows,
		"bytes", s.BytesDone, "est_bytes", s.Bytes, "percent", percent(s.BytesDone, s.Bytes),
		"rows_per_second", int64(perSecond(s.RowsDone, s.Elapsed)), "mb_per_second", mbPerSecond(s.BytesDone, s.Elapsed))
	if s.Running > 0 {
		a = append(a, "index_builds", s.Running)
	}
	if s.Bytes > s.BytesDone && s.BytesDone > 0 {
		eta := time.Duration(float64(s.Elapsed) * float64(s.Bytes-s.BytesDone) / float64(s.BytesDone))
		a = append(a, "eta_seconds", int64(eta.Seconds()))
	}
	return a
}

func perSecond(n int64, d time.Duration) float64 { return float64(n) / max(d.Seconds(), 0.001) }

// mbPerSecond is MiB/s rounded to a tenth.
func mbPerSecond(b int64, d time.Duration) float64 {
	return float64(int64(perSecond(b, d)/(1<<20)*10)) / 10
}

// percent is done/total in percent, at most 100 (estimates run low).
func percent(done, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return min(100, done*100/total)
}
