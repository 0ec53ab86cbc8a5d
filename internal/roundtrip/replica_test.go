package roundtrip

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

// replPassword has a quote and a backslash to prove the statements quote it right.
const replPassword = `r3pl'pw\z`

// createReplUser creates 'repl'@'%' on db with REPLICATION SLAVE and the extra privileges.
func createReplUser(t *testing.T, s *testserver.Server, extra string) {
	t.Helper()
	Exec(t, Open(t, s, ""),
		"CREATE USER 'repl'@'%' IDENTIFIED BY 'r3pl''pw\\\\z'",
		"GRANT REPLICATION SLAVE"+extra+" ON *.* TO 'repl'@'%'")
}

// provisioned is what one provisioning measured.
type provisioned struct {
	dir            string
	meta           *dumpdir.Metadata
	section        string        // metadata section the loader took the coordinates from
	rowsDuringDump int64         // rows the workload wrote while dumper.Run ran
	rowsAfterDump  int64         // rows it wrote after the dump, until it stopped
	setupToCaught  time.Duration // the loader's replication setup until caught up (its own log)
	stopToCaught   time.Duration // the workload's end until the replica had caught up
	loadTime       time.Duration // loader.Run, including the setup and wait
}

// provisionUnderLoad runs the bounded workload on source while it dumps dumped with do, loads
// the dump into target with repl (attached to source), lets the workload run on for two seconds
// after the loader attached the replica, then stops it, waits until target has caught up with
// source, and fails the test unless every table is equal on source and target and the
// accounts' total is unchanged.
func provisionUnderLoad(t *testing.T, source, dumped, target *testserver.Server, do dumper.Options, repl loader.ReplicateOptions) provisioned {
	t.Helper()
	ctx := context.Background()
	dbSource := Open(t, source, "")
	var p provisioned
	w := startWorkload(dbSource, 4, 1_000_000, 90*time.Second)
	time.Sleep(300 * time.Millisecond) // the load is under way when the dump starts
	before := w.rows.Load()
	do.OutDir = t.TempDir() + "/dump"
	do.Databases = []string{wlDB}
	if _, err := dumper.Run(ctx, Config(dumped), do); err != nil {
		w.stop()
		t.Fatalf("dump: %v", err)
	}
	afterDump := w.rows.Load()
	p.rowsDuringDump = afterDump - before
	p.dir = do.OutDir
	meta, err := dumpdir.ReadMetadata(do.OutDir)
	if err != nil {
		w.stop()
		t.Fatal(err)
	}
	p.meta = meta

	// Stop the workload two seconds after the loader attached the replica.
	var once sync.Once
	log := slog.New(&hookHandler{
		Handler: slog.NewTextHandler(testWriter{t}, nil),
		hook: func(r slog.Record) {
			switch r.Message {
			case "attaching as replica":
				r.Attrs(func(a slog.Attr) bool {
					if a.Key == "coordinates" {
						p.section = a.Value.String()
					}
					return true
				})
				once.Do(func() { time.AfterFunc(2*time.Second, func() { w.stop() }) })
			case "replica caught up":
				r.Attrs(func(a slog.Attr) bool {
					if a.Key == "seconds" {
						p.setupToCaught = time.Duration(a.Value.Float64() * float64(time.Second))
					}
					return true
				})
			}
		},
	})
	repl.SourceHost, repl.SourcePort = source.Host, source.Port
	if repl.Wait == 0 {
		repl.Wait = 3 * time.Minute
	}
	start := time.Now()
	_, err = loader.Run(ctx, Config(target), loader.Options{Dir: do.OutDir, Threads: 2, Replicate: &repl, Log: log})
	p.loadTime = time.Since(start)
	ended, werr := w.stop()
	if err != nil {
		t.Fatalf("load with --replicate-from: %v", err)
	}
	if werr != nil {
		t.Fatalf("workload: %v", werr)
	}
	p.rowsAfterDump = w.rows.Load() - afterDump
	if err := replication.WaitCaughtUp(ctx, Open(t, target, ""), dbSource, replication.MariaDB, "", 3*time.Minute, nil); err != nil {
		t.Fatalf("replica did not catch up: %v", err)
	}
	p.stopToCaught = time.Since(ended)
	if p.rowsDuringDump == 0 || p.rowsAfterDump == 0 {
		t.Fatalf("the workload wrote %d rows during the dump and %d after it: the test proves nothing", p.rowsDuringDump, p.rowsAfterDump)
	}
	Equal(t, source, wlDB, target, wlDB)
	if got, want := totalBalance(t, Open(t, target, "")), int64(wlTotalAmount); got != want {
		t.Fatalf("accounts total on the replica is %d, want %d", got, want)
	}
	if got := totalBalance(t, dbSource); got != wlTotalAmount {
		t.Fatalf("accounts total on the source is %d, want %d", got, wlTotalAmount)
	}
	t.Logf("figures: lock %.3fs (metadata lock_seconds), %d rows written during the dump and %d after, %d operations in all; "+
		"load+attach+catch-up %s; setup to caught up %s (loader); workload end to caught up %s",
		meta.LockSeconds, p.rowsDuringDump, p.rowsAfterDump, w.ops.Load(), p.loadTime.Round(time.Millisecond),
		p.setupToCaught.Round(time.Millisecond), p.stopToCaught.Round(time.Millisecond))
	return p
}

// TestReplicaFromDumpUnderLoad: A takes a write load while it is dumped; B, restored from the
// dump with --replicate-from A, catches up and equals A.
func TestReplicaFromDumpUnderLoad(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	seedWorkload(t, Open(t, a, ""))
	createReplUser(t, a, ", BINLOG MONITOR") // lets the loader compare positions with A
	p := provisionUnderLoad(t, a, a, b, dumper.Options{Threads: 2},
		loader.ReplicateOptions{User: "repl", Password: replPassword})
	if p.section != replication.SourceSection {
		t.Errorf("the loader attached B from metadata [%s], want [%s]", p.section, replication.SourceSection)
	}
	if len(p.meta.ReplicaSource) != 0 {
		t.Errorf("dump of a server that is no replica has [replica_source] %v", p.meta.ReplicaSource)
	}
}

// hookHandler passes every record to hook before the wrapped handler.
type hookHandler struct {
	slog.Handler
	hook func(slog.Record)
}

func (h *hookHandler) Handle(ctx context.Context, r slog.Record) error {
	h.hook(r)
	return h.Handler.Handle(ctx, r)
}

func (h *hookHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &hookHandler{Handler: h.Handler.WithAttrs(as), hook: h.hook}
}

func (h *hookHandler) WithGroup(name string) slog.Handler {
	return &hookHandler{Handler: h.Handler.WithGroup(name), hook: h.hook}
}

// testWriter writes log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
