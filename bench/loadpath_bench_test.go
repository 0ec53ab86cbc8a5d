package bench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/testserver"
)

// BenchmarkLoadPaths times, by hand-written statements on one throwaway server (binary log off,
// SLUICE_BENCH_POOL buffer pool, default 256M), the ways of loading a table that issue 19
// weighs against the bench's limit, and logs each one's wall time and the server's CPU seconds
// (/proc/PID/stat utime+stime), twice each. The data is table 1 of SLUICE_BENCH_SPEC (default
// sysbench:1x1000k) written by SELECT INTO OUTFILE, whole and cut into 64 MiB files.
//
// One connection, one table (the recipes of MariaDB's bulk insert into an empty table,
// MDEV-24621, which needs unique_checks=0 and foreign_key_checks=0):
//
//	a-limit                  PK-only CREATE, one LOAD DATA INFILE of the whole file, ALTER ADD KEY
//	b-full-1tx-whole         full CREATE, BEGIN, LOAD DATA of the whole file, COMMIT (bulk for every index)
//	c-full-1tx-chunks        full CREATE, BEGIN, a LOAD DATA per 64 MiB file, COMMIT
//	d-full-tx-per-chunk      full CREATE, a transaction per 64 MiB file (sluice inline)
//	e-pk-tx-per-chunk-alter  PK-only CREATE, a transaction per file, ALTER (sluice deferred)
//	f-pk-1tx-chunks-alter    PK-only CREATE, one transaction of every file, ALTER
//
// Two connections, two tables of the same rows, PK-only CREATE and ALTER after the data:
//
//	A-limit-infile-table-per-conn  the limit: each connection one table, one LOAD DATA INFILE
//	B-local-chunks-table-per-conn  each connection one table, LOAD DATA LOCAL per file and transaction
//	C-local-chunks-shared-table    both connections on table 1's files, then both on table 2's
//	D-infile-chunks-table-per-conn as B with LOAD DATA INFILE (server-side file)
//	E-local-whole-table-per-conn   as A with LOAD DATA LOCAL
//
// Run it alone (bench/README.md "Bulk insert and table affinity" has the figures):
//
//	go test -run '^$' -bench LoadPaths -benchtime 1x -timeout 30m ./bench/
func BenchmarkLoadPaths(b *testing.B) {
	ctx := context.Background()
	srv, db := benchServer(b)
	lp, err := newLoadPaths(ctx, srv, db, benchSpec("sysbench:1x1000k"))
	if err != nil {
		b.Fatal(err)
	}
	for range 2 {
		for _, v := range lp.oneTable() {
			if err := lp.time(ctx, b, v.name, [][2][][]string{{{v.stmts}}}); err != nil {
				b.Fatal(err)
			}
		}
		for _, v := range lp.twoTables() {
			if err := lp.time(ctx, b, v.name, v.phases); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// loadPaths is BenchmarkLoadPaths' data and statements.
type loadPaths struct {
	srv         *testserver.Server
	db          *sql.DB
	table       string // the source table's name, e.g. sbtest1
	create, pk  string // its CREATE TABLE, full and with the primary key only
	keys        []string
	whole       string   // the whole table's file
	chunks      []string // the same rows in 64 MiB files
	tablesOfTwo []string // names of the two-connection case's tables
}

func newLoadPaths(ctx context.Context, srv *testserver.Server, db *sql.DB, spec string) (*loadPaths, error) {
	d, err := ParseDataset(spec)
	if err != nil {
		return nil, err
	}
	d.Database = "src"
	if _, err := Generate(ctx, db, d, 2); err != nil {
		return nil, err
	}
	lp := &loadPaths{srv: srv, db: db, tablesOfTwo: []string{"t1", "t2"}}
	if err := db.QueryRowContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'src' ORDER BY TABLE_NAME LIMIT 1").Scan(&lp.table); err != nil {
		return nil, err
	}
	var name string
	if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE src."+sqltext.QuoteIdent(lp.table)).Scan(&name, &lp.create); err != nil {
		return nil, err
	}
	var kept []string
	for _, l := range strings.Split(lp.create, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "KEY ") {
			lp.keys = append(lp.keys, "ADD "+strings.TrimSuffix(t, ","))
			continue
		}
		kept = append(kept, l)
	}
	for i := len(kept) - 1; i > 0; i-- { // the line before ") ENGINE" may not end in a comma
		if strings.HasPrefix(strings.TrimSpace(kept[i]), ")") {
			kept[i-1] = strings.TrimSuffix(kept[i-1], ",")
			break
		}
	}
	lp.pk = strings.Join(kept, "\n")
	lp.whole = filepath.Join(srv.FilesDir, "whole.tsv")
	if _, err := db.ExecContext(ctx, "SELECT * FROM src."+sqltext.QuoteIdent(lp.table)+" INTO OUTFILE "+sqltext.QuoteString(lp.whole)+" CHARACTER SET binary"); err != nil {
		return nil, err
	}
	if lp.chunks, err = cutFile(lp.whole, 64<<20); err != nil {
		return nil, err
	}
	for _, f := range append([]string{lp.whole}, lp.chunks...) {
		mysql.RegisterLocalFile(f)
	}
	_, err = db.ExecContext(ctx, "DROP DATABASE src")
	return lp, err
}

// cutFile writes path's lines into files of at most size bytes beside it (path.NNN).
func cutFile(path string, size int64) ([]string, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r := bufio.NewReaderSize(in, 1<<20)
	var names []string
	var out *os.File
	var w *bufio.Writer
	var n int64
	closeOut := func() error {
		if out == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return out.Close()
	}
	for {
		line, rerr := r.ReadBytes('\n')
		if len(line) > 0 {
			if out == nil || n+int64(len(line)) > size {
				if err := closeOut(); err != nil {
					return nil, err
				}
				name := fmt.Sprintf("%s.%03d", path, len(names))
				if out, err = os.Create(name); err != nil {
					return nil, err
				}
				names, w, n = append(names, name), bufio.NewWriterSize(out, 1<<20), 0
			}
			if _, err := w.Write(line); err != nil {
				return nil, err
			}
			n += int64(len(line))
		}
		if rerr != nil {
			break
		}
	}
	return names, closeOut()
}

// as returns statement s (a CREATE TABLE, or an ALTER TABLE of lp.table) for table t.
func (lp *loadPaths) as(s, t string) string {
	return strings.Replace(s, "TABLE `"+lp.table+"`", "TABLE `"+t+"`", 1)
}

func (lp *loadPaths) alter(t string) string {
	return "ALTER TABLE `" + t + "` " + strings.Join(lp.keys, ", ")
}

func loadStmt(local bool, file, table string) string {
	l := ""
	if local {
		l = "LOCAL "
	}
	return "LOAD DATA " + l + "INFILE " + sqltext.QuoteString(file) + " INTO TABLE " + sqltext.QuoteIdent(table) + " CHARACTER SET binary"
}

// perFile returns a transaction per chunk file loading into table t.
func (lp *loadPaths) perFile(local bool, t string) []string {
	var s []string
	for _, c := range lp.chunks {
		s = append(s, "BEGIN", loadStmt(local, c, t), "COMMIT")
	}
	return s
}

// oneTx returns one transaction loading every chunk file into table t.
func (lp *loadPaths) oneTx(t string) []string {
	s := []string{"BEGIN"}
	for _, c := range lp.chunks {
		s = append(s, loadStmt(false, c, t))
	}
	return append(s, "COMMIT")
}

type loadPath struct {
	name  string
	stmts []string
}

func (lp *loadPaths) oneTable() []loadPath {
	t := lp.table
	cat := func(parts ...[]string) []string {
		var s []string
		for _, p := range parts {
			s = append(s, p...)
		}
		return s
	}
	return []loadPath{
		{"a-limit", []string{lp.pk, loadStmt(false, lp.whole, t), lp.alter(t)}},
		{"b-full-1tx-whole", []string{lp.create, "BEGIN", loadStmt(false, lp.whole, t), "COMMIT"}},
		{"c-full-1tx-chunks", cat([]string{lp.create}, lp.oneTx(t))},
		{"d-full-tx-per-chunk", cat([]string{lp.create}, lp.perFile(false, t))},
		{"e-pk-tx-per-chunk-alter", cat([]string{lp.pk}, lp.perFile(false, t), []string{lp.alter(t)})},
		{"f-pk-1tx-chunks-alter", cat([]string{lp.pk}, lp.oneTx(t), []string{lp.alter(t)})},
	}
}

// twoPath is a two-connection case: phases run one after another, each phase's two statement
// lists side by side on the two connections.
type twoPath struct {
	name   string
	phases [][2][][]string
}

func (lp *loadPaths) twoTables() []twoPath {
	t := lp.tablesOfTwo
	perConn := func(load func(string) []string) [][2][][]string {
		var p [2][][]string
		for i, tb := range t {
			p[i] = [][]string{append(append([]string{lp.as(lp.pk, tb)}, load(tb)...), lp.alter(tb))}
		}
		return [][2][][]string{p}
	}
	var shared [2][][]string
	k := 0
	for _, tb := range t {
		for _, c := range lp.chunks {
			shared[k%2] = append(shared[k%2], []string{"BEGIN", loadStmt(true, c, tb), "COMMIT"})
			k++
		}
	}
	return []twoPath{
		{"A-limit-infile-table-per-conn", perConn(func(tb string) []string { return []string{loadStmt(false, lp.whole, tb)} })},
		{"B-local-chunks-table-per-conn", perConn(func(tb string) []string { return lp.perFile(true, tb) })},
		{"C-local-chunks-shared-table", [][2][][]string{
			{{{lp.as(lp.pk, t[0]), lp.as(lp.pk, t[1])}}, nil},
			shared,
			{{{lp.alter(t[0])}}, {{lp.alter(t[1])}}},
		}},
		{"D-infile-chunks-table-per-conn", perConn(func(tb string) []string { return lp.perFile(false, tb) })},
		{"E-local-whole-table-per-conn", perConn(func(tb string) []string { return []string{loadStmt(true, lp.whole, tb)} })},
	}
}

// time runs phases on two fresh connections into a new database dst (the bulk-load session
// of the limit) and logs the wall time, the server's CPU seconds and the load average.
func (lp *loadPaths) time(ctx context.Context, b *testing.B, name string, phases [][2][][]string) error {
	if _, err := lp.db.ExecContext(ctx, "DROP DATABASE IF EXISTS dst"); err != nil {
		return err
	}
	if _, err := lp.db.ExecContext(ctx, "CREATE DATABASE dst"); err != nil {
		return err
	}
	var conns [2]*sql.Conn
	for i := range conns {
		c, err := lp.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := execAll(ctx, c, append(limitSession, "USE dst")...); err != nil {
			return err
		}
		conns[i] = c
	}
	time.Sleep(2 * time.Second) // let the DROP's purge and flushing settle
	cpu0, t0 := processCPU(lp.srv.Pid()), time.Now()
	for _, ph := range phases {
		errs := make(chan error, 2)
		for i := range conns {
			go func() {
				for _, job := range ph[i] {
					if err := execAll(ctx, conns[i], job...); err != nil {
						errs <- fmt.Errorf("%s: %w", name, err)
						return
					}
				}
				errs <- nil
			}()
		}
		for range conns {
			if err := <-errs; err != nil {
				return err
			}
		}
	}
	wall, cpu := time.Since(t0).Seconds(), processCPU(lp.srv.Pid())-cpu0
	la, _ := os.ReadFile("/proc/loadavg")
	b.Logf("%-31s wall %6.2f s  server CPU %6.2f s  loadavg %s", name, wall, cpu, strings.Join(strings.Fields(string(la))[:3], " "))
	return nil
}
