package main

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// stderrIsTerminal tells whether progress is drawn as a bar (a terminal) or logged as lines.
func stderrIsTerminal() bool { return term.IsTerminal(int(os.Stderr.Fd())) }

// newBar returns the progress bar dump and load draw on stderr: total bytes, with rate and ETA.
func newBar(total int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(max(total, 1), progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionShowBytes(true), progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30), progressbar.OptionThrottle(250*time.Millisecond))
}
