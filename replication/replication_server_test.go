package replication

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

// replPassword has a quote and a backslash to prove the literals are quoted right.
const replPassword = `r3pl'pw\x`

func openDB(t *testing.T, s *testserver.Server) *sql.DB {
	t.Helper()
	db, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, e interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := e.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// tableRows returns shop.t as "id=v" lines in id order.
func tableRows(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query("SELECT id, v FROM shop.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d=%s", id, v))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, ",")
}

// snapshotAndCopy creates shop.t on A with rows and the repl user, reads A's coordinates under
// FLUSH TABLES WITH READ LOCK, copies the rows to B without binary logging, and returns the
// coordinates.
func snapshotAndCopy(t *testing.T, dbA, dbB *sql.DB) Coordinates {
	t.Helper()
	ctx := context.Background()
	mustExec(t, dbA,
		"CREATE DATABASE shop",
		"CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)",
		"INSERT INTO shop.t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
		"CREATE USER 'repl'@'%' IDENTIFIED BY "+quote(replPassword),
		"GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'",
	)
	conn, err := dbA.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mustExec(t, conn, "FLUSH TABLES WITH READ LOCK")
	c, err := ReadCoordinates(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := tableRows(t, dbA) // writes are blocked, so this is the snapshot
	mustExec(t, conn, "UNLOCK TABLES")

	bconn, err := dbB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer bconn.Close()
	mustExec(t, bconn,
		"SET SESSION sql_log_bin = 0",
		"CREATE DATABASE shop",
		"CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)",
		"INSERT INTO shop.t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
	)
	if got := tableRows(t, dbB); got != snapshot {
		t.Fatalf("copy: B has %s, A's snapshot %s", got, snapshot)
	}
	return c
}

func TestReadCoordinatesMariaDB(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{ServerID: 101})
	b := testserver.ForTest(t, testserver.Options{ServerID: 103, NoBinlog: true})
	ctx := context.Background()
	dbA := openDB(t, a)
	mustExec(t, dbA, "CREATE DATABASE x", "CREATE TABLE x.t (i INT)", "INSERT INTO x.t VALUES (1)")
	conn, err := dbA.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, err := ReadCoordinates(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	var file string
	var pos uint64
	var gtid string
	if err := dbA.QueryRow("SELECT @@GLOBAL.gtid_binlog_pos").Scan(&gtid); err != nil {
		t.Fatal(err)
	}
	rows, err := showRows(ctx, dbA, "SHOW MASTER STATUS")
	if err != nil || len(rows) != 1 {
		t.Fatalf("SHOW MASTER STATUS: %v, %d rows", err, len(rows))
	}
	file = rows[0]["File"]
	fmt.Sscan(rows[0]["Position"], &pos)
	want := Coordinates{Flavor: MariaDB, Version: a.Version, ServerID: 101, File: file, Position: pos, GTIDSet: gtid}
	if c != want || !strings.HasPrefix(c.GTIDSet, "0-101-") || c.Position == 0 {
		t.Errorf("ReadCoordinates = %+v, want %+v", c, want)
	}
	if rs, err := ReadReplicaSource(ctx, conn, MariaDB); rs != nil || err != nil {
		t.Errorf("ReadReplicaSource on a non-replica = %+v, %v; want nil, nil", rs, err)
	}

	// Binary logging off: no file, no GTIDs.
	bconn, err := openDB(t, b).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer bconn.Close()
	c, err = ReadCoordinates(ctx, bconn)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "" || c.Position != 0 || c.GTIDSet != "" || c.ServerID != 103 || c.Flavor != MariaDB {
		t.Errorf("binlog off: ReadCoordinates = %+v, want no file, position or GTIDs", c)
	}
}

func TestSetupReplicaMariaDB(t *testing.T) {
	for _, mode := range []string{ModeGTID, ModeBinlog} {
		t.Run(mode, func(t *testing.T) { testSetupReplica(t, mode) })
	}
}

func testSetupReplica(t *testing.T, mode string) {
	a := testserver.ForTest(t, testserver.Options{ServerID: 111})
	b := testserver.ForTest(t, testserver.Options{ServerID: 112})
	ctx := context.Background()
	dbA, dbB := openDB(t, a), openDB(t, b)
	c := snapshotAndCopy(t, dbA, dbB)

	target := Target{Flavor: MariaDB, Version: b.Version}
	if err := CheckTarget(ctx, dbB, target, c); err != nil {
		t.Fatalf("CheckTarget on a fresh copy: %v", err)
	}
	// Writes after the snapshot must arrive by replication.
	mustExec(t, dbA,
		"INSERT INTO shop.t VALUES (4, 'four'), (5, 'five')",
		"UPDATE shop.t SET v = 'TWO' WHERE id = 2",
		"DELETE FROM shop.t WHERE id = 3",
	)
	o := SetupOptions{SourceHost: a.Host, SourcePort: a.Port, User: "repl", Password: replPassword, Mode: mode}
	var polls int
	var last string
	err := Setup(ctx, dbB, dbA, target, c, o, 60*time.Second, func(lag int64, status string) {
		polls++
		last = status
	})
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if polls == 0 || !strings.Contains(last, "IO thread Yes, SQL thread Yes") {
		t.Errorf("progress: %d calls, last %q", polls, last)
	}
	want := "1=one,2=TWO,4=four,5=five"
	if got, gotA := tableRows(t, dbB), tableRows(t, dbA); got != want || gotA != want {
		t.Errorf("after catch-up: B has %s, A has %s, want %s", got, gotA, want)
	}

	// Still replicating: a later write shows up.
	mustExec(t, dbA, "INSERT INTO shop.t VALUES (6, 'six')")
	if err := WaitCaughtUp(ctx, dbB, dbA, MariaDB, "", 30*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	if got := tableRows(t, dbB); got != want+",6=six" {
		t.Errorf("after a later write: B has %s", got)
	}

	bconn, err := dbB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer bconn.Close()
	rs, err := ReadReplicaSource(ctx, bconn, MariaDB)
	if err != nil {
		t.Fatal(err)
	}
	srcNow, err := readCoordinates(ctx, dbA)
	if err != nil {
		t.Fatal(err)
	}
	if rs == nil || rs.Host != a.Host || rs.Port != a.Port || rs.File != srcNow.File ||
		rs.Position != srcNow.Position || rs.GTIDSet != srcNow.GTIDSet {
		t.Errorf("ReadReplicaSource = %+v, want host %s port %d at the source's %+v", rs, a.Host, a.Port, srcNow)
	}

	// SQL thread stop/start for --replica-data.
	if err := StopReplicaSQLThread(ctx, bconn, MariaDB); err != nil {
		t.Fatal(err)
	}
	st, err := readReplicaState(ctx, bconn, MariaDB, "")
	if err != nil || st.sql != "No" || st.io != "Yes" {
		t.Errorf("after StopReplicaSQLThread: %+v, %v", st, err)
	}
	if err := StartReplicaSQLThread(ctx, bconn, MariaDB); err != nil {
		t.Fatal(err)
	}
	st, err = readReplicaState(ctx, bconn, MariaDB, "")
	if err != nil || st.sql != "Yes" {
		t.Errorf("after StartReplicaSQLThread: %+v, %v", st, err)
	}

	err = CheckTarget(ctx, dbB, target, c)
	if err == nil || !strings.Contains(err.Error(), "already replicates") || !strings.Contains(err.Error(), "use --force") ||
		!strings.Contains(err.Error(), fmt.Sprintf("%s:%d", a.Host, a.Port)) {
		t.Errorf("CheckTarget on a replica: %v; want it refused, naming the source and --force", err)
	}
}

func TestCheckTargetGTIDConflict(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{ServerID: 121})
	b := testserver.ForTest(t, testserver.Options{ServerID: 122})
	ctx := context.Background()
	dbA, dbB := openDB(t, a), openDB(t, b)
	mustExec(t, dbA, "CREATE DATABASE shop")
	conn, err := dbA.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, err := ReadCoordinates(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	// B writes more of its own transactions in domain 0 than A has.
	mustExec(t, dbB, "CREATE DATABASE shop", "CREATE TABLE shop.t (i INT)",
		"INSERT INTO shop.t VALUES (1)", "INSERT INTO shop.t VALUES (2)", "INSERT INTO shop.t VALUES (3)")
	err = CheckTarget(ctx, dbB, Target{Flavor: MariaDB, Version: b.Version}, c)
	if err == nil || !strings.Contains(err.Error(), "@@gtid_binlog_pos 0-122-") ||
		!strings.Contains(err.Error(), "in domain 0") || !strings.Contains(err.Error(), "use --force") {
		t.Errorf("CheckTarget with B ahead in domain 0: %v; want a refusal naming gtid_binlog_pos and domain 0", err)
	}
	// A domain B never wrote in does not conflict.
	c.GTIDSet = "7-121-1"
	if err := CheckTarget(ctx, dbB, Target{Flavor: MariaDB, Version: b.Version}, c); err != nil {
		t.Errorf("CheckTarget with disjoint domains: %v", err)
	}
}

func TestSetupTimeoutReportsIOError(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{ServerID: 131})
	b := testserver.ForTest(t, testserver.Options{ServerID: 132})
	ctx := context.Background()
	dbA, dbB := openDB(t, a), openDB(t, b)
	c := snapshotAndCopy(t, dbA, dbB)
	const wrong = "not-the-password-7"
	o := SetupOptions{SourceHost: a.Host, SourcePort: a.Port, User: "repl", Password: wrong}
	start := time.Now()
	err := Setup(ctx, dbB, dbA, Target{Flavor: MariaDB, Version: b.Version}, c, o, 3*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "did not catch up within 3s") ||
		!strings.Contains(err.Error(), "Access denied") || strings.Contains(err.Error(), wrong) {
		t.Errorf("Setup with a wrong password: %v; want a timeout quoting Last_IO_Error without the password", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Setup took %s with a 3s wait", d)
	}
}

func TestSetupNamedConnection(t *testing.T) {
	b := testserver.ForTest(t, testserver.Options{ServerID: 141})
	ctx := context.Background()
	dbB := openDB(t, b)
	const secret = "hunter2-secret"
	c := Coordinates{Flavor: MariaDB, GTIDSet: "0-1-1"}
	// Nothing listens on port 1: the IO thread keeps retrying, so Setup times out; on the way,
	// STOP SLAVE 'east' on a connection that does not exist yet must be tolerated.
	o := SetupOptions{SourceHost: "127.0.0.1", SourcePort: 1, User: "repl", Password: secret, Channel: "east"}
	target := Target{Flavor: MariaDB, Version: b.Version}
	err := Setup(ctx, dbB, nil, target, c, o, 2*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "did not catch up within 2s") || strings.Contains(err.Error(), secret) {
		t.Fatalf("Setup against a closed port: %v; want a timeout without the password", err)
	}
	var name, host string
	if rows, err := showRows(ctx, dbB, "SHOW ALL SLAVES STATUS"); err != nil || len(rows) != 1 {
		t.Fatalf("SHOW ALL SLAVES STATUS: %v, %d rows", err, len(rows))
	} else {
		name, host = rows[0]["Connection_name"], rows[0]["Master_Host"]
	}
	if name != "east" || host != "127.0.0.1" {
		t.Errorf("connection %q to %q, want east to 127.0.0.1", name, host)
	}
	err = CheckTarget(ctx, dbB, target, c)
	if err == nil || !strings.Contains(err.Error(), `connection "east"`) {
		t.Errorf("CheckTarget with a named connection: %v", err)
	}
	mustExec(t, dbB, "STOP ALL SLAVES", "RESET SLAVE 'east' ALL")
}
