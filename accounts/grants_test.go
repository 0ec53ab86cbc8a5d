package accounts

import (
	"reflect"
	"testing"
)

// MariaDB 10.11's SHOW GRANTS lines (read from a server) and the statements kept.
func TestCleanGrant(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"GRANT RELOAD, PROCESS ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH GRANT OPTION MAX_QUERIES_PER_HOUR 10 MAX_USER_CONNECTIONS 3",
			"GRANT RELOAD, PROCESS ON *.* TO `app`@`%` WITH GRANT OPTION"},
		{"GRANT SELECT ON *.* TO `a`@`h` IDENTIFIED VIA unix_socket OR mysql_native_password USING '*B69027D44F6E5EDC07F1AEAD1477967B16F28227' WITH MAX_USER_CONNECTIONS 2",
			"GRANT SELECT ON *.* TO `a`@`h`"},
		{"GRANT USAGE ON *.* TO `sock`@`localhost` IDENTIFIED VIA unix_socket", ""},
		{"GRANT USAGE ON *.* TO `r_read`", ""},
		{"GRANT `r_nested` TO `app`@`%` WITH ADMIN OPTION", "GRANT `r_nested` TO `app`@`%` WITH ADMIN OPTION"},
		{"GRANT SELECT (`a`), UPDATE (`b`) ON `d1`.`t` TO `r_nested`", "GRANT SELECT (`a`), UPDATE (`b`) ON `d1`.`t` TO `r_nested`"},
		{"GRANT EXECUTE ON PROCEDURE `d1`.`p` TO `app`@`%`", "GRANT EXECUTE ON PROCEDURE `d1`.`p` TO `app`@`%`"},
		{"GRANT PROXY ON `sock`@`localhost` TO `app`@`%`", "GRANT PROXY ON `sock`@`localhost` TO `app`@`%`"},
		{"GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION", "GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION"},
		{"GRANT SELECT ON `d1`.* TO PUBLIC", "GRANT SELECT ON `d1`.* TO PUBLIC"},
		{"GRANT ALL PRIVILEGES ON `o``d`.* TO `o'd``d x`@`10.0.%` IDENTIFIED BY PASSWORD '*02BB'", "GRANT ALL PRIVILEGES ON `o``d`.* TO `o'd``d x`@`10.0.%`"},
		{"REVOKE SELECT ON `mysql`.* FROM `u`@`%`", "REVOKE SELECT ON `mysql`.* FROM `u`@`%`"},
	} {
		if got := cleanGrant(c.in); got.stmt != c.want || got.defaultRole != nil {
			t.Errorf("cleanGrant(%s)\n got %q\nwant %q", c.in, got.stmt, c.want)
		}
	}
	g := cleanGrant("SET DEFAULT ROLE `r_nested` FOR `app`@`%`")
	if g.stmt != "" || g.defaultRole == nil || *g.defaultRole != (Name{"r_nested", ""}) {
		t.Errorf("SET DEFAULT ROLE: got %+v", g)
	}
}

func TestPatterns(t *testing.T) {
	mustPattern := func(s string) Pattern {
		p, err := ParsePattern(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		pattern string
		n       Name
		want    bool
	}{
		{"app", Name{"app", "%"}, true},
		{"app", Name{"app", ""}, true},
		{"app@%", Name{"app", "10.0.0.1"}, true},
		{"app@10.0.%", Name{"app", "10.0.0.1"}, true},
		{"app@10.0.%", Name{"app", "localhost"}, false},
		{"'a@b'@'%'", Name{"a@b", "%"}, true},
		{"a@b@h", Name{"a@b", "h"}, true},
		{`ap\_p`, Name{"apxp", "%"}, false},
		{`ap\_p`, Name{"ap_p", "%"}, true},
		{"ap_", Name{"apx", "%"}, true},
		{"App", Name{"app", "%"}, false},
	} {
		if got := mustPattern(c.pattern).Match(c.n); got != c.want {
			t.Errorf("%s matches %s: got %v, want %v", c.pattern, c.n, got, c.want)
		}
	}
	if _, err := ParsePattern("'app@%"); err == nil {
		t.Error("unclosed quote: no error")
	}
	f := Filter{}
	if f.Keep(Name{"root", "localhost"}) || f.Keep(Name{"mariadb.sys", "localhost"}) || !f.Keep(Name{"app", "%"}) {
		t.Error("default filter: system accounts kept or others dropped")
	}
	f = Filter{Include: []Pattern{mustPattern("root@localhost"), mustPattern("%")}, Exclude: []Pattern{mustPattern("tmp%")}}
	if !f.Keep(Name{"root", "localhost"}) || f.Keep(Name{"root", "127.0.0.1"}) || f.Keep(Name{"mysql.sys", "localhost"}) ||
		f.Keep(Name{"tmp1", "%"}) || !f.Keep(Name{"app", "%"}) {
		t.Error("include root@localhost and %, exclude tmp%: wrong choice")
	}
	if f.excluded(Name{"PUBLIC", ""}) || !(Filter{Exclude: []Pattern{mustPattern("PUBLIC")}}).excluded(Name{"PUBLIC", ""}) {
		t.Error("PUBLIC: excluded without a pattern naming it, or kept with one")
	}
}

func TestStripDefaultRole(t *testing.T) {
	in := "CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS 0x24412430 DEFAULT ROLE `r1`@`%`,`r2`@`%` REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK"
	want := "CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS 0x24412430 REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK"
	if got := stripDefaultRole(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	d, err := parseCreateUser(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Default, []Name{{"r1", "%"}, {"r2", "%"}}) {
		t.Errorf("DEFAULT ROLE parsed as %v", d.Default)
	}
}
