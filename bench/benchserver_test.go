package bench

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

// benchServer starts the one throwaway server of a load benchmark (BenchmarkLoadAB,
// BenchmarkLoadPaths): binary log off, innodb_buffer_pool_size SLUICE_BENCH_POOL (default
// 256M), and the mariadbd options of SLUICE_BENCH_SERVER_ARGS (space separated, e.g.
// --innodb-stats-auto-recalc=0) after the harness's own. It returns the server and a connection pool, both closed when b ends; it fails b
// when the server does not start.
func benchServer(b *testing.B) (*testserver.Server, *sql.DB) {
	pool := os.Getenv("SLUICE_BENCH_POOL")
	if pool == "" {
		pool = "256M"
	}
	srv := testserver.ForTest(b, testserver.Options{BufferPool: pool, NoBinlog: true,
		ExtraArgs: strings.Fields(os.Getenv("SLUICE_BENCH_SERVER_ARGS"))})
	db, err := srv.DB("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return srv, db
}

// benchSpec is the dataset spec of a load benchmark (bench.ParseDataset's form):
// SLUICE_BENCH_SPEC, or def when it is unset.
func benchSpec(def string) string {
	if s := os.Getenv("SLUICE_BENCH_SPEC"); s != "" {
		return s
	}
	return def
}
