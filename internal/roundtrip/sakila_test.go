package roundtrip

import (
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

func TestSakilaRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	LoadSakila(t, a)
	snap := Open(t, a, "sakila")
	var rentals int
	if err := snap.QueryRow("SELECT COUNT(*) FROM rental").Scan(&rentals); err != nil || rentals != 16044 {
		t.Fatalf("sakila did not load: %d rentals, %v", rentals, err)
	}
	RoundTrip(t, a, b, []string{"sakila"}, dumper.Options{Threads: 2, StatementSize: 64 << 10}, loader.Options{Threads: 2})
}
