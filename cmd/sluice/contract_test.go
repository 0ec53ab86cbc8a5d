package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// The operator's contract, from real runs of the built binary against throwaway servers: exit
// codes, JSON logs with the summary last, the metrics file, signals.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// sluiceBinary builds this command once per test process.
func sluiceBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sluice-bin-*")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "sluice")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cli runs the binary against one server.
type cli struct {
	t   *testing.T
	bin string
	s   *testserver.Server
	env []string
}

func newCLI(t *testing.T, s *testserver.Server) *cli {
	home := t.TempDir() // no ~/.my.cnf
	return &cli{t: t, bin: sluiceBinary(t), s: s, env: append(os.Environ(), "HOME="+home, "MYSQL_PWD="+s.Password)}
}

// command returns the command for `sluice cmd -h HOST -P PORT -u USER args...`.
func (c *cli) command(cmd string, args ...string) *exec.Cmd {
	full := append([]string{cmd, "-h", c.s.Host, "-P", strconv.Itoa(c.s.Port), "-u", c.s.User}, args...)
	x := exec.Command(c.bin, full...)
	x.Env = c.env
	return x
}

// result is one finished run.
type result struct {
	code           int
	stdout, stderr string
}

func (c *cli) run(cmd string, args ...string) result {
	c.t.Helper()
	x := c.command(cmd, args...)
	var out, errb bytes.Buffer
	x.Stdout, x.Stderr = &out, &errb
	err := x.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		c.t.Fatal(err)
	}
	return result{x.ProcessState.ExitCode(), out.String(), errb.String()}
}

// wantExit fails unless r exited with code.
func (r result) wantExit(t *testing.T, what string, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstderr:\n%s", what, r.code, code, r.stderr)
	}
}

// jsonLog parses stderr line by line as JSON records and returns them, failing on a line that
// is not one or when the last record is not the summary.
func jsonLog(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stderr line %d is not JSON: %v: %q", i+1, err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("stderr line %d lacks %q: %q", i+1, k, line)
			}
		}
		recs = append(recs, m)
	}
	if len(recs) == 0 || recs[len(recs)-1]["msg"] != "summary" {
		t.Fatalf("the last record is not the summary:\n%s", stderr)
	}
	for _, r := range recs[:len(recs)-1] {
		if r["msg"] == "summary" {
			t.Fatalf("more than one summary record:\n%s", stderr)
		}
	}
	return recs
}

func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// shopRows is the rows of the shop database the contract tests dump.
const shopRows = 30000 + 2000 + 500

// fillShop creates the shop database: a keyed table, a table with a secondary index and a
// foreign key, a table without a key, and a view.
func fillShop(t *testing.T, db *sql.DB) {
	execAll(t, db,
		"CREATE DATABASE shop",
		"CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40), KEY (name)) ENGINE=InnoDB",
		"INSERT INTO shop.customers SELECT seq, CONCAT('customer ', seq) FROM mysql.seq_1_to_2000",
		"CREATE TABLE shop.orders (id INT PRIMARY KEY, customer INT NOT NULL, total DECIMAL(10,2), note VARCHAR(100), KEY (customer), FOREIGN KEY (customer) REFERENCES shop.customers (id)) ENGINE=InnoDB",
		"INSERT INTO shop.orders SELECT seq, 1 + seq % 2000, seq / 7, REPEAT('x', seq % 90) FROM mysql.seq_1_to_30000",
		"CREATE TABLE shop.audit (at DATETIME, what VARCHAR(50)) ENGINE=InnoDB",
		"INSERT INTO shop.audit SELECT '2026-01-01' + INTERVAL seq MINUTE, CONCAT('event ', seq) FROM mysql.seq_1_to_500",
		"CREATE VIEW shop.big_orders AS SELECT id, total FROM shop.orders WHERE total > 1000",
	)
}

// metrics parses a metrics file with the Prometheus text parser and returns each metric's
// value, failing unless every sample has the command and target labels.
func metrics(t *testing.T, path, command, target string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	got := map[string]float64{}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["command"] != command || labels["target"] != target {
				t.Errorf("%s labels %v, want command=%s target=%s", name, labels, command, target)
			}
			got[name] = m.GetGauge().GetValue()
		}
	}
	return got
}

func TestOperatorContract(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{})
	dst := testserver.ForTest(t, testserver.Options{})
	srcDB, err := src.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer srcDB.Close()
	dstDB, err := dst.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer dstDB.Close()
	fillShop(t, srcDB)
	source, target := newCLI(t, src), newCLI(t, dst)
	// fresh drops what a load restored: every load restores shop itself (-B would leave the
	// view, whose definition names shop, behind).
	fresh := func(t *testing.T) { execAll(t, dstDB, "DROP DATABASE IF EXISTS shop") }
	work := t.TempDir()
	dump := filepath.Join(work, "dump")

	t.Run("usage and help", func(t *testing.T) {
		source.run("dump").wantExit(t, "dump without -o", exitUsage)
		source.run("dump", "-o", dump, "--lock-mode").wantExit(t, "a flag without its value", exitUsage)
		r := source.run("load", "--help")
		r.wantExit(t, "load --help", exitOK)
		for _, w := range []string{"connection:", "loading:", "replication:", "examples:", "exit codes:", `(default 4)`} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("load --help lacks %q:\n%s", w, r.stdout)
			}
		}
		if out, err := exec.Command(source.bin, "help", "dump").Output(); err != nil || !strings.Contains(string(out), "consistency:") {
			t.Errorf("sluice help dump: %v\n%s", err, out)
		}
		x := exec.Command(source.bin, "--version")
		if out, err := x.Output(); err != nil || !strings.HasPrefix(string(out), "sluice ") {
			t.Errorf("--version: %q, %v", out, err)
		}
	})

	t.Run("dump: exit 0, JSON log, metrics", func(t *testing.T) {
		prom := filepath.Join(work, "dump.prom")
		r := source.run("dump", "-B", "shop", "-o", dump, "-t", "2", "--log-format", "json", "--metrics-file", prom)
		r.wantExit(t, "dump", exitOK)
		recs := jsonLog(t, r.stderr)
		s := recs[len(recs)-1]
		if s["command"] != "dump" || s["outcome"] != "success" || s["rows"] != float64(shopRows) || s["tables"] != float64(4) ||
			s["bytes"].(float64) <= 0 || s["warnings"] != float64(0) || s["binlog_file"] == "" || s["gtid_set"] == nil || s["lock_seconds"] == nil {
			t.Errorf("summary %v", s)
		}
		m := metrics(t, prom, "dump", fmt.Sprintf("%s:%d", src.Host, src.Port))
		if m["sluice_last_run_success"] != 1 || m["sluice_rows_total"] != shopRows || m["sluice_bytes_total"] != s["bytes"] ||
			m["sluice_last_run_duration_seconds"] <= 0 || time.Since(time.Unix(int64(m["sluice_last_run_timestamp_seconds"]), 0)) > time.Minute {
			t.Errorf("metrics %v", m)
		}
		if _, ok := m["sluice_lock_seconds"]; !ok {
			t.Errorf("metrics lack sluice_lock_seconds: %v", m)
		}
		if st, err := os.Stat(prom + ".tmp"); err == nil {
			t.Errorf("temporary metrics file left behind: %v", st.Name())
		}
	})

	t.Run("dump: exit 4 on a warning, 1 with --strict", func(t *testing.T) {
		r := source.run("dump", "-B", "shop", "-o", filepath.Join(work, "warned"), "--replica-data", "--log-format", "json")
		r.wantExit(t, "dump --replica-data from a server that is not a replica", exitWarnings)
		recs := jsonLog(t, r.stderr)
		if s := recs[len(recs)-1]; s["outcome"] != "warnings" || s["warnings"] != float64(1) || s["level"] != "WARN" {
			t.Errorf("summary %v", s)
		}
		if !slicesContainsWarning(recs, "not_a_replica") {
			t.Errorf("no record with warning=not_a_replica:\n%s", r.stderr)
		}
		strictDir := filepath.Join(work, "strict")
		r = source.run("dump", "-B", "shop", "-o", strictDir, "--replica-data", "--strict")
		r.wantExit(t, "dump --replica-data --strict", exitFailure)
		if !strings.Contains(r.stderr, "--strict") || !strings.Contains(r.stderr, "outcome=failure") {
			t.Errorf("stderr does not name --strict and the failure:\n%s", r.stderr)
		}
		if _, err := os.Stat(filepath.Join(strictDir, "metadata")); err == nil {
			t.Errorf("a dump that failed by --strict has a metadata file")
		}
	})

	t.Run("load: exit 0, JSON log, metrics", func(t *testing.T) {
		fresh(t)
		prom := filepath.Join(work, "load.prom")
		r := target.run("load", "-d", dump, "-t", "2", "--checksum", "--log-format", "json", "--metrics-file", prom)
		r.wantExit(t, "load", exitOK)
		recs := jsonLog(t, r.stderr)
		if s := recs[len(recs)-1]; s["command"] != "load" || s["outcome"] != "success" || s["rows"] != float64(shopRows) || s["gtid_set"] == "" || s["gtid_set"] == nil {
			t.Errorf("summary %v", s)
		}
		m := metrics(t, prom, "load", fmt.Sprintf("%s:%d", dst.Host, dst.Port))
		if m["sluice_last_run_success"] != 1 || m["sluice_rows_total"] != shopRows {
			t.Errorf("metrics %v", m)
		}
	})

	t.Run("load --checksum: exit 3 on a difference", func(t *testing.T) {
		// The dump's metadata claims one more order than was dumped: the restored table differs.
		// (Rewritten through dumpdir, so the file stays well-formed.)
		bad := filepath.Join(work, "bad-count")
		copyDir(t, dump, bad)
		m, err := dumpdir.ReadMetadata(bad)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for i := range m.Tables {
			if m.Tables[i].Name == "orders" && m.Tables[i].Rows == 30000 {
				m.Tables[i].Rows, found = 30001, true
			}
		}
		if !found {
			t.Fatalf("the dump's metadata has no orders table of 30000 rows: %+v", m.Tables)
		}
		if err := os.Remove(filepath.Join(bad, dumpdir.MetadataName)); err != nil {
			t.Fatal(err)
		}
		if err := m.Write(bad); err != nil {
			t.Fatal(err)
		}
		prom := filepath.Join(work, "checksum.prom")
		fresh(t)
		r := target.run("load", "-d", bad, "--checksum", "--metrics-file", prom)
		r.wantExit(t, "load --checksum of a dump whose count differs", exitDifferences)
		if !strings.Contains(r.stderr, "has 30000 rows, the dump 30001") || !strings.Contains(r.stderr, "outcome=differences") {
			t.Errorf("stderr does not name the difference:\n%s", r.stderr)
		}
		if m := metrics(t, prom, "load", fmt.Sprintf("%s:%d", dst.Host, dst.Port)); m["sluice_last_run_success"] != 0 || m["sluice_last_run_exit_code"] != 3 {
			t.Errorf("metrics %v", m)
		}
	})

	t.Run("load: exit 4 with local_infile OFF, 1 with --strict", func(t *testing.T) {
		execAll(t, dstDB, "SET GLOBAL local_infile = 0")
		defer execAll(t, dstDB, "SET GLOBAL local_infile = 1")
		fresh(t)
		r := target.run("load", "-d", dump)
		r.wantExit(t, "load with local_infile OFF", exitWarnings)
		if !strings.Contains(r.stderr, "warning=local_infile_off") || !strings.Contains(r.stderr, "outcome=warnings") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		fresh(t)
		r = target.run("load", "-d", dump, "--strict", "--journal", filepath.Join(t.TempDir(), "journal"))
		r.wantExit(t, "load with local_infile OFF and --strict", exitFailure)
		var n int
		if err := dstDB.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'").Scan(&n); err != nil || n != 0 {
			t.Errorf("--strict load created %d tables (%v), want none", n, err)
		}
	})

	t.Run("dump --dry-run", func(t *testing.T) {
		dir := filepath.Join(work, "dry")
		r := source.run("dump", "-B", "shop", "-o", dir, "--dry-run")
		r.wantExit(t, "dump --dry-run", exitOK)
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("dump --dry-run created %s", dir)
		}
		for _, w := range []string{"shop.orders", "shop.customers", "shop.audit", "shop.big_orders", "PRIMARY (id)", "none: one scan",
			"lock       backup-stage", "shop.orders.00000.sql", "problems: none found"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("plan lacks %q:\n%s", w, r.stdout)
			}
		}
		if i, j := strings.Index(r.stdout, "shop.orders "), strings.Index(r.stdout, "shop.audit "); i < 0 || j < i {
			t.Errorf("plan does not list the largest table first:\n%s", r.stdout)
		}
		// A full directory and a user without RELOAD: both named.
		execAll(t, srcDB, "CREATE USER nolock@'%' IDENTIFIED BY 'pw'", "GRANT SELECT, SHOW VIEW ON *.* TO nolock@'%'")
		weak := *source
		weak.env = append(slicesClone(source.env), "MYSQL_PWD=pw")
		x := weak.command("dump", "-B", "shop", "-o", dump, "--dry-run")
		x.Args[7] = "nolock" // -u
		out, _ := x.Output()
		if x.ProcessState.ExitCode() != exitFailure || !strings.Contains(string(out), "lacks the RELOAD privilege") || !strings.Contains(string(out), "not empty") {
			t.Errorf("dump --dry-run as a user without RELOAD into a full directory: exit %d\n%s", x.ProcessState.ExitCode(), out)
		}
	})

	t.Run("load --dry-run", func(t *testing.T) {
		fresh(t)
		before := schemas(t, dstDB)
		r := target.run("load", "-d", dump, "--dry-run")
		r.wantExit(t, "load --dry-run", exitOK)
		if after := schemas(t, dstDB); after != before {
			t.Errorf("load --dry-run changed the target's schemas: %s, then %s", before, after)
		}
		if _, err := os.Stat(filepath.Join(dump, "sluice-load.journal")); err == nil {
			t.Errorf("load --dry-run wrote a journal")
		}
		// --defer-indexes auto (the default) keeps the 30,000-row orders' one index inline.
		for _, w := range []string{"shop.orders", "shop.customers", "shop.audit", "shop.big_orders", "-- indexes inline: 30000 rows × 1 indexes", "ADD CONSTRAINT", "kept in the CREATE TABLE",
			"CREATE TABLE `orders` (", "problems: none found",
			"ALTER TABLE `shop`.`orders` STATS_AUTO_RECALC=0; -- statistics recalculation off while it loads", "once every table is in: ALTER TABLE ... STATS_AUTO_RECALC=DEFAULT"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("plan lacks %q:\n%s", w, r.stdout)
			}
		}
		if i := strings.Index(r.stdout, "-- shop.orders"); i < 0 || !strings.Contains(r.stdout[i:i+strings.Index(r.stdout[i:], ";")], "KEY `customer`") {
			t.Errorf("auto: the CREATE TABLE of orders lacks its secondary key:\n%s", r.stdout)
		}
		r = target.run("load", "-d", dump, "--dry-run", "--defer-indexes", "all")
		r.wantExit(t, "load --dry-run --defer-indexes all", exitOK)
		if !strings.Contains(r.stdout, "ALTER TABLE `shop`.`orders` ADD KEY `customer`") || !strings.Contains(r.stdout, "-- indexes deferred: --defer-indexes all") {
			t.Errorf("--defer-indexes all: plan lacks the deferred ALTER of orders:\n%s", r.stdout)
		}
		if i := strings.Index(r.stdout, "-- shop.orders"); i < 0 || strings.Contains(r.stdout[i:i+strings.Index(r.stdout[i:], ";")], "KEY `customer`") {
			t.Errorf("--defer-indexes all: the CREATE TABLE of orders keeps its secondary key:\n%s", r.stdout)
		}
		// What would fail: tables that exist, local_infile OFF, a user who cannot create.
		target.run("load", "-d", dump).wantExit(t, "load", exitOK)
		execAll(t, dstDB, "SET GLOBAL local_infile = 0")
		defer execAll(t, dstDB, "SET GLOBAL local_infile = 1")
		r = target.run("load", "-d", dump, "--dry-run")
		r.wantExit(t, "load --dry-run onto existing tables", exitFailure)
		for _, w := range []string{"FAIL  tables already exist: shop.", "WARN  local_infile is OFF"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("plan lacks %q:\n%s", w, r.stdout)
			}
		}
		execAll(t, dstDB, "CREATE USER reader@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON *.* TO reader@'%'")
		weak := *target
		weak.env = append(slicesClone(target.env), "MYSQL_PWD=pw")
		x := weak.command("load", "-d", dump, "-B", "elsewhere", "--source-db", "shop", "-T", "shop.orders,shop.customers", "--dry-run")
		x.Args[7] = "reader"
		out, _ := x.Output()
		if x.ProcessState.ExitCode() != exitFailure || !strings.Contains(string(out), "lacks CREATE on elsewhere") || !strings.Contains(string(out), "lacks INSERT") {
			t.Errorf("load --dry-run as a user without CREATE: exit %d\n%s", x.ProcessState.ExitCode(), out)
		}
	})

	t.Run("load --dry-run: a definer that does not exist", func(t *testing.T) {
		execAll(t, srcDB, "CREATE DATABASE ghosts", "CREATE TABLE ghosts.t (id INT PRIMARY KEY)",
			"CREATE DEFINER=`ghost`@`%` VIEW ghosts.v AS SELECT id FROM ghosts.t")
		dir := filepath.Join(work, "ghosts")
		source.run("dump", "-B", "ghosts", "-o", dir).wantExit(t, "dump", exitOK)
		r := target.run("load", "-d", dir, "--dry-run")
		r.wantExit(t, "load --dry-run of a view whose definer is missing", exitWarnings)
		if !strings.Contains(r.stdout, "WARN  definer `ghost`@`%` of ghosts.v-schema-view.sql does not exist") {
			t.Errorf("plan does not name the missing definer:\n%s", r.stdout)
		}
	})

	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitSIGINT}, {syscall.SIGTERM, exitSIGTERM}} {
		t.Run("load interrupted by "+tc.sig.String(), func(t *testing.T) {
			fresh(t)
			testInterruptedLoad(t, target, dstDB, dump, tc.sig, tc.code)
		})
	}
}

// testInterruptedLoad starts a load that waits behind a global read lock on the target, signals
// it, expects code and the advice to resume, then resumes it once the lock is gone.
func testInterruptedLoad(t *testing.T, c *cli, db *sql.DB, dump string, sig syscall.Signal, code int) {
	ctx := context.Background()
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "FLUSH TABLES WITH READ LOCK"); err != nil {
		t.Fatal(err)
	}
	args := []string{"-d", dump, "--log-format", "json", "--journal", filepath.Join(t.TempDir(), "journal")}
	x := c.command("load", args...)
	var errb bytes.Buffer
	x.Stderr = &errb
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	// Running: its DDL waits for the read lock.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := db.QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE '%global read lock%' OR STATE LIKE '%backup lock%'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			x.Process.Kill()
			x.Wait()
			t.Fatalf("the load never waited for the lock:\n%s", errb.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := x.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- x.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		x.Process.Kill()
		<-done
		t.Fatalf("the load did not stop within 30 s of %v:\n%s", sig, errb.String())
	}
	if got := x.ProcessState.ExitCode(); got != code {
		t.Fatalf("exit %d after %v, want %d:\n%s", got, sig, code, errb.String())
	}
	recs := jsonLog(t, errb.String())
	s := recs[len(recs)-1]
	if s["outcome"] != "interrupted" || !strings.Contains(fmt.Sprint(s["err"]), "--resume") {
		t.Errorf("summary %v: want outcome interrupted and how to resume", s)
	}
	if _, err := lock.ExecContext(ctx, "UNLOCK TABLES"); err != nil {
		t.Fatal(err)
	}
	c.run("load", append(args, "--resume")...).wantExit(t, "load --resume after the interrupt", exitOK)
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM shop.orders").Scan(&n); err != nil || n != 30000 {
		t.Errorf("shop.orders after --resume: %d rows (%v), want 30000", n, err)
	}
}

func slicesContainsWarning(recs []map[string]any, name string) bool {
	for _, r := range recs {
		if r["warning"] == name && r["level"] == "WARN" {
			return true
		}
	}
	return false
}

// copyDir copies the regular files of a dump directory.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// schemas lists the server's databases and tables, to see that a dry run changed nothing.
func schemas(t *testing.T, db *sql.DB) string {
	t.Helper()
	var out string
	if err := db.QueryRow("SELECT GROUP_CONCAT(TABLE_SCHEMA, '.', TABLE_NAME ORDER BY 1) FROM information_schema.TABLES").Scan(&out); err != nil {
		t.Fatal(err)
	}
	var dbs string
	if err := db.QueryRow("SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY 1) FROM information_schema.SCHEMATA").Scan(&dbs); err != nil {
		t.Fatal(err)
	}
	return dbs + " " + out
}
