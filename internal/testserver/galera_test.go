package testserver

import (
	"testing"
)

// TestClusterStarts starts a 3-node Galera cluster and checks that a row written on one node
// is read on every other.
func TestClusterStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 3 servers and two state transfers")
	}
	c := ClusterForTest(t, ClusterOptions{MaxWSSize: 32 << 20})
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
	for i, s := range c.Nodes {
		db, err := s.DB("")
		if err != nil {
			t.Fatal(err)
		}
		var ws int64
		var v string
		if err := db.QueryRow("SELECT @@wsrep_max_ws_size").Scan(&ws); err != nil || ws != 32<<20 {
			t.Errorf("node %d: wsrep_max_ws_size %d, %v", i+1, ws, err)
		}
		if _, err := db.Exec("SET SESSION wsrep_sync_wait = 1"); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT v FROM g.t WHERE id = 1").Scan(&v); err != nil || v != "x" {
			t.Errorf("node %d: row %q, %v", i+1, v, err)
		}
		db.Close()
	}
}
