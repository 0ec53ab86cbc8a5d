package loader

import (
	"testing"

	"github.com/sluicedb/sluice/internal/sqltext"
)

func TestParseLoadClause(t *testing.T) {
	clause := "CHARACTER SET binary " + sqltext.TSVFieldsClause +
		" (`id`,@sluice_2,`we``ird, name`,@sluice_10) SET `b` = UNHEX(@sluice_2), `y, z` = CAST(@sluice_10 AS UNSIGNED)"
	ts, err := parseLoadClause(clause)
	if err != nil {
		t.Fatal(err)
	}
	want := []tsvTarget{{column: "`id`"}, {column: "`b`", expr: "UNHEX(@sluice_2)", v: "@sluice_2"},
		{column: "`we``ird, name`"}, {column: "`y, z`", expr: "CAST(@sluice_10 AS UNSIGNED)", v: "@sluice_10"}}
	if len(ts) != len(want) {
		t.Fatalf("got %+v", ts)
	}
	for i := range ts {
		if ts[i] != want[i] {
			t.Errorf("target %d: %+v, want %+v", i, ts[i], want[i])
		}
	}
	if _, err := parseLoadClause("FIELDS TERMINATED BY ','"); err == nil {
		t.Error("a foreign load clause was accepted")
	}
	// A SET expression that names no variable is an error, not a panic.
	if _, err := parseLoadClause("CHARACTER SET binary " + sqltext.TSVFieldsClause + " (`id`,@sluice_2) SET `b` = NOW()"); err == nil {
		t.Error("a SET expression without a variable was accepted")
	}
}
