package binlog

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/progress"
)

// snapshots records the snapshots an Archive reports.
type snapshots struct {
	mu   sync.Mutex
	all  []progress.Snapshot
	done []progress.Snapshot
}

func (s *snapshots) Report(p progress.Snapshot) { s.mu.Lock(); s.all = append(s.all, p); s.mu.Unlock() }
func (s *snapshots) Done(p progress.Snapshot)   { s.mu.Lock(); s.done = append(s.done, p); s.mu.Unlock() }

// waitFor polls the snapshots reported until ok accepts one, for at most 30 s.
func (s *snapshots) waitFor(t *testing.T, what string, ok func(progress.Snapshot) bool) progress.Snapshot {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for seen := 0; ; {
		s.mu.Lock()
		all := s.all[seen:]
		seen = len(s.all)
		s.mu.Unlock()
		for _, p := range all {
			if ok(p) {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot %s within 30 s (last of %d: %+v)", what, seen, s.last())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *snapshots) last() progress.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.all) == 0 {
		return progress.Snapshot{}
	}
	return s.all[len(s.all)-1]
}

// TestArchiveProgressAndLag follows a source whose last transaction is dated an hour back
// (SET TIMESTAMP): the archiver reports a lag of about an hour until the source's heartbeat
// says it has nothing newer, then 0; the final snapshot counts exactly the files, events and
// bytes of the archive.
func TestArchiveProgressAndLag(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	first := masterFile(t, db)
	exec1(t, db, "CREATE DATABASE lag", "CREATE TABLE lag.t (id INT PRIMARY KEY)")
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(context.Background(), "SET TIMESTAMP = UNIX_TIMESTAMP() - 3600"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(context.Background(), "INSERT INTO lag.t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec := &snapshots{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: first, ServerID: 4247, StopNever: true,
			Progress: rec, ProgressEvery: 5 * time.Millisecond, Heartbeat: 4 * time.Second})
	}()
	behind := rec.waitFor(t, "with the lag of the hour-old transaction", func(p progress.Snapshot) bool { return p.Lag > 50*time.Minute })
	if behind.Lag > 70*time.Minute || behind.RowsDone == 0 || behind.TablesDone != 1 {
		t.Errorf("behind the source: %+v, want a lag of about 1 h, events counted and 1 file", behind)
	}
	rec.waitFor(t, "with lag 0 after the source's heartbeat", func(p progress.Snapshot) bool { return p.Lag == 0 && p.RowsDone >= behind.RowsDone })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ix, err := ReadIndex(dir)
	if err != nil || ix == nil || len(ix.Files) != 1 {
		t.Fatalf("index %+v %v: want one file", ix, err)
	}
	events := 0
	readEvents(t, dir, ix.Files[0], func([]byte, header) { events++ })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.done) != 1 {
		t.Fatalf("Done called %d times, want once", len(rec.done))
	}
	if d := rec.done[0]; d.TablesDone != 1 || d.RowsDone != int64(events) || d.BytesDone != ix.Files[0].Size || d.Lag != 0 {
		t.Errorf("final snapshot %+v: want 1 file, %d events, %d bytes and lag 0", d, events, ix.Files[0].Size)
	}
}

// readEvents calls fn with each event of the archive's file fi.
func readEvents(t *testing.T, dir string, fi IndexFile, fn func([]byte, header)) {
	t.Helper()
	if err := eachEvent(dir, fi, func(ev []byte, h header) error { fn(ev, h); return nil }); err != nil {
		t.Fatal(err)
	}
}
