package bench

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

func TestZZTmpCompare(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	ctx := context.Background()
	ds, _ := ParseDataset(os.Getenv("ZZ_DATASET"))
	src, _ := testserver.Start(ctx, testserver.Options{BufferPool: "256M"})
	defer src.Stop()
	m, err := startMinIO(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	dir := t.TempDir()
	o := Options{Sluice: os.Getenv("ZZ_SLUICE"), Repeat: 1, Threads: []int{2, 4}, Log: os.Stdout}
	b := &bed{o: o, target: Target{Profile: Profile{Name: "x", BufferPool: "256M"}, Dataset: ds}, src: src, dst: src, dir: dir, minio: m}
	if err := b.prepare(ctx); err != nil {
		t.Fatal(err)
	}
	res := map[string][]float64{}
	rss := map[string]int64{}
	vs := []dumpVariant{{name: "sql"}, {name: "zstd", args: []string{"--compress", "zstd"}}, {name: "s3 sql", s3: true}, {name: "s3 zstd", args: []string{"--compress", "zstd"}, s3: true}}
	for round := 0; round < 3; round++ {
		for _, th := range []int{2, 4} {
			r := b.measure(ctx, b.limitDump(th, false))
			k := fmt.Sprintf("limit t%d", th)
			res[k] = append(res[k], r.Seconds)
			for _, v := range vs {
				if os.Getenv("ZZ_ONLY") != "" && !strings.Contains(v.name, os.Getenv("ZZ_ONLY")) {
					continue
				}
				r := b.measure(ctx, b.sluiceDump(v, th, false))
				k := fmt.Sprintf("%s t%d", v.name, th)
				res[k] = append(res[k], r.Seconds)
				rss[k] = max(rss[k], r.PeakRSS)
				if r.Error != "" {
					t.Log(r.Error)
				}
			}
		}
	}
	var keys []string
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-14s median %.2f runs %v rss %d MiB\n", k, median(res[k]), res[k], rss[k]>>20)
	}
}
