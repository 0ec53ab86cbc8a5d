package dumper

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

// TestHeartbeat checks that a running dump's status file is refreshed every interval and
// records the outcome at the end.
func TestHeartbeat(t *testing.T) {
	dir := t.TempDir()
	o := Options{OutDir: dir, Heartbeat: 20 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}
	start := time.Now()
	d := dumpdir.Local(dir)
	h, err := startHeartbeat(context.Background(), d, &o, start)
	if err != nil {
		t.Fatal(err)
	}
	first, err := dumpdir.Local(dir).ReadStatus(context.Background())
	if err != nil || first.State != dumpdir.StateRunning || !first.Started.Equal(start) || first.PID != os.Getpid() {
		t.Fatalf("first status: %+v, %v", first, err)
	}
	time.Sleep(150 * time.Millisecond)
	later, err := dumpdir.Local(dir).ReadStatus(context.Background())
	if err != nil || !later.Heartbeat.After(first.Heartbeat) {
		t.Fatalf("heartbeat not refreshed: %+v then %+v (%v)", first, later, err)
	}
	if err := h.end(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	done, _ := dumpdir.Local(dir).ReadStatus(context.Background())
	if done.State != dumpdir.StateComplete || done.Finished.Before(later.Heartbeat) {
		t.Fatalf("final status: %+v", done)
	}
}

// TestFailedDumpStatus checks that a dump that fails (here: no server to reach) leaves a status
// that says failed, so that sluice prune can remove it.
func TestFailedDumpStatus(t *testing.T) {
	dir := t.TempDir() + "/d"
	_, err := Run(context.Background(), conn.Config{Host: "127.0.0.1", Port: 1, User: "root"}, Options{OutDir: dir})
	if err == nil {
		t.Fatal("dump of an unreachable server succeeded")
	}
	st, err := dumpdir.Local(dir).ReadStatus(context.Background())
	if err != nil || st.State != dumpdir.StateFailed || st.Finished.IsZero() {
		t.Fatalf("status after a failed dump: %+v, %v", st, err)
	}
}
