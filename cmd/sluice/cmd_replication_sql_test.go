package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

// writeDump writes a metadata file holding only the coordinates.
func writeDump(t *testing.T, source replication.Coordinates, upstream *replication.ReplicaSource) string {
	t.Helper()
	dir := t.TempDir()
	m := &dumpdir.Metadata{Started: time.Now(), Finished: time.Now(), Source: source.MetadataKeys()}
	if upstream != nil {
		m.ReplicaSource = upstream.MetadataKeys()
	}
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPrintReplicationSQL(t *testing.T) {
	maria := replication.Coordinates{Flavor: replication.MariaDB, Version: "10.11.6-MariaDB", ServerID: 3,
		File: "binlog.000007", Position: 4242, GTIDSet: "0-3-900"}
	upstream := &replication.ReplicaSource{Host: "db-a", Port: 3306, File: "a-bin.000002", Position: 777, GTIDSet: "0-1-850"}
	mysql := replication.Coordinates{Flavor: replication.MySQL, Version: "8.4.2", ServerID: 1,
		File: "binlog.000003", Position: 157, GTIDSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-23"}
	repl := loader.ReplicateOptions{SourceHost: "db-a", User: "repl", Password: "s3cret"}
	for _, tc := range []struct {
		name            string
		dir             string
		flavor, version string
		mode            string
		fromDumped      bool
		want            []string
	}{
		{"MariaDB replica dump, gtid", writeDump(t, maria, upstream), "mariadb", "10.11.6", "", false, []string{
			"-- coordinates from metadata [replica_source]",
			"STOP SLAVE;\nSET GLOBAL gtid_slave_pos = '0-1-850';\nCHANGE MASTER TO MASTER_HOST='db-a', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='<password>', MASTER_USE_GTID=slave_pos;\nSTART SLAVE;\n",
		}},
		{"MariaDB replica dump, dumped server, binlog", writeDump(t, maria, upstream), "mariadb", "11.4.2", "binlog", true, []string{
			"-- coordinates from metadata [source]",
			"MASTER_LOG_FILE='binlog.000007', MASTER_LOG_POS=4242, MASTER_USE_GTID=no;\n",
		}},
		{"MySQL 8.4", writeDump(t, mysql, nil), "mysql", "8.4.2", "", false, []string{
			"RESET BINARY LOGS AND GTIDS;\nSET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-23';\n",
			"CHANGE REPLICATION SOURCE TO SOURCE_HOST='db-a', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='<password>', GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1;\nSTART REPLICA;\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := repl
			r.Mode, r.FromDumpedServer = tc.mode, tc.fromDumped
			var b strings.Builder
			err := printReplicationSQL(context.Background(), &b, replicationSQLOptions{dir: tc.dir, targetFlavor: tc.flavor, targetVersion: tc.version, repl: &r})
			if err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if strings.Contains(out, "s3cret") {
				t.Fatalf("output shows the password:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	err := printReplicationSQL(context.Background(), &strings.Builder{}, replicationSQLOptions{dir: writeDump(t, maria, nil),
		targetFlavor: "mysql", targetVersion: "8.0.36", repl: &repl})
	if err == nil || !strings.Contains(err.Error(), "restore into a mariadb server") {
		t.Fatalf("MariaDB dump, MySQL target: got %v, want a flavour mismatch error", err)
	}
}

// TestReplicationSQLFromMydumperDumps prints the statements for mydumper's recorded
// coordinates: 1.0's commented [source] keys and 0.10's SHOW MASTER STATUS block.
func TestReplicationSQLFromMydumperDumps(t *testing.T) {
	repl := loader.ReplicateOptions{SourceHost: "db-a", User: "repl", Password: "s3cret"}
	v010 := t.TempDir()
	os.WriteFile(filepath.Join(v010, dumpdir.MetadataName), []byte("Started dump at: 2026-12-01 18:20:08\nSHOW MASTER STATUS:\n\tLog: binlog.000001\n\tPos: 4684280\n\tGTID:0-37575-61\n\nFinished dump at: 2026-12-01 18:20:08\n"), 0o600)
	for _, tc := range []struct {
		name, dir, mode, want string
	}{
		{"1.0.1 gtid", filepath.Join(testserver.SharedTestdata(t), "mydumper-1.0.1", "sql"), "", "SET GLOBAL gtid_slave_pos = '0-13701-519';"},
		{"1.0.1 binlog", filepath.Join(testserver.SharedTestdata(t), "mydumper-1.0.1", "sql"), "binlog", "MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=466493525"},
		{"0.10 gtid", v010, "", "SET GLOBAL gtid_slave_pos = '0-37575-61';"},
		{"0.10 binlog", v010, "binlog", "MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=4684280"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := repl
			r.Mode = tc.mode
			var b strings.Builder
			err := printReplicationSQL(context.Background(), &b, replicationSQLOptions{dir: tc.dir, targetFlavor: "mariadb", targetVersion: "10.11.6", repl: &r})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, b.String())
			}
		})
	}
}
