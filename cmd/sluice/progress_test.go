package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/progress"
)

// TestBarNeverPast100 draws the bar for a run whose bytes exceed the estimate: it stays at
// 100 %, and a log line written meanwhile erases the bar first, so it prints above it.
func TestBarNeverPast100(t *testing.T) {
	var out bytes.Buffer
	u := &ui{stderr: &termWriter{w: &out}, tty: true}
	u.log = slog.New(slog.NewTextHandler(u.stderr, nil))
	p := newPrinter(u, "load")
	p.Report(progress.Snapshot{Tables: 2, Rows: 100, RowsDone: 50, Bytes: 1000, BytesDone: 500, Elapsed: time.Second})
	if !strings.Contains(out.String(), "50%") || !strings.Contains(out.String(), "tables 0/2, 50 rows (50 rows/s)") {
		t.Fatalf("bar at half way: %q", out.String())
	}
	out.Reset()
	u.log.Info("added deferred definitions", "table", "shop.orders")
	line := out.String()
	if i := strings.Index(line, "time="); i < 0 || !strings.Contains(line[:i], "\r") {
		t.Errorf("the log line does not erase the bar first: %q", line)
	}
	out.Reset()
	time.Sleep(300 * time.Millisecond) // past the bar's throttle
	p.Report(progress.Snapshot{Tables: 2, Rows: 100, RowsDone: 150, Bytes: 1000, BytesDone: 1500, Elapsed: 2 * time.Second})
	p.Done(progress.Snapshot{Tables: 2, TablesDone: 2, Rows: 100, RowsDone: 150, Bytes: 1000, BytesDone: 1500, Elapsed: 2 * time.Second})
	if s := out.String(); !strings.Contains(s, "100%") || strings.Contains(s, "150%") {
		t.Errorf("bar past the estimate: %q", s)
	}
	if u.stderr.bar != nil {
		t.Errorf("the bar is still on screen after Done")
	}
}

// TestProgressLogLine checks the record logged when stderr is not a terminal.
func TestProgressLogLine(t *testing.T) {
	var out bytes.Buffer
	u := &ui{stderr: &termWriter{w: &out}, json: true}
	u.log = slog.New(slog.NewJSONHandler(u.stderr, nil))
	p := newPrinter(u, "load")
	p.every = 0
	p.Report(progress.Snapshot{Tables: 4, TablesDone: 1, Rows: 1000, RowsDone: 250, Bytes: 4 << 20, BytesDone: 1 << 20, Running: 2, Elapsed: 2 * time.Second})
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	want := map[string]any{"msg": "progress", "command": "load", "tables_done": 1.0, "tables": 4.0, "rows": 250.0, "est_rows": 1000.0,
		"percent": 25.0, "rows_per_second": 125.0, "mb_per_second": 0.5, "index_builds": 2.0, "eta_seconds": 6.0}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (record %v)", k, m[k], v, m)
		}
	}
	if p.snapshot().RowsDone != 250 {
		t.Errorf("the printer did not keep the snapshot for the summary")
	}
}

// TestArchiveProgressLogLine: binlog-archive's progress record says files, events, bytes and
// the lag in seconds, and its bar's description the same.
func TestArchiveProgressLogLine(t *testing.T) {
	var out bytes.Buffer
	u := &ui{stderr: &termWriter{w: &out}, json: true}
	u.log = slog.New(slog.NewJSONHandler(u.stderr, nil))
	p := newPrinter(u, archiveCommand)
	p.every = 0
	snap := progress.Snapshot{TablesDone: 3, RowsDone: 500, BytesDone: 1 << 20, Lag: 90*time.Second + 400*time.Millisecond, Elapsed: 2 * time.Second}
	p.Report(snap)
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	want := map[string]any{"msg": "progress", "command": "binlog-archive", "files": 3.0, "events": 500.0, "bytes": float64(1 << 20),
		"events_per_second": 250.0, "lag_seconds": 90.0}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (record %v)", k, m[k], v, m)
		}
	}
	if d := describe(archiveCommand, snap); d != "binlog-archive: 3 files, 500 events (250 events/s), lag 1m30s" {
		t.Errorf("bar description %q", d)
	}
}
