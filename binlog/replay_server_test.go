package binlog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pitrTable is the table the point-in-time test writes.
const pitrTable = "pitr.t"

var initialState = []string{
	"CREATE DATABASE pitr",
	"CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(40), d DATETIME(3))",
	"INSERT INTO pitr.t VALUES (1, 'one', '2026-01-01 00:00:00.5'), (2, 'two', '2026-01-01')",
}

func checksum(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var name string
	var sum sql.NullInt64
	if err := db.QueryRow("CHECKSUM TABLE "+pitrTable).Scan(&name, &sum); err != nil {
		t.Fatal(err)
	}
	if !sum.Valid {
		t.Fatalf("CHECKSUM TABLE %s: the table does not exist", pitrTable)
	}
	return sum.Int64
}

func tableExists(t *testing.T, db *sql.DB) bool {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'pitr' AND table_name = 't'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestReplayPointInTime: the state at a recorded point (S1) is restored by replaying the
// archive --until-gtid its GTID and --until-time a moment of the pause, and a full replay
// applies the DROP TABLE too. The target starts from the source's state at the recorded
// coordinates (created with the same statements: the dump's part is tested elsewhere).
func TestReplayPointInTime(t *testing.T) {
	src, sdb := startServer(t)
	dst, ddb := startServer(t)
	if src == nil || dst == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	exec1(t, sdb, initialState...)
	dumpFile, dumpPos := masterPos(t, sdb)
	archive := t.TempDir()
	o := Options{Source: src.ConnConfig(), Dir: archive, StartFile: dumpFile, DumpFile: dumpFile, DumpPos: dumpPos, ServerID: 5151}
	exec1(t, sdb, "INSERT INTO pitr.t VALUES (3, 'three', NOW(3))", "UPDATE pitr.t SET v = 'ONE' WHERE id = 1",
		"SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", "FLUSH BINARY LOGS")
	if err := Archive(ctx, o); err != nil { // the archiver, then a restart of it
		t.Fatal(err)
	}
	exec1(t, sdb, "INSERT INTO pitr.t SELECT id + 10, CONCAT(v, '\\\\x'), d FROM pitr.t", "DELETE FROM pitr.t WHERE id = 2")
	s1 := checksum(t, sdb)
	var s1GTID string
	if err := sdb.QueryRow("SELECT @@gtid_binlog_pos").Scan(&s1GTID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	pause := time.Now().Truncate(time.Second)
	time.Sleep(1100 * time.Millisecond)
	exec1(t, sdb, "UPDATE pitr.t SET v = 'later'", "INSERT INTO pitr.t VALUES (100, 'hundred', NOW(3))", "DROP TABLE pitr.t")
	if err := Archive(ctx, o); err != nil {
		t.Fatal(err)
	}

	replay := func(t *testing.T, ro ReplayOptions) ReplayResult {
		t.Helper()
		exec1(t, ddb, "DROP DATABASE IF EXISTS pitr", "RESET MASTER")
		exec1(t, ddb, initialState...) // the dump's state at its coordinates
		c, err := ddb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ro.Dir, ro.DumpFile, ro.DumpPos = archive, dumpFile, dumpPos
		res, err := Replay(ctx, c, ro)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, tc := range []struct {
		name string
		ro   ReplayOptions
	}{
		{"until-gtid", ReplayOptions{UntilGTID: s1GTID}},
		{"until-time", ReplayOptions{UntilTime: pause}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := replay(t, tc.ro)
			if got := checksum(t, ddb); got != s1 {
				t.Errorf("after replay %s (%+v): checksum %d, want S1's %d", tc.name, res, got, s1)
			}
			if res.LastGTID != s1GTID {
				t.Errorf("replay %s: last GTID %s, want %s", tc.name, res.LastGTID, s1GTID)
			}
			var gtid string
			if err := ddb.QueryRow("SELECT @@gtid_binlog_pos").Scan(&gtid); err != nil || gtid != s1GTID {
				t.Errorf("target's gtid_binlog_pos %q (%v), want the source's %q", gtid, err, s1GTID)
			}
		})
	}
	t.Run("until-gtid not reached", func(t *testing.T) {
		// A position past the archive's end is an error, not a replay that stops short.
		p, err := parseGTIDPos(s1GTID)
		if err != nil || len(p) != 1 {
			t.Fatalf("source position %q: %v", s1GTID, err)
		}
		var until string
		for d, n := range p {
			until = fmt.Sprintf("%d-%d-%d", d, 1, n+1000)
		}
		exec1(t, ddb, "DROP DATABASE IF EXISTS pitr", "RESET MASTER")
		exec1(t, ddb, initialState...)
		c, err := ddb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, err = Replay(ctx, c, ReplayOptions{Dir: archive, DumpFile: dumpFile, DumpPos: dumpPos, UntilGTID: until})
		if err == nil || !strings.Contains(err.Error(), "not reached") {
			t.Errorf("--until-gtid %s past the archive: %v, want a not-reached error", until, err)
		}
	})
	t.Run("all", func(t *testing.T) {
		res := replay(t, ReplayOptions{})
		if tableExists(t, ddb) {
			t.Errorf("full replay (%+v): %s still exists, the DROP TABLE was not applied", res, pitrTable)
		}
		dry := replay(t, ReplayOptions{DryRun: true})
		if dry.LastGTID != res.LastGTID || !tableExists(t, ddb) {
			t.Errorf("dry run: last GTID %s (want %s), applied something: %v", dry.LastGTID, res.LastGTID, !tableExists(t, ddb))
		}
	})
}
