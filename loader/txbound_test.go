package loader

import (
	"io"
	"strings"
	"testing"
)

func TestTxLimitsBound(t *testing.T) {
	for _, c := range []struct {
		l         txLimits
		flag      int64
		bytes     int64
		rows      int64
		fromStart string
	}{
		{txLimits{binlogCache: 1<<63 - 1}, 0, defaultTxBytes, 0, "default"},
		{txLimits{wsSize: 32 << 20, binlogCache: 1 << 62}, 0, 8 << 20, 0, "wsrep_max_ws_size"},
		{txLimits{wsSize: 2 << 30, wsRows: 1000}, 0, defaultTxBytes, 999, "default"},
		{txLimits{grSize: 150000000}, 0, 37500000, 0, "group_replication_transaction_size_limit"},
		{txLimits{wsSize: 32 << 20, binlogCache: 4 << 20}, 0, 1 << 20, 0, "max_binlog_cache_size"},
		{txLimits{wsSize: 32 << 20}, 100 << 20, 100 << 20, 0, "--max-transaction-bytes"},
	} {
		b := c.l.bound(c.flag)
		if b.bytes != c.bytes || b.rows != c.rows || !strings.HasPrefix(b.from, c.fromStart) {
			t.Errorf("%+v, flag %d: bound %+v, want %d bytes, %d rows, from %s", c.l, c.flag, b, c.bytes, c.rows, c.fromStart)
		}
	}
	b := txBound{bytes: 100, rows: 3}
	if b.full(0, 0, 1000, 1) {
		t.Error("an empty transaction is full: a row over the bound would never load")
	}
	if !b.full(50, 1, 51, 1) || b.full(50, 1, 50, 1) || !b.full(10, 3, 1, 1) {
		t.Error("full is wrong at the edges")
	}
	if n := insertRows([]byte("INSERT INTO `t` VALUES (1,'a'),(2,'b'),(3,'),(')")); n != 4 {
		t.Errorf("insertRows = %d, want 4 (an over-estimate by the string's separator)", n)
	}
}

// TestTSVReaderSplitsOnRows reads a tsv file through tsvReader in transactions and checks that
// each holds whole lines under the bound, and that together they hold the file, in order.
func TestTSVReaderSplitsOnRows(t *testing.T) {
	var file strings.Builder
	for i := range 1000 {
		file.WriteString(strings.Repeat("x", i%37) + "\t\\n\\\\\n")
	}
	bound := txBound{bytes: 4096, rows: 50}
	tr := &tsvReader{lr: newLineReader(strings.NewReader(file.String()), "t.00000.tsv"), bound: bound}
	var got strings.Builder
	batches := 0
	for {
		tr.bytes, tr.rows = 0, 0
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Fatalf("batch %d ends inside a line", batches)
		}
		if tr.bytes > bound.bytes || tr.rows > bound.rows {
			t.Fatalf("batch %d: %d bytes, %d rows: over %+v", batches, tr.bytes, tr.rows, bound)
		}
		if int64(strings.Count(string(b), "\n")) != tr.rows {
			t.Fatalf("batch %d: %d lines, counted %d rows", batches, strings.Count(string(b), "\n"), tr.rows)
		}
		got.Write(b)
		batches++
		if tr.eof && !tr.pending {
			break
		}
	}
	if got.String() != file.String() {
		t.Fatal("the batches do not add up to the file")
	}
	if tr.batchEnd() != 1000 || batches < 20 {
		t.Fatalf("%d lines in %d batches, want 1000 in 20 or more", tr.batchEnd(), batches)
	}
	trunc := &tsvReader{lr: newLineReader(strings.NewReader("a\nb"), "t.tsv"), bound: bound}
	if _, err := io.ReadAll(trunc); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("a file without its last newline: %v, want an error saying it is truncated", err)
	}
}

// BenchmarkTSVReader measures the cost of cutting a tsv file into bounded transactions: the
// rows pass through lineReader and tsvReader instead of straight from the decompressor.
func BenchmarkTSVReader(b *testing.B) {
	var file strings.Builder
	for i := 0; file.Len() < 64<<20; i++ {
		file.WriteString(strings.Repeat("x", 100+i%100) + "\t12345\t\\N\n")
	}
	data := file.String()
	buf := make([]byte, 16<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tr := &tsvReader{lr: newLineReader(strings.NewReader(data), "t.tsv"), bound: txBound{bytes: 8 << 20}}
		for !(tr.eof && !tr.pending) {
			tr.bytes, tr.rows = 0, 0
			for {
				n, err := tr.Read(buf)
				if err == io.EOF || n == 0 {
					break
				}
			}
		}
	}
}
