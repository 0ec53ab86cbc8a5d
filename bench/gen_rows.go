package bench

import (
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// blockRows is the number of rows generated from one seeding of the pseudo-random generator.
// Each block of a table gets its own PCG seeded from (Seed, table number, block number), so a
// row's values depend only on the dataset and its position, never on chunking or threads.
// Changing blockRows changes every dataset: it is part of the format.
const blockRows = 1 << 14

// chunkRows is the default number of rows one LOAD DATA statement carries; a larger table is
// split into several chunks loaded concurrently. It must be a multiple of blockRows.
const chunkRows = 32 * blockRows // 524,288 rows

// genTable is one table of a dataset: its DDL and a function producing its rows.
type genTable struct {
	name   string
	rows   int64  // rows to generate
	create string // CREATE TABLE body after the name: columns and primary key only
	keys   string // ALTER TABLE clauses adding secondary indexes and foreign keys after loading; "" for none
	load   string // LOAD DATA column list and optional SET clause
	// row appends row i (0-based within the table) as tab-separated LOAD DATA fields ending
	// in '\n', drawing randomness from r only.
	row func(r *rand.Rand, i int64, buf []byte) []byte
}

// splitmix64 is the SplitMix64 finaliser: a bijective hash of x, used to derive seeds and
// position-derived keys (UUIDs) from small integers.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// blockSeed returns the two PCG seed words for block b of table number t under seed.
func blockSeed(seed int64, t int, b int64) (uint64, uint64) {
	h := splitmix64(uint64(seed) ^ splitmix64(uint64(t)<<40^uint64(b)))
	return h, splitmix64(h ^ 0x5851f42d4c957f2d)
}

// rowSource is an io.Reader producing rows [next, end) of one table as LOAD DATA text;
// next must be a multiple of blockRows so that every block starts from its own seed.
// It is handed to go-sql-driver's RegisterReaderHandler for one LOAD DATA LOCAL INFILE.
type rowSource struct {
	t         *genTable
	seed      int64
	tableNo   int
	next, end int64
	pcg       *rand.PCG
	rng       *rand.Rand
	buf       []byte
	off       int
}

func newRowSource(t *genTable, seed int64, tableNo int, start, end int64) *rowSource {
	pcg := rand.NewPCG(blockSeed(seed, tableNo, start/blockRows))
	return &rowSource{t: t, seed: seed, tableNo: tableNo, next: start, end: end,
		pcg: pcg, rng: rand.New(pcg), buf: make([]byte, 0, 80<<10)}
}

// Read fills p with generated rows; it returns io.EOF after row end-1.
func (s *rowSource) Read(p []byte) (int, error) {
	if s.off == len(s.buf) {
		s.buf, s.off = s.buf[:0], 0
		for len(s.buf) < 64<<10 && s.next < s.end {
			if s.next%blockRows == 0 {
				s.pcg.Seed(blockSeed(s.seed, s.tableNo, s.next/blockRows))
			}
			s.buf = s.t.row(s.rng, s.next, s.buf)
			s.next++
		}
		if len(s.buf) == 0 {
			return 0, io.EOF
		}
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	return n, nil
}

// appendText appends s as one LOAD DATA field, escaping as the default
// FIELDS ESCAPED BY '\\' expects (MariaDB KB "LOAD DATA INFILE"): backslash, tab,
// newline, carriage return and NUL become \\, \t, \n, \r and \0.
func appendText(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case 0:
			buf = append(buf, '\\', '0')
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// appendNull appends the LOAD DATA spelling of SQL NULL, \N.
func appendNull(buf []byte) []byte { return append(buf, '\\', 'N') }

// appendCents appends cents as a DECIMAL literal with two decimals, e.g. 12345 -> "123.45".
func appendCents(buf []byte, cents int64) []byte {
	if cents < 0 {
		buf = append(buf, '-')
		cents = -cents
	}
	buf = strconv.AppendInt(buf, cents/100, 10)
	buf = append(buf, '.', byte('0'+cents%100/10), byte('0'+cents%10))
	return buf
}

// genEpoch is the earliest timestamp the generators produce, 2020-01-01 00:00:00 UTC in
// Unix seconds; generated times never depend on the clock.
const genEpoch = 1577836800

// appendTime appends the UTC time genEpoch+micros (microseconds) in layout, e.g.
// "2006-01-02 15:04:05.000000".
func appendTime(buf []byte, micros int64, layout string) []byte {
	return time.UnixMicro(genEpoch*1e6+micros).UTC().AppendFormat(buf, layout)
}

// appendHex appends b as upper-case hexadecimal, for columns loaded through UNHEX().
func appendHex(buf []byte, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range b {
		buf = append(buf, digits[c>>4], digits[c&15])
	}
	return buf
}
