package sqlscript

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzSplit feeds Split arbitrary scripts (seeds in testdata/fuzz/FuzzSplit). It must never
// panic or loop; every statement it returns is non-empty and trimmed; and for a script without
// DELIMITER lines, its statements joined by ";" on lines of their own split into the same
// statements (no statement holds an unquoted delimiter).
func FuzzSplit(f *testing.F) {
	f.Add("/*!40101 SET NAMES utf8mb4*/;\nSET x = 'a;b\\';c';\n-- comment; here\nCREATE TABLE `t;` (a int) COMMENT \"x;\";\n")
	f.Add("DELIMITER ;;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.a = 1; # c;\nEND ;;\nDELIMITER ;\nSELECT 1;")
	f.Add("INSERT INTO t VALUES ('it''s', \"q\"\"\", `b``t`);")
	f.Fuzz(func(t *testing.T, script string) {
		stmts, err := Split(script)
		if err != nil {
			return
		}
		for i, s := range stmts {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("statement %d is empty or untrimmed: %q", i+1, s)
			}
		}
		if strings.Contains(strings.ToUpper(script), "DELIMITER") {
			return
		}
		again, err := Split(strings.Join(stmts, "\n;\n"))
		if err != nil {
			t.Fatalf("Split of its own statements: %v\n%q", err, stmts)
		}
		if len(stmts) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, stmts) {
			t.Fatalf("statements split again:\n got %q\nwant %q", again, stmts)
		}
	})
}
