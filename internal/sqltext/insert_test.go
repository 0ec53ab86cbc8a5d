package sqltext

import (
	"errors"
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
