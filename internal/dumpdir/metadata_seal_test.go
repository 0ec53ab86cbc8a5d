package dumpdir

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sampleMetadata is a small metadata file's content with one database and two tables.
func sampleMetadata(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	m := &Metadata{
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC),
		Source:    [][2]string{{"File", "binlog.000001"}, {"Position", "328"}},
		Databases: []Database{{Name: "d", SchemaFile: DatabaseSchemaFile("d")}},
		Tables: []Table{
			{Database: "d", Name: "t", Kind: KindTable, SchemaFile: TableSchemaFile("d", "t"), DataFiles: []string{DataFile("d", "t", 0, "sql")},
				Format: "sql", Columns: []string{"id"}, Rows: 3, Bytes: 40, CharacterSet: "binary"},
			{Database: "d", Name: "v", Kind: KindView, SchemaFile: ViewSchemaFile("d", "v")},
		},
		Files: map[string]FileInfo{DataFile("d", "t", 0, "sql"): {Name: DataFile("d", "t", 0, "sql"), Size: 40, CRC32C: 0x1234abcd}},
	}
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, MetadataName))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestMetadataSealRefusesDamage checks that a sealed metadata file cut at any length, or with
// any one byte changed, is refused with an error naming the file, never read as a smaller dump.
func TestMetadataSealRefusesDamage(t *testing.T) {
	raw := sampleMetadata(t)
	dir := t.TempDir()
	path := filepath.Join(dir, MetadataName)
	read := func(b []byte) error {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ReadMetadata(dir)
		return err
	}
	if err := read(raw); err != nil {
		t.Fatalf("intact metadata refused: %v", err)
	}
	for n := 0; n < len(raw); n++ {
		if err := read(raw[:n]); err == nil {
			t.Fatalf("metadata cut to %d of %d bytes accepted", n, len(raw))
		} else if !strings.Contains(err.Error(), dir) {
			t.Fatalf("cut to %d bytes: error %q does not name the file", n, err)
		}
	}
	b := make([]byte, len(raw))
	for i := range raw {
		for _, x := range []byte{0x01, 0x20, 0xff} {
			copy(b, raw)
			b[i] ^= x
			if err := read(b); err == nil {
				t.Fatalf("metadata with byte %d (%q) changed to %q accepted", i, raw[i], b[i])
			}
		}
	}
}

// TestMetadataRefusesPathsOutsideTheDump checks that a file name with a directory in it is
// refused, whichever list names it.
func TestMetadataRefusesPathsOutsideTheDump(t *testing.T) {
	for _, name := range []string{"../etc/passwd", "/etc/passwd", "a/b.sql", "..", "x\\y"} {
		dir := t.TempDir()
		m := &Metadata{Started: time.Now(), Finished: time.Now(),
			Tables: []Table{{Database: "d", Name: "t", Kind: KindTable, DataFiles: []string{name}}}}
		if err := m.Write(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadMetadata(dir); err == nil || !strings.Contains(err.Error(), "not a file name inside the dump directory") {
			t.Errorf("data file %q: %v", name, err)
		}
	}
}

// FuzzReadMetadata feeds the metadata parser arbitrary files (seeds: testdata/fuzz and a sealed
// sluice file). It must never panic; when it accepts a file, encoding what it read and reading
// that back must give the same Metadata.
func FuzzReadMetadata(f *testing.F) {
	f.Add(sampleMetadata(f))
	f.Add([]byte("[config]\nformat_version = 1\nstarted_at = 2026-01-02T03:04:05Z\nfinished_at = 2026-01-02T03:05:05Z\n[files]\na = 1 2\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parseMetadata("metadata", raw)
		if err != nil {
			return
		}
		again, err := parseMetadata("metadata", m.encode())
		if err != nil {
			t.Fatalf("parseMetadata of what encode wrote: %v\n%q", err, raw)
		}
		normalize(m)
		normalize(again)
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("encoded and read again:\n got %+v\nwant %+v\nfrom %q", again, m, raw)
		}
	})
}

// normalize makes a Metadata comparable after a round trip: times in UTC, nil and empty lists
// alike.
func normalize(m *Metadata) {
	m.Started, m.Finished = m.Started.UTC(), m.Finished.UTC()
	for i := range m.Tables {
		if len(m.Tables[i].DataFiles) == 0 {
			m.Tables[i].DataFiles = nil
		}
		if len(m.Tables[i].Columns) == 0 {
			m.Tables[i].Columns = nil
		}
	}
}
