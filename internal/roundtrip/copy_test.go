package roundtrip

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sluicedb/sluice/copier"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

// TestCopyRoundTrip copies hard values, key shapes and Sakila (views, routines, triggers,
// events) from one server to another with two threads a side and small chunks, and compares
// every database by CHECKSUM TABLE and objects; the data went through the pipe, file by file.
func TestCopyRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	Exec(t, src, "CREATE DATABASE keys_db")
	CreateKeyShapes(t, src, "keys_db", 3000)
	LoadSakila(t, a)
	dbs := []string{"hardv", "keys_db", "sakila"}
	res, err := copier.Run(context.Background(), Config(a), Config(b), copier.Options{
		Dump: dumper.Options{Databases: dbs, Threads: 2, Rows: 500},
		Load: loader.Options{Threads: 2, DeferMinRows: 0},
	})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	for _, db := range dbs {
		Equal(t, a, db, b, db)
	}
	if res.Pipe.Files == 0 || res.Load.Files != res.Pipe.Files {
		t.Fatalf("the pipe carried %d data files and the load loaded %d: want the same, more than 0", res.Pipe.Files, res.Load.Files)
	}
}

// TestCopyStreams copies a table of about 4 MB cut into files of about 24 KiB: the pipe's
// bounded queue makes the load take files while the dump still runs (some are loaded and
// freed before the dump is complete) and keeps the bytes held at once to a few files per
// thread, far below the table; the copy equals the source, its secondary index built after
// its data.
func TestCopyStreams(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE st", "CREATE TABLE st.t (id INT PRIMARY KEY, v VARCHAR(40), KEY (v))",
		"INSERT INTO st.t SELECT seq, MD5(seq) FROM st.seq_1_to_100000",
		"CREATE TABLE st.small (id INT PRIMARY KEY)", "INSERT INTO st.small VALUES (1), (2)")
	const fileSize, stmtSize = 16 << 10, 8 << 10
	res, err := copier.Run(context.Background(), Config(a), Config(b), copier.Options{
		Dump: dumper.Options{Databases: []string{"st"}, Threads: 2, FileSize: fileSize, StatementSize: stmtSize},
		Load: loader.Options{Threads: 2, DeferMinRows: 0},
	})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	Equal(t, a, "st", b, "st")
	p := res.Pipe
	t.Logf("pipe: %+v", p)
	if p.Files < 100 {
		t.Fatalf("the pipe carried %d files, want over 100 for this test to mean anything", p.Files)
	}
	if p.FilesBeforeEnd == 0 {
		t.Errorf("no data file was loaded before the dump was complete: dump and load do not overlap")
	}
	// Files announced and not yet freed: the dumpers blocked sending (2), the pipe's queue
	// (2), the scheduler's (2), the load workers' (2) and one being handed over.
	if limit := int64(9 * (fileSize + stmtSize + 1024)); p.PeakBytes > limit {
		t.Errorf("the pipe held %d bytes at once, want at most %d (9 files)", p.PeakBytes, limit)
	}
	var idx int
	if err := Open(t, b, "").QueryRow("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'st' AND TABLE_NAME = 't' AND INDEX_NAME = 'v'").Scan(&idx); err != nil || idx != 1 {
		t.Fatalf("target st.t index v: %d (%v), want 1", idx, err)
	}
}

// TestCopyRenameAndFilter copies one database into another name on the same server, with a
// --where filter: the copy holds exactly the rows meeting it.
func TestCopyRenameAndFilter(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE ren", "CREATE TABLE ren.t (id INT PRIMARY KEY, v VARCHAR(10), KEY (v))")
	for i := 0; i < 50; i++ {
		Exec(t, src, fmt.Sprintf("INSERT INTO ren.t VALUES (%d, 'v%d')", i, i%7))
	}
	_, err := copier.Run(context.Background(), Config(a), Config(a), copier.Options{
		Dump: dumper.Options{Databases: []string{"ren"}, Threads: 2, Where: "id < 20"},
		Load: loader.Options{Threads: 2, TargetDB: "ren_copy"},
	})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	var n int
	if err := src.QueryRow("SELECT COUNT(*) FROM ren_copy.t WHERE id < 20").Scan(&n); err != nil || n != 20 {
		t.Fatalf("ren_copy.t has %d rows under id 20 (%v), want 20", n, err)
	}
	if err := src.QueryRow("SELECT COUNT(*) FROM ren_copy.t").Scan(&n); err != nil || n != 20 {
		t.Fatalf("ren_copy.t has %d rows (%v), want 20: --where not applied", n, err)
	}
}

// TestCopyResume cancels a copy of five tables (one load thread) once two tables are
// complete: the target is marked incomplete, a copy without --resume is refused, and after one
// complete table is changed on the source, the resumed copy keeps the unchanged complete
// table, reloads the changed one and the rest from a new snapshot, and equals the source.
func TestCopyResume(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE rs")
	for i := 1; i <= 5; i++ {
		Exec(t, src, fmt.Sprintf("CREATE TABLE rs.t%d (id INT PRIMARY KEY, v VARCHAR(40), KEY (v))", i),
			fmt.Sprintf("INSERT INTO rs.t%d SELECT seq, MD5(seq) FROM rs.seq_1_to_%d", i, 2000*(6-i)))
	}
	opts := func() copier.Options {
		return copier.Options{
			Dump: dumper.Options{Databases: []string{"rs"}, Threads: 2, FileSize: 16 << 10, StatementSize: 8 << 10},
			Load: loader.Options{Threads: 1, DeferMinRows: 0},
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := opts()
	var done []string
	o.Load.TableDone = func(db, table string) { // from one goroutine; recorded on the target before
		if done = append(done, db+"."+table); len(done) == 2 {
			cancel()
		}
	}
	if _, err := copier.Run(ctx, Config(a), Config(b), o); err == nil {
		t.Fatal("the cancelled copy succeeded")
	}
	dst := Open(t, b, "")
	var marked int
	if err := dst.QueryRow("SELECT COUNT(*) FROM _sluice_copy.state WHERE db = '' AND tbl = ''").Scan(&marked); err != nil || marked != 1 {
		t.Fatalf("target not marked incomplete after the interrupted copy: %d rows (%v)", marked, err)
	}
	if _, err := copier.Run(context.Background(), Config(a), Config(b), opts()); err == nil {
		t.Fatal("a new copy onto the interrupted one was not refused")
	}
	if len(done) < 2 {
		t.Fatalf("tables recorded complete: %v, want 2 or more", done)
	}
	changed := done[0]
	Exec(t, src, "UPDATE "+changed+" SET v = 'changed' WHERE id = 7")
	o = opts()
	o.Resume = true
	res, err := copier.Run(context.Background(), Config(a), Config(b), o)
	if err != nil {
		t.Fatalf("copy --resume: %v", err)
	}
	Equal(t, a, "rs", b, "rs")
	if slices.Contains(res.Kept, changed) {
		t.Errorf("%s changed on the source but was kept: %v", changed, res.Kept)
	}
	if !slices.Contains(res.Kept, done[1]) {
		t.Errorf("%s was complete and unchanged but not kept: kept %v", done[1], res.Kept)
	}
	if err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '_sluice_copy'").Scan(&marked); err != nil || marked != 0 {
		t.Fatalf("copy state left after the resumed copy (%v)", err)
	}
}

// TestCopyReplicateUnderLoad copies the workload's database while a bounded write load runs
// on the source, with Replicate: the target is attached at the snapshot's GTID position and
// caught up when the copy returns; once the load stops and the replica has caught up again,
// it equals the source and the accounts' total is unchanged.
func TestCopyReplicateUnderLoad(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	seedWorkload(t, Open(t, a, ""))
	createReplUser(t, a, ", BINLOG MONITOR")
	dbSource := Open(t, a, "")
	w := startWorkload(dbSource, 2, 20_000, 60*time.Second)
	for deadline := time.Now().Add(30 * time.Second); w.rows.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			w.stop()
			t.Fatal("the workload wrote nothing in 30 s")
		}
	}
	before := w.rows.Load()
	res, err := copier.Run(context.Background(), Config(a), Config(b), copier.Options{
		Dump: dumper.Options{Databases: []string{wlDB}, Threads: 2},
		Load: loader.Options{Threads: 2, Replicate: &loader.ReplicateOptions{SourceHost: a.Host, SourcePort: a.Port,
			User: "repl", Password: replPassword, Wait: 3 * time.Minute}},
	})
	during := w.rows.Load() - before
	if _, werr := w.stop(); werr != nil {
		t.Fatalf("workload: %v", werr)
	}
	if err != nil {
		t.Fatalf("copy --replicate: %v", err)
	}
	if during == 0 {
		t.Fatal("the workload wrote nothing during the copy: the test proves nothing")
	}
	if err := replication.WaitCaughtUp(context.Background(), Open(t, b, ""), dbSource, replication.MariaDB, "", 3*time.Minute, nil); err != nil {
		t.Fatalf("replica did not catch up: %v", err)
	}
	Equal(t, a, wlDB, b, wlDB)
	if got := totalBalance(t, Open(t, b, "")); got != wlTotalAmount {
		t.Fatalf("accounts total on the replica is %d, want %d", got, wlTotalAmount)
	}
	t.Logf("%d rows written during the copy; snapshot at %+v", during, res.Dump.Coordinates)
}
