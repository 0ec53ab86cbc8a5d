package dumper

import (
	"context"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/rowmap"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/replication"
)

// TestReplicaData dumps a replica with --replica-data: the metadata records the replica's source
// and the GTID position it had applied, and the replica's SQL thread runs again afterwards.
func TestReplicaData(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{})
	rep := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	sdb, err := src.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	rdb, err := rep.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	c, err := sdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	coords, err := replication.ReadCoordinates(ctx, c)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	var version string
	rdb.QueryRow("SELECT @@version").Scan(&version)
	err = replication.Setup(ctx, rdb, sdb, replication.Target{Flavor: replication.MariaDB, Version: version}, coords,
		replication.SetupOptions{SourceHost: src.Host, SourcePort: src.Port, User: src.User, Password: src.Password}, 30*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, sdb, "CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY)", "INSERT INTO r.t SELECT seq FROM test.seq_1_to_100")
	var want string
	if err := sdb.QueryRow("SELECT @@GLOBAL.gtid_binlog_pos").Scan(&want); err != nil {
		t.Fatal(err)
	}
	if err := replication.WaitCaughtUp(ctx, rdb, sdb, replication.MariaDB, "", 30*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() + "/d"
	if _, err := Run(ctx, config(rep), Options{OutDir: dir, Databases: []string{"r"}, ReplicaData: true, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	m, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := replication.ReplicaSourceFromMetadata(dumpdir.Map(m.ReplicaSource))
	if err != nil || rs == nil {
		t.Fatalf("replica source in metadata: %v, %v", rs, err)
	}
	if rs.Port != src.Port || rs.GTIDSet != want || rs.File == "" || rs.Position == 0 {
		t.Errorf("replica source %+v, want port %d and GTID %s", rs, src.Port, want)
	}
	rows, err := rowmap.Query(ctx, rdb, "SHOW SLAVE STATUS")
	if err != nil || len(rows) != 1 || rows[0]["Slave_SQL_Running"] != "Yes" {
		t.Errorf("after the dump the replica SQL thread is not running: %v %v", rows, err)
	}
}
