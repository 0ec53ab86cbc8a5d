package dumpdir

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fixtures returns ../shared/testdata/mydumper-1.0.1, skipping when it is absent outside CI.
func fixtures(t *testing.T) string {
	t.Helper()
	for _, d := range []string{"../../../shared/testdata/mydumper-1.0.1", "../../shared/testdata/mydumper-1.0.1"} {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("mydumper-1.0.1 fixtures not found")
	}
	t.Skip("mydumper-1.0.1 fixtures not found")
	return ""
}

func TestReadMydumper10Fixtures(t *testing.T) {
	base := fixtures(t)
	for _, c := range []struct {
		dir, format, compression string
		paymentFiles             int
	}{
		{"sql", "sql", "", 1},
		{"sql-rows2000-zstd", "sql", CompressZstd, 9},
		{"load-data-gzip", FormatLoadData, CompressGzip, 1},
		{"csv", FormatLoadData, "", 1},
	} {
		t.Run(c.dir, func(t *testing.T) {
			m, err := ReadMetadata(filepath.Join(base, c.dir))
			if err != nil {
				t.Fatal(err)
			}
			if m.Producer != ProducerMydumper || m.Checksums || m.Statements != StatementsMydumper {
				t.Errorf("producer %q checksums %v statements %q", m.Producer, m.Checksums, m.Statements)
			}
			want := [][2]string{{"Executed_Gtid_Set", "0-13701-519"}, {"File", "binlog.000001"}, {"Position", "466493525"}}
			if !reflect.DeepEqual(m.Source, want) {
				t.Errorf("source %q, want %q", m.Source, want)
			}
			if len(m.Databases) != 1 || m.Databases[0].Name != "sakila" || m.Databases[0].PostFile == "" || m.Databases[0].TriggersFile == "" || m.Databases[0].SchemaFile == "" {
				t.Fatalf("databases %+v", m.Databases)
			}
			kinds := map[string]int{}
			for _, tb := range m.Tables {
				kinds[tb.Kind]++
				if tb.Name == "payment" {
					if tb.Format != c.format || tb.Compression != c.compression || len(tb.DataFiles) != c.paymentFiles || tb.Rows != 16049 || tb.Bytes == 0 {
						t.Errorf("payment: %+v", tb)
					}
				}
				if tb.Kind == KindView && (len(tb.DataFiles) > 0 || tb.SchemaFile != "sakila."+tb.Name+"-schema-view.sql"+Suffix(c.compression)) {
					t.Errorf("view %+v", tb)
				}
			}
			if kinds[KindTable] != 16 || kinds[KindView] != 7 {
				t.Errorf("kinds %v, want 16 tables and 7 views", kinds)
			}
		})
	}
}

func TestReadMydumper010(t *testing.T) {
	dir := t.TempDir()
	meta := "Started dump at: 2026-12-01 18:20:08\nSHOW MASTER STATUS:\n\tLog: binlog.000001\n\tPos: 4684280\n\tGTID:0-37575-61\n\nFinished dump at: 2026-12-01 18:20:08\n"
	for name, body := range map[string]string{
		MetadataName: meta, "db-schema-create.sql": "", "db.t-schema.sql": "", "db.t.sql": "x",
		"db.u-schema.sql.gz": "", "db.u.00001.sql.gz": "x", "db.u.00000.sql.gz": "x", "db.t-schema-triggers.sql": "", "db.s-schema-sequence.sql": "",
		"db.v.00001.00000.sql": "x", "db.v.00000.00010.sql": "x", "db.v.00000.00002.sql": "x",
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600)
	}
	m, err := ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"File", "binlog.000001"}, {"Position", "4684280"}, {"Executed_Gtid_Set", "0-37575-61"}}
	if !reflect.DeepEqual(m.Source, want) || m.Finished.IsZero() {
		t.Errorf("source %q finished %v", m.Source, m.Finished)
	}
	var seq *Table
	for i := range m.Tables {
		if m.Tables[i].Name == "s" {
			s := m.Tables[i]
			seq = &s
			m.Tables = append(m.Tables[:i], m.Tables[i+1:]...)
			break
		}
	}
	if seq == nil || seq.Kind != KindSequence || seq.SchemaFile != "db.s-schema-sequence.sql" {
		t.Errorf("sequence %+v", seq)
	}
	for i, tb := range m.Tables {
		if tb.Name == "v" {
			if want := []string{"db.v.00000.00002.sql", "db.v.00000.00010.sql", "db.v.00001.00000.sql"}; !reflect.DeepEqual(tb.DataFiles, want) {
				t.Errorf("two-level chunks in order %q, want %q", tb.DataFiles, want)
			}
			m.Tables = append(m.Tables[:i], m.Tables[i+1:]...)
			break
		}
	}
	if len(m.Tables) != 2 || m.Tables[0].TriggersFile != "db.t-schema-triggers.sql" ||
		!reflect.DeepEqual(m.Tables[1].DataFiles, []string{"db.u.00000.sql.gz", "db.u.00001.sql.gz"}) || m.Tables[1].Compression != CompressGzip {
		t.Errorf("tables %+v", m.Tables)
	}
	os.WriteFile(filepath.Join(dir, MetadataName), []byte("Started dump at: 2026-12-01 18:20:08\n"), 0o600)
	if _, err := ReadMetadata(dir); err == nil {
		t.Error("a mydumper dump without its finish line was accepted")
	}
}
