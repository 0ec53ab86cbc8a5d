package dumpdir

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestMetadataRoundTrip(t *testing.T) {
	dir := t.TempDir()
	weird := "we]ird `t` = \"x\"; #not a comment\\ é"
	m := &Metadata{
		Producer: ProducerSluice, FormatVersion: FormatVersion, Statements: StatementsEncoded, Checksums: true,
		Started:     time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC),
		Finished:    time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC),
		LockSeconds: 0.25,
		Source:      [][2]string{{"File", "binlog.000001"}, {"Position", "328"}, {"Executed_Gtid_Set", "0-1-5"}},
		Databases:   []Database{{Name: weird, SchemaFile: DatabaseSchemaFile(weird)}},
		Tables: []Table{{
			Database: weird, Name: "a.b c", Kind: KindTable, SchemaFile: TableSchemaFile(weird, "a.b c"),
			DataFiles: []string{DataFile(weird, "a.b c", 0, "sql"), DataFile(weird, "a.b c", 1, "sql")},
			Format:    "sql", Columns: []string{"id", "we\"ird col", "x y"}, Rows: 12, Bytes: 3400,
			CharacterSet: "binary", LoadClause: `FIELDS TERMINATED BY '\t'`,
			Checksum: "crc32-sum", Chunks: []Chunk{{Sum: "5 123", Where: "`id` < 6", Files: []string{DataFile(weird, "a.b c", 0, "sql")}},
				{Sum: "7 18446744073709551615", Where: "`k` > _utf8mb4 X'2722' AND `s` <= 'a\\'\"#;'"}, {Sum: "0 0", Where: "", Files: []string{DataFile(weird, "a.b c", 0, "sql"), DataFile(weird, "a.b c", 1, "sql")}}},
		}},
		Files:        map[string]FileInfo{"a.sql": {Name: "a.sql", Size: 10, CRC32C: 0xdeadbeef}},
		AccountsFile: "accounts.json",
	}
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, m)
	}
	st, err := os.Stat(filepath.Join(dir, MetadataName))
	if err != nil || st.Mode().Perm() != FileMode {
		t.Fatalf("metadata mode %v, err %v", st.Mode(), err)
	}
}

// TestReadMetadataVersion1 reads the layout sluice wrote before format_version 2, with its keys
// in [config] and DELIMITER blocks in its schema files.
func TestReadMetadataVersion1(t *testing.T) {
	dir := t.TempDir()
	v1 := "[config]\nformat_version = 1\nquote_character = BACKTICK\nstarted_at = 2026-01-02T03:04:05Z\nfinished_at = 2026-01-02T03:05:05Z\nlock_seconds = 0.250\n\n" +
		"[source]\nFile = \"binlog.000001\"\n\n[`d`]\nkind = database\ndatabase = \"d\"\nschema_file = d-schema-create.sql\npost_file = \n\n" +
		"[`d`.`t`]\nkind = table\ndatabase = \"d\"\ntable = \"t\"\nschema_file = d.t-schema.sql\ntriggers_file = \nrows = 2\nbytes = 9\nformat = sql\ncompression = \ncharacter_set = binary\nload_clause = \"\"\ncolumns = \"a\"\ndata_files = d.t.00000.sql\n\n" +
		"[files]\nd.t.00000.sql = 9 0000abcd\n"
	os.WriteFile(filepath.Join(dir, MetadataName), []byte(v1), 0o600)
	m, err := ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.FormatVersion != 1 || m.Statements != StatementsDelimiter || !m.Checksums || m.Finished.IsZero() || len(m.Tables) != 1 || m.Tables[0].Rows != 2 || m.Files["d.t.00000.sql"].CRC32C != 0xabcd {
		t.Fatalf("got %+v", m)
	}
}

func TestReadMetadataIncomplete(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadMetadata(dir); err == nil {
		t.Fatal("missing metadata accepted")
	}
	os.WriteFile(filepath.Join(dir, MetadataName), []byte("[config]\nformat_version = 1\n"), 0o600)
	if _, err := ReadMetadata(dir); err == nil {
		t.Fatal("metadata without finish time accepted")
	}
}

func TestVerifyDetectsCorruption(t *testing.T) {
	dir := t.TempDir()
	fi, err := WriteFile(dir, "x.sql", []byte("INSERT INTO t VALUES (1);\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(dir, fi); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "x.sql"), []byte("INSERT INTO t VALUES (2);\n"), 0o600)
	if err := Verify(dir, fi); err == nil {
		t.Fatal("corrupt file verified")
	}
}

func TestEscapeName(t *testing.T) {
	for in, want := range map[string]string{"sakila": "sakila", "a.b c": "a%2Eb%20c", "x/y": "x%2Fy", "é": "%C3%A9"} {
		if got := EscapeName(in); got != want {
			t.Errorf("EscapeName(%q) = %q, want %q", in, got, want)
		}
	}
}
