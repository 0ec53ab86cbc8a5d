package main

import (
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// ui is where a run talks to its operator: log lines (text or JSON) and progress on stderr, the
// command's output (replication-sql's statements) on stdout.
type ui struct {
	stdout io.Writer
	stderr *termWriter // stderr, shared by the log and the progress bar
	log    *slog.Logger
	json   bool // --log-format json
	quiet  bool // -q: no progress
	tty    bool // stderr is a terminal: progress is a bar, not log lines
}

// newUI returns the ui the common options ask for, on the process's stdout and stderr.
func newUI(c *commonOptions, stdout, stderr io.Writer) *ui {
	u := &ui{stdout: stdout, stderr: &termWriter{w: stderr}, json: c.logFormat == "json", quiet: c.quiet}
	if f, ok := stderr.(*os.File); ok {
		u.tty = term.IsTerminal(int(f.Fd()))
	}
	opts := &slog.HandlerOptions{Level: c.level}
	if u.json {
		u.log = slog.New(slog.NewJSONHandler(u.stderr, opts))
	} else {
		u.log = slog.New(slog.NewTextHandler(u.stderr, opts))
	}
	return u
}

// termWriter is stderr with a progress bar on its last line: each write (one log record) first
// erases the bar, so log lines print above it, never through it, and the bar is drawn again at
// its next update.
type termWriter struct {
	mu  sync.Mutex
	w   io.Writer
	bar *progressbar.ProgressBar // nil when no bar is shown
}

func (t *termWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bar != nil {
		t.bar.Clear()
	}
	n, err := t.w.Write(p)
	if t.bar != nil {
		t.bar.RenderBlank()
	}
	return n, err
}

// withBar runs f holding the writer, with the bar (created by newBar(w) when nil); f may
// return false to take the bar off the screen for good.
func (t *termWriter) withBar(newBar func(w io.Writer) *progressbar.ProgressBar, f func(*progressbar.ProgressBar) (keep bool)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bar == nil {
		t.bar = newBar(t.w)
	}
	if !f(t.bar) {
		t.bar = nil
	}
}
