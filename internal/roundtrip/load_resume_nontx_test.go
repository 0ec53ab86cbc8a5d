package roundtrip

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadResumeNonTransactional kills `sluice load` (SIGKILL) while it loads MyISAM and Aria
// tables without a primary key, whose rows a killed transaction leaves behind and whose
// duplicates nothing would refuse, then finishes with --resume: the partly loaded
// non-transactional tables are emptied and loaded again whole (markPartialReloads), the InnoDB
// table resumes from its progress, and every table equals the source.
func TestLoadResumeNonTransactional(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sluice and loads 300,000 rows")
	}
	ctx := context.Background()
	bin := buildSluice(t)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE nt",
		"CREATE TABLE nt.my (a INT NOT NULL, b VARCHAR(100) NOT NULL) ENGINE=MyISAM",
		"INSERT INTO nt.my SELECT seq % 1000, CONCAT('row ', seq, REPEAT('x', seq % 50)) FROM nt.seq_1_to_120000",
		"CREATE TABLE nt.ar (a INT NOT NULL, b VARCHAR(100) NOT NULL) ENGINE=Aria",
		"INSERT INTO nt.ar SELECT seq % 777, CONCAT('aria ', seq, REPEAT('y', seq % 40)) FROM nt.seq_1_to_120000",
		"CREATE TABLE nt.inno (id INT NOT NULL PRIMARY KEY, b VARCHAR(100) NOT NULL) ENGINE=InnoDB",
		"INSERT INTO nt.inno SELECT seq, CONCAT('inno ', seq) FROM nt.seq_1_to_60000")
	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"nt"}, Threads: 2,
		StatementSize: 16 << 10, FileSize: 256 << 10}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	journal := filepath.Join(dir, loader.JournalName)
	args := []string{"load", "-d", dir, "-h", b.Host, "-P", strconv.Itoa(b.Port), "-u", b.User, "-t", "2", "--queries-per-transaction", "4"}
	dst := Open(t, b, "")
	rowsOf := func(table string) int {
		var n int
		if err := dst.QueryRow("SELECT COUNT(*) FROM nt." + table).Scan(&n); err != nil {
			return -1
		}
		return n
	}
	// Killed once the MyISAM table is partly in, with a few files journaled.
	partly := func() bool {
		n := rowsOf("my")
		return n > 0 && n < 120000 && countLines(t, journal) >= 6
	}
	if stderr, err := runUntilCond(t, bin, args, partly, syscall.SIGKILL, b.Password); err == nil {
		t.Fatalf("the load finished before it was killed: make the tables bigger\n%s", stderr)
	}
	t.Logf("killed with nt.my at %d rows, nt.ar at %d, nt.inno at %d", rowsOf("my"), rowsOf("ar"), rowsOf("inno"))
	resume := exec.Command(bin, append(args, "--resume")...)
	resume.Env = append(os.Environ(), "MYSQL_PWD="+b.Password)
	out, err := resume.CombinedOutput()
	if err != nil {
		t.Fatalf("--resume: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "resuming a non-transactional table") || !strings.Contains(string(out), "table=nt.my") {
		t.Errorf("--resume did not reload nt.my whole:\n%s", out)
	}
	if strings.Contains(string(out), "table=nt.inno engine") {
		t.Errorf("--resume reloaded the InnoDB table:\n%s", out)
	}
	Equal(t, a, "nt", b, "nt")
}
