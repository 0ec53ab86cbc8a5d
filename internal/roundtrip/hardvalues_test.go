package roundtrip

import (
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

func TestHardValuesRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	var n int
	if err := src.QueryRow("SELECT COUNT(*) FROM hardv.hard").Scan(&n); err != nil || n != 18 {
		t.Fatalf("hard table has %d rows (%v), want 18", n, err)
	}
	RoundTrip(t, a, b, []string{"hardv"}, dumper.Options{Threads: 2, StatementSize: 4096}, loader.Options{Threads: 2})
	// CHECKSUM TABLE skips nothing, but be explicit about the INVISIBLE column too.
	var inv int
	if err := Open(t, b, "").QueryRow("SELECT inv FROM hardv.hard WHERE id = 16").Scan(&inv); err != nil || inv != 99 {
		t.Fatalf("INVISIBLE column after restore: %d, %v; want 99", inv, err)
	}
}
