package accounts

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/replication"
)

// The statements a MariaDB 10.11 dump becomes on MySQL 8, pinned: only MariaDB runs in CI.
// The inputs are what MariaDB 10.11 printed (SHOW CREATE USER, SHOW GRANTS after cleanGrant).
func TestTranslateMariaDBToMySQL(t *testing.T) {
	roles := map[Name]bool{{"r_read", ""}: true, {"r_nested", ""}: true}
	for _, c := range []struct {
		name     string
		in       Account
		want     Account
		warnings []string // substrings, one per warning, in order
		skip     bool
	}{
		{name: "role", in: Account{Name: Name{"r_nested", ""}, Role: true, Create: "CREATE ROLE `r_nested`", Admin: &Name{"root", "localhost"},
			Grants: []string{"GRANT `r_read` TO `r_nested`", "GRANT SELECT (`a`), UPDATE (`b`) ON `d1`.`t` TO `r_nested`"}},
			want: Account{Name: Name{"r_nested", "%"}, Role: true, Create: "CREATE ROLE 'r_nested'@'%'",
				Grants: []string{"GRANT 'r_read'@'%' TO 'r_nested'@'%'", "GRANT SELECT (`a`), UPDATE (`b`) ON `d1`.`t` TO 'r_nested'@'%'"}}},
		{name: "password account with TLS, limits, expiry, lock, roles",
			in: Account{Name: Name{"app", "%"},
				Create: "CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 MAX_USER_CONNECTIONS 3 MAX_STATEMENT_TIME 1.5 ACCOUNT LOCK PASSWORD EXPIRE INTERVAL 30 DAY",
				Grants: []string{"GRANT `r_nested` TO `app`@`%` WITH ADMIN OPTION", "GRANT RELOAD, BINLOG MONITOR, DELETE HISTORY ON *.* TO `app`@`%` WITH GRANT OPTION",
					"GRANT EXECUTE ON PROCEDURE `d1`.`p` TO `app`@`%`", "GRANT PROXY ON `sock`@`localhost` TO `app`@`%`"},
				DefaultRoles: []Name{{"r_nested", ""}}},
			want: Account{Name: Name{"app", "%"},
				Create: "CREATE USER 'app'@'%' IDENTIFIED WITH 'mysql_native_password' AS '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 MAX_USER_CONNECTIONS 3 ACCOUNT LOCK PASSWORD EXPIRE INTERVAL 30 DAY",
				Grants: []string{"GRANT 'r_nested'@'%' TO 'app'@'%' WITH ADMIN OPTION", "GRANT RELOAD, REPLICATION CLIENT ON *.* TO 'app'@'%' WITH GRANT OPTION",
					"GRANT EXECUTE ON PROCEDURE `d1`.`p` TO 'app'@'%'", "GRANT PROXY ON `sock`@`localhost` TO 'app'@'%'"},
				DefaultRoles: []Name{{"r_nested", "%"}}},
			warnings: []string{"MAX_STATEMENT_TIME 1.5 dropped", "privilege DELETE HISTORY dropped"}},
		{name: "unix_socket", in: Account{Name: Name{"sock", "localhost"}, Create: "CREATE USER `sock`@`localhost` IDENTIFIED VIA unix_socket"},
			want: Account{Name: Name{"sock", "localhost"}, Create: "CREATE USER 'sock'@'localhost' IDENTIFIED WITH 'auth_socket'"}},
		{name: "unix_socket or password", in: Account{Name: Name{"m", "localhost"}, Create: "CREATE USER `m`@`localhost` IDENTIFIED VIA unix_socket OR mysql_native_password USING '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'"},
			want:     Account{Name: Name{"m", "localhost"}, Create: "CREATE USER 'm'@'localhost' IDENTIFIED WITH 'auth_socket'"},
			warnings: []string{"authentication by mysql_native_password dropped"}},
		{name: "ed25519", in: Account{Name: Name{"e", "localhost"}, Create: "CREATE USER `e`@`localhost` IDENTIFIED VIA ed25519 USING 'lEiAPNNMP1kq0dRsguIBKo/em5EPb9Y0272TblVhRUw'"},
			skip: true, warnings: []string{"authentication plugin ed25519 has no equivalent on the target: skipped"}},
		{name: "odd name", in: Account{Name: Name{"o'd`d x", "10.0.%"}, Create: "CREATE USER `o'd``d x`@`10.0.%` IDENTIFIED BY PASSWORD '*02BBDD755ADEBEE261D776B89363C54FCE8620D9' PASSWORD EXPIRE"},
			want: Account{Name: Name{"o'd`d x", "10.0.%"}, Create: `CREATE USER 'o\'d` + "`" + `d x'@'10.0.%' IDENTIFIED WITH 'mysql_native_password' AS '*02BBDD755ADEBEE261D776B89363C54FCE8620D9' PASSWORD EXPIRE`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := translate(c.in, replication.MariaDB, replication.MySQL, roles)
			checkWarnings(t, got.warnings, c.warnings)
			if got.skip != c.skip {
				t.Fatalf("skip = %v, want %v", got.skip, c.skip)
			}
			if c.skip {
				return
			}
			if !reflect.DeepEqual(got.Account, c.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got.Account, c.want)
			}
		})
	}
}

// translateCase is one account and what translation must make of it.
type translateCase struct {
	name     string
	in       Account
	want     Account
	warnings []string // substrings, one per warning, in order
	skip     bool
}

// mysqlRoles are the roles of mysqlCases' source.
var mysqlRoles = map[Name]bool{{"r_read", "%"}: true, {"r_app", "localhost"}: true}

const mysqlTail = " REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT"

// mysqlCases are MySQL 8.0's SHOW CREATE USER (with print_identified_with_as_hex, DEFAULT ROLE
// stripped) and SHOW GRANTS output, and the MariaDB statements they become.
var mysqlCases = []translateCase{
	{name: "role", in: Account{Name: Name{"r_read", "%"}, Role: true,
		Create: "CREATE USER `r_read`@`%` IDENTIFIED WITH 'caching_sha2_password' REQUIRE NONE PASSWORD EXPIRE ACCOUNT LOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT",
		Grants: []string{"GRANT SELECT ON `d1`.* TO `r_read`@`%`"}},
		want: Account{Name: Name{"r_read", ""}, Role: true, Create: "CREATE ROLE `r_read`", Grants: []string{"GRANT SELECT ON `d1`.* TO `r_read`"}}},
	{name: "role with a host", in: Account{Name: Name{"r_app", "localhost"}, Role: true, Create: "CREATE USER `r_app`@`localhost`"},
		skip: true, warnings: []string{"MariaDB roles have no host: skipped"}},
	{name: "native password, dynamic privileges, partial revoke",
		in: Account{Name: Name{"app", "%"},
			Create: "CREATE USER `app`@`%` IDENTIFIED WITH 'mysql_native_password' AS '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH MAX_USER_CONNECTIONS 3 PASSWORD EXPIRE INTERVAL 30 DAY ACCOUNT LOCK PASSWORD HISTORY 5 PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME 2 ATTRIBUTE '{\"team\": \"x\"}'",
			Grants: []string{"GRANT SELECT, RELOAD ON *.* TO `app`@`%` WITH GRANT OPTION", "GRANT BINLOG_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `app`@`%`",
				"REVOKE SELECT ON `mysql`.* FROM `app`@`%`", "GRANT `r_read`@`%` TO `app`@`%` WITH ADMIN OPTION"},
			DefaultRoles: []Name{{"r_read", "%"}}},
		want: Account{Name: Name{"app", "%"},
			Create: "CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '*4AB1BBFA6C98F39747064D14C4D913BCA460A206' REQUIRE SSL WITH MAX_USER_CONNECTIONS 3 PASSWORD EXPIRE INTERVAL 30 DAY ACCOUNT LOCK",
			Grants: []string{"GRANT SELECT, RELOAD ON *.* TO 'app'@'%' WITH GRANT OPTION", "GRANT BINLOG ADMIN ON *.* TO 'app'@'%'",
				"GRANT `r_read` TO 'app'@'%' WITH ADMIN OPTION"},
			DefaultRoles: []Name{{"r_read", ""}}},
		warnings: []string{"PASSWORD HISTORY 5 dropped", "FAILED_LOGIN_ATTEMPTS 3 dropped", "PASSWORD_LOCK_TIME 2 dropped", "ATTRIBUTE", "SYSTEM_VARIABLES_ADMIN dropped", "partial revoke"}},
	{name: "auth_socket", in: Account{Name: Name{"sock", "localhost"}, Create: "CREATE USER `sock`@`localhost` IDENTIFIED WITH 'auth_socket'" + mysqlTail},
		want: Account{Name: Name{"sock", "localhost"}, Create: "CREATE USER 'sock'@'localhost' IDENTIFIED VIA unix_socket REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK"}},
	{name: "caching_sha2_password", in: Account{Name: Name{"c", "%"}, Create: "CREATE USER `c`@`%` IDENTIFIED WITH 'caching_sha2_password' AS 0x244124303035" + mysqlTail},
		skip: true, warnings: []string{"authentication plugin caching_sha2_password has no equivalent on the target: skipped"}},
	{name: "no password", in: Account{Name: Name{"n", "%"}, Create: "CREATE USER `n`@`%` IDENTIFIED WITH 'caching_sha2_password'" + mysqlTail},
		want: Account{Name: Name{"n", "%"}, Create: "CREATE USER 'n'@'%' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK"}},
}

// The statements a MySQL 8.0 dump becomes on MariaDB, pinned (TestTranslatedRunOnMariaDB runs
// them on a real server).
func TestTranslateMySQLToMariaDB(t *testing.T) {
	for _, c := range mysqlCases {
		t.Run(c.name, func(t *testing.T) {
			got := translate(c.in, replication.MySQL, replication.MariaDB, mysqlRoles)
			checkWarnings(t, got.warnings, c.warnings)
			if got.skip != c.skip {
				t.Fatalf("skip = %v, want %v", got.skip, c.skip)
			}
			if c.skip {
				return
			}
			if !reflect.DeepEqual(got.Account, c.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got.Account, c.want)
			}
		})
	}
}

func TestTranslateSameFlavourKeepsStatements(t *testing.T) {
	a := Account{Name: Name{"app", "%"}, Create: "CREATE USER `app`@`%` IDENTIFIED VIA ed25519 USING 'x'", Grants: []string{"GRANT SELECT ON *.* TO `app`@`%`"}}
	if got := translate(a, replication.MariaDB, replication.MariaDB, nil); !reflect.DeepEqual(got.Account, a) || got.skip || len(got.warnings) > 0 {
		t.Errorf("got %+v", got)
	}
}

func checkWarnings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d: %q", strings.Join(got, "\n"), len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("warning %d: %q does not say %q", i, got[i], want[i])
		}
	}
}
