package roundtrip

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestBadInput checks that wrong credentials, an unreachable server, a corrupt or truncated
// file, an incomplete dump and existing tables all fail with a clear error, never a partial
// restore, and that no password reaches an error or a dump file.
func TestBadInput(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE bad", "CREATE TABLE bad.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO bad.t VALUES (1, 'one'), (2, 'two'), (3, 'three')")

	wrong := Config(a)
	wrong.Password = "not-the-password-x9"
	_, err := dumper.Run(ctx, wrong, dumper.Options{OutDir: t.TempDir() + "/d", Databases: []string{"bad"}})
	if err == nil || !strings.Contains(err.Error(), "access denied") || strings.Contains(err.Error(), wrong.Password) {
		t.Fatalf("wrong password: %v", err)
	}
	gone := Config(a)
	gone.Port = 1
	if _, err := dumper.Run(ctx, gone, dumper.Options{OutDir: t.TempDir() + "/d", Databases: []string{"bad"}}); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("unreachable server: %v", err)
	}

	dir := t.TempDir() + "/dump"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"bad"}, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != dumpdir.DirMode {
		t.Fatalf("dump directory mode %v (%v), want %v", st.Mode().Perm(), err, dumpdir.DirMode)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != dumpdir.FileMode {
			t.Errorf("%s has mode %v, want %v", e.Name(), info.Mode().Perm(), dumpdir.FileMode)
		}
		body, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(body), a.Password) {
			t.Errorf("%s contains the password", e.Name())
		}
	}
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"bad"}}); err == nil {
		t.Fatal("dump into a non-empty directory accepted")
	}

	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, meta.Tables[0].DataFiles[0])
	orig, _ := os.ReadFile(data)
	dst := Open(t, b, "")
	count := func() int {
		var n int
		if err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bad'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A truncated data file is refused by its checksum.
	os.WriteFile(data, orig[:len(orig)-10], 0o600)
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "truncated or corrupt") {
		t.Fatalf("truncated file: %v", err)
	}
	os.WriteFile(data, orig, 0o600)
	// The failed restore left its journal; start over as its message says.
	journals, _ := filepath.Glob(filepath.Join(dir, "*.journal"))
	for _, j := range journals {
		os.Remove(j)
	}

	// A dump without metadata is incomplete; nothing is created.
	os.Rename(filepath.Join(dir, dumpdir.MetadataName), filepath.Join(dir, "meta.bak"))
	Exec(t, dst, "DROP DATABASE IF EXISTS bad")
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("dump without metadata: %v", err)
	}
	if n := count(); n != 0 {
		t.Fatalf("incomplete dump created %d tables", n)
	}
	os.Rename(filepath.Join(dir, "meta.bak"), filepath.Join(dir, dumpdir.MetadataName))

	// A good load, then a second one that must refuse the existing table.
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	Equal(t, a, "bad", b, "bad")
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "--overwrite-tables") {
		t.Fatalf("existing table: %v", err)
	}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, OverwriteTables: true}); err != nil {
		t.Fatalf("--overwrite-tables: %v", err)
	}
	Equal(t, a, "bad", b, "bad")

	badDumpFiles(t, a, b)
}

// badDumpFiles damages a good dump in one way at a time (a truncated .zst or .gz data file, a
// flipped byte, a missing data file, a metadata file of a newer format version or damaged in
// other ways, a folder that is not a dump, a schema file with invalid SQL) and checks that the
// load fails with one error naming the file and loads no row: every file is checked before
// anything is loaded, so the table whose last data file is bad is not left half loaded.
func badDumpFiles(t *testing.T, a, b *testserver.Server) {
	ctx := context.Background()
	Exec(t, Open(t, a, ""), "CREATE DATABASE bin", "USE bin",
		"CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40), n BIGINT)",
		"INSERT INTO big SELECT seq, CONCAT('row ', seq), seq * seq FROM seq_1_to_5000",
		"CREATE TABLE small (id INT PRIMARY KEY)", "INSERT INTO small VALUES (1), (2)")
	dumps := map[string]string{}
	for _, f := range []struct{ format, comp string }{{dumper.FormatSQL, dumpdir.CompressZstd}, {dumper.FormatTSV, dumpdir.CompressGzip}} {
		dir := t.TempDir() + "/" + f.format
		if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"bin"}, Threads: 2, Rows: 1000,
			Format: f.format, Compression: f.comp}); err != nil {
			t.Fatal(err)
		}
		dumps[f.format] = dir
	}
	// lastBig is the name of big's last data file in the dump at dir.
	lastBig := func(dir string) string {
		meta, err := dumpdir.ReadMetadata(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, mt := range meta.Tables {
			if mt.Name == "big" {
				if len(mt.DataFiles) < 3 {
					t.Fatalf("big has %d data files, want several", len(mt.DataFiles))
				}
				return mt.DataFiles[len(mt.DataFiles)-1]
			}
		}
		t.Fatal("no table big in the dump")
		return ""
	}
	edit := func(path string, f func([]byte) []byte) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// replaceListed gives a dump file new content and records it in the metadata, as if the
	// dump had been written that way.
	replaceListed := func(dir, name string, content []byte) {
		fi, err := dumpdir.WriteFile(dir, name, content)
		if err != nil {
			t.Fatal(err)
		}
		meta, err := dumpdir.ReadMetadata(dir)
		if err != nil {
			t.Fatal(err)
		}
		meta.Files[name] = fi
		if err := meta.Write(dir); err != nil {
			t.Fatal(err)
		}
	}
	metaPath := func(dir string) string { return filepath.Join(dir, dumpdir.MetadataName) }
	rng := rand.New(rand.NewPCG(10, 4))
	cases := []struct {
		name, from string
		damage     func(dir string) (file string) // returns the file the error must name
		want       []string
	}{
		{"truncated_zst", "sql", func(dir string) string {
			n := lastBig(dir)
			edit(filepath.Join(dir, n), func(b []byte) []byte { return b[:len(b)/2] })
			return n
		}, []string{"truncated or corrupt", "bin.big"}},
		{"truncated_gz", "tsv", func(dir string) string {
			n := lastBig(dir)
			edit(filepath.Join(dir, n), func(b []byte) []byte { return b[:len(b)-8] })
			return n
		}, []string{"truncated or corrupt", "bin.big"}},
		{"flipped_byte", "sql", func(dir string) string {
			n := lastBig(dir)
			edit(filepath.Join(dir, n), func(b []byte) []byte { b[len(b)/2] ^= 0x10; return b })
			return n
		}, []string{"truncated or corrupt"}},
		{"missing_data_file", "tsv", func(dir string) string {
			n := lastBig(dir)
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				t.Fatal(err)
			}
			return n
		}, []string{"no such file", "incomplete"}},
		{"newer_format_version", "sql", func(dir string) string {
			edit(metaPath(dir), func(b []byte) []byte {
				return reseal(t, bytes.Replace(b, []byte("format_version = 1\n"), []byte("format_version = 99\n"), 1))
			})
			return dumpdir.MetadataName
		}, []string{"format_version 99 is newer", "upgrade sluice"}},
		{"not_a_dump", "sql", func(dir string) string {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(dir, 0o700)
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("holiday photos\n"), 0o600)
			os.WriteFile(filepath.Join(dir, "bin.big.00000.sql"), []byte("INSERT INTO big VALUES (1,'x',1);\n"), 0o600)
			return dir
		}, []string{"no metadata file", "not a dump directory"}},
		{"metadata_truncated", "tsv", func(dir string) string {
			edit(metaPath(dir), func(b []byte) []byte { return b[:len(b)*2/3] })
			return dumpdir.MetadataName
		}, []string{"truncated or corrupt"}},
		{"metadata_fuzzed", "sql", func(dir string) string {
			edit(metaPath(dir), func(b []byte) []byte {
				for range 3 {
					b[rng.IntN(len(b))] = byte(rng.IntN(256))
				}
				return b
			})
			return dumpdir.MetadataName
		}, []string{"metadata file is"}},
		{"metadata_row_count_changed", "sql", func(dir string) string {
			edit(metaPath(dir), func(b []byte) []byte { return bytes.Replace(b, []byte("rows = 5000\n"), []byte("rows = 4000\n"), 1) })
			return dumpdir.MetadataName
		}, []string{"metadata file is corrupt"}},
		{"schema_invalid_sql", "sql", func(dir string) string {
			n := dumpdir.TableSchemaFile("bin", "big")
			replaceListed(dir, n, []byte("CREATE TABLE `big` (id INT PRIMARY KEY, v VARCHAR(40), n BIGINT, oops oops oops);\n"))
			return n
		}, []string{"statement 1", "Error"}},
		{"schema_unterminated_quote", "tsv", func(dir string) string {
			n := dumpdir.TableSchemaFile("bin", "big")
			replaceListed(dir, n, []byte("CREATE TABLE `big` (id INT PRIMARY KEY, v VARCHAR(40) DEFAULT 'x, n BIGINT);\n"))
			return n
		}, []string{"unterminated ' quote"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir() + "/dump"
			copyDir(t, dumps[c.from], dir)
			file := c.damage(dir)
			target := fmt.Sprintf("bin_bad%d", i)
			_, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, TargetDB: target, Threads: 2})
			if err == nil {
				t.Fatal("the damaged dump loaded")
			}
			for _, w := range append(c.want, file) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			var rows int64
			q := "SELECT COALESCE(SUM(TABLE_ROWS), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
			if err := Open(t, b, "").QueryRow(q, target).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			for _, tbl := range []string{"big", "small"} {
				var n int64
				err := Open(t, b, "").QueryRow("SELECT COUNT(*) FROM " + target + "." + tbl).Scan(&n)
				if err == nil && n > 0 {
					t.Errorf("%d rows of %s loaded from the damaged dump", n, tbl)
				}
			}
			t.Logf("error: %v", err)
		})
	}
}

// reseal replaces the CRC-32C on the last line of a sealed metadata file's content b with the
// one of its new content, as a newer sluice would have written it.
func reseal(t *testing.T, b []byte) []byte {
	t.Helper()
	i := bytes.LastIndex(b[:len(b)-1], []byte("\n")) + 1
	if !bytes.HasPrefix(b[i:], []byte("# crc32c ")) {
		t.Fatalf("metadata does not end with its CRC-32C: %q", b[i:])
	}
	return fmt.Appendf(b[:i:i], "# crc32c %08x\n", crc32.Checksum(b[:i], crc32.MakeTable(crc32.Castagnoli)))
}

// copyDir copies the files of directory src into a new directory dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
