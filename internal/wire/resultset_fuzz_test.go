package wire

import (
	"bytes"
	"testing"
)

// FuzzSplitRow feeds splitRow arbitrary row packets and column counts (seeds in
// testdata/fuzz/FuzzSplitRow). It must never panic, and a packet it accepts must give values
// that, written back as a row packet, split into the same values (NULL stays NULL, "" stays "").
func FuzzSplitRow(f *testing.F) {
	f.Add([]byte{0x01, 'a', 0xfb, 0x00}, uint8(3))
	f.Add(append(lenencStr(bytes.Repeat([]byte{'x'}, 300)), lenencStr([]byte("7"))...), uint8(2))
	f.Add([]byte{0xfc, 0x02, 0x00, 'h', 'i'}, uint8(1))
	f.Add([]byte{0xfe, 1, 0, 0, 0, 0, 0, 0, 0, 'z'}, uint8(1))
	f.Fuzz(func(t *testing.T, p []byte, ncols uint8) {
		vals := make([][]byte, ncols)
		if err := splitRow(p, vals); err != nil {
			return
		}
		var again []byte
		for _, v := range vals {
			if v == nil {
				again = append(again, pktNull)
			} else {
				again = append(again, lenencStr(v)...)
			}
		}
		got := make([][]byte, ncols)
		if err := splitRow(again, got); err != nil {
			t.Fatalf("splitRow of the re-encoded row %q: %v", again, err)
		}
		for i := range vals {
			if (vals[i] == nil) != (got[i] == nil) || !bytes.Equal(vals[i], got[i]) {
				t.Fatalf("column %d: %q, re-encoded %q", i+1, vals[i], got[i])
			}
		}
	})
}
