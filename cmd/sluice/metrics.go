package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// metricsFileMode is the metrics file's mode: node_exporter reads it as its own user, and it
// holds no secrets (counts, times and the server's address).
const metricsFileMode = 0o644

// writeMetrics writes the run's metrics to path in the Prometheus text exposition format, as
// node_exporter's textfile collector reads it ("Textfile Collector" in node_exporter's README):
// written to path.tmp in the same directory, fsynced and renamed over path, so the collector
// never reads half a file. Every metric is labelled by command and target (the server). A
// failed run writes sluice_last_run_success 0, so an alert on it (or on the timestamp growing
// old) catches a nightly job that failed or never ran.
func writeMetrics(path string, s *summary, code int, end time.Time) error {
	labels := fmt.Sprintf(`{command="%s",target="%s"}`, labelValue(s.command), labelValue(s.target))
	var b strings.Builder
	gauge := func(name, help string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s%s %s\n", name, help, name, name, labels, formatFloat(v))
	}
	success := 0.0
	if code == exitOK {
		success = 1
	}
	gauge("sluice_last_run_success", "1 if the last run succeeded (exit code 0), else 0.", success)
	gauge("sluice_last_run_exit_code", "The last run's exit code (see sluice --help).", float64(code))
	gauge("sluice_last_run_timestamp_seconds", "When the last run ended, in seconds since the Unix epoch.", float64(end.UnixMilli())/1000)
	gauge("sluice_last_run_duration_seconds", "How long the last run took, in seconds.", s.elapsed.Seconds())
	gauge("sluice_rows_total", "Rows the last run dumped or loaded.", float64(s.rows))
	gauge("sluice_bytes_total", "Bytes the last run wrote (dump: files on disk) or read (load: data files).", float64(s.bytes))
	gauge("sluice_tables_total", "Tables the last run dumped or loaded.", float64(s.tables))
	gauge("sluice_warnings_total", "Warnings the last run logged (see the log's warning= lines).", float64(s.warnings))
	if s.command == "dump" {
		gauge("sluice_lock_seconds", "How long the last dump held the global read lock, in seconds.", s.lock.Seconds())
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, metricsFileMode)
	if err != nil {
		return fmt.Errorf("--metrics-file: %w", err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--metrics-file %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// labelValue escapes a label value: backslash, double quote and line feed.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func formatFloat(v float64) string { return fmt.Sprintf("%g", v) }
