package replication

import (
	"reflect"
	"strings"
	"testing"
)

func TestCoordinatesMetadataRoundTrip(t *testing.T) {
	for _, c := range []Coordinates{
		{Flavor: MariaDB, Version: "10.11.6-MariaDB-0+deb12u1", ServerID: 1, File: "mysql-bin.000003", Position: 1234, GTIDSet: "0-1-100"},
		{Flavor: MySQL, Version: "8.0.36", ServerID: 4294967295, ServerUUID: "3e11fa47-71ca-11e1-9e33-c80aa9429562", File: "binlog.000002", Position: 157, GTIDSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"},
		{Flavor: MariaDB, Version: "11.4.2-MariaDB", ServerID: 7}, // binary logging off
	} {
		kv := map[string]string{}
		for _, p := range c.MetadataKeys() {
			kv[p[0]] = p[1]
		}
		got, err := CoordinatesFromMetadata(kv)
		if err != nil {
			t.Fatal(err)
		}
		if got != c {
			t.Errorf("round trip: got %+v, want %+v", got, c)
		}
	}
}

func TestCoordinatesMetadataKeysOrder(t *testing.T) {
	c := Coordinates{Flavor: MySQL, Version: "8.0.36", ServerID: 3, ServerUUID: "u", File: "b.000001", Position: 4, GTIDSet: "u:1"}
	var keys []string
	for _, p := range c.MetadataKeys() {
		keys = append(keys, p[0])
	}
	want := []string{"File", "Position", "Executed_Gtid_Set", "flavor", "version", "server_id", "server_uuid"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	c.File = ""
	if k := c.MetadataKeys()[0][0]; k != "Executed_Gtid_Set" {
		t.Errorf("binlog off: first key %q, want Executed_Gtid_Set", k)
	}
}

func TestCoordinatesFromMydumperMetadata(t *testing.T) {
	// mydumper writes no flavor; MySQL sets may be split over lines.
	c, err := CoordinatesFromMetadata(map[string]string{
		"File": "binlog.000002", "Position": "157",
		"Executed_Gtid_Set": "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2",
		"unknown":           "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Flavor != MySQL || c.Position != 157 || strings.ContainsAny(c.GTIDSet, "\n ") {
		t.Errorf("got %+v", c)
	}
	c, err = CoordinatesFromMetadata(map[string]string{"Executed_Gtid_Set": "0-1-5"})
	if err != nil || c.Flavor != MariaDB {
		t.Errorf("mariadb gtid: got %+v, %v", c, err)
	}
	for key, val := range map[string]string{"Position": "-1", "server_id": "4294967296", "flavor": "oracle"} {
		if _, err := CoordinatesFromMetadata(map[string]string{key: val}); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: got error %v, want one naming the key", key, val, err)
		}
	}
}

func TestReplicaSourceMetadataRoundTrip(t *testing.T) {
	r := ReplicaSource{Host: "db1", Port: 3306, File: "mysql-bin.000009", Position: 99, GTIDSet: "0-1-5"}
	kv := map[string]string{}
	for _, p := range r.MetadataKeys() {
		kv[p[0]] = p[1]
	}
	got, err := ReplicaSourceFromMetadata(kv)
	if err != nil || got == nil || *got != r {
		t.Errorf("round trip: got %+v, %v; want %+v", got, err, r)
	}
	if got, err := ReplicaSourceFromMetadata(nil); got != nil || err != nil {
		t.Errorf("empty section: got %+v, %v; want nil, nil", got, err)
	}
	if _, err := ReplicaSourceFromMetadata(map[string]string{"Port": "x"}); err == nil || !strings.Contains(err.Error(), "Port") {
		t.Errorf("bad port: got %v", err)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"10.11.6-MariaDB-0+deb12u1": {10, 11, 6},
		"8.0.36":                    {8, 0, 36},
		"5.7.44-log":                {5, 7, 44},
		"11.4":                      {11, 4, 0},
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseVersion("MariaDB"); err == nil {
		t.Error("ParseVersion(MariaDB): want an error")
	}
	if FlavorOf("10.11.6-MariaDB-0+deb12u1") != MariaDB || FlavorOf("8.0.36") != MySQL {
		t.Error("FlavorOf misreads versions")
	}
}
