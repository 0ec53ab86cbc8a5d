package galeratest

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/bench"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/roundtrip"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// galeraWSSize is the cluster's wsrep_max_ws_size in the Galera tests: the limit the issue
// was found with (a sysbench dump then failed with "Maximum writeset size exceeded").
const galeraWSSize = 32 << 20

// TestGalera loads dumps into a real 3-node MariaDB Galera cluster whose write-set limit
// (wsrep_max_ws_size 32 MiB) is smaller than one data file, with no transaction flag: the
// loader must read the limit and keep every transaction under it, in every load path (SQL
// as LOAD DATA, SQL as INSERTs, zstd tsv as LOAD DATA), and every node must then equal the
// source. Then a node is killed mid-load and the load resumed on a survivor. One cluster
// serves every subtest (starting one takes 10-60 s).
func TestGalera(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node Galera cluster and loads 3 x 37-50 MB")
	}
	ctx := context.Background()
	// The cluster starts while the source is filled and dumped.
	began := time.Now()
	var c *testserver.Cluster
	var clusterErr error
	ready := make(chan struct{})
	go func() {
		c, clusterErr = testserver.StartCluster(ctx, testserver.ClusterOptions{MaxWSSize: galeraWSSize})
		close(ready)
	}()
	t.Cleanup(func() {
		<-ready
		if c != nil {
			if err := c.Stop(); err != nil {
				t.Errorf("stop the Galera cluster: %v", err)
			}
		}
	})
	src := testserver.ForTest(t, testserver.Options{})
	for _, d := range []bench.Dataset{
		{Kind: bench.KindSysbench, Tables: 1, Rows: 330000, Seed: 1, Database: "sb"}, // 37 MB of tsv, 47 MB of SQL
		{Kind: bench.KindIndexed, Tables: 2, Rows: 30000, Seed: 3, Database: "small"},
	} {
		if _, err := bench.Generate(ctx, roundtrip.Open(t, src, ""), d, 2); err != nil {
			t.Fatal(err)
		}
	}
	sqlDir := t.TempDir() + "/sql"
	tsvDir := t.TempDir() + "/tsv"
	smallDir := t.TempDir() + "/small"
	for _, d := range []dumper.Options{{OutDir: sqlDir}, {OutDir: tsvDir, Format: dumper.FormatTSV, Compression: "zstd"}} {
		d.Databases, d.Threads = []string{"sb"}, 2
		if _, err := dumper.Run(ctx, roundtrip.Config(src), d); err != nil {
			t.Fatalf("dump %s: %v", d.OutDir, err)
		}
		requireFileOver(t, d.OutDir, galeraWSSize)
	}
	if _, err := dumper.Run(ctx, roundtrip.Config(src), dumper.Options{OutDir: smallDir, Databases: []string{"small"}, Threads: 2, Format: dumper.FormatTSV}); err != nil {
		t.Fatal(err)
	}
	t.Logf("source generated and dumped in %.1f s", time.Since(began).Seconds())
	<-ready
	if clusterErr != nil {
		testserver.Unavailable(t, "start MariaDB Galera test cluster: %v", clusterErr)
	}
	t.Logf("cluster ready after %.1f s", time.Since(began).Seconds())

	// A control: with transactions over the limit, the cluster refuses the load. This is what
	// the bound prevents, and it shows that the limit is in force. (Node 1's limit is lowered
	// to 1 MiB for it, so that a small dump crosses it fast: the limit is the originating
	// node's.)
	t.Run("over the limit fails", func(t *testing.T) {
		db := roundtrip.Open(t, c.Nodes[0], "")
		roundtrip.Exec(t, db, "SET GLOBAL wsrep_max_ws_size = 1048576")
		defer roundtrip.Exec(t, db, "SET GLOBAL wsrep_max_ws_size = "+strconv.Itoa(galeraWSSize))
		_, err := loader.Run(ctx, roundtrip.Config(c.Nodes[0]), loader.Options{Dir: smallDir, TargetDB: "g_over", Threads: 2, MaxTxBytes: 64 << 20,
			Journal: t.TempDir() + "/journal"})
		if err == nil || !strings.Contains(err.Error(), "writeset") {
			t.Fatalf("a LOAD DATA of 3 MB into a node with a 1 MiB write-set limit: %v, want Maximum writeset size exceeded", err)
		}
	})

	var plain, galera time.Duration
	for _, tc := range []struct {
		name, dir, db string
		node          int
		localInfile   bool
	}{
		{"sql as LOAD DATA", sqlDir, "g_sql", 0, true},
		{"sql as INSERT", sqlDir, "g_ins", 1, false},
		{"tsv zstd", tsvDir, "g_tsv", 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			node := c.Nodes[tc.node]
			if !tc.localInfile {
				roundtrip.SetLocalInfile(t, roundtrip.Open(t, node, ""), false)
			}
			var logs strings.Builder
			start := time.Now()
			if _, err := loader.Run(ctx, roundtrip.Config(node), loader.Options{Dir: tc.dir, TargetDB: tc.db, Threads: 2, Checksum: true, Log: roundtrip.Logger(&logs)}); err != nil {
				t.Fatalf("load into node %d: %v\n%s", tc.node+1, err, logs.String())
			}
			if tc.name == "sql as LOAD DATA" {
				galera = time.Since(start)
			}
			if !strings.Contains(logs.String(), "from=\"wsrep_max_ws_size 33554432 / 4\"") {
				t.Errorf("the transaction bound was not taken from wsrep_max_ws_size:\n%s", logs.String())
			}
			if strings.Contains(logs.String(), "local_infile is OFF") == tc.localInfile {
				t.Errorf("local_infile %v, but the log says otherwise:\n%s", tc.localInfile, logs.String())
			}
			for _, n := range c.Nodes {
				syncWait(t, n)
				roundtrip.Equal(t, src, "sb", n, tc.db)
			}
		})
	}

	// With SLUICE_GALERA_MEASURE set, the same dump into a plain server (the source, under
	// another name), for the log: what the cluster's replication and certification cost.
	if os.Getenv("SLUICE_GALERA_MEASURE") != "" {
		start := time.Now()
		if _, err := loader.Run(ctx, roundtrip.Config(src), loader.Options{Dir: sqlDir, TargetDB: "plain", Threads: 2}); err != nil {
			t.Fatal(err)
		}
		plain = time.Since(start)
		t.Logf("47 MB sql dump as LOAD DATA, 2 threads: Galera (3 nodes, 8 MiB transactions) %.1f s, plain server %.1f s (one run on a shared machine: noisy)",
			galera.Seconds(), plain.Seconds())
	}

	t.Run("node killed mid-load", func(t *testing.T) { testGaleraNodeKilled(t, c, src, smallDir) })
}

// testGaleraNodeKilled loads into node 2, kills it (SIGKILL) once part of a file is committed,
// and resumes the load on node 1 with --resume: the progress table, replicated with the data,
// tells the survivor exactly which rows are in.
func testGaleraNodeKilled(t *testing.T, c *testserver.Cluster, src *testserver.Server, dir string) {
	ctx := context.Background()
	journal := t.TempDir() + "/journal"
	o := loader.Options{Dir: dir, TargetDB: "g_kill", Threads: 2, MaxTxBytes: 64 << 10, Journal: journal}
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(ctx, roundtrip.Config(c.Nodes[1]), o)
		done <- err
	}()
	watch := roundtrip.Open(t, c.Nodes[1], "")
	deadline := time.After(2 * time.Minute)
	for partial := false; !partial; {
		select {
		case err := <-done:
			t.Fatalf("the load ended before the node was killed: %v", err)
		case <-deadline:
			t.Fatal("no file was ever partly loaded")
		case <-time.After(20 * time.Millisecond):
		}
		var n int
		partial = watch.QueryRow("SELECT COUNT(*) FROM _sluice_load.progress WHERE NOT done AND statements > 0").Scan(&n) == nil && n > 0
	}
	if err := c.Nodes[1].Kill(); err != nil {
		t.Fatal(err)
	}
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("load into a killed node: %v, want an error saying to --resume", err)
	}
	t.Logf("node 2 killed: %s", strings.SplitN(err.Error(), "\n", 2)[0])
	for _, i := range []int{0, 2} {
		if err := c.Nodes[i].WaitSynced(ctx, 2); err != nil {
			t.Fatal(err)
		}
	}
	o.Resume, o.Checksum = true, true
	if _, err := loader.Run(ctx, roundtrip.Config(c.Nodes[0]), o); err != nil {
		t.Fatalf("--resume on node 1: %v", err)
	}
	for _, i := range []int{0, 2} {
		syncWait(t, c.Nodes[i])
		roundtrip.Equal(t, src, "small", c.Nodes[i], "g_kill")
	}
}

// requireFileOver fails the test unless the dump in dir has a data file of more than n bytes
// once decompressed: loaded in one transaction, it would cross the limit.
func requireFileOver(t *testing.T, dir string, n int64) {
	t.Helper()
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	var largest int64
	for _, tb := range meta.Tables {
		for _, name := range tb.DataFiles {
			f, err := dumpdir.Open(dir, name, tb.Compression)
			if err != nil {
				t.Fatal(err)
			}
			size, err := io.Copy(io.Discard, f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			largest = max(largest, size)
		}
	}
	if largest <= n {
		t.Fatalf("%s: the largest data file has %d bytes, not over %d: the test would not cross the write-set limit", dir, largest, n)
	}
}

// syncWait waits (up to 5 minutes) until node n has applied every write set the cluster
// committed before the call: wsrep_sync_wait makes a read wait for that (MariaDB manual,
// "wsrep_sync_wait"), or fail with a lock wait timeout after repl.causal_read_timeout, when
// the read is tried again.
func syncWait(t *testing.T, n *testserver.Server) {
	t.Helper()
	db := roundtrip.Open(t, n, "")
	db.SetMaxOpenConns(1)
	roundtrip.Exec(t, db, "SET SESSION wsrep_sync_wait = 1")
	for end := time.Now().Add(5 * time.Minute); ; {
		var x int
		err := db.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA").Scan(&x)
		if err == nil {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("node on port %d never caught up: %v", n.Port, err)
		}
	}
}
