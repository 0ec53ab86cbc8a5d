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
