package roundtrip

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestReplicaTargetRefused: the loader refuses, before loading anything, a target that already
// replicates or whose own GTID history is ahead of the dump's; --force replaces the old
// replication configuration.
func TestReplicaTargetRefused(t *testing.T) {
	ctx := context.Background()
	a := testserver.ForTest(t, testserver.Options{})
	busy := testserver.ForTest(t, testserver.Options{})
	ahead := testserver.ForTest(t, testserver.Options{})
	seedWorkload(t, Open(t, a, ""))
	createReplUser(t, a, ", BINLOG MONITOR")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{wlDB}, Threads: 2}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	repl := loader.ReplicateOptions{SourceHost: a.Host, SourcePort: a.Port, User: "repl", Password: replPassword, Wait: time.Minute}
	load := func(s *testserver.Server, r loader.ReplicateOptions) error {
		_, err := loader.Run(ctx, Config(s), loader.Options{Dir: dir, Threads: 2, Replicate: &r})
		return err
	}

	// A target with a (stopped) replication configuration of its own.
	dbBusy := Open(t, busy, "")
	Exec(t, dbBusy, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='nobody'")
	err := load(busy, repl)
	if err == nil || !strings.Contains(err.Error(), "already replicates") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("load into a server that replicates: got %v, want a refusal naming --force", err)
	}
	if strings.Contains(err.Error(), replPassword) {
		t.Fatalf("error shows the password: %v", err)
	}
	assertNoDatabase(t, dbBusy, wlDB)
	forced := repl
	forced.Force = true
	if err := load(busy, forced); err != nil {
		t.Fatalf("load with Force: %v", err)
	}
	Equal(t, a, wlDB, busy, wlDB)

	// A target whose own binlog is ahead of A's in GTID domain 0.
	dbAhead := Open(t, ahead, "")
	Exec(t, dbAhead, "CREATE DATABASE junk", "CREATE TABLE junk.t (i INT)")
	for i := range 200 {
		Exec(t, dbAhead, fmt.Sprintf("INSERT INTO junk.t VALUES (%d)", i))
	}
	err = load(ahead, repl)
	if err == nil || !strings.Contains(err.Error(), "ahead of the dump's GTID set") {
		t.Fatalf("load into a server with a longer GTID history: got %v, want a refusal", err)
	}
	assertNoDatabase(t, dbAhead, wlDB)
}

// assertNoDatabase fails the test if database name exists on db.
func assertNoDatabase(t *testing.T, db *sql.DB, name string) {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s was created although the target was refused", name)
	}
}
