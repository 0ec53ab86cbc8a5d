package sqlscript

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitLines(t *testing.T) {
	script := "/*!40101 SET NAMES binary*/;\n\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN\n  SET @a = 1; \n  SET @b = ';';  \nEND;\nSET @c = 2;"
	want := []string{"/*!40101 SET NAMES binary*/", "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN\n  SET @a = 1; \n  SET @b = ';';  \nEND", "SET @c = 2"}
	if got := SplitLines(script); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestEncodeBodyHasNoStatementEnd(t *testing.T) {
	for _, body := range []string{
		"BEGIN\n  SET @a = 1;\n  SET @b = 2; \n  SET @c = 3;   \nEND",
		"plain", ";\n;\n", "; \n;", "a;;\n", "x;",
	} {
		enc := EncodeBody(body)
		for _, line := range strings.Split(enc, "\n")[:strings.Count(enc, "\n")] {
			if strings.HasSuffix(line, ";") {
				t.Errorf("EncodeBody(%q) = %q: line %q ends with ;", body, enc, line)
			}
		}
		if got := DecodeBody(enc); got != body {
			t.Errorf("DecodeBody(EncodeBody(%q)) = %q", body, got)
		}
		if got := SplitLines("SET @x = 1;\n" + enc + ";\n"); len(got) != 2 || got[1] != strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(enc), ";")) && got[1] != strings.TrimSpace(enc) {
			t.Errorf("SplitLines of encoded %q: %q", body, got)
		}
	}
}

func FuzzEncodeBody(f *testing.F) {
	for _, s := range []string{"BEGIN\n SET @a = 1;\nEND", "; \n", ";  \n;\n", "", "a;b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		enc := EncodeBody(body)
		if DecodeBody(enc) != body {
			t.Fatalf("round trip of %q: encoded %q decodes to %q", body, enc, DecodeBody(enc))
		}
		if strings.Contains(enc, ";\n") {
			t.Fatalf("EncodeBody(%q) = %q holds a line ending with ;", body, enc)
		}
	})
}
