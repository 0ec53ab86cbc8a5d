package dumpdir

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// indexedSQL returns about n bytes of INSERT statements shaped like the bench's indexed tables
// (bench/gen_indexed.go: an id and nine random INT columns): mostly random digits, the hardest
// case for a fast compressor, and the one issue 13's zstd goal is measured on.
func indexedSQL(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	ranges := [7]int64{1e6, 1e2, 1e4, 1e3, 1e2, 1e3, 1e4}
	b := make([]byte, 0, n+1<<20)
	for id := int64(1); len(b) < n; {
		b = append(b, "INSERT INTO `indexed1` (`id`,`c1`,`c2`,`c3`,`c4`,`c5`,`c6`,`c7`,`c8`,`c9`) VALUES "...)
		for s := len(b); len(b)-s < 1<<20; id++ {
			if len(b) > s {
				b = append(b, ',')
			}
			b = append(b, '(')
			b = strconv.AppendInt(b, id, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(int32(r.Uint32())), 10)
			for _, m := range ranges {
				b = append(b, ',')
				b = strconv.AppendInt(b, r.Int64N(m), 10)
			}
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(int32(r.Uint32())), 10)
			b = append(b, ')')
		}
		b = append(b, ";\n"...)
	}
	return b
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkZstdWindow compresses 32 MiB of indexed-shaped statements, written 1 MiB at a time
// as the dumper writes them, with the encoder NewCompressor makes (window zstdWindow) and with
// the same encoder at other windows, reporting the compressed size as a fraction of the input
// ("ratio"). It is how zstdWindow was chosen: `go test ./internal/dumpdir -run - -bench
// ZstdWindow -count 5`.
func BenchmarkZstdWindow(b *testing.B) {
	data := indexedSQL(32 << 20)
	for _, w := range []int{zstdWindow, 128 << 10, 1 << 20, 4 << 20} {
		name := fmt.Sprintf("window=%dKiB", w>>10)
		if w == zstdWindow {
			name += "(NewCompressor)"
		}
		b.Run(name, func(b *testing.B) {
			var out countWriter
			enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(w))
			if err != nil {
				b.Fatal(err)
			}
			var wc io.WriteCloser = enc
			if w == zstdWindow {
				if wc, err = NewCompressor(&out, CompressZstd); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				out.n = 0
				if e, ok := wc.(*zstd.Encoder); ok {
					e.Reset(&out)
				}
				for off := 0; off < len(data); off += 1 << 20 {
					if _, err := wc.Write(data[off:min(off+1<<20, len(data))]); err != nil {
						b.Fatal(err)
					}
				}
				if err := wc.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.n)/float64(len(data)), "ratio")
		})
	}
}

// BenchmarkZstdDumpFiles compresses the files SLUICE_ZSTD_FILES names (a glob, e.g. the data
// files of a plain dump: '/tmp/d/*.sql') once per iteration, 1 MiB per write as the dumper
// writes them, with the encoder NewCompressor makes, on one goroutine: ns/op is the CPU time
// that compressing that dump costs, the lower bound of a zstd dump's extra CPU
// (bench/README.md, issue 13). Skipped when SLUICE_ZSTD_FILES is unset.
func BenchmarkZstdDumpFiles(b *testing.B) {
	pattern := os.Getenv("SLUICE_ZSTD_FILES")
	if pattern == "" {
		b.Skip("SLUICE_ZSTD_FILES unset: give a glob of dump files to compress")
	}
	names, err := filepath.Glob(pattern)
	if err != nil || len(names) == 0 {
		b.Fatalf("SLUICE_ZSTD_FILES %q: no files (%v)", pattern, err)
	}
	var files [][]byte
	var total int64
	for _, n := range names {
		d, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, d)
		total += int64(len(d))
	}
	var out countWriter
	wc, err := NewCompressor(&out, CompressZstd)
	if err != nil {
		b.Fatal(err)
	}
	enc := wc.(*zstd.Encoder)
	b.SetBytes(total)
	for b.Loop() {
		out.n = 0
		for _, data := range files {
			enc.Reset(&out)
			for off := 0; off < len(data); off += 1 << 20 {
				if _, err := enc.Write(data[off:min(off+1<<20, len(data))]); err != nil {
					b.Fatal(err)
				}
			}
			if err := enc.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(out.n)/float64(total), "ratio")
}
