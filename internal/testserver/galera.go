package testserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GaleraProvider is the wsrep provider library of Debian's galera-4 package.
const GaleraProvider = "/usr/lib/galera/libgalera_smm.so"

// syncTimeout bounds how long a joining node may take to receive its state transfer and
// reach Synced. Even an IST goes through the SST script, which takes 20-30 s on 2 idle cores
// and over 60 s on loaded ones.
const syncTimeout = 240 * time.Second

// ClusterOptions configures a throwaway Galera cluster started by StartCluster.
type ClusterOptions struct {
	// Nodes is the number of nodes; 0 means 3 (the smallest cluster that keeps quorum when one
	// node dies).
	Nodes int

	// MaxWSSize is wsrep_max_ws_size in bytes (MariaDB manual, "Galera Cluster System
	// Variables"); 0 keeps the server's default (2 GiB).
	MaxWSSize int64

	// BufferPool is every node's innodb_buffer_pool_size; "" means "128M".
	BufferPool string

	// ExtraArgs are appended to every node's mariadbd command line.
	ExtraArgs []string

	// SST makes the joiners receive their state by mariabackup SST at start (see
	// StartCluster) instead of a copy of node 1's datadir.
	SST bool
}

// Cluster is a running throwaway MariaDB Galera cluster: Nodes[0] bootstrapped it
// (--wsrep-new-cluster) and the others joined it (see StartCluster). Every node listens on
// 127.0.0.1 only: its SQL port (Server.Port), group communication port, IST port and SST port
// are free ports picked at start. The accounts (root, and the sluice user with Nodes[0]'s
// password) are the same on every node, copied with node 1's datadir or by the SST.
type Cluster struct {
	Name  string // wsrep_cluster_name, random per cluster
	Nodes []*Server
}

// galeraPorts are one node's listening ports besides its SQL port.
type galeraPorts struct{ gcomm, ist, sst int }

// StartCluster starts opts.Nodes mariadbd processes as one Galera cluster (galera-4 at
// GaleraProvider, wsrep_sst_method=mariabackup with SST as root over the unix socket) and
// waits until every node is Synced in a primary component of all of them. On failure it stops
// what it started and the error carries the failing node's error log tail.
//
// Node 1 bootstraps the cluster (--wsrep-new-cluster) and gets the accounts. Without opts.SST
// it is then shut down, its datadir copied to the other nodes and bootstrapped again, and the
// others join together with its state, needing only an IST of the view changes since (which
// still runs the SST script: 20-30 s on 2 idle cores, 60-120 s on loaded ones). With opts.SST
// the others start empty and receive node 1's state by mariabackup SST, one after the other
// (the script alone sleeps 10 s; 35-90 s per joiner on 2 cores).
func StartCluster(ctx context.Context, opts ClusterOptions) (*Cluster, error) {
	if opts.Nodes == 0 {
		opts.Nodes = 3
	}
	if _, err := os.Stat(GaleraProvider); err != nil {
		return nil, fmt.Errorf("testserver: Galera provider: %w: install galera-4", err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	c := &Cluster{Name: "sluice-test-" + hex.EncodeToString(b)}
	if err := c.start(ctx, opts); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, opts ClusterOptions) error {
	ports := make([]galeraPorts, opts.Nodes)
	addrs := make([]string, opts.Nodes)
	for i := range ports {
		var err error
		p := &ports[i]
		for _, q := range []*int{&p.gcomm, &p.ist, &p.sst} {
			if *q, err = freePort(); err != nil {
				return err
			}
		}
		addrs[i] = "127.0.0.1:" + strconv.Itoa(p.gcomm)
	}
	members := strings.Join(addrs, ",")
	for i := range opts.Nodes {
		s, err := c.newNode(opts, i, ports[i], members)
		if err != nil {
			return err
		}
		c.Nodes = append(c.Nodes, s)
	}
	first := c.Nodes[0]
	if err := first.installDB(ctx); err != nil {
		return err
	}
	if err := c.launchNode(opts, 0, ports[0], members, func() error { return first.bootstrap(ctx) }); err != nil {
		return err
	}
	if err := first.setupAccounts(ctx); err != nil {
		return fmt.Errorf("testserver: Galera node 1: %w", err)
	}
	joiners := c.Nodes[1:]
	if opts.SST {
		for i, s := range joiners {
			if err := c.launchNode(opts, i+1, ports[i+1], members, func() error { return s.launch(ctx, s.opts) }); err != nil {
				return fmt.Errorf("testserver: Galera node %d (SST): %w", i+2, err)
			}
		}
	} else {
		if err := first.shutdown(); err != nil {
			return err
		}
		for _, s := range joiners {
			if err := copyDatadir(first.DataDir, s.DataDir); err != nil {
				return err
			}
		}
		if err := c.launchNode(opts, 0, ports[0], members, func() error { return first.bootstrap(ctx) }); err != nil {
			return err
		}
		errs := make([]error, len(joiners))
		var wg sync.WaitGroup
		for i, s := range joiners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.launchNode(opts, i+1, ports[i+1], members, func() error { return s.launch(ctx, s.opts) }); err != nil {
					errs[i] = fmt.Errorf("testserver: Galera node %d: %w", i+2, err)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for _, s := range c.Nodes {
		s.Password, s.Version = first.Password, first.Version
		if err := s.WaitSynced(ctx, opts.Nodes); err != nil {
			return err
		}
	}
	return nil
}

// launchNode runs start (node i's launch or bootstrap). When the node's SQL port was taken
// since it was picked (errBind: the test servers of other packages start beside it), it picks
// another and starts again, up to startAttempts times, as Server.start does; the cluster's
// own ports (members) stay.
func (c *Cluster) launchNode(opts ClusterOptions, i int, p galeraPorts, members string, start func() error) error {
	s := c.Nodes[i]
	for attempt := 1; ; attempt++ {
		err := start()
		if err == nil || !errors.Is(err, errBind) || attempt == startAttempts {
			return err
		}
		port, perr := freePort()
		if perr != nil {
			return perr
		}
		s.Port, s.ServerID = port, port
		s.galera = galeraArgs(c.Name, i, p, members, port, opts.MaxWSSize)
	}
}

// newNode sets up node i's directories and options; nothing runs yet.
func (c *Cluster) newNode(opts ClusterOptions, i int, p galeraPorts, members string) (*Server, error) {
	s, err := newServerDir("sluice-test-galera-")
	if err != nil {
		return nil, err
	}
	dir := s.Dir
	s.defaultsFile = filepath.Join(dir, "my.cnf")
	for _, d := range []string{s.FilesDir, s.TmpDir, s.DataDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			s.Stop()
			return nil, fmt.Errorf("testserver: %w", err)
		}
	}
	if s.Port, err = freePort(); err != nil {
		s.Stop()
		return nil, err
	}
	s.ServerID = s.Port
	s.galera = galeraArgs(c.Name, i, p, members, s.Port, opts.MaxWSSize)
	s.opts = Options{NoBinlog: true, BufferPool: opts.BufferPool, ExtraArgs: opts.ExtraArgs}
	return s, nil
}

// bootstrap starts s as the first node of a new primary component (--wsrep-new-cluster, for
// this start only).
func (s *Server) bootstrap(ctx context.Context) error {
	args := s.galera
	s.galera = append(slices.Clip(args), "--wsrep-new-cluster")
	defer func() { s.galera = args }()
	if err := s.launch(ctx, s.opts); err != nil {
		return fmt.Errorf("testserver: Galera node 1 (bootstrap): %w", err)
	}
	return nil
}

// copyDatadir copies a cleanly shut down node's datadir (its grastate.dat records the
// cluster's state UUID and seqno) to another node's empty one, leaving out the write-set cache
// and marking the copy not safe to bootstrap from (Galera Cluster documentation, "Crash
// Recovery": safe_to_bootstrap).
func copyDatadir(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		switch {
		case rel == ".":
			return nil
		case d.IsDir():
			return os.MkdirAll(dst, 0o700)
		case rel == "galera.cache" || !d.Type().IsRegular():
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "grastate.dat" {
			b = bytes.Replace(b, []byte("safe_to_bootstrap: 1"), []byte("safe_to_bootstrap: 0"), 1)
		}
		return os.WriteFile(dst, b, 0o600)
	})
}

// sstConfig is the [sst] group of every node's option file: the SST logs stay in the datadir
// (mariabackup.backup.log on the donor, mariabackup.prepare.log on the joiner) instead of
// syslog, and none is archived in /tmp.
const sstConfig = "[sst]\nsst-log-archive=0\nsst-syslog=-1\n"

// writeDefaultsFile writes a Galera node's mariadbd options (args, as launch built them, the
// first being --no-defaults) to its option file, and returns the command line that reads it.
// The mariabackup SST script needs the options there: it reads its own settings with
// my_print_defaults, which without a file reads /etc/mysql's, and it passes the command
// line's server options to mariadb-backup, which refuses some (innodb-buffer-pool-size).
// --wsrep-new-cluster stays on the command line: it is for one start only.
func (s *Server) writeDefaultsFile(args []string) ([]string, error) {
	var b strings.Builder
	b.WriteString("[mysqld]\n")
	cmd := []string{"--defaults-file=" + s.defaultsFile}
	for _, a := range args[1:] {
		if a == "--wsrep-new-cluster" {
			cmd = append(cmd, a)
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		b.WriteString(k)
		if ok {
			b.WriteString(`="` + v + `"`)
		}
		b.WriteString("\n")
	}
	b.WriteString(sstConfig)
	if err := os.WriteFile(s.defaultsFile, []byte(b.String()), 0o600); err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	return cmd, nil
}

// galeraArgs are the wsrep options of node i (MariaDB manual, "Configuring MariaDB Galera
// Cluster"). The short evs timeouts let the survivors of a killed node drop it within seconds
// instead of the default 5-15 s; the long causal read timeout lets a wsrep_sync_wait read wait
// for a node that is tens of seconds behind (flow control lets it queue 16 write sets, which
// on a loaded machine take that long to apply).
func galeraArgs(name string, i int, p galeraPorts, members string, sqlPort int, maxWS int64) []string {
	provider := []string{
		"gmcast.listen_addr=tcp://127.0.0.1:" + strconv.Itoa(p.gcomm),
		"ist.recv_addr=127.0.0.1:" + strconv.Itoa(p.ist),
		"gcache.size=256M",
		"evs.suspect_timeout=PT3S",
		"evs.inactive_timeout=PT6S",
		"evs.install_timeout=PT6S",
		"repl.causal_read_timeout=PT120S",
	}
	a := []string{
		"--wsrep-on=ON",
		"--wsrep-provider=" + GaleraProvider,
		"--wsrep-cluster-name=" + name,
		"--wsrep-cluster-address=gcomm://" + members,
		"--wsrep-node-name=node" + strconv.Itoa(i+1),
		"--wsrep-node-address=127.0.0.1:" + strconv.Itoa(p.gcomm),
		"--wsrep-node-incoming-address=127.0.0.1:" + strconv.Itoa(sqlPort),
		"--wsrep-provider-options=" + strings.Join(provider, ";"),
		"--wsrep-sst-method=mariabackup",
		"--wsrep-sst-receive-address=127.0.0.1:" + strconv.Itoa(p.sst),
		"--wsrep-sst-auth=root:",
		"--binlog-format=ROW",
		"--default-storage-engine=InnoDB",
		"--innodb-autoinc-lock-mode=2",
		"--wsrep-slave-threads=2",
	}
	if maxWS > 0 {
		a = append(a, "--wsrep-max-ws-size="+strconv.FormatInt(maxWS, 10))
	}
	return a
}

// WaitSynced waits (up to 240 s or ctx) until s reports wsrep_local_state_comment Synced in a
// primary component of size nodes.
func (s *Server) WaitSynced(ctx context.Context, nodes int) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	db, err := s.rootDB()
	if err != nil {
		return err
	}
	defer db.Close()
	var state, status string
	var size int
	for {
		err := db.QueryRowContext(ctx, "SELECT"+
			" (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state_comment'),"+
			" (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_cluster_status'),"+
			" (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_cluster_size')").
			Scan(&state, &status, &size)
		if err == nil && state == "Synced" && status == "Primary" && size == nodes {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("testserver: Galera node on port %d not Synced in a cluster of %d: state %q, %q, size %d (%v); error log %s:\n%s",
				s.Port, nodes, state, status, size, err, s.ErrorLog, tail(readFrom(s.ErrorLog, 0), 4096))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop stops every node, the joiners first, and removes their directories.
func (c *Cluster) Stop() error {
	var errs []error
	for i := len(c.Nodes) - 1; i >= 0; i-- {
		if c.Nodes[i] != nil {
			errs = append(errs, c.Nodes[i].Stop())
		}
	}
	return errors.Join(errs...)
}
