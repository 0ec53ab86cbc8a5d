package roundtrip

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

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

// TestLoadMydumperDumps loads each mydumper 1.0.1 fixture (INSERT, --rows with zstd,
// --format LOAD_DATA with gzip, CSV) and fresh mydumper 0.10 dumps (plain; --rows with gzip) of
// Sakila with sluice load, and compares each with the source.
func TestLoadMydumperDumps(t *testing.T) {
	src := testserver.ForTest(t, testserver.Options{})
	dst := testserver.ForTest(t, testserver.Options{})
	LoadSakila(t, src)
	base := filepath.Join(testserver.SharedTestdata(t), "mydumper-1.0.1")
	for _, fixture := range []string{"sql", "sql-rows2000-zstd", "load-data-gzip", "csv"} {
		t.Run("1.0.1/"+fixture, func(t *testing.T) {
			db := "m10_" + strings.ReplaceAll(fixture, "-", "_")
			res := loadDir(t, dst, filepath.Join(base, fixture), db, loader.Options{Checksum: true})
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
		t.Run("0.10/"+v.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "dump")
			mydumper010(t, src, dir, append([]string{"-B", "sakila", "-G", "-E", "-R"}, v.args...)...)
			db := "m010_" + strings.ReplaceAll(v.name, "-", "_")
			loadDir(t, dst, dir, db, loader.Options{})
			equalMydumper(t, src, "sakila", dst, db)
		})
	}
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
