package roundtrip

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/loader"
)

// buildSluice builds cmd/sluice into a temporary directory and returns its path.
func buildSluice(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sluice")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sluicedb/sluice/cmd/sluice").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// loadResumeAfterKill kills `sluice load -d s3://...` with SIGKILL mid-restore, then finishes it
// with --resume from the same working directory, where the journal is by default, and finds
// Sakila equal to the source.
func (e *s3Env) loadResumeAfterKill(t *testing.T) {
	ctx := context.Background()
	bin, a, b := e.bin, e.a, e.b
	Exec(t, Open(t, b, ""), "DROP DATABASE IF EXISTS sakila")
	loc := "s3://" + s3Bucket + "/resume"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: loc, Databases: []string{"sakila"}, Threads: 2,
		StatementSize: 8 << 10, FileSize: 32 << 10, Compression: "zstd"}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	wd := t.TempDir()
	journal := filepath.Join(wd, loader.JournalName)
	args := []string{"load", "-d", loc, "-h", b.Host, "-P", strconv.Itoa(b.Port), "-u", b.User, "-t", "2", "--queries-per-transaction", "2"}
	run := func(extra ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, extra...)...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+b.Password)
		return cmd
	}
	// Kill once some data files are in: the journal lists "file NAME" lines after the tables.
	cmd := run()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := waitFor(done, func() bool {
		raw, _ := os.ReadFile(journal)
		return strings.Count(string(raw), "\nfile ") >= 5
	})
	if !killed {
		t.Fatalf("the load finished before it could be killed: make the dump bigger\n%s", stderr.String())
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	raw, err := os.ReadFile(journal)
	if err != nil {
		t.Fatalf("no journal in the working directory after the kill: %v", err)
	}
	meta := readS3Metadata(t, loc)
	var files int
	for _, tb := range meta.Tables {
		files += len(tb.DataFiles)
	}
	if n := strings.Count(string(raw), "\nfile "); n >= files {
		t.Fatalf("killed after all %d files were in: the test did not interrupt the restore", n)
	}
	// A fresh load refuses; --resume finishes.
	if out, err := run().CombinedOutput(); err == nil || !strings.Contains(string(out), "--resume") {
		t.Fatalf("a fresh load over an interrupted one: %v\n%s", err, out)
	}
	if out, err := run("--resume", "--checksum").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	Equal(t, a, "sakila", b, "sakila")
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("journal left after a finished restore: %v", err)
	}
}

// waitFor polls cond until it holds (true) or done delivers (false, the value put back).
func waitFor(done chan error, cond func() bool) bool {
	for {
		select {
		case err := <-done:
			done <- err
			return false
		default:
		}
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dumpFault cuts the connection to the object store in the middle of a dump: sluice dump must
// exit non-zero with an error naming the location, and leave no metadata object, so that the
// loader refuses the partial dump.
func (e *s3Env) dumpFault(t *testing.T) {
	bin, m, a := e.bin, e.m, e.a
	p := startCutProxy(t, strings.TrimPrefix(m.Endpoint, "http://"), 1<<20)
	loc := "s3://" + s3Bucket + "/fault"
	cmd := exec.Command(bin, "dump", "-o", loc, "-B", "sakila", "-h", a.Host, "-P", strconv.Itoa(a.Port), "-u", a.User, "-t", "2", "-F", "1")
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+a.Password, "AWS_ENDPOINT_URL=http://"+p.addr(), "AWS_MAX_ATTEMPTS=2")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("dump through a cut connection: %v, want a non-zero exit\n%s", err, out)
	}
	if !p.wasCut() {
		t.Fatalf("the dump failed before the connection was cut:\n%s", out)
	}
	t.Logf("sluice dump through a cut connection:\n%s", out)
	if !strings.Contains(string(out), loc) {
		t.Errorf("the error does not name %s:\n%s", loc, out)
	}
	keys := objectKeys(t, m, "fault/")
	if slices.Contains(keys, "fault/metadata") {
		t.Fatalf("a failed dump wrote its metadata: %q", keys)
	}
	_, err = loader.Run(context.Background(), Config(a), loader.Options{Dir: loc, Journal: t.TempDir() + "/j"})
	if err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("load of the failed dump: %v, want it refused as incomplete", err)
	}
}

// cutProxy forwards TCP connections to a real server until limit bytes went from the clients to
// it; then it closes every connection and refuses new ones, as a network that fails mid-dump.
type cutProxy struct {
	l     net.Listener
	to    string
	limit int64
	sent  atomic.Int64
	cut   atomic.Bool
	mu    sync.Mutex
	conns []net.Conn
}

func startCutProxy(t *testing.T, to string, limit int64) *cutProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, to: to, limit: limit}
	t.Cleanup(p.close)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) addr() string { return p.l.Addr().String() }
func (p *cutProxy) wasCut() bool { return p.cut.Load() }
func (p *cutProxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

func (p *cutProxy) serve(c net.Conn) {
	s, err := net.Dial("tcp", p.to)
	if err != nil {
		c.Close()
		return
	}
	p.track(c)
	p.track(s)
	go func() { io.Copy(c, s); c.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if p.sent.Add(int64(n)) > p.limit {
				p.close()
				return
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	s.Close()
}

// close cuts every connection and stops listening.
func (p *cutProxy) close() {
	p.cut.Store(true)
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
