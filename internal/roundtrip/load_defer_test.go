package roundtrip

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadDeferMinRows checks that a table below --defer-min-rows is created with its indexes
// (no index build after its data) while a larger one has them deferred, and both restore equal.
func TestLoadDeferMinRows(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	Exec(t, Open(t, a, ""), "CREATE DATABASE dm", "USE dm",
		"CREATE TABLE small (id INT PRIMARY KEY, v INT, KEY kv (v))",
		"INSERT INTO small SELECT seq, seq % 7 FROM seq_1_to_50",
		"CREATE TABLE big (id INT PRIMARY KEY, v INT, w VARCHAR(20), KEY kv (v), UNIQUE KEY uw (w))",
		"INSERT INTO big SELECT seq, seq % 7, CONCAT('w', seq) FROM seq_1_to_3000")
	var log bytes.Buffer
	RoundTrip(t, a, b, []string{"dm"}, dumper.Options{Threads: 2},
		loader.Options{Threads: 2, DeferMinRows: 1000, Log: testLogger(&log)})
	built := map[string]bool{}
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, `msg="added deferred definitions"`) && strings.Contains(line, "what=indexes") {
			for _, tb := range []string{"small", "big"} {
				if strings.Contains(line, "table=dm."+tb+" ") {
					built[tb] = true
				}
			}
		}
	}
	if !built["big"] || built["small"] {
		t.Errorf("index builds after the data: %v, want big only\n%s", built, log.String())
	}
}
