package replication

import (
	"errors"
	"strings"
	"testing"
)

var (
	mariaCoords = Coordinates{Flavor: MariaDB, File: "mysql-bin.000003", Position: 1234, GTIDSet: "0-1-100,1-2-7"}
	mysqlCoords = Coordinates{Flavor: MySQL, File: "binlog.000002", Position: 157, GTIDSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"}
	setupOpts   = SetupOptions{SourceHost: "src.example", SourcePort: 3307, User: "repl", Password: "s3cr'et"}
)

func TestSetupStatementsPinned(t *testing.T) {
	mariaGTID := []string{
		"STOP SLAVE",
		"SET GLOBAL gtid_slave_pos = '0-1-100,1-2-7'",
		"CHANGE MASTER TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', MASTER_USE_GTID=slave_pos",
		"START SLAVE",
	}
	mariaBinlog := []string{
		"STOP SLAVE",
		"CHANGE MASTER TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234, MASTER_USE_GTID=no",
		"START SLAVE",
	}
	cases := []struct {
		name   string
		target Target
		coords Coordinates
		mode   string
		want   []string
	}{
		{"mariadb 10.6 gtid", Target{MariaDB, "10.6.16-MariaDB"}, mariaCoords, "", mariaGTID},
		{"mariadb 10.11 gtid", Target{MariaDB, "10.11.6-MariaDB-0+deb12u1"}, mariaCoords, ModeGTID, mariaGTID},
		{"mariadb 11.4 gtid", Target{MariaDB, "11.4.2-MariaDB"}, mariaCoords, ModeGTID, mariaGTID},
		{"mariadb 10.6 binlog", Target{MariaDB, "10.6.16-MariaDB"}, mariaCoords, ModeBinlog, mariaBinlog},
		{"mariadb 10.11 binlog", Target{MariaDB, "10.11.6-MariaDB-0+deb12u1"}, mariaCoords, ModeBinlog, mariaBinlog},
		{"mariadb 11.4 binlog", Target{MariaDB, "11.4.2-MariaDB"}, mariaCoords, ModeBinlog, mariaBinlog},
		{"mysql 5.7 gtid", Target{MySQL, "5.7.44-log"}, mysqlCoords, ModeGTID, []string{
			"STOP SLAVE",
			"RESET MASTER",
			"SET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'",
			"CHANGE MASTER TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', MASTER_AUTO_POSITION=1",
			"START SLAVE",
		}},
		{"mysql 5.7 binlog", Target{MySQL, "5.7.44"}, mysqlCoords, ModeBinlog, []string{
			"STOP SLAVE",
			"CHANGE MASTER TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', MASTER_LOG_FILE='binlog.000002', MASTER_LOG_POS=157, MASTER_AUTO_POSITION=0",
			"START SLAVE",
		}},
		{"mysql 8.0.22 gtid", Target{MySQL, "8.0.22"}, mysqlCoords, ModeGTID, []string{
			"STOP SLAVE",
			"RESET MASTER",
			"SET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'",
			"CHANGE MASTER TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', GET_MASTER_PUBLIC_KEY=1, MASTER_AUTO_POSITION=1",
			"START SLAVE",
		}},
		{"mysql 8.0 gtid", Target{MySQL, "8.0.36"}, mysqlCoords, ModeGTID, []string{
			"STOP REPLICA",
			"RESET MASTER",
			"SET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'",
			"CHANGE REPLICATION SOURCE TO SOURCE_HOST='src.example', SOURCE_PORT=3307, SOURCE_USER='repl', SOURCE_PASSWORD='s3cr''et', GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1",
			"START REPLICA",
		}},
		{"mysql 8.0 binlog", Target{MySQL, "8.0.36"}, mysqlCoords, ModeBinlog, []string{
			"STOP REPLICA",
			"CHANGE REPLICATION SOURCE TO SOURCE_HOST='src.example', SOURCE_PORT=3307, SOURCE_USER='repl', SOURCE_PASSWORD='s3cr''et', GET_SOURCE_PUBLIC_KEY=1, SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157, SOURCE_AUTO_POSITION=0",
			"START REPLICA",
		}},
		{"mysql 8.4 gtid", Target{MySQL, "8.4.3"}, mysqlCoords, ModeGTID, []string{
			"STOP REPLICA",
			"RESET BINARY LOGS AND GTIDS",
			"SET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'",
			"CHANGE REPLICATION SOURCE TO SOURCE_HOST='src.example', SOURCE_PORT=3307, SOURCE_USER='repl', SOURCE_PASSWORD='s3cr''et', GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1",
			"START REPLICA",
		}},
		{"mysql 8.4 binlog", Target{MySQL, "8.4.3"}, mysqlCoords, ModeBinlog, []string{
			"STOP REPLICA",
			"CHANGE REPLICATION SOURCE TO SOURCE_HOST='src.example', SOURCE_PORT=3307, SOURCE_USER='repl', SOURCE_PASSWORD='s3cr''et', GET_SOURCE_PUBLIC_KEY=1, SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157, SOURCE_AUTO_POSITION=0",
			"START REPLICA",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := setupOpts
			o.Mode = tc.mode
			got, err := SetupStatements(tc.target, tc.coords, o)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ";\n") != strings.Join(tc.want, ";\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, ";\n"), strings.Join(tc.want, ";\n"))
			}
			if tc.target.Flavor == MySQL && strings.HasPrefix(tc.target.Version, "8.4") {
				for _, s := range got {
					if strings.Contains(s, "MASTER") || strings.Contains(s, "SLAVE") {
						t.Errorf("MySQL 8.4 statement uses a removed keyword: %s", s)
					}
				}
			}
		})
	}
}

func TestSetupStatementsChannelAndSSL(t *testing.T) {
	o := setupOpts
	o.Channel = "east"
	o.SSL = true
	o.SSLCA = `/etc/ssl/ca\x.pem`
	got, err := SetupStatements(Target{MariaDB, "10.11.6-MariaDB"}, mariaCoords, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"STOP SLAVE 'east'",
		"SET GLOBAL gtid_slave_pos = '0-1-100,1-2-7'",
		`CHANGE MASTER 'east' TO MASTER_HOST='src.example', MASTER_PORT=3307, MASTER_USER='repl', MASTER_PASSWORD='s3cr''et', MASTER_SSL=1, MASTER_SSL_CA='/etc/ssl/ca\\x.pem', MASTER_USE_GTID=slave_pos`,
		"START SLAVE 'east'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mariadb channel: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got, err = SetupStatements(Target{MySQL, "8.0.36"}, mysqlCoords, o)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"STOP REPLICA FOR CHANNEL 'east'",
		"RESET MASTER",
		"SET GLOBAL gtid_purged = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'",
		`CHANGE REPLICATION SOURCE TO SOURCE_HOST='src.example', SOURCE_PORT=3307, SOURCE_USER='repl', SOURCE_PASSWORD='s3cr''et', SOURCE_SSL=1, SOURCE_SSL_CA='/etc/ssl/ca\\x.pem', SOURCE_AUTO_POSITION=1 FOR CHANNEL 'east'`,
		"START REPLICA FOR CHANNEL 'east'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mysql channel: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRedactedStatements(t *testing.T) {
	got, err := RedactedStatements(Target{MariaDB, "10.11.6-MariaDB"}, mariaCoords, setupOpts)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(got, "\n")
	if strings.Contains(all, "s3cr") || !strings.Contains(all, "MASTER_PASSWORD='***'") {
		t.Errorf("password not redacted:\n%s", all)
	}
	o := setupOpts
	o.Password = ""
	got, err = RedactedStatements(Target{MySQL, "8.4.0"}, mysqlCoords, o)
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(got, "\n"); !strings.Contains(all, "SOURCE_PASSWORD='<password>'") {
		t.Errorf("no placeholder for a missing password:\n%s", all)
	}
}

func TestSetupStatementsErrors(t *testing.T) {
	noGTID := mariaCoords
	noGTID.GTIDSet = ""
	noFile := mysqlCoords
	noFile.File = ""
	noHost := setupOpts
	noHost.SourceHost = ""
	noUser := setupOpts
	noUser.User = ""
	badMode := setupOpts
	badMode.Mode = "semisync"
	binlog := setupOpts
	binlog.Mode = ModeBinlog
	cases := []struct {
		name string
		t    Target
		c    Coordinates
		o    SetupOptions
		want string
	}{
		{"flavor mismatch", Target{MySQL, "8.0.36"}, mariaCoords, setupOpts, "restore into a mariadb server"},
		{"no gtid", Target{MariaDB, "10.11.6"}, noGTID, setupOpts, "use --replication-mode binlog"},
		{"no file", Target{MySQL, "8.0.36"}, noFile, binlog, "use --replication-mode gtid"},
		{"no host", Target{MariaDB, "10.11.6"}, mariaCoords, noHost, "--replicate-from"},
		{"no user", Target{MariaDB, "10.11.6"}, mariaCoords, noUser, "--replication-user"},
		{"bad mode", Target{MariaDB, "10.11.6"}, mariaCoords, badMode, `mode "semisync"`},
		{"bad version", Target{MariaDB, "garbage"}, mariaCoords, setupOpts, `"garbage"`},
		{"bad flavor", Target{"postgres", "16.1"}, mariaCoords, setupOpts, `"postgres"`},
	}
	for _, tc := range cases {
		_, err := SetupStatements(tc.t, tc.c, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		``:          `''`,
		`plain`:     `'plain'`,
		`it's`:      `'it''s'`,
		`a\b`:       `'a\\b'`,
		`\'`:        `'\\'''`,
		"nul\x00ok": `'nul\0ok'`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRedactError(t *testing.T) {
	inner := errors.New("near 'pw''x' at line 1")
	e := &redactedError{msg: "setup: " + redact(inner.Error(), "pw''x"), err: inner}
	if strings.Contains(e.Error(), "pw''x") || !strings.Contains(e.Error(), "near '***'") || !errors.Is(e, inner) {
		t.Errorf("redactedError = %q", e.Error())
	}
	if redact("abc", "") != "abc" {
		t.Error("redact with no password changed the text")
	}
}

func TestMariaPos(t *testing.T) {
	p, err := parseMariaPos("0-1-100, 1-2-7,0-3-90")
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p[0] != 100 || p[1] != 7 {
		t.Errorf("parseMariaPos = %v", p)
	}
	q, _ := parseMariaPos("0-5-120,2-1-1")
	if got := q.aheadIn(p); len(got) != 1 || got[0] != 0 {
		t.Errorf("aheadIn = %v, want [0]", got)
	}
	if !q.covers(mariaPos{0: 120}) || q.covers(p) {
		t.Error("covers misjudges")
	}
	for _, bad := range []string{"0-1", "a-1-1", "0-1-x", "0-1-1-1"} {
		if _, err := parseMariaPos(bad); err == nil {
			t.Errorf("parseMariaPos(%q): want an error", bad)
		}
	}
}

func TestBinlogReached(t *testing.T) {
	cases := []struct {
		file string
		pos  uint64
		tf   string
		tpos uint64
		want bool
	}{
		{"b.000002", 100, "b.000002", 100, true},
		{"b.000002", 99, "b.000002", 100, false},
		{"b.000003", 4, "b.000002", 100, true},
		{"b.000001", 900, "b.000002", 100, false},
		{"b.1000000", 4, "b.999999", 100, true},
		{"", 0, "b.000001", 4, false},
	}
	for _, c := range cases {
		if got := binlogReached(c.file, c.pos, c.tf, c.tpos); got != c.want {
			t.Errorf("binlogReached(%s:%d, %s:%d) = %v", c.file, c.pos, c.tf, c.tpos, got)
		}
	}
}
