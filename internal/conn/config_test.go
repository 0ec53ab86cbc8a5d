package conn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	cnf := filepath.Join(dir, "my.cnf")
	os.WriteFile(cnf, []byte("[mysqld]\nport = 1\n[client]\nhost = 10.0.0.9\nport = 3307\nuser = fromfile\npassword = \"file pw\"\nskip-ssl\n"), 0o600)
	t.Setenv("MYSQL_PWD", "envpw")

	c, err := Config{DefaultsFile: cnf}.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "10.0.0.9" || c.Port != 3307 || c.User != "fromfile" || c.Password != "file pw" {
		t.Fatalf("from defaults file: %+v", c)
	}
	if n, a := c.Address(); n != "tcp" || a != "10.0.0.9:3307" {
		t.Fatalf("address %s %s", n, a)
	}

	flags := map[string]bool{"host": true, "user": true, "password": true}
	c, err = Config{DefaultsFile: cnf, Host: "127.0.0.1", User: "flaguser", Password: "flagpw"}.Resolve(func(n string) bool { return flags[n] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "127.0.0.1" || c.User != "flaguser" || c.Password != "flagpw" || c.Port != 3307 {
		t.Fatalf("flags must win: %+v", c)
	}

	empty := filepath.Join(dir, "empty.cnf")
	os.WriteFile(empty, []byte("[client]\n"), 0o600)
	c, err = Config{DefaultsFile: empty}.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Password != "envpw" || c.Port != 3306 {
		t.Fatalf("MYSQL_PWD and default port: %+v", c)
	}
	if n, a := c.Address(); n != "unix" || a != DefaultSocket {
		t.Fatalf("no host means the default socket, got %s %s", n, a)
	}
	if strings.Contains(c.String(), "envpw") {
		t.Fatalf("String() shows the password: %s", c)
	}
	if _, err := (Config{DefaultsFile: filepath.Join(dir, "missing.cnf")}).Resolve(nil); err == nil {
		t.Fatal("missing --defaults-file accepted")
	}
}
