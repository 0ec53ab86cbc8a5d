package roundtrip

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sluicedb/sluice/bench"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestLoadMeasure compares `sluice load -t 2` on the indexed dataset (4 × 1.25M rows, 7 secondary
// indexes each) into a server with a 256 MB buffer pool against the server's limit (server-side
// LOAD DATA INFILE into PK-only tables, then one ALTER TABLE ADD of all indexes, 2 tables at a
// time) and against myloader -t 2. It only logs figures; set SLUICE_MEASURE=1 to run it
// (SLUICE_MEASURE_ROWS overrides the rows per table).
func TestLoadMeasure(t *testing.T) {
	if os.Getenv("SLUICE_MEASURE") == "" {
		t.Skip("set SLUICE_MEASURE=1: takes about 15 minutes")
	}
	rows := int64(1250000)
	if v := os.Getenv("SLUICE_MEASURE_ROWS"); v != "" {
		rows, _ = strconv.ParseInt(v, 10, 64)
	}
	ctx := context.Background()
	tmp := t.TempDir()
	bin := buildSluice(t)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{BufferPool: "256M", NoBinlog: true})
	src := Open(t, a, "")
	st, err := bench.Generate(ctx, src, bench.Dataset{Kind: "indexed", Tables: 4, Rows: rows, Seed: 1, Database: "idx"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d rows in %.0f s", st.Rows, st.Seconds)
	conn := func(s *testserver.Server) []string {
		return []string{"-h", s.Host, "-P", strconv.Itoa(s.Port), "-u", s.User}
	}
	run := func(name string, s *testserver.Server, timeout time.Duration, args ...string) (float64, int64) {
		cmdCtx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		cmd := exec.CommandContext(cmdCtx, "/usr/bin/time", append([]string{"-v"}, args...)...)
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+s.Password)
		// /usr/bin/time does not pass the kill on: stop the whole process group at the timeout.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 10 * time.Second
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		secs := time.Since(start).Seconds()
		var rss int64
		if m := regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`).FindSubmatch(out.Bytes()); m != nil {
			rss, _ = strconv.ParseInt(string(m[1]), 10, 64)
		}
		if err != nil {
			t.Logf("%s: %v after %.0f s (lower bound)\n%s", name, err, secs, lastBytes(out.Bytes()))
		} else {
			t.Logf("%s: %.1f s, peak RSS %d MB", name, secs, rss>>10)
		}
		return secs, rss
	}
	dst := Open(t, b, "")
	dropIdx := func() { Exec(t, dst, "DROP DATABASE IF EXISTS idx") }

	sqlDump := filepath.Join(tmp, "sql")
	run("sluice dump -t 2 (sql)", a, time.Hour, append(append([]string{bin, "dump"}, conn(a)...), "-t", "2", "-B", "idx", "-o", sqlDump)...)
	sl, _ := run("sluice load -t 2 (sql)", b, time.Hour, append(append([]string{bin, "load"}, conn(b)...), "-t", "2", "-d", sqlDump)...)
	Equal(t, a, "idx", b, "idx")
	dropIdx()
	tsvDump := filepath.Join(tmp, "tsv")
	run("sluice dump -t 2 --format tsv", a, time.Hour, append(append([]string{bin, "dump"}, conn(a)...), "-t", "2", "-B", "idx", "--format", "tsv", "-o", tsvDump)...)
	tl, _ := run("sluice load -t 2 (tsv)", b, time.Hour, append(append([]string{bin, "load"}, conn(b)...), "-t", "2", "-d", tsvDump)...)
	Equal(t, a, "idx", b, "idx")
	dropIdx()

	limit := serverLimit(t, a, b, src, dst, 4)
	t.Logf("server limit (LOAD DATA INFILE into PK-only tables + one ALTER TABLE ADD, 2 tables at a time): %.1f s", limit)
	t.Logf("sluice/limit: sql %.2f, tsv %.2f", sl/limit, tl/limit)
	dropIdx()

	myDump := filepath.Join(tmp, "my")
	run("mydumper -t 2", a, time.Hour, append(append([]string{"mydumper"}, conn(a)...), "-p", a.Password, "-t", "2", "-B", "idx", "-o", myDump)...)
	ml, _ := run("myloader -t 2", b, 10*time.Minute, append(append([]string{"myloader"}, conn(b)...), "-p", b.Password, "-t", "2", "-d", myDump)...)
	t.Logf("myloader/sluice (sql): %.1f×, myloader/limit %.1f×", ml/sl, ml/limit)
}

// serverLimit exports the n indexed tables with SELECT INTO OUTFILE on a, loads them into b
// with server-side LOAD DATA INFILE into PK-only tables and adds all indexes in one ALTER
// TABLE, 2 tables at a time; it returns the seconds of the load and index phase.
func serverLimit(t *testing.T, a, b *testserver.Server, src, dst *sql.DB, n int) float64 {
	for i := 1; i <= n; i++ {
		f := filepath.Join(a.FilesDir, fmt.Sprintf("indexed%d.txt", i))
		Exec(t, src, fmt.Sprintf("SELECT * FROM idx.indexed%d INTO OUTFILE '%s'", i, f))
		if err := os.Rename(f, filepath.Join(b.FilesDir, filepath.Base(f))); err != nil {
			t.Fatal(err)
		}
	}
	Exec(t, dst, "CREATE DATABASE idx")
	start := time.Now()
	var g errgroup.Group
	g.SetLimit(2)
	for i := 1; i <= n; i++ {
		g.Go(func() error {
			c, err := dst.Conn(context.Background())
			if err != nil {
				return err
			}
			defer c.Close()
			for _, q := range []string{
				"SET SESSION unique_checks = 0", "SET SESSION foreign_key_checks = 0",
				fmt.Sprintf("CREATE TABLE idx.indexed%d (id INT UNSIGNED NOT NULL, c1 INT NOT NULL, c2 INT NOT NULL, c3 INT NOT NULL,"+
					" c4 INT NOT NULL, c5 INT NOT NULL, c6 INT NOT NULL, c7 INT NOT NULL, c8 INT NOT NULL,"+
					" c9 INT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", i),
				fmt.Sprintf("LOAD DATA INFILE '%s' INTO TABLE idx.indexed%d", filepath.Join(b.FilesDir, fmt.Sprintf("indexed%d.txt", i)), i),
				fmt.Sprintf("ALTER TABLE idx.indexed%d ADD KEY k1 (c1), ADD KEY k2 (c2), ADD KEY k3 (c3, c4), ADD KEY k4 (c4, c5),"+
					" ADD KEY k5 (c5, c6), ADD KEY k6 (c6, c7, c8), ADD KEY k7 (c7, c8, c9)", i),
			} {
				if _, err := c.ExecContext(context.Background(), q); err != nil {
					return fmt.Errorf("%.60s: %w", q, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return time.Since(start).Seconds()
}

func lastBytes(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}
