package roundtrip

import (
	"context"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

// TestSiblingReplicaFromReplicaDump: C is provisioned from A as in
// TestReplicaFromDumpUnderLoad; then C is dumped with --replica-data while A takes writes, and
// B, restored from C's dump, is attached to A from the [replica_source] coordinates: by GTID
// (MariaDB gtid_slave_pos) and by binlog file and position (Relay_Master_Log_File and
// Exec_Master_Log_Pos, which C's own [source] position would get wrong).
func TestSiblingReplicaFromReplicaDump(t *testing.T) {
	for _, mode := range []string{replication.ModeGTID, replication.ModeBinlog} {
		t.Run(mode, func(t *testing.T) { testSiblingReplica(t, mode) })
	}
}

func testSiblingReplica(t *testing.T, mode string) {
	a := testserver.ForTest(t, testserver.Options{})
	c := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	seedWorkload(t, Open(t, a, ""))
	// REPLICATION SLAVE only: the loader waits for Seconds_Behind_Master = 0 instead.
	createReplUser(t, a, "")
	repl := loader.ReplicateOptions{User: "repl", Password: replPassword}
	provisionUnderLoad(t, a, a, c, dumper.Options{Threads: 2}, repl)

	repl.Mode = mode
	p := provisionUnderLoad(t, a, c, b, dumper.Options{Threads: 2, ReplicaData: true}, repl)
	rs, err := replication.ReplicaSourceFromMetadata(dumpdir.Map(p.meta.ReplicaSource))
	if err != nil {
		t.Fatal(err)
	}
	if rs == nil {
		t.Fatal("dump of replica C taken with ReplicaData has no [replica_source]")
	}
	if rs.Host != a.Host || rs.Port != a.Port || rs.GTIDSet == "" || rs.File == "" {
		t.Fatalf("[replica_source] is %+v, want A at %s:%d with a GTID set and binlog file", *rs, a.Host, a.Port)
	}
	if p.section != replication.ReplicaSourceSection {
		t.Fatalf("the loader attached B from metadata [%s], want [%s]", p.section, replication.ReplicaSourceSection)
	}
	if err := replication.WaitCaughtUp(context.Background(), Open(t, c, ""), Open(t, a, ""), replication.MariaDB, "", time.Minute, nil); err != nil {
		t.Fatalf("C stopped replicating after its dump: %v", err)
	}
	Equal(t, a, wlDB, c, wlDB)
}
