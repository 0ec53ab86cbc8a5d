package loader

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/replication"
)

func TestReplicaCoordinates(t *testing.T) {
	source := replication.Coordinates{Flavor: replication.MariaDB, Version: "10.11.6-MariaDB", ServerID: 3,
		File: "binlog.000007", Position: 4242, GTIDSet: "0-3-900"}
	upstream := replication.ReplicaSource{Host: "db-a", Port: 3307, File: "a-bin.000002", Position: 777, GTIDSet: "0-1-850"}
	plain := &dumpdir.Metadata{Source: source.MetadataKeys()}
	ofReplica := &dumpdir.Metadata{Source: source.MetadataKeys(), ReplicaSource: upstream.MetadataKeys()}

	for _, tc := range []struct {
		name        string
		meta        *dumpdir.Metadata
		fromDumped  bool
		wantSection string
		want        replication.Coordinates
	}{
		{"dump of a primary", plain, false, replication.SourceSection, source},
		{"dump of a primary, FromDumpedServer", plain, true, replication.SourceSection, source},
		{"dump of a replica: its source's position", ofReplica, false, replication.ReplicaSourceSection,
			replication.Coordinates{Flavor: replication.MariaDB, File: "a-bin.000002", Position: 777, GTIDSet: "0-1-850"}},
		{"dump of a replica, FromDumpedServer", ofReplica, true, replication.SourceSection, source},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, section, err := ReplicaCoordinates(tc.meta, tc.fromDumped)
			if err != nil {
				t.Fatal(err)
			}
			if section != tc.wantSection || got != tc.want {
				t.Fatalf("got [%s] %+v, want [%s] %+v", section, got, tc.wantSection, tc.want)
			}
		})
	}

	if _, _, err := ReplicaCoordinates(&dumpdir.Metadata{}, false); err == nil || !strings.Contains(err.Error(), "[source]") {
		t.Fatalf("dump without [source]: got %v, want an error naming [source]", err)
	}
	bad := &dumpdir.Metadata{Source: source.MetadataKeys(), ReplicaSource: [][2]string{{"Port", "x"}}}
	if _, _, err := ReplicaCoordinates(bad, false); err == nil || !strings.Contains(err.Error(), "Port") {
		t.Fatalf("malformed [replica_source]: got %v, want an error naming Port", err)
	}
}

func TestReplicateSetupOptions(t *testing.T) {
	r := ReplicateOptions{SourceHost: "h", SourcePort: 3307, User: "u", Password: "p", Mode: replication.ModeBinlog}
	want := replication.SetupOptions{SourceHost: "h", SourcePort: 3307, User: "u", Password: "p", Mode: replication.ModeBinlog}
	if got := r.SetupOptions(); got != want {
		t.Fatalf("SetupOptions() = %+v, want %+v", got, want)
	}
}
