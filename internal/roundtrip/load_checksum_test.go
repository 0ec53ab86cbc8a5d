package roundtrip

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadChecksum dumps the hard values and a table of each key shape, in chunks, from a
// server at UTC+05:30 in every format and compression, and loads each dump with --checksum fail
// into a server at UTC-08:00: every chunk's checksum must match. Then a row of one dump's data
// file is altered (its file checksum recomputed, so that only the row checksums can tell): the
// load fails with a *ChecksumError (exit code 3) naming the table and a key range holding the
// row, and with --checksum warn it succeeds with one warning.
func TestLoadChecksum(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=+05:30"}})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=-08:00"}})
	ctx := context.Background()
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	CreateKeyShapes(t, src, "hardv", 400)
	dst := Open(t, b, "")
	var sqlDump string
	for _, format := range []string{dumper.FormatSQL, dumper.FormatTSV} {
		for _, comp := range []string{"", "zstd", "gzip"} {
			do := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"hardv"}, Threads: 2, Rows: 60, Format: format, Compression: comp}
			if _, err := dumper.Run(ctx, Config(a), do); err != nil {
				t.Fatalf("%s %s dump: %v", format, comp, err)
			}
			Exec(t, dst, "DROP DATABASE IF EXISTS hardv")
			if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: do.OutDir, Threads: 2, Checksum: loader.ChecksumFail}); err != nil {
				t.Fatalf("%s %s load: %v", format, comp, err)
			}
			if format == dumper.FormatSQL && comp == "" {
				sqlDump = do.OutDir
			}
		}
	}

	// k_int row 123 is 'v123' in the dump; make the file say 'w123'.
	name, data := findDataFile(t, sqlDump, "k_int", []byte("(123,'v123',"))
	data = bytes.Replace(data, []byte("(123,'v123',"), []byte("(123,'w123',"), 1)
	rewriteDataFile(t, sqlDump, name, data)
	Exec(t, dst, "DROP DATABASE IF EXISTS hardv")
	_, err := loader.Run(ctx, Config(b), loader.Options{Dir: sqlDump, Threads: 2})
	var ce *loader.ChecksumError
	if !errors.As(err, &ce) || ce.ExitCode() != 3 {
		t.Fatalf("load of an altered row: %v, want a *loader.ChecksumError", err)
	}
	if len(ce.Diffs) != 1 || !strings.Contains(ce.Diffs[0], "hardv.k_int chunk") {
		t.Fatalf("differences %q, want one, in hardv.k_int", ce.Diffs)
	}
	if !rangeHolds(t, dst, ce.Diffs[0], 123) {
		t.Errorf("difference %q: its key range does not hold id 123", ce.Diffs[0])
	}
	Exec(t, dst, "DROP DATABASE IF EXISTS hardv")
	res, err := loader.Run(ctx, Config(b), loader.Options{Dir: sqlDump, Threads: 2, Checksum: loader.ChecksumWarn})
	if err != nil || res.Warnings != 1 {
		t.Fatalf("--checksum warn: %v, %+v; want one warning", err, res)
	}
}

// findDataFile returns the data file of table (in database hardv) that holds marker, and its bytes.
func findDataFile(t *testing.T, dir, table string, marker []byte) (string, []byte) {
	t.Helper()
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, mt := range meta.Tables {
		if mt.Name != table {
			continue
		}
		for _, f := range mt.DataFiles {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, marker) {
				return f, data
			}
		}
	}
	t.Fatalf("%s: no data file of %s holds %q", dir, table, marker)
	return "", nil
}

// rewriteDataFile replaces a data file and its size and CRC-32C in the metadata's [files], and
// seals the metadata again.
func rewriteDataFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(dir, dumpdir.MetadataName)
	meta, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(meta), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, name+" = ") {
			lines[i] = fmt.Sprintf("%s = %d %08x", name, len(data), crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
		}
	}
	if err := os.WriteFile(mpath, reseal(t, []byte(strings.Join(lines, "\n"))), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rangeHolds reports whether the key range ("(where COND): ...") a difference names holds
// hardv.k_int's row id, by asking the server.
func rangeHolds(t *testing.T, d *sql.DB, diff string, id int) bool {
	t.Helper()
	_, cond, ok1 := strings.Cut(diff, "(where ")
	cond, _, ok2 := strings.Cut(cond, "): ")
	if !ok1 || !ok2 {
		t.Fatalf("difference %q names no key range", diff)
	}
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM hardv.k_int WHERE id = ? AND ("+cond+")", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestLoadChecksumPerFile dumps the key shapes with one thread, so that each table is read in
// one scan, into small files: k_int (an INT primary key) gets a chunk per data file, each
// with its file and key range (the loader checks it once that file is in); the others keep one
// chunk over all their files: keys that are not one NOT NULL integer column, k_sparse (values
// beyond BIGINT) and k_second (an integer UNIQUE key whose values fall through the scan, since
// InnoDB clusters the table on another index). The load with --checksum
// fail passes and checks every table during the data phase; then a row of one of k_int's files
// is altered: the difference names that file's chunk, whose range holds the row.
func TestLoadChecksumPerFile(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE hardv")
	CreateKeyShapes(t, src, "hardv", 400)
	// Its chunk key is u (a single integer column), but InnoDB clusters it on s, the first
	// UNIQUE NOT NULL index, so a scan returns u falling.
	Exec(t, src, "CREATE TABLE hardv.k_second (s CHAR(6) NOT NULL, u INT NOT NULL, v VARCHAR(20), UNIQUE KEY s (s), UNIQUE KEY u (u))",
		"INSERT INTO hardv.k_second SELECT LPAD(1000 - seq, 6, '0'), seq, CONCAT('v', seq) FROM seq_1_to_400")
	do := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"hardv"}, Threads: 1, FileSize: 2000, StatementSize: 500}
	if _, err := dumper.Run(ctx, Config(a), do); err != nil {
		t.Fatal(err)
	}
	meta, err := dumpdir.ReadMetadata(do.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, mt := range meta.Tables {
		if (mt.Name == "k_int" || mt.Name == "k_second") && len(mt.DataFiles) < 2 {
			t.Fatalf("%s: %d data files, want several (FileSize 2000, StatementSize 500)", mt.Name, len(mt.DataFiles))
		}
		var files []string
		for _, c := range mt.Chunks {
			files = append(files, c.Files...)
		}
		if !slices.Equal(files, mt.DataFiles) {
			t.Errorf("%s: the chunks name files %q, the table has %q", mt.Name, files, mt.DataFiles)
		}
		// One chunk for a key that is not one NOT NULL integer column, for k_sparse's values
		// beyond BIGINT and for k_second's, which do not rise through the scan.
		want := 1
		if mt.Name == "k_int" {
			want = len(mt.DataFiles)
		}
		if len(mt.Chunks) != want {
			t.Errorf("%s: %d chunks for %d files, want %d", mt.Name, len(mt.Chunks), len(mt.DataFiles), want)
		}
	}
	dst := Open(t, a, "")
	var log bytes.Buffer
	lo := loader.Options{Dir: do.OutDir, Threads: 2, TargetDB: "copy", Checksum: loader.ChecksumFail, Log: Logger(&log)}
	if _, err := loader.Run(ctx, Config(a), lo); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), fmt.Sprintf("tables_checked_early=%d", len(meta.Tables))) {
		t.Errorf("want every table checked during the data phase, log:\n%s", log.String())
	}
	name, data := findDataFile(t, do.OutDir, "k_int", []byte("(123,'v123',"))
	data = bytes.Replace(data, []byte("(123,'v123',"), []byte("(123,'w123',"), 1)
	rewriteDataFile(t, do.OutDir, name, data)
	Exec(t, dst, "DROP DATABASE copy")
	lo.Log = nil
	_, err = loader.Run(ctx, Config(a), lo)
	var ce *loader.ChecksumError
	if !errors.As(err, &ce) || len(ce.Diffs) != 1 || !strings.Contains(ce.Diffs[0], "k_int chunk") {
		t.Fatalf("load of an altered row: %v, want one difference in k_int", err)
	}
	if !rangeHolds(t, src, ce.Diffs[0], 123) {
		t.Errorf("difference %q: its key range does not hold id 123", ce.Diffs[0])
	}
	if strings.Contains(ce.Diffs[0], "whole table") {
		t.Errorf("difference %q names the whole table, want the file's range", ce.Diffs[0])
	}
}
