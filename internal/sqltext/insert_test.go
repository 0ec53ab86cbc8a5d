package sqltext

import (
	"errors"
	"fmt"
	"testing"
)

func TestAppendInsertAsTSV(t *testing.T) {
	enc := []TSVEncoding{TSVRaw, TSVRaw, TSVRaw, TSVBit, TSVHex, TSVRaw}
	line := "INSERT INTO `a``b` (`x`,`y`,`z`,`b`,`g`,`j`) VALUES " +
		"(NULL,'it\\'s\t\\\\N\\n',0x00FF5C,0x0100,0xAB,_utf8mb4'{\\\"a\\\": 1}'),(-1.5e10,'','',0x01,'','x''y')"
	got, rows, err := AppendInsertAsTSV(nil, []byte(line), enc)
	if err != nil {
		t.Fatal(err)
	}
	want := "\\N\tit's\\t\\\\N\\n\t\\0\xff\\\\\t256\tAB\t{\"a\": 1}\n" +
		"-1.5e10\t\t\t1\t\tx'y\n"
	if rows != 2 || string(got) != want {
		t.Fatalf("rows %d\n got %q\nwant %q", rows, got, want)
	}
	for _, bad := range []string{
		"INSERT INTO `t` (`x`) VALUES (1)",                                // wrong column count
		"INSERT INTO `t` (`x`,`y`,`z`,`b`,`g`,`j`) VALUES (1,2,3,4,5,'6)", // unterminated
		"REPLACE INTO `t` (`x`) VALUES (1)",
		"INSERT INTO `t` (`x`,`y`,`z`,`b`,`g`,`j`) VALUES (1,2,3,0x1,5,6)", // odd hex
	} {
		if _, _, err := AppendInsertAsTSV(nil, []byte(bad), enc); !errors.Is(err, ErrNotInsert) {
			t.Errorf("%s: err %v, want ErrNotInsert", bad, err)
		}
	}
}

// benchInsertLine is one INSERT of 1,000 rows shaped like the bench's mixed and sysbench
// tables: an integer, a UUID text, a short text with a quote, a 16-byte binary key, a
// decimal, a NULL and a 120-byte text of words.
func benchInsertLine() ([]byte, []TSVEncoding) {
	line := []byte("INSERT INTO `t` (`a`,`b`,`c`,`d`,`e`,`f`,`g`) VALUES ")
	for i := range 1000 {
		if i > 0 {
			line = append(line, ',')
		}
		line = fmt.Appendf(line, "(%d,'6c151f7a-9618-4d88-8a90-%012d','O\\'Brien %d',0x%032X,%d.%02d,NULL,'", i+1, i, i, i*7919, i*13, i%100)
		for len(line)%120 != 0 {
			line = append(line, "lorem ipsum dolor "[len(line)%18])
		}
		line = append(line, "')"...)
	}
	return line, []TSVEncoding{TSVRaw, TSVRaw, TSVRaw, TSVRaw, TSVRaw, TSVRaw, TSVRaw}
}

// BenchmarkAppendInsertAsTSV measures the SQL-to-TSV conversion of the loader's sql path, in
// bytes of INSERT text per second.
func BenchmarkAppendInsertAsTSV(b *testing.B) {
	line, enc := benchInsertLine()
	b.SetBytes(int64(len(line)))
	var dst []byte
	for b.Loop() {
		var err error
		if dst, _, err = AppendInsertAsTSV(dst[:0], line, enc); err != nil {
			b.Fatal(err)
		}
	}
}
