package roundtrip

import (
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestCopyResumeAfterKill runs the `sluice copy` binary on six tables of 25,000 rows with
// secondary indexes, kills it with SIGKILL once the target records a table complete and holds
// rows of another (polled, before the copy ends), and finds the target still marked incomplete; `sluice copy --resume`
// then finishes it: the target equals the source by CHECKSUM TABLE and objects (no row twice,
// none missing), and neither the copy's state database nor a loader progress database is left
// (the copy's load writes no progress rows: loader keepsProgress).
func TestCopyResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sluice and copies 150,000 rows")
	}
	start := time.Now()
	bin := buildSluice(t)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE ck")
	for i := 1; i <= 6; i++ {
		Exec(t, src, fmt.Sprintf("CREATE TABLE ck.t%d (id INT PRIMARY KEY, a INT NOT NULL, v VARCHAR(40), KEY (a), KEY (v))", i),
			fmt.Sprintf("INSERT INTO ck.t%d SELECT seq, seq * 7919 %% 100003, MD5(seq + %d) FROM ck.seq_1_to_25000", i, i))
	}
	t.Setenv("SLUICE_TARGET_PASSWORD", b.Password)
	args := []string{"copy", "-h", a.Host, "-P", strconv.Itoa(a.Port), "-u", a.User, "-B", "ck", "-t", "2", "-r", "5000",
		"--target-host", b.Host, "--target-port", strconv.Itoa(b.Port), "--target-user", b.User, "--target-threads", "2",
		"--defer-min-rows", "0"}
	dst := Open(t, b, "")
	count := func(q string) int {
		var n int
		if err := dst.QueryRow(q).Scan(&n); err != nil {
			return -1
		}
		return n
	}
	const doneRows = "SELECT COUNT(*) FROM _sluice_copy.state WHERE db <> ''"
	var sum []string
	for i := 1; i <= 6; i++ {
		sum = append(sum, fmt.Sprintf("(SELECT COUNT(*) FROM ck.t%d)", i))
	}
	rowsQuery := "SELECT " + strings.Join(sum, " + ")
	// Killed with a table complete and another partly loaded: the resume must keep or reload
	// the first and reload the second without a row twice.
	midway := func() bool {
		done := count(doneRows)
		return done >= 1 && count(rowsQuery) > done*25000
	}
	stderr, err := runUntilCond(t, bin, args, midway, syscall.SIGKILL, a.Password)
	var ee *exec.ExitError
	if err == nil {
		t.Fatalf("the copy finished before it was killed: make the tables bigger\n%s", stderr)
	} else if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the copy ended before it was killed: %v\n%s", err, stderr)
	}
	done := count(doneRows)
	if n := count("SELECT COUNT(*) FROM _sluice_copy.state WHERE db = '' AND tbl = ''"); n != 1 {
		t.Fatalf("after SIGKILL the target is not marked incomplete: %d marker rows", n)
	}
	if done < 1 || done >= 6 {
		t.Fatalf("killed with %d of 6 tables recorded complete: want the copy killed mid-way", done)
	}
	if n := count("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '_sluice_load'"); n != 0 {
		t.Errorf("the killed copy left a loader progress database _sluice_load on the target: a copy's load keeps no progress rows")
	}
	rows := count(rowsQuery)
	t.Logf("killed at %v with %d of 6 tables recorded complete, %d of 150000 rows on the target", time.Since(start).Round(time.Millisecond), done, rows)

	// A new copy without --resume is refused, and says how to finish.
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cmd.Environ(), "MYSQL_PWD="+a.Password)
		return cmd.CombinedOutput()
	}
	if out, err := run(args...); err == nil || !strings.Contains(string(out), "--resume") {
		t.Fatalf("a copy onto the killed one without --resume: %v\n%s", err, out)
	}
	if out, err := run(append(args, "--resume")...); err != nil {
		t.Fatalf("copy --resume: %v\n%s", err, out)
	}
	t.Logf("resumed at %v", time.Since(start).Round(time.Millisecond))
	Equal(t, a, "ck", b, "ck")
	for _, db := range []string{"_sluice_copy", "_sluice_load"} {
		if n := count("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'"); n != 0 {
			t.Errorf("database %s left on the target after the resumed copy finished (%d)", db, n)
		}
	}
}
