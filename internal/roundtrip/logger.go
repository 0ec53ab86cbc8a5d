package roundtrip

import (
	"io"
	"log/slog"
	"sync"
)

// lockedWriter serialises writes from the loader's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Logger returns a logger writing text lines, debug level and up, to w; safe for the loader's
// goroutines.
func Logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
