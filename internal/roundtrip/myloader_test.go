package roundtrip

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/compare"
	"github.com/sluicedb/sluice/internal/sqlscript"
	"github.com/sluicedb/sluice/internal/testserver"
	"gopkg.in/ini.v1"
)

// myloader010Loads loads the sluice dump of Sakila in dir into dst with Debian's myloader (0.10)
// and compares it with src. myloader runs the routines' and triggers' bodies with the extra
// space EncodeBody gives a ";" at a line end, as it does for mydumper's own dumps.
func myloader010Loads(t *testing.T, dir string, dst, src *testserver.Server) {
	bin, err := exec.LookPath("myloader")
	if err != nil {
		t.Fatalf("myloader is not installed (apt-get install mydumper): %v", err)
	}
	cmd := exec.Command(bin, "-h", dst.Host, "-P", strconv.Itoa(dst.Port), "-u", dst.User, "-p", dst.Password, "-t", "2", "-d", dir)
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "CRITICAL") || strings.Contains(string(out), "Error") {
		t.Fatalf("myloader: %v\n%s", err, out)
	}
	equalMydumper(t, src, "sakila", dst, "sakila")
}

// myloader10Options are the long options myloader 1.0 accepts (myloader_arguments.c and the
// connection options it shares with mydumper): it parses every key of a metadata file's
// [config] section as "--key value" and refuses the file for any other key.
var myloader10Options = map[string]bool{
	"quote-character": true, "local-infile": true, "num-sequences": true, "max-statement-size": true,
}

// readsAsMyloader10 checks the sluice dump of Sakila in dir against the way myloader 1.0 reads a
// dump (myloader_process.c, myloader_restore.c), using the mydumper 1.0.1 Sakila fixture in
// fixtures as the reference: [config] keys that are myloader options only, no
// [myloader_session_variables] keys of sluice's, one [`db`.`table`] section per table with the
// fixture's real_table_name, rows and is_view, and schema files that split by myloader's rule
// (a statement ends at a line ending with ";", no DELIMITER) into statements that run as they
// are and give the source's objects.
func readsAsMyloader10(t *testing.T, dir string, src *testserver.Server, fixtures string) {
	opts := ini.LoadOptions{AllowNonUniqueSections: false, IgnoreInlineComment: true, ChildSectionDelimiter: "\x00", KeyValueDelimiters: "="}
	got, err := ini.LoadSources(opts, filepath.Join(dir, "metadata"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ini.LoadSources(opts, filepath.Join(fixtures, "sql", "metadata"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metadata"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "\n# Started dump at: ") || !strings.Contains(string(raw), "\n# Finished dump at: ") {
		t.Errorf("metadata lacks mydumper 1.0's \"# Started dump at\" or \"# Finished dump at\" line")
	}
	if !got.HasSection("config") {
		t.Fatal("no [config] section: myloader 1.0 refuses the dump")
	}
	for _, k := range got.Section("config").KeyStrings() {
		if !myloader10Options[k] {
			t.Errorf("[config] %s: not a myloader option (myloader 1.0: Unknown option --%s)", k, k)
		}
	}
	if q := got.Section("config").Key("quote-character").String(); q != "BACKTICK" {
		t.Errorf("[config] quote-character = %q, want BACKTICK", q)
	}
	if s, err := got.GetSection("myloader_session_variables"); err == nil {
		t.Errorf("[myloader_session_variables] holds %v: sluice writes none", s.KeyStrings())
	}
	tables := 0
	for _, rs := range ref.Sections() {
		name := rs.Name()
		if !strings.HasPrefix(name, "`sakila`.`") {
			continue
		}
		tables++
		gs, err := got.GetSection(name)
		if err != nil {
			t.Errorf("no [%s] section (the fixture has one)", name)
			continue
		}
		for _, k := range []string{"real_table_name", "rows", "is_view"} {
			if gs.Key(k).String() != rs.Key(k).String() {
				t.Errorf("[%s] %s = %q, mydumper 1.0.1 writes %q", name, k, gs.Key(k).String(), rs.Key(k).String())
			}
		}
	}
	if tables != 23 {
		t.Fatalf("the fixture has %d table sections, want Sakila's 23", tables)
	}

	// Run the schema files' statements as myloader would: split by its rule, nothing decoded.
	d := Open(t, src, "")
	Exec(t, d, "CREATE DATABASE asmyloader")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var kinds = []string{"-schema-create.sql", "-schema.sql", "-schema-view.sql", "-schema-triggers.sql", "-schema-post.sql"}
	creates := map[string]int{}
	conn, err := d.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "USE asmyloader"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range kinds {
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), kind) || kind == "-schema.sql" && strings.Contains(e.Name(), "-schema-") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(line)), "DELIMITER") {
					t.Fatalf("%s: a DELIMITER line: myloader 1.0 sends it to the server", e.Name())
				}
			}
			for _, s := range sqlscript.SplitLines(string(b)) {
				if kind == "-schema-create.sql" {
					continue // the database is asmyloader
				}
				for _, obj := range []string{" TRIGGER ", " PROCEDURE ", " FUNCTION ", " VIEW ", "CREATE TABLE "} {
					if strings.HasPrefix(s, "CREATE ") && strings.Contains(s, obj) {
						creates[strings.TrimSpace(obj)]++
						break
					}
				}
				if _, err := conn.ExecContext(context.Background(), s); err != nil {
					t.Fatalf("%s: %.120s: %v", e.Name(), s, err)
				}
			}
		}
	}
	if creates["TRIGGER"] != 6 || creates["PROCEDURE"] != 3 || creates["FUNCTION"] != 3 || creates["VIEW"] != 7 || creates["CREATE TABLE"] != 16 {
		t.Errorf("CREATE statements as myloader splits them: %v, want Sakila's 6 triggers, 3 procedures, 3 functions, 7 views, 16 tables", creates)
	}
	// Data is not part of this check: compare the objects only.
	equalObjects(t, src, "sakila", "asmyloader")
}

// equalObjects fails unless databases a and b of s hold the same views, triggers, routines and
// events, and tables of the same definition, with mydumper's "; \n" taken as ";\n".
func equalObjects(t *testing.T, s *testserver.Server, a, b string) {
	t.Helper()
	want := snapshotNoData(t, s, a)
	got := snapshotNoData(t, s, b)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got\n%s\nwant\n%s", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %s", k)
		}
	}
}

// snapshotNoData is compare.Take without the tables' data, with "; \n" read as ";\n".
func snapshotNoData(t *testing.T, s *testserver.Server, db string) compare.Snapshot {
	t.Helper()
	snap := snapshotOf(t, s, db)
	for k := range snap {
		if strings.HasPrefix(k, "data ") {
			delete(snap, k)
		}
	}
	return snap
}
