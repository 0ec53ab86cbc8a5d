package bench

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

// BenchmarkGenerateIndexed5M generates indexed:4x1250000 (5M rows) at threads=2 into a server
// with a 256 MiB buffer pool, as the demo does at a smaller scale. Run it alone:
//
//	go test -run '^$' -bench GenerateIndexed5M -benchtime 1x ./bench/
func BenchmarkGenerateIndexed5M(b *testing.B) {
	srv := testserver.ForTest(b, testserver.Options{BufferPool: "256M"})
	db, err := srv.DB("")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	d := Dataset{Kind: KindIndexed, Tables: 4, Rows: 1250000, Seed: 1, Database: "bench5m"}
	for b.Loop() {
		st, err := Generate(context.Background(), db, d, 2)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Rows)/st.Seconds, "rows/s")
		b.ReportMetric(float64(st.Bytes)/(1<<20), "MiB")
		b.Logf("%s: %+v", d, st)
	}
}
