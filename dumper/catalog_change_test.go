package dumper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestDumpRefusesSchemaChangedBeforeLock changes the schema between the catalog read and the
// lock (a table created, a column added, a table dropped): the dump must fail naming what
// changed and write no metadata, instead of a dump missing a table or a column that exists at
// its binlog coordinates. An unchanged schema dumps as before.
func TestDumpRefusesSchemaChangedBeforeLock(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, q := range []string{"CREATE DATABASE cc", "CREATE TABLE cc.a (id INT PRIMARY KEY, v INT)", "INSERT INTO cc.a VALUES (1, 1)",
		"CREATE TABLE cc.b (id INT PRIMARY KEY)"} {
		if _, err := d.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ ddl, want string }{
		{"CREATE TABLE cc.c (id INT PRIMARY KEY)", "cc.c created"},
		{"ALTER TABLE cc.a ADD COLUMN w INT", "cc.a altered"},
		{"DROP TABLE cc.b", "cc.b dropped"},
		{"", ""},
	} {
		dir := filepath.Join(t.TempDir(), "dump")
		o := WithAfterCatalog(Options{OutDir: dir, Databases: []string{"cc"}, Threads: 2}, func() {
			if c.ddl != "" {
				if _, err := d.Exec(c.ddl); err != nil {
					t.Error(err)
				}
			}
		})
		_, err := Run(context.Background(), config(s), o)
		if c.ddl == "" {
			if err != nil {
				t.Errorf("unchanged schema: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "run the dump again") {
			t.Errorf("%s between the catalog and the lock: %v, want an error naming %q", c.ddl, err, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, dumpdir.MetadataName)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a metadata file was written (%v)", c.ddl, err)
		}
	}
}
