package roundtrip

import (
	"io"
	"log/slog"
)

// testLogger returns a logger writing text lines to w.
func testLogger(w io.Writer) *slog.Logger { return Logger(w) }
