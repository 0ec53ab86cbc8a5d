package roundtrip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/sqlscript"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// loadsFormatVersion1 loads a dump in the layout sluice wrote before format_version 2 —
// sluice's keys in [config], triggers and routines in DELIMITER ;; blocks — into dst and compares
// it exactly with src. The old dump is made from a new one: its schema files rewritten in the
// old form (with their sizes and CRC-32C), its metadata's [sluice] keys moved to [config].
func loadsFormatVersion1(t *testing.T, src, dst *testserver.Server) {
	d := Open(t, src, "")
	Exec(t, d, "CREATE DATABASE v1", "CREATE TABLE v1.t (id INT PRIMARY KEY, n INT)", "CREATE TABLE v1.log (id INT)",
		"INSERT INTO v1.t VALUES (1, 1), (2, 4)",
		"CREATE TRIGGER v1.tr AFTER INSERT ON v1.t FOR EACH ROW BEGIN\n  INSERT INTO v1.log VALUES (NEW.id);\n  INSERT INTO v1.log VALUES (NEW.id + 1); \nEND",
		"CREATE PROCEDURE v1.p() BEGIN\n  SELECT 1;\n  SELECT 2;\nEND",
		"CREATE VIEW v1.v AS SELECT id FROM v1.t")
	dir := filepath.Join(t.TempDir(), "dump")
	if _, err := dumper.Run(context.Background(), Config(src), dumper.Options{OutDir: dir, Databases: []string{"v1"}, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	m, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := func(name string) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for _, s := range sqlscript.SplitLines(string(b)) {
			s = sqlscript.DecodeBody(s)
			if strings.HasPrefix(s, "CREATE ") && strings.Contains(s, "\n") {
				out.WriteString("DELIMITER ;;\n" + s + " ;;\nDELIMITER ;\n")
			} else {
				out.WriteString(s + ";\n")
			}
		}
		if !strings.Contains(out.String(), "DELIMITER ;;\nCREATE") {
			t.Fatalf("%s: no DELIMITER block written:\n%s", name, out.String())
		}
		fi, err := dumpdir.WriteFile(dir, name, []byte(out.String()))
		if err != nil {
			t.Fatal(err)
		}
		m.Files[name] = fi
	}
	for _, tb := range m.Tables {
		if tb.TriggersFile != "" {
			old(tb.TriggersFile)
		}
	}
	old(m.Databases[0].PostFile)
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "metadata"))
	v1 := strings.Replace(string(meta), "[config]\nquote-character = BACKTICK\n\n[sluice]\nformat_version = 2\n", "[config]\nformat_version = 1\nquote_character = BACKTICK\n", 1)
	if v1 == string(meta) {
		t.Fatal("the metadata layout changed: update this test")
	}
	// Before format_version 2 the file was not sealed: drop the seal's first and last lines.
	lines := strings.Split(strings.TrimSuffix(v1, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "# sluice dump metadata, sealed") || !strings.HasPrefix(lines[len(lines)-1], "# crc32c ") {
		t.Fatal("the metadata seal changed: update this test")
	}
	v1 = strings.Join(lines[1:len(lines)-1], "\n") + "\n"
	os.WriteFile(filepath.Join(dir, "metadata"), []byte(v1), 0o600)
	if m, err := dumpdir.ReadMetadata(dir); err != nil || m.FormatVersion != 1 || m.Statements != dumpdir.StatementsDelimiter {
		t.Fatalf("not read as format_version 1: %+v, %v", m, err)
	}
	if _, err := loader.Run(context.Background(), Config(dst), loader.Options{Dir: dir, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	Equal(t, src, "v1", dst, "v1")
}
