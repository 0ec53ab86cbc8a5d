package dumper

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/testserver"
)

func config(s *testserver.Server) conn.Config { return s.ConnConfig() }

func exec(t *testing.T, d *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestFiltersAndLocks checks --regex, --ignore-engines and --where on a real server, that a
// MyISAM table is dumped (under the lock), each lock mode, and --lock-wait-timeout with and
// without --kill-long-queries.
func TestFiltersAndLocks(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetMaxOpenConns(1)
	exec(t, d, "CREATE DATABASE f", "USE f",
		"CREATE TABLE keep1 (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
		"INSERT INTO keep1 SELECT seq, seq FROM seq_1_to_100",
		"CREATE TABLE keep2 (id INT PRIMARY KEY) ENGINE=MyISAM",
		"INSERT INTO keep2 SELECT seq FROM seq_1_to_10",
		"CREATE TABLE aria1 (id INT PRIMARY KEY) ENGINE=Aria",
		"CREATE TABLE other (id INT PRIMARY KEY)")
	ctx := context.Background()
	tables := func(dir string) map[string]int64 {
		m, err := dumpdir.ReadMetadata(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, mt := range m.Tables {
			got[mt.Name] = mt.Rows
		}
		return got
	}
	dir := t.TempDir() + "/filtered"
	progress := &lastSnapshot{}
	res, err := Run(ctx, config(s), Options{OutDir: dir, Databases: []string{"f"}, Regex: regexp.MustCompile(`^f\.(keep|aria)`),
		IgnoreEngines: []string{"aria"}, Where: "id % 2 = 0", Threads: 2, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if p := progress.done; p.RowsDone != res.Rows || p.RowsDone != 55 || p.BytesDone == 0 || p.Rows == 0 {
		t.Errorf("progress %+v, result %d rows: want 55 rows counted and an estimate", p, res.Rows)
	}
	got := tables(dir)
	if len(got) != 2 || got["keep1"] != 50 || got["keep2"] != 5 {
		t.Errorf("filtered dump holds %v, want keep1: 50 rows, keep2 (MyISAM): 5 rows", got)
	}

	dir = t.TempDir() + "/one"
	if _, err := Run(ctx, config(s), Options{OutDir: dir, Tables: []string{"f.keep2"}}); err != nil {
		t.Fatal(err)
	}
	if got := tables(dir); len(got) != 1 || got["keep2"] != 10 {
		t.Errorf("-T f.keep2 dumped %v", got)
	}

	for _, mode := range []string{LockAuto, LockFTWRL, LockBackupStage, LockTables, LockNone} {
		dir := t.TempDir() + "/" + mode
		res, err := Run(ctx, config(s), Options{OutDir: dir, Databases: []string{"f"}, LockMode: mode, Threads: 2})
		if err != nil {
			t.Fatalf("--lock-mode %s: %v", mode, err)
		}
		if got := tables(dir); got["keep1"] != 100 || got["keep2"] != 10 {
			t.Errorf("--lock-mode %s: %v", mode, got)
		}
		t.Logf("--lock-mode %s: lock held %v", mode, res.Lock)
	}

	// A query running longer than --lock-wait-timeout: the dump gives up naming it, or kills it.
	long, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer long.Close()
	done := make(chan error, 1)
	go func() {
		_, err := long.Exec("SELECT SLEEP(30) /* long-running report */")
		done <- err
	}()
	time.Sleep(2200 * time.Millisecond)
	_, err = Run(ctx, config(s), Options{OutDir: t.TempDir() + "/x", Databases: []string{"f"}, LockMode: LockFTWRL, LockWaitTimeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "long-running report") || !strings.Contains(err.Error(), "--kill-long-queries") {
		t.Fatalf("dump with a long query running: err = %v, want one naming the query and --kill-long-queries", err)
	}
	start := time.Now()
	_, err = Run(ctx, config(s), Options{OutDir: t.TempDir() + "/y", Databases: []string{"f"}, LockMode: LockFTWRL,
		LockWaitTimeout: 2 * time.Second, KillLongQueries: true})
	if err != nil {
		t.Fatalf("--kill-long-queries: %v", err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("--kill-long-queries: the long query still runs")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("--kill-long-queries: dump took %v", time.Since(start))
	}
}

// TestWhereOnNullKeyTable checks that --where filters a table whose integer key holds only
// NULLs (planned as one chunk without a key range) as it filters every other table.
func TestWhereOnNullKeyTable(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetMaxOpenConns(1)
	exec(t, d, "CREATE DATABASE w", "USE w", "CREATE TABLE w.nk (id INT NULL, v INT, UNIQUE KEY (id))",
		"INSERT INTO w.nk SELECT NULL, seq FROM seq_1_to_10")
	dir := t.TempDir() + "/dump"
	// --rows 0 with one thread reads the table whole; --rows 3 takes planDense's path.
	for i, o := range []Options{{Threads: 2, Rows: 3}, {Threads: 1}} {
		o.OutDir, o.Databases, o.Where = fmt.Sprintf("%s%d", dir, i), []string{"w"}, "v % 2 = 0"
		res, err := Run(context.Background(), config(s), o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 5 {
			t.Errorf("rows %d, threads %d: dumped %d rows with --where 'v %% 2 = 0', want 5", o.Rows, o.Threads, res.Rows)
		}
	}
}

// lastSnapshot is a Progress that keeps the final snapshot.
type lastSnapshot struct{ done progress.Snapshot }

func (*lastSnapshot) Report(progress.Snapshot)   {}
func (l *lastSnapshot) Done(s progress.Snapshot) { l.done = s }
