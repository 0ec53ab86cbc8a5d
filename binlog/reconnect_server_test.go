package binlog

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// dumpThread returns the id of the source's Binlog Dump thread serving server id 4248's
// archiver, 0 when there is none.
func dumpThread(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump' ORDER BY ID DESC LIMIT 1").Scan(&id)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return id
}

// TestArchiveReconnect follows the source (--stop-never) through a KILL of the archiver's
// connection on the source and a restart of the source, writing while it is disconnected:
// the archive reconnects (with backoff) and holds every binlog file of the source, byte for
// byte (no gap, no duplicate), the file the restart ended marked complete, and its GTIDs
// are every transaction's, once, in order.
func TestArchiveReconnect(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	first := masterFile(t, db)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	actx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- Archive(actx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: first, ServerID: 4248, StopNever: true, SyncEvery: 10 * time.Millisecond})
	}()
	trx := 0
	write := func(n int) string {
		t.Helper()
		for range n {
			trx++
			exec1(t, db, fmt.Sprintf("INSERT INTO r.t VALUES (%d, REPEAT('x', %d))", trx, trx%300))
		}
		var pos string
		if err := db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&pos); err != nil {
			t.Fatal(err)
		}
		return pos
	}
	archived := func(gtid string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			ix, err := ReadIndex(dir)
			if err != nil {
				t.Fatal(err)
			}
			if ix != nil && len(ix.Files) > 0 && ix.Files[len(ix.Files)-1].LastGTID == gtid {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 60 s the archive's index is %+v, want its last file to end at %s", ix, gtid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	exec1(t, db, "CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY, v TEXT)")
	archived(write(20))

	old := dumpThread(t, db)
	if old == 0 {
		t.Fatal("no Binlog Dump thread on the source while the archiver follows it")
	}
	exec1(t, db, fmt.Sprintf("KILL %d", old))
	want := write(30) // while the archiver is disconnected or reconnecting
	archived(want)
	if id := dumpThread(t, db); id == old || id == 0 {
		t.Fatalf("after the KILL the dump thread is %d (was %d): the archiver did not reconnect", id, old)
	}

	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	final := write(25)
	archived(final)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Archive after cancel: %v, want nil", err)
	}

	ix, err := ReadIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SHOW BINARY LOGS")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var name string
		var size any
		if err := rows.Scan(&name, &size); err != nil {
			t.Fatal(err)
		}
		if name >= first {
			names = append(names, name)
		}
	}
	rows.Close()
	if len(ix.Files) != len(names) || len(names) < 2 {
		t.Fatalf("archived files %+v, want the source's %v (a restart makes a new file)", ix.Files, names)
	}
	var seqs []string
	for i, f := range ix.Files {
		if f.Name != names[i] {
			t.Fatalf("archived file %d is %s, want the source's %s", i, f.Name, names[i])
		}
		if i+1 < len(ix.Files) && (!f.Complete || f.Next != names[i+1]) {
			t.Errorf("%s: complete %v, next %q; want complete, next %s", f.Name, f.Complete, f.Next, names[i+1])
		}
		if i+1 < len(ix.Files) {
			sameBytes(t, s, dir, f.Name) // the last one the source may still be writing
		}
		readEvents(t, dir, f, func(ev []byte, h header) {
			if h.Type == eventMariaGTID {
				g, _ := parseMariaGTID(ev, h)
				seqs = append(seqs, g)
			}
		})
	}
	if _, err := replayFiles(ReplayOptions{Dir: dir, DumpFile: first, DumpPos: 4}); err != nil {
		t.Errorf("the archive does not chain for replay: %v", err)
	}
	last, err := parseGTIDPos(final)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(seqs)) != last[0] {
		t.Fatalf("the archive holds %d transactions, want the source's %d (%s)", len(seqs), last[0], final)
	}
	for i, g := range seqs {
		p, err := parseGTIDPos(g)
		if err != nil || p[0] != uint64(i+1) {
			t.Fatalf("transaction %d of the archive has GTID %s, want sequence number %d: a duplicate or a gap", i, g, i+1)
		}
	}
}
