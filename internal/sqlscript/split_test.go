package sqlscript

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	script := "/*!40101 SET NAMES utf8mb4*/;\nSET x = 'a;b\\';c';\n-- comment; here\nCREATE TABLE `t;` (a int) COMMENT \"x;\";\n" +
		"DELIMITER ;;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.a = 1; # c;\n  SET NEW.b = 2;\nEND ;;\nDELIMITER ;\nSELECT 1;"
	got, err := Split(script)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/*!40101 SET NAMES utf8mb4*/",
		"SET x = 'a;b\\';c'",
		"-- comment; here\nCREATE TABLE `t;` (a int) COMMENT \"x;\"",
		"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.a = 1; # c;\n  SET NEW.b = 2;\nEND",
		"SELECT 1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestSplitTruncated(t *testing.T) {
	for _, s := range []string{"INSERT INTO t VALUES ('abc", "/* open", "SELECT `x"} {
		if _, err := Split(s); err == nil {
			t.Errorf("Split(%q): no error for a truncated script", s)
		}
	}
}
