package dumper_test

import (
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/roundtrip"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestRowReadersRoundTrip round-trips the hard values (every column type, every byte, NULLs,
// extreme numbers) through both row readers, in both formats: the dumper's own result-set
// reader (the default, internal/wire) and go-sql-driver's rows (the fallback). Both restores
// must equal the source by CHECKSUM TABLE and SHOW CREATE.
func TestRowReadersRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	roundtrip.CreateHardValues(t, roundtrip.Open(t, a, ""), "hardv")
	for _, format := range []string{dumper.FormatSQL, dumper.FormatTSV} {
		for _, driverRows := range []bool{false, true} {
			o := dumper.Options{Threads: 2, StatementSize: 4096, Format: format}
			if driverRows {
				o = dumper.WithDriverRows(o)
			}
			roundtrip.Exec(t, roundtrip.Open(t, b, ""), "DROP DATABASE IF EXISTS hardv")
			roundtrip.RoundTrip(t, a, b, []string{"hardv"}, o, loader.Options{Threads: 2})
		}
	}
}
