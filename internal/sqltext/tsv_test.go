package sqltext

import (
	"bytes"
	"testing"
)

// unescapeTSV is UnescapeTSV with a fresh buffer.
func unescapeTSV(f []byte) []byte { return UnescapeTSV(nil, f) }

func TestAppendTSV(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, v := range [][]byte{nil, {}, []byte(`\N`), []byte("N"), []byte("NULL"), []byte("a\tb\nc\\d\x00e\r"), all} {
		got := AppendTSV(nil, v)
		if bytes.ContainsAny(got, "\t\n\x00") {
			t.Errorf("%q: field %q holds a raw tab, newline or NUL", v, got)
		}
		back := unescapeTSV(got)
		if (v == nil) != (back == nil) || !bytes.Equal(back, v) {
			t.Errorf("%q: encoded %q reads back as %q", v, got, back)
		}
	}
}

func TestAppendTSVBitHex(t *testing.T) {
	cases := []struct {
		v        []byte
		bit, hex string
	}{
		{nil, `\N`, `\N`},
		{[]byte{1}, "1", "01"},
		{[]byte{0}, "0", "00"},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "18446744073709551615", "FFFFFFFFFFFFFFFF"},
		{[]byte{0x01, 0x00}, "256", "0100"},
	}
	for _, c := range cases {
		if got := string(AppendTSVBit(nil, c.v)); got != c.bit {
			t.Errorf("AppendTSVBit(%x) = %s, want %s", c.v, got, c.bit)
		}
		if got := string(AppendTSVHex(nil, c.v)); got != c.hex {
			t.Errorf("AppendTSVHex(%x) = %s, want %s", c.v, got, c.hex)
		}
	}
}

// BenchmarkEscape compares AppendTSV (table lookup) with AppendEscaped (switch) on a
// sysbench-shaped value with nothing to escape.
func BenchmarkEscape(b *testing.B) {
	v := []byte("83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330")
	dst := make([]byte, 0, 256)
	b.Run("AppendTSV", func(b *testing.B) {
		b.SetBytes(int64(len(v)))
		for b.Loop() {
			dst = AppendTSV(dst[:0], v)
		}
	})
	b.Run("AppendEscaped", func(b *testing.B) {
		b.SetBytes(int64(len(v)))
		for b.Loop() {
			dst = AppendEscaped(dst[:0], v)
		}
	})
}
