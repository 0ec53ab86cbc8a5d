package binlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/conn"
)

// TestReplayResume interrupts a replay (its context cancelled) in the middle of a transaction,
// twice, and resumes it each time: the target ends equal to the source by CHECKSUM TABLE. The
// transactions are not idempotent (INSERTs of primary keys, UPDATE v = CONCAT(v, ...)), and a
// DDL sits among them, so a transaction applied twice fails or changes the checksum. Run with
// and without MultiStatements (load uses it).
func TestReplayResume(t *testing.T) {
	src, sdb := startServer(t)
	dst, ddb := startServer(t)
	if src == nil || dst == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	exec1(t, sdb, initialState...)
	dumpFile, dumpPos := masterPos(t, sdb)
	for i := range 120 {
		exec1(t, sdb, fmt.Sprintf("INSERT INTO pitr.t (id, v, d) VALUES (%d, 'r%d', NOW())", 1000+i, i))
		if i%3 == 0 {
			exec1(t, sdb, fmt.Sprintf("UPDATE pitr.t SET v = CONCAT(v, '+%d') WHERE id %% 5 = %d", i, i%5))
		}
		if i == 60 {
			exec1(t, sdb, "ALTER TABLE pitr.t ADD COLUMN w INT NOT NULL DEFAULT 7", "FLUSH BINARY LOGS")
		}
	}
	want := checksum(t, sdb)
	archive := t.TempDir()
	if err := Archive(ctx, Options{Source: src.ConnConfig(), Dir: archive, StartFile: dumpFile, ServerID: 5252}); err != nil {
		t.Fatal(err)
	}

	mdb := multiStatementDB(t, dst.ConnConfig())
	for _, multi := range []bool{false, true} {
		t.Run(fmt.Sprintf("multi=%v", multi), func(t *testing.T) {
			exec1(t, ddb, "DROP DATABASE IF EXISTS pitr", "DROP DATABASE IF EXISTS _sluice_load")
			exec1(t, ddb, initialState...)
			replay := func(resume bool, stopAfter int) (ReplayResult, error) {
				c, err := mdb.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.ExecContext(ctx, "SET SESSION sql_log_bin = 0"); err != nil {
					t.Fatal(err)
				}
				rctx, rcancel := context.WithCancel(ctx)
				defer rcancel()
				n := 0
				o := ReplayOptions{Dir: archive, DumpFile: dumpFile, DumpPos: dumpPos, MultiStatements: multi, Resume: resume,
					afterEvent: func() {
						if n++; n == stopAfter {
							rcancel()
						}
					}}
				return Replay(rctx, c, o)
			}
			// Interrupted once, then interrupted again after resuming: stopAfter counts the
			// events read by that run, which land inside transactions (GTID, BEGIN, Table_map...).
			for _, stopAfter := range []int{157, 203} {
				res, err := replay(true, stopAfter)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("replay interrupted after %d events: %v (%+v), want context.Canceled", stopAfter, err, res)
				}
				c, err := ddb.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				p, ok, err := ReplayPosition(ctx, c, dumpFile+":"+fmt.Sprint(dumpPos))
				c.Close()
				if err != nil || !ok || p.Pos == 0 || p.GTID == "" {
					t.Fatalf("after the interruption the recorded position is %+v %v %v, want one", p, ok, err)
				}
				if got := checksum(t, ddb); got == want {
					t.Fatalf("interrupted after %d events, the target already equals the source: the test interrupts nothing", stopAfter)
				}
			}
			// A replay of the same archive into the same server while another holds it
			// (here a session holding its user-level lock) is refused and applies nothing.
			holder, err := ddb.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got int
			if err := holder.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", replayLockName(dumpFile+":"+fmt.Sprint(dumpPos))).Scan(&got); err != nil || got != 1 {
				t.Fatalf("GET_LOCK: %d %v", got, err)
			}
			before := checksum(t, ddb)
			if _, err := replay(true, -1); err == nil || !strings.Contains(err.Error(), "another sluice load is replaying") {
				t.Fatalf("replay beside a running one: %v, want a refusal naming it", err)
			}
			if after := checksum(t, ddb); after != before {
				t.Fatalf("the refused replay changed the target (checksum %d, was %d)", after, before)
			}
			// The other replay ends and releases its lock (Close alone would return the
			// session, lock held, to the pool).
			if _, err := holder.ExecContext(ctx, "DO RELEASE_LOCK(?)", replayLockName(dumpFile+":"+fmt.Sprint(dumpPos))); err != nil {
				t.Fatal(err)
			}
			holder.Close()
			res, err := replay(true, -1)
			if err != nil {
				t.Fatalf("resumed replay: %v", err)
			}
			if got := checksum(t, ddb); got != want {
				t.Errorf("after the resumed replay (%+v): checksum %d, want the source's %d", res, got, want)
			}
			var n int
			if err := ddb.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '_sluice_load'").Scan(&n); err != nil || n != 0 {
				t.Errorf("after a complete replay the position database is still there (%d, %v)", n, err)
			}
		})
	}
}

// multiStatementDB opens cfg's server allowing several statements per query, as load does;
// it is closed when the test ends.
func multiStatementDB(t *testing.T, cfg conn.Config) *sql.DB {
	t.Helper()
	mc := cfg.DriverConfig("")
	mc.MultiStatements = true
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	return db
}
