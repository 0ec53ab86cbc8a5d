package accounts

import (
	"strings"
	"testing"
)

func TestDefinerRewrite(t *testing.T) {
	view := "CREATE ALGORITHM=UNDEFINED DEFINER=`app`@`%` SQL SECURITY DEFINER VIEW `v` AS select 'DEFINER=`x`@`y`' AS `a`"
	proc := "CREATE DEFINER=`o'd``d x`@`10.0.%` PROCEDURE `p`()\nSELECT 1"
	role := "CREATE DEFINER=`r_read` TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET @a = 1"
	cur := "CREATE DEFINER=CURRENT_USER() EVENT `e` ON SCHEDULE EVERY 1 DAY DO SELECT 1"
	none := "CREATE VIEW `v` AS select 'DEFINER=`x`@`y`'"
	if n, ok := DefinerOf(view); !ok || n != (Name{"app", "%"}) {
		t.Errorf("view definer: %v %v", n, ok)
	}
	if n, ok := DefinerOf(proc); !ok || n != (Name{"o'd`d x", "10.0.%"}) {
		t.Errorf("procedure definer: %v %v", n, ok)
	}
	if n, ok := DefinerOf(role); !ok || n != (Name{"r_read", ""}) {
		t.Errorf("role definer: %v %v", n, ok)
	}
	if _, ok := DefinerOf(cur); ok {
		t.Error("CURRENT_USER reported as a definer")
	}
	if _, ok := DefinerOf(none); ok {
		t.Error("a definer found in a view's body")
	}
	skip := Definers{Skip: true}
	for in, want := range map[string]string{
		view: "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 'DEFINER=`x`@`y`' AS `a`",
		proc: "CREATE PROCEDURE `p`()\nSELECT 1",
		cur:  "CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DO SELECT 1",
		none: none,
	} {
		if got, _, _ := skip.Rewrite(in); got != want {
			t.Errorf("--skip-definer %s:\n got %s\nwant %s", in, got, want)
		}
	}
	n, err := ParseDefiner("'etl'@'10.%'")
	if err != nil {
		t.Fatal(err)
	}
	repl := Definers{Replace: &n}
	if got, old, _ := repl.Rewrite(proc); got != "CREATE DEFINER='etl'@'10.%' PROCEDURE `p`()\nSELECT 1" || old != (Name{"o'd`d x", "10.0.%"}) {
		t.Errorf("--definer: got %s (was %v)", got, old)
	}
	if _, err := ParseDefiner("etl@"); err == nil {
		t.Error("--definer etl@: no error")
	}
}

func TestRedact(t *testing.T) {
	stmt := "CREATE USER 'c'@'%' IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$secrethash'"
	msg := "Error 1064 (42000): You have an error in your SQL syntax; near 'caching_sha2_password' AS '$A$005$secrethash'' at line 1"
	if got := redact(msg, stmt); strings.Contains(got, "secrethash") {
		t.Errorf("redact left the hash: %s", got)
	}
}
