package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicedb/sluice/loader"
)

// replicationOptions parses args as `sluice load` would and returns the replication options.
func replicationOptions(t *testing.T, args ...string) (*loader.ReplicateOptions, error) {
	t.Helper()
	fs := newFlagSet("load")
	f := addReplicationFlags(fs.FlagSet, true)
	if err := fs.parse(args); err != nil {
		t.Fatal(err)
	}
	return f.options()
}

func TestReplicationFlags(t *testing.T) {
	defaults := filepath.Join(t.TempDir(), "repl.cnf")
	if err := os.WriteFile(defaults, []byte("[client]\nuser = fileuser\npassword = \"file pw\"\n[mysqld]\npassword = wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(replicationPasswordEnv, "")

	o, err := replicationOptions(t)
	if err != nil || o != nil {
		t.Fatalf("no flags: got %+v, %v; want nil, nil", o, err)
	}

	o, err = replicationOptions(t, "--replicate-from", "db-a:3307", "--replication-user", "repl", "--replication-password", "flag pw",
		"--replication-mode", "binlog", "--replication-wait", "90s", "--force", "--replicate-from-dumped-server")
	if err != nil {
		t.Fatal(err)
	}
	want := loader.ReplicateOptions{SourceHost: "db-a", SourcePort: 3307, User: "repl", Password: "flag pw", Mode: "binlog",
		Wait: 90 * time.Second, Force: true, FromDumpedServer: true}
	if *o != want {
		t.Fatalf("got %+v, want %+v", *o, want)
	}

	o, err = replicationOptions(t, "--replicate-from", "db-a", "--replication-user", "repl")
	if err != nil {
		t.Fatal(err)
	}
	want = loader.ReplicateOptions{SourceHost: "db-a", User: "repl", Mode: "gtid", Wait: loader.DefaultReplicationWait}
	if *o != want {
		t.Fatalf("defaults: got %+v, want %+v", *o, want)
	}

	// The password: flag, else environment, else defaults file.
	t.Setenv(replicationPasswordEnv, "env pw")
	for _, tc := range []struct {
		args           []string
		user, password string
	}{
		{[]string{"--replication-user", "repl", "--replication-password", "flag pw", "--replication-defaults-file", defaults}, "repl", "flag pw"},
		{[]string{"--replication-user", "repl", "--replication-defaults-file", defaults}, "repl", "env pw"},
		{[]string{"--replication-defaults-file", defaults}, "fileuser", "env pw"},
	} {
		o, err := replicationOptions(t, append([]string{"--replicate-from", "[::1]:3306"}, tc.args...)...)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if o.User != tc.user || o.Password != tc.password || o.SourceHost != "::1" || o.SourcePort != 3306 {
			t.Fatalf("%q: got %+v, want user %q password %q at [::1]:3306", tc.args, *o, tc.user, tc.password)
		}
	}
	t.Setenv(replicationPasswordEnv, "")
	o, err = replicationOptions(t, "--replicate-from", "db-a", "--replication-defaults-file", defaults)
	if err != nil || o.User != "fileuser" || o.Password != "file pw" {
		t.Fatalf("defaults file: got %+v, %v; want fileuser with the file's password", o, err)
	}

	for _, args := range [][]string{
		{"--replication-user", "repl"}, // no --replicate-from
		{"--replicate-from", "db-a"},   // no user
		{"--replicate-from", "db-a:x", "--replication-user", "repl"},
		{"--replicate-from", "db-a", "--replication-user", "repl", "--replication-mode", "row"},
	} {
		var ue usageError
		if _, err := replicationOptions(t, args...); !errors.As(err, &ue) {
			t.Errorf("%q: got %v, want a usage error", args, err)
		}
	}
}
