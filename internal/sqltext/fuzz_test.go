package sqltext

import (
	"bytes"
	"strconv"
	"testing"
)

// Fuzz targets for the decoders that read back what the encoders of this package write. Seed
// corpora are in testdata/fuzz/<target>; `make fuzz-codec` runs each briefly (CI does).

// FuzzTSVRoundTrip: AppendTSV's field decodes to the same bytes with UnescapeTSV, and holds no
// raw tab or newline (which would end the field or the row).
func FuzzTSVRoundTrip(f *testing.F) {
	f.Add([]byte("a\tb\nc\\N"), false)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, v []byte, null bool) {
		if null {
			v = nil
		}
		enc := AppendTSV(nil, v)
		if bytes.ContainsAny(enc, "\t\n") {
			t.Fatalf("AppendTSV(%q) = %q holds a tab or newline", v, enc)
		}
		got := UnescapeTSV(nil, enc)
		if (got == nil) != (v == nil) || !bytes.Equal(got, v) {
			t.Fatalf("AppendTSV(%q) = %q decodes to %q", v, enc, got)
		}
	})
}

// FuzzInsertRoundTrip: an INSERT written with AppendValue for string, binary, JSON and number
// columns (two rows, NULLs where the bits of nulls say) converts with AppendInsertAsTSV to TSV
// rows whose fields decode with UnescapeTSV to the values written.
func FuzzInsertRoundTrip(f *testing.F) {
	f.Add([]byte("it's"), []byte{0, 0xff, '\\'}, uint8(0))
	f.Add([]byte(""), []byte(""), uint8(0x81))
	f.Add([]byte("a'',\\\n)(,"), []byte("NULL"), uint8(0x12))
	f.Fuzz(func(t *testing.T, a, b []byte, nulls uint8) {
		kinds := []Kind{KindString, KindBinary, KindJSON, KindNumber}
		enc := []TSVEncoding{TSVRaw, TSVRaw, TSVRaw, TSVRaw}
		rows := [][][]byte{
			{a, b, a, []byte(strconv.Itoa(len(a)))},
			{b, a, b, []byte("-" + strconv.Itoa(len(b)) + ".5e3")},
		}
		line := []byte("INSERT INTO `t``x` (`a`,`b`,`c`,`d`) VALUES ")
		bit := 0
		for r, row := range rows {
			if r > 0 {
				line = append(line, ',')
			}
			line = append(line, '(')
			for i := range row {
				if nulls&(1<<bit) != 0 {
					row[i] = nil
				} else if row[i] == nil {
					row[i] = []byte{}
				}
				bit++
				if i > 0 {
					line = append(line, ',')
				}
				line = AppendValue(line, kinds[i], row[i])
			}
			line = append(line, ')')
		}
		tsv, n, err := AppendInsertAsTSV(nil, line, enc)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if n != 2 {
			t.Fatalf("%q: %d rows, want 2", line, n)
		}
		lines := bytes.Split(bytes.TrimSuffix(tsv, []byte("\n")), []byte("\n"))
		if len(lines) != 2 {
			t.Fatalf("%q: TSV %q has %d lines", line, tsv, len(lines))
		}
		for r, l := range lines {
			fields := bytes.Split(l, []byte("\t"))
			if len(fields) != 4 {
				t.Fatalf("row %d: %q has %d fields", r, l, len(fields))
			}
			for i, fld := range fields {
				got, want := UnescapeTSV(nil, fld), rows[r][i]
				if (got == nil) != (want == nil) || !bytes.Equal(got, want) {
					t.Fatalf("row %d column %d: wrote %q in %q, read back %q", r, i, want, line, got)
				}
			}
		}
	})
}

// FuzzAppendInsertAsTSV: any input either converts to as many TSV lines as the rows it reports
// or is refused with an error; it never panics.
func FuzzAppendInsertAsTSV(f *testing.F) {
	f.Add([]byte("INSERT INTO `t` (`a`,`b`) VALUES (1,'x'),(NULL,0x00)"), 2)
	f.Add([]byte("INSERT INTO `t` (`a`) VALUES (_binary'\\''"), 1)
	f.Fuzz(func(t *testing.T, line []byte, cols int) {
		if cols < 1 || cols > 8 {
			cols = 1
		}
		enc := make([]TSVEncoding, cols)
		tsv, n, err := AppendInsertAsTSV(nil, line, enc)
		if err != nil {
			return
		}
		if got := int64(bytes.Count(tsv, []byte("\n"))); got != n {
			t.Fatalf("%q: %d rows reported, %d TSV lines", line, n, got)
		}
	})
}

// FuzzLiteralAsTSV: the one-pass conversion of a literal (appendLiteralAsTSV) gives what
// decoding it (DecodeLiteral) and escaping the bytes for TSV (AppendTSV) give, with the same
// rest, and refuses what DecodeLiteral refuses.
func FuzzLiteralAsTSV(f *testing.F) {
	for _, s := range []string{"NULL,", "'it\\'s\t\\\\N\\n'", "0x00FF5C09)", "_utf8mb4'{\\\"a\\\": 1}'", "-1.5e10,", "'x''y'", "'\\", "0x1", "''", "'a\x00\r\n\\Z\\0'"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		raw, rest1, err1 := DecodeLiteral(nil, b)
		got, rest2, err2 := appendLiteralAsTSV([]byte("prefix"), b)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: DecodeLiteral err %v, appendLiteralAsTSV err %v", b, err1, err2)
		}
		if err1 != nil {
			return
		}
		if want := AppendTSV([]byte("prefix"), raw); !bytes.Equal(got, want) || !bytes.Equal(rest1, rest2) {
			t.Fatalf("%q: got %q rest %q, want %q rest %q", b, got, rest2, want, rest1)
		}
	})
}

// FuzzInsertValues: AppendInsertValues accepts exactly the lines AppendInsertAsTSV accepts
// (every column raw), with the same rows, and its values are the bytes the TSV fields decode
// to (UnescapeTSV), NULL as NULL; each row ends where ends says.
func FuzzInsertValues(f *testing.F) {
	f.Add([]byte("INSERT INTO `t` (`a`,`b`) VALUES (1,'x'),(NULL,0x00)"), 2)
	f.Add([]byte("INSERT INTO `t` (`a`,`b`) VALUES (_binary'\\'\\t',''),('a''b',-1.5e3)"), 2)
	f.Add([]byte("INSERT INTO `t` (`a`) VALUES (_binary'\\''"), 1)
	f.Fuzz(func(t *testing.T, line []byte, cols int) {
		if cols < 1 || cols > 8 {
			cols = 1
		}
		tsv, n, errTSV := AppendInsertAsTSV(nil, line, make([]TSVEncoding, cols))
		// Each value as a NUL-free record: 'N' for NULL, or 'V' and its bytes in hex.
		var vals []byte
		got, ends, err := AppendInsertValues(nil, nil, line, cols, func(dst, v []byte) []byte {
			vals = append(vals, '|')
			if v == nil {
				vals = append(vals, 'N')
			} else {
				vals = append(vals, 'V')
				vals = AppendHex(vals, v)
			}
			return append(dst, byte(len(v)))
		})
		if (err == nil) != (errTSV == nil) {
			t.Fatalf("%q: AppendInsertValues err %v, AppendInsertAsTSV err %v", line, err, errTSV)
		}
		if err != nil {
			return
		}
		if int64(len(ends)) != n || ends[len(ends)-1] != len(got) || len(got) != int(n)*cols {
			t.Fatalf("%q: %d rows ending at %v in %d bytes, TSV has %d rows", line, len(ends), ends, len(got), n)
		}
		var want []byte
		for _, l := range bytes.Split(bytes.TrimSuffix(tsv, []byte("\n")), []byte("\n")) {
			for _, fld := range bytes.Split(l, []byte("\t")) {
				want = append(want, '|')
				if v := UnescapeTSV(nil, fld); v == nil {
					want = append(want, 'N')
				} else {
					want = append(want, 'V')
					want = AppendHex(want, v)
				}
			}
		}
		if !bytes.Equal(vals, want) {
			t.Fatalf("%q: values %s, TSV fields %s", line, vals, want)
		}
	})
}
