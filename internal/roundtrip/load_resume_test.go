package roundtrip

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedb/sluice/bench"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// TestLoadResumeAfterInterruptAndKill stops `sluice load` twice mid-restore, once with Ctrl-C
// (SIGINT: it must stop cleanly and say how to resume) and once with SIGKILL in the middle of a
// transaction, then finishes with --resume and finds every table equal to the source: no row
// loaded twice, none missing, every index and foreign key present.
func TestLoadResumeAfterInterruptAndKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sluice and loads 400,000 rows")
	}
	ctx := context.Background()
	bin := buildSluice(t)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	if _, err := bench.Generate(ctx, src, bench.Dataset{Kind: "indexed", Tables: 2, Rows: 200000, Seed: 1, Database: "idx"}, 2); err != nil {
		t.Fatal(err)
	}
	LoadSakila(t, a)
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"idx", "sakila"}, Threads: 2,
		StatementSize: 32 << 10, FileSize: 512 << 10}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	journal := filepath.Join(dir, loader.JournalName)
	args := []string{"load", "-d", dir, "-h", b.Host, "-P", strconv.Itoa(b.Port), "-u", b.User, "-t", "2", "--queries-per-transaction", "3",
		"--defer-min-rows", "0"} // every table's indexes deferred: the test kills an index build

	// Ctrl-C once a few files are in.
	stderr, err := runUntil(t, bin, args, journal, 4, syscall.SIGINT, b.Password)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("after SIGINT: %v, want exit code 130 (128 + SIGINT)\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "interrupted") || !strings.Contains(stderr, "--resume") {
		t.Fatalf("after SIGINT, stderr does not say how to resume:\n%s", stderr)
	}
	// A fresh load refuses: the journal says a restore is under way.
	fresh := exec.Command(bin, args...)
	fresh.Env = append(os.Environ(), "MYSQL_PWD="+b.Password)
	if out, err := fresh.CombinedOutput(); err == nil || !strings.Contains(string(out), "--resume") {
		t.Fatalf("a fresh load over an interrupted one: %v\n%s", err, out)
	}

	// SIGKILL in the middle of a file (3 INSERTs per transaction, 16 per file).
	lines := countLines(t, journal)
	dst := Open(t, b, "")
	partlyLoaded := func() bool {
		var n int
		err := dst.QueryRow("SELECT COUNT(*) FROM _sluice_load.progress WHERE NOT done AND statements > 0").Scan(&n)
		return err == nil && n > 0 && countLines(t, journal) >= lines+4
	}
	if stderr, err := runUntilCond(t, bin, append(args, "--resume"), partlyLoaded, syscall.SIGKILL, b.Password); err == nil {
		t.Fatalf("the resumed load finished before it was killed: make the dump bigger\n%s", stderr)
	}
	var partial int
	if err := dst.QueryRow("SELECT COUNT(*) FROM _sluice_load.progress WHERE NOT done").Scan(&partial); err != nil {
		t.Fatal(err)
	}
	if partial == 0 {
		t.Fatal("killed between files: the test did not exercise a partly loaded file")
	}
	t.Logf("killed with %d journal lines and %d files partly loaded", countLines(t, journal), partial)

	// SIGKILL while an index build runs: the server may finish the orphaned ALTER TABLE, and the
	// resumed restore must accept indexes that are already there.
	altering := func() bool {
		var n int
		err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE%ADD%'").Scan(&n)
		return err == nil && n > 0
	}
	if stderr, err := runUntilCond(t, bin, append(args, "--resume"), altering, syscall.SIGKILL, b.Password); err == nil {
		t.Fatalf("the resumed load finished before it was killed\n%s", stderr)
	}

	var logs strings.Builder
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, Resume: true, Checksum: loader.ChecksumFail, Log: testLogger(&logs),
		DeferIndexes: schema.DeferAuto}); err != nil {
		t.Fatalf("resume: %v\n%s", err, logs.String())
	}
	t.Logf("indexes the killed run's ALTER TABLE had added: %d", strings.Count(logs.String(), "already added by the interrupted restore"))
	Equal(t, a, "idx", b, "idx")
	Equal(t, a, "sakila", b, "sakila")
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("journal left after a finished restore: %v", err)
	}
	var n int
	if err := Open(t, b, "").QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '_sluice_load'").Scan(&n); err != nil || n != 0 {
		t.Errorf("progress database left after a finished restore: %d, %v", n, err)
	}
}

// runUntil starts bin with args and sends sig once journal has at least lines lines; it returns
// the process's stderr and its exit error.
func runUntil(t *testing.T, bin string, args []string, journal string, lines int, sig os.Signal, password string) (string, error) {
	return runUntilCond(t, bin, args, func() bool { return countLines(t, journal) >= lines }, sig, password)
}

// runUntilCond starts bin with args and sends sig once cond returns true; it returns the
// process's stderr and its exit error.
func runUntilCond(t *testing.T, bin string, args []string, cond func() bool, sig os.Signal, password string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+password)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-done:
			return stderr.String(), err
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatal("the condition to stop sluice never held")
		case <-time.After(5 * time.Millisecond):
		}
		if cond() {
			cmd.Process.Signal(sig)
			err := <-done
			return stderr.String(), err
		}
	}
}

func countLines(t *testing.T, path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}
