package testserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Paths of the Debian mariadb-server 10.11 programs Start runs.
const (
	mariadbdPath  = "/usr/sbin/mariadbd"
	installDBPath = "mariadb-install-db"
	clientPath    = "mariadb"
)

// Timeouts used by Start and Stop.
const (
	readyTimeout    = 60 * time.Second
	shutdownTimeout = 60 * time.Second
	startAttempts   = 3
)

// Server is a running throwaway mariadbd. All its files live under Dir, which
// Stop removes. Fields are read-only after Start.
type Server struct {
	Host     string // "127.0.0.1"
	Port     int    // TCP port mariadbd listens on
	User     string // "sluice": ALL PRIVILEGES ON *.* WITH GRANT OPTION, from '%', '127.0.0.1' and 'localhost'
	Password string // random password of User; never log it
	Socket   string // unix socket; root connects here without a password (see Client)
	ServerID int    // @@server_id
	Version  string // SELECT VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1-log"

	Dir      string // temporary directory holding everything below; removed by Stop
	DataDir  string // @@datadir (binary logs are DataDir/binlog.NNNNNN)
	FilesDir string // @@secure_file_priv: SELECT ... INTO OUTFILE and LOAD DATA INFILE may use it
	ErrorLog string // mariadbd's error log
	TmpDir   string // @@tmpdir, private to this server

	opts   Options  // as started, for Restart
	galera []string // wsrep options of a Galera node (galera.go); nil for a plain server
	// defaultsFile, for a Galera node, holds the options instead of the command line
	// (writeDefaultsFile says why).
	defaultsFile string
	cmd          *exec.Cmd
	exited       chan struct{} // closed when cmd.Wait returns
	mu           sync.Mutex
	done         bool
	err          error
}

// Start creates a temporary directory under os.TempDir() named "sluice-test-*",
// initialises a datadir with mariadb-install-db, starts mariadbd on 127.0.0.1
// and a free port, waits (up to 60 s) until it accepts connections, removes the
// anonymous accounts and creates the sluice account with a random password.
//
// ctx bounds only the start-up; the server keeps running until Stop. On
// failure nothing is left running or on disk, and the error carries the tail of
// the server's error log. Start takes about 1-2.5 s (measured on 2 cores).
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := newServerDir("sluice-test-")
	if err != nil {
		return nil, err
	}
	if err := s.start(ctx, opts); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, opts Options) error {
	for _, d := range []string{s.FilesDir, s.TmpDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return fmt.Errorf("testserver: create %s: %w", d, err)
		}
	}
	if err := s.installDB(ctx); err != nil {
		return err
	}
	s.opts = opts
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.Port = port
		s.ServerID = opts.ServerID
		if s.ServerID == 0 {
			s.ServerID = port
		}
		err = s.launch(ctx, opts)
		if err == nil {
			break
		}
		if !errors.Is(err, errBind) || attempt == startAttempts {
			return err
		}
	}
	return s.setupAccounts(ctx)
}

// installDB runs mariadb-install-db on s.DataDir. Its bootstrap mariadbd gets
// a private --tmpdir: concurrent bootstraps sharing /tmp delete each other's
// temporary tables and fail.
func (s *Server) installDB(ctx context.Context) error {
	args := []string{
		"--no-defaults",
		"--datadir=" + s.DataDir,
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--skip-name-resolve",
		"--tmpdir=" + s.TmpDir,
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	cmd := exec.CommandContext(ctx, installDBPath, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("testserver: %s %s: %w\n%s", installDBPath, s.DataDir, err, tail(out, 2048))
	}
	return nil
}

// errBind marks a start failure because the TCP port was taken meanwhile.
var errBind = errors.New("port already in use")

// launch starts mariadbd and waits until it accepts connections on the socket.
func (s *Server) launch(ctx context.Context, opts Options) error {
	args := []string{
		"--no-defaults",
		"--datadir=" + s.DataDir,
		"--socket=" + s.Socket,
		"--port=" + strconv.Itoa(s.Port),
		"--bind-address=127.0.0.1",
		"--pid-file=" + filepath.Join(s.Dir, "mysqld.pid"),
		"--log-error=" + s.ErrorLog,
		"--server-id=" + strconv.Itoa(s.ServerID),
		"--skip-name-resolve",
		"--innodb-buffer-pool-size=" + opts.bufferPool(),
		"--innodb-log-file-size=" + opts.logFileSize(),
		"--innodb-flush-log-at-trx-commit=2",
		"--innodb-buffer-pool-dump-at-shutdown=OFF",
		"--innodb-buffer-pool-load-at-startup=OFF",
		"--max-allowed-packet=1G",
		"--local-infile=1",
		"--secure-file-priv=" + s.FilesDir,
		"--tmpdir=" + s.TmpDir,
	}
	if opts.NoBinlog {
		args = append(args, "--skip-log-bin")
	} else {
		args = append(args,
			"--log-bin="+filepath.Join(s.DataDir, "binlog"),
			"--binlog-format=ROW",
			"--log-slave-updates",
			"--sync-binlog=0",
			"--gtid-domain-id=0",
		)
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	args = append(args, s.galera...)
	args = append(args, opts.ExtraArgs...)
	if s.defaultsFile != "" {
		var err error
		if args, err = s.writeDefaultsFile(args); err != nil {
			return err
		}
	}

	logStart := fileSize(s.ErrorLog)
	cmd := exec.Command(mariadbdPath, args...)
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testserver: start %s: %w", mariadbdPath, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()

	err := s.waitReady(ctx, exited)
	if err == nil {
		return nil
	}
	select {
	case <-exited:
		// mariadbd gave up by itself; forget it so Stop does not wait again.
		s.mu.Lock()
		s.cmd, s.exited = nil, nil
		s.mu.Unlock()
		log := readFrom(s.ErrorLog, logStart)
		if bytes.Contains(log, []byte("Address already in use")) {
			return fmt.Errorf("testserver: mariadbd port %d: %w", s.Port, errBind)
		}
		return fmt.Errorf("testserver: mariadbd exited during start-up (%s):\n%s", s.ErrorLog, tail(log, 4096))
	default:
		return fmt.Errorf("%w\nerror log %s:\n%s", err, s.ErrorLog, tail(readFrom(s.ErrorLog, logStart), 4096))
	}
}

// waitReady polls the unix socket until the server answers a ping, the process
// exits, ctx ends or readyTimeout passes (syncTimeout for a Galera node).
func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	timeout := readyTimeout
	if s.galera != nil {
		timeout = syncTimeout // a joiner answers only once its state transfer is done
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	db, err := s.rootDB()
	if err != nil {
		return err
	}
	defer db.Close()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pingCtx, pingCancel := context.WithTimeout(ctx, time.Second)
		err = db.PingContext(pingCtx)
		pingCancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("testserver: mariadbd exited: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("testserver: mariadbd on %s not ready after %s: %w (last ping: %v)", s.Socket, timeout, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// Stop shuts the server down cleanly (SIGTERM, then SIGKILL to its process
// group after 60 s) and removes Dir. It is safe to call more than once and on a
// partly started server; later calls return the first call's result.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return s.err
	}
	s.done = true
	var errs []error
	if s.cmd != nil {
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			errs = append(errs, fmt.Errorf("testserver: SIGTERM mariadbd pid %d: %w", s.cmd.Process.Pid, err))
		}
		select {
		case <-s.exited:
		case <-time.After(shutdownTimeout):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.exited
			errs = append(errs, fmt.Errorf("testserver: mariadbd pid %d ignored SIGTERM for %s; killed", s.cmd.Process.Pid, shutdownTimeout))
		}
	}
	if err := os.RemoveAll(s.Dir); err != nil {
		errs = append(errs, fmt.Errorf("testserver: remove %s: %w", s.Dir, err))
	}
	s.err = errors.Join(errs...)
	return s.err
}

// tail returns at most the last n bytes of b, starting at a line boundary.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	b = b[len(b)-n:]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return b
}

// fileSize returns the size of path in bytes, 0 if it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readFrom returns the contents of path from byte offset off; nil on error.
func readFrom(path string, off int64) []byte {
	b, err := os.ReadFile(path)
	if err != nil || off > int64(len(b)) {
		return b
	}
	return b[off:]
}

// newServerDir creates a temporary directory under os.TempDir() named prefix+"*" and returns a
// Server whose files (socket, datadir, secure_file_priv, error log, tmpdir) are to live in it;
// nothing is created inside it and nothing runs yet.
func newServerDir(prefix string) (*Server, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, fmt.Errorf("testserver: create temporary directory: %w", err)
	}
	return &Server{
		Host:     "127.0.0.1",
		User:     "sluice",
		Socket:   filepath.Join(dir, "mysqld.sock"),
		Dir:      dir,
		DataDir:  filepath.Join(dir, "data"),
		FilesDir: filepath.Join(dir, "files"),
		ErrorLog: filepath.Join(dir, "error.log"),
		TmpDir:   filepath.Join(dir, "tmp"),
	}, nil
}

// Pid returns the process id of the running mariadbd (0 once it was stopped), so that a
// caller such as the bench can read the server's own CPU time from /proc.
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}
