package roundtrip

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/verify"
)

// TestVerifyReplicaUnderLoad provisions a replica of a source (dump, load, attach) and runs
// verify --replica while a bounded write load runs on the source: no difference. A row changed
// on the replica alone (in a table the load does not write) is then found under the same load,
// and the table named; the replica replicates afterwards.
func TestVerifyReplicaUnderLoad(t *testing.T) {
	ctx := context.Background()
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	srcDB := Open(t, a, "")
	seedWorkload(t, srcDB)
	Exec(t, srcDB, "CREATE TABLE shop.fixed (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO shop.fixed SELECT seq, CONCAT('v', seq) FROM shop.seq_1_to_5000")
	createReplUser(t, a, ", BINLOG MONITOR")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{wlDB}, Threads: 2}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	repl := loader.ReplicateOptions{SourceHost: a.Host, SourcePort: a.Port, User: "repl", Password: replPassword, Wait: time.Minute}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, Replicate: &repl}); err != nil {
		t.Fatalf("load and attach: %v", err)
	}
	dst := Open(t, b, "")
	o := verify.Options{Databases: []string{wlDB}, Threads: 2, ChunkRows: 2000, Replica: true, ReplicaWait: time.Minute}

	w := startWorkload(srcDB, 4, 1_000_000, 60*time.Second)
	time.Sleep(500 * time.Millisecond) // the load is running and the replica behind it
	res, err := verify.Run(ctx, Config(a), Config(b), o)
	if err != nil {
		w.stop()
		t.Fatalf("verify --replica under load: %v", err)
	}
	if res.GTID == "" || res.Rows < wlOrders {
		t.Errorf("verify compared %+v, want a GTID position and every table", res)
	}
	before := w.ops.Load()
	assertReplicating(t, dst)

	// A row changed on the replica alone, while the load goes on.
	Exec(t, dst, "SET SESSION sql_log_bin = 0", "UPDATE shop.fixed SET v = 'tampered' WHERE id = 4321")
	res, err = verify.Run(ctx, Config(a), Config(b), o)
	ops := w.ops.Load() - before
	if _, werr := w.stop(); werr != nil {
		t.Fatalf("workload: %v", werr)
	}
	var de *verify.DiffError
	if !errors.As(err, &de) {
		t.Fatalf("verify --replica after tampering: %v, want a *verify.DiffError", err)
	}
	if len(res.Diffs) != 1 || res.Diffs[0].Table != "shop.fixed" {
		t.Fatalf("differences %q, want one in shop.fixed", res.Diffs)
	}
	if ops == 0 {
		t.Errorf("the workload committed nothing during the second verify: it did not run under load")
	}
	assertReplicating(t, dst)
	// Interrupted while the replica is stopped or being synced: it is restarted all the same.
	for _, d := range []time.Duration{20 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond} {
		ictx, cancel := context.WithTimeout(ctx, d)
		_, err := verify.Run(ictx, Config(a), Config(b), o)
		cancel()
		if err == nil {
			t.Logf("verify finished within %s", d)
		}
		assertReplicating(t, dst)
	}
	// The replica still applies: a row written on the source arrives.
	Exec(t, srcDB, "INSERT INTO shop.fixed VALUES (999999, 'after')")
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := dst.QueryRow("SELECT COUNT(*) FROM shop.fixed WHERE id = 999999").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica did not apply a row written on the source after verify")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertReplicating fails the test unless both replication threads of db run ("Yes") within
// 10 seconds: verify returns once the SQL thread runs, and the IO thread may still be
// connecting to the source then.
func assertReplicating(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		io, sqlThread := replicaThreads(t, db)
		if io == "Yes" && sqlThread == "Yes" {
			return
		}
		if sqlThread != "Yes" || time.Now().After(deadline) {
			t.Fatalf("Slave_IO_Running = %s, Slave_SQL_Running = %s after verify: the replica was not restarted", io, sqlThread)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// replicaThreads returns Slave_IO_Running and Slave_SQL_Running from db's SHOW SLAVE STATUS.
func replicaThreads(t *testing.T, db *sql.DB) (io, sqlThread string) {
	t.Helper()
	rows, err := db.Query("SHOW SLAVE STATUS")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatal("SHOW SLAVE STATUS is empty: the server no longer replicates")
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	for i, c := range cols {
		switch c {
		case "Slave_IO_Running":
			io = vals[i].String
		case "Slave_SQL_Running":
			sqlThread = vals[i].String
		}
	}
	return io, sqlThread
}
