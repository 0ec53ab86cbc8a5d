package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

func TestApplyOptionFilesPrecedence(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "my.cnf")
	extra := filepath.Join(dir, "extra.cnf")
	os.WriteFile(base, []byte("[client]\nuser = u\n[mydumper]\nthreads = 3\nrows = 1000\ncompress\nno_views\nregex = '^d\\.'\nunknown-option = 1\n[myloader]\nthreads = 9\n[`d`.`t`]\nwhere = id > 3\n"), 0o600)
	os.WriteFile(extra, []byte("[sluice]\nrows = 500\n[MYDUMPER]\nstatement-size = 2048\n"), 0o600)
	fs := pflag.NewFlagSet("dump", pflag.ContinueOnError)
	var o dumper.Options
	var compress, regex string
	fs.StringVar(new(string), "defaults-file", "", "")
	fs.StringVar(new(string), "defaults-extra-file", "", "")
	fs.IntVarP(&o.Threads, "threads", "t", 4, "")
	fs.Int64Var(&o.Rows, "rows", 0, "")
	fs.StringVar(&compress, "compress", "none", "")
	fs.StringVar(&regex, "regex", "", "")
	fs.BoolVar(&o.NoViews, "no-views", false, "")
	fs.IntVar(&o.StatementSize, "statement-size", 0, "")
	if err := fs.Parse([]string{"--defaults-file", base, "--defaults-extra-file", extra, "-t", "5"}); err != nil {
		t.Fatal(err)
	}
	tables, err := applyOptionFiles(fs, "dump", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if o.Threads != 5 || o.Rows != 500 || compress != "gzip" || !o.NoViews || regex != `^d\.` || o.StatementSize != 2048 {
		t.Errorf("threads %d (command line: 5), rows %d ([sluice] of the extra file: 500), compress %q (bare: gzip), no-views %v, regex %q, statement-size %d",
			o.Threads, o.Rows, compress, o.NoViews, regex, o.StatementSize)
	}
	if len(tables) != 1 || tables[0].db != "d" || tables[0].table != "t" || tables[0].keys["where"] != "id > 3" {
		t.Errorf("per-table sections %+v", tables)
	}
	os.WriteFile(base, []byte("[mydumper]\nthreads = many\n"), 0o600)
	fs.Set("threads", "4")
	if _, err := applyOptionFiles(fs, "dump", slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("threads came from the command line, the file's must be ignored: %v", err)
	}
}

// TestOptionFileDrivesSluice runs `sluice dump` and `sluice load` with nothing on the command
// line but --defaults-file: the connection from [client], the dump's options from [mydumper]
// with a per-table where, the load's from [myloader]; then myloader's --no-schemas into a table
// created beforehand, and its refusal when the table is missing.
func TestOptionFileDrivesSluice(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, q := range []string{
		"CREATE DATABASE src", "CREATE TABLE src.t (id INT PRIMARY KEY, v VARCHAR(10), KEY (v))",
		"INSERT INTO src.t SELECT seq, CONCAT('v', seq) FROM src.seq_1_to_100",
		"CREATE TABLE src.u (id INT PRIMARY KEY)", "INSERT INTO src.u SELECT seq FROM src.seq_1_to_7",
	} {
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "dump")
	cnf := filepath.Join(dir, "sluice.cnf")
	os.WriteFile(cnf, []byte(fmt.Sprintf("[client]\nhost = %s\nport = %d\nuser = %s\npassword = %s\n\n"+
		"[mydumper]\noutputdir = %s\ndatabase = src\nthreads = 2\nrows = 30\ncompress = ZSTD\ntrx-tables\nno-locks = 0\n\n"+
		"[myloader]\ndirectory = %s\ndatabase = dst\nthreads = 2\nqueries-per-transaction = 10\nskip-post\n\n"+
		"[`src`.`t`]\nwhere = id <= 40\n", s.Host, s.Port, s.User, s.Password, out, out)), 0o600)
	if code := run([]string{"dump", "--defaults-file", cnf}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("sluice dump --defaults-file: exit %d", code)
	}
	m, err := dumpdir.ReadMetadata(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range m.Tables {
		want := map[string]int64{"t": 40, "u": 7}[tb.Name]
		if tb.Rows != want || tb.Compression != dumpdir.CompressZstd || tb.Name == "t" && len(tb.DataFiles) < 2 {
			t.Errorf("%s: %d rows (want %d from [`src`.`t`] where), compression %q (want zstd), %d files (rows = 30)", tb.Name, tb.Rows, want, tb.Compression, len(tb.DataFiles))
		}
	}
	if code := run([]string{"load", "--defaults-file", cnf}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("sluice load --defaults-file: exit %d", code)
	}
	count := func(q string) int {
		var n int
		if err := d.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM dst.t"); n != 40 {
		t.Errorf("dst.t: %d rows, want 40", n)
	}

	// myloader --no-schemas: the data into tables made beforehand, whose own definition stays.
	for _, q := range []string{"CREATE DATABASE pre", "CREATE TABLE pre.t (id INT PRIMARY KEY, v VARCHAR(10), extra INT DEFAULT 5)"} {
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if code := run([]string{"load", "--defaults-file", cnf, "--no-schemas", "-B", "pre", "-T", "src.t"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("sluice load --no-schemas: exit %d", code)
	}
	if n := count("SELECT COUNT(*) FROM pre.t WHERE extra = 5 AND v = CONCAT('v', id)"); n != 40 {
		t.Errorf("pre.t after --no-schemas: %d rows as dumped, want 40", n)
	}
	if n := count("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'pre' AND INDEX_NAME = 'v'"); n != 0 {
		t.Errorf("--no-schemas added the dump's index v to the existing table")
	}
	var stderr strings.Builder
	if code := run([]string{"load", "--defaults-file", cnf, "--no-schemas", "-B", "pre"}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "--no-schemas: tables missing on the target: pre.u") {
		t.Errorf("--no-schemas with pre.u missing on the target: exit %d, %s", code, stderr.String())
	}
}
