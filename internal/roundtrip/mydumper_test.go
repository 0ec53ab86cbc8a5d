package roundtrip

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/compare"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// semicolonSpaces is a ";" at a line end followed by spaces.
var semicolonSpaces = regexp.MustCompile(`; +\n`)

// equalMydumper is Equal for a restore of a mydumper dump, or of a sluice dump by myloader:
// mydumper writes the ";\n" inside a routine's, trigger's or event's body as "; \n" (so that
// myloader does not end the statement there), sluice adds a space after every ";" at a line end
// (sqlscript.EncodeBody), and myloader's restore keeps them, so definitions are compared with
// the spaces between a ";" and a line end removed on both sides. Everything else must be equal.
func equalMydumper(t *testing.T, sa *testserver.Server, a string, sb *testserver.Server, b string) {
	t.Helper()
	ctx := context.Background()
	want, err := compare.Take(ctx, Open(t, sa, ""), a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := compare.Take(ctx, Open(t, sb, ""), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("database %s is empty on the source: nothing compared", a)
	}
	for _, s := range []compare.Snapshot{want, got} {
		for k, v := range s {
			if strings.HasPrefix(k, "trigger ") || strings.HasPrefix(k, "procedure ") || strings.HasPrefix(k, "function ") || strings.HasPrefix(k, "event ") {
				s[k] = semicolonSpaces.ReplaceAllString(v, ";\n")
			}
		}
	}
	if d := compare.Diff(want, got); len(d) > 0 {
		t.Fatalf("%s differs after restore:\n%s", a, strings.Join(d, "\n"))
	}
}

// loadDir loads the dump in dir into database db of s with sluice's loader, keeping its journal
// out of dir (the shared fixtures are read-only).
func loadDir(t *testing.T, s *testserver.Server, dir, db string, lo loader.Options) *loader.Result {
	t.Helper()
	lo.Dir, lo.TargetDB, lo.Journal = dir, db, filepath.Join(t.TempDir(), "journal")
	if lo.Threads == 0 {
		lo.Threads = 2
	}
	res, err := loader.Run(context.Background(), Config(s), lo)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return res
}

// TestMydumperCompat checks sluice against mydumper's formats on one source (Sakila) and one
// target server: each mydumper 1.0.1 fixture (INSERT, --rows with zstd, --format LOAD_DATA with
// gzip, CSV) and fresh mydumper 0.10 dumps (plain; --rows with gzip) load with sluice load and
// equal the source; myloader's --no-data then --no-schemas sequence loads a fixture; Debian's
// myloader 0.10 loads a sluice dump; that dump reads the way myloader 1.0 reads a dump; and a dump
// sluice wrote before format_version 2 still loads.
func TestMydumperCompat(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{})
	dst := testserver.ForTest(t, testserver.Options{})
	LoadSakila(t, src)
	base := filepath.Join(testserver.SharedTestdata(t), "mydumper-1.0.1")
	for _, fixture := range []string{"sql", "sql-rows2000-zstd", "load-data-gzip", "csv"} {
		t.Run("load 1.0.1 "+fixture, func(t *testing.T) {
			db := "m10_" + strings.ReplaceAll(fixture, "-", "_")
			res := loadDir(t, dst, filepath.Join(base, fixture), db, loader.Options{Checksum: loader.ChecksumFail})
			if res.Rows != 47273 {
				t.Errorf("metadata rows %d, want Sakila's 47273", res.Rows)
			}
			equalMydumper(t, src, "sakila", dst, db)
		})
	}
	for _, v := range []struct {
		name string
		args []string
	}{{"plain", nil}, {"rows-gzip", []string{"--rows", "2000", "--compress"}}} {
		t.Run("load 0.10 "+v.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "dump")
			mydumper010(t, src, dir, append([]string{"-B", "sakila", "-G", "-E", "-R"}, v.args...)...)
			db := "m010_" + strings.ReplaceAll(v.name, "-", "_")
			loadDir(t, dst, dir, db, loader.Options{})
			equalMydumper(t, src, "sakila", dst, db)
		})
	}
	t.Run("load 1.0.1 sql --no-data then --no-schemas", func(t *testing.T) {
		// As with myloader, triggers that exist while the data loads would fire (ins_film
		// writes film_text): the tables are made without them, and compared without them.
		dir := filepath.Join(base, "sql")
		loadDir(t, dst, dir, "m10_split", loader.Options{NoData: true, SkipTriggers: true})
		var n int
		if err := Open(t, dst, "").QueryRow("SELECT COUNT(*) FROM m10_split.payment").Scan(&n); err != nil || n != 0 {
			t.Fatalf("--no-data loaded %d payment rows (%v)", n, err)
		}
		loadDir(t, dst, dir, "m10_split", loader.Options{NoSchemas: true})
		want, got := snapshotOf(t, src, "sakila"), snapshotOf(t, dst, "m10_split")
		for k := range want {
			if strings.HasPrefix(k, "trigger ") {
				delete(want, k)
			}
		}
		if d := compare.Diff(want, got); len(d) > 0 {
			t.Fatalf("differs:\n%s", strings.Join(d, "\n"))
		}
	})
	sluiceDump := filepath.Join(t.TempDir(), "sluice")
	if _, err := dumper.Run(context.Background(), Config(src), dumper.Options{OutDir: sluiceDump, Databases: []string{"sakila"}, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	t.Run("myloader 0.10 loads a sluice dump", func(t *testing.T) { myloader010Loads(t, sluiceDump, dst, src) })
	t.Run("a sluice dump reads as myloader 1.0 reads it", func(t *testing.T) { readsAsMyloader10(t, sluiceDump, src, base) })
	t.Run("a sluice format_version 1 dump still loads", func(t *testing.T) { loadsFormatVersion1(t, src, dst) })
}

// snapshotOf is compare.Take of database db on s, with semicolonSpaces read as ";\n".
func snapshotOf(t *testing.T, s *testserver.Server, db string) compare.Snapshot {
	t.Helper()
	snap, err := compare.Take(context.Background(), Open(t, s, ""), db)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range snap {
		snap[k] = semicolonSpaces.ReplaceAllString(v, ";\n")
	}
	return snap
}

// mydumper010 runs Debian's mydumper (0.10) against s into dir.
func mydumper010(t *testing.T, s *testserver.Server, dir string, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("mydumper")
	if err != nil {
		t.Fatalf("mydumper is not installed (apt-get install mydumper): %v", err)
	}
	all := append([]string{"-h", s.Host, "-P", strconv.Itoa(s.Port), "-u", s.User, "-p", s.Password, "-t", "2", "-o", dir}, args...)
	if out, err := exec.Command(bin, all...).CombinedOutput(); err != nil {
		t.Fatalf("mydumper: %v\n%s", err, out)
	}
}
