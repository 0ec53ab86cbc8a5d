package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/replication"
)

// replicationPasswordEnv is the environment variable read for the replication password when
// --replication-password is not given.
const replicationPasswordEnv = "SLUICE_REPLICATION_PASSWORD"

// replicationFlags are the flags that attach a restored server to a source, shared by
// `sluice load` and `sluice replication-sql`.
type replicationFlags struct {
	fs               *pflag.FlagSet
	from             string
	user             string
	password         string
	defaultsFile     string
	mode             string
	o                loader.ReplicateOptions
	fromDumpedServer bool
}

// addReplicationFlags registers the replication flags on fs. With load true it adds the
// ones only a load uses (--replication-wait, --force).
func addReplicationFlags(fs *pflag.FlagSet, load bool) *replicationFlags {
	f := &replicationFlags{fs: fs}
	fs.StringVar(&f.from, "replicate-from", "", "after the restore, replicate from this source, HOST[:PORT] (default port 3306)")
	fs.StringVar(&f.user, "replication-user", "", "replication user on the source (needs REPLICATION SLAVE)")
	fs.StringVar(&f.password, "replication-password", "", "its password (prefer "+replicationPasswordEnv+" or --replication-defaults-file: command lines are visible to other users)")
	fs.StringVar(&f.defaultsFile, "replication-defaults-file", "", "read the replication user and password from this file's [client] section")
	fs.StringVar(&f.mode, "replication-mode", replication.ModeGTID, "start from the dump's GTID set (gtid) or binlog file and position (binlog)")
	fs.BoolVar(&f.fromDumpedServer, "replicate-from-dumped-server", false,
		"use the dumped server's own coordinates ([source]) even when the dump was taken from a replica ([replica_source]); --replicate-from must then name the dumped server")
	if load {
		fs.DurationVar(&f.o.Wait, "replication-wait", loader.DefaultReplicationWait, "how long to wait for the new replica to catch up")
		fs.BoolVar(&f.o.Force, "force", false, "attach even when the target already replicates or its GTID state conflicts with the dump's")
	}
	return f
}

// options returns the ReplicateOptions the flags give, nil when --replicate-from is absent
// (and no other replication flag was given). The password comes from --replication-password,
// else SLUICE_REPLICATION_PASSWORD, else the [client] section of --replication-defaults-file;
// the user from --replication-user, else that file. Errors are usage errors naming the flag.
func (f *replicationFlags) options() (*loader.ReplicateOptions, error) {
	if f.from == "" {
		for _, n := range []string{"replication-user", "replication-password", "replication-defaults-file", "replication-mode", "replication-wait", "replicate-from-dumped-server"} {
			if f.fs.Changed(n) {
				return nil, usageError{fmt.Errorf("--%s needs --replicate-from HOST[:PORT]", n)}
			}
		}
		return nil, nil
	}
	o := f.o
	o.FromDumpedServer = f.fromDumpedServer
	host, port, err := splitHostPort(f.from)
	if err != nil {
		return nil, usageError{err}
	}
	o.SourceHost, o.SourcePort = host, port
	if f.mode != replication.ModeGTID && f.mode != replication.ModeBinlog {
		return nil, usageError{fmt.Errorf("--replication-mode %q: want %s or %s", f.mode, replication.ModeGTID, replication.ModeBinlog)}
	}
	o.Mode = f.mode
	o.User, o.Password = f.user, f.password
	if !f.fs.Changed("replication-password") {
		o.Password = os.Getenv(replicationPasswordEnv)
	}
	if f.defaultsFile != "" && (o.User == "" || o.Password == "") {
		user, pw, err := readClientSection(f.defaultsFile)
		if err != nil {
			return nil, err
		}
		if o.User == "" {
			o.User = user
		}
		if o.Password == "" {
			o.Password = pw
		}
	}
	if o.User == "" {
		return nil, usageError{fmt.Errorf("--replicate-from needs --replication-user (or user in --replication-defaults-file)")}
	}
	return &o, nil
}

// splitHostPort parses HOST[:PORT] and [IPv6]:PORT; the port is 0 when absent.
func splitHostPort(s string) (string, int, error) {
	if !strings.Contains(s, ":") || (strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[")) {
		return s, 0, nil
	}
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("--replicate-from %q: %w: want HOST[:PORT]", s, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("--replicate-from %q: port %q: want 1-65535", s, p)
	}
	return host, port, nil
}

// readClientSection reads user and password from the [client] section of a MySQL option
// file, as conn.ReadClientOptions reads it. Errors name the file, never its content.
func readClientSection(path string) (user, password string, err error) {
	opts, err := conn.ReadClientOptions(path)
	if err != nil {
		return "", "", fmt.Errorf("--replication-defaults-file %s: %w", path, err)
	}
	return opts.Get("user"), opts.Get("password"), nil
}
