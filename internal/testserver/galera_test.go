package testserver

import (
	"bytes"
	"os"
	"testing"
)

// TestClusterSST starts a 2-node Galera cluster whose second node receives its state from the
// first by mariabackup SST, and checks that it did: the sluice account (created on node 1
// before node 2 started) logs in on node 2, node 2's log records a completed mariabackup SST,
// and a row written on node 1 is read on node 2. The 3-node start by datadir copy is
// exercised by the Galera tests of internal/roundtrip.
func TestClusterSST(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 2 servers and a state transfer")
	}
	c := ClusterForTest(t, ClusterOptions{Nodes: 2, SST: true, MaxWSSize: 32 << 20})
	log, err := os.ReadFile(c.Nodes[1].ErrorLog)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte("mariabackup SST completed on joiner")) {
		t.Errorf("node 2's error log records no mariabackup SST:\n%s", tail(log, 4096))
	}
	db0, err := c.Nodes[0].DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db0.Close()
	for _, q := range []string{"CREATE DATABASE g", "CREATE TABLE g.t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO g.t VALUES (1, 'x')"} {
		if _, err := db0.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db1, err := c.Nodes[1].DB("")
	if err != nil {
		t.Fatalf("the sluice account on node 2 (copied by the SST): %v", err)
	}
	defer db1.Close()
	db1.SetMaxOpenConns(1)
	var ws int64
	var v string
	if err := db1.QueryRow("SELECT @@wsrep_max_ws_size").Scan(&ws); err != nil || ws != 32<<20 {
		t.Errorf("node 2: wsrep_max_ws_size %d, %v", ws, err)
	}
	if _, err := db1.Exec("SET SESSION wsrep_sync_wait = 1"); err != nil {
		t.Fatal(err)
	}
	if err := db1.QueryRow("SELECT v FROM g.t WHERE id = 1").Scan(&v); err != nil || v != "x" {
		t.Errorf("node 2: row %q, %v", v, err)
	}
}
