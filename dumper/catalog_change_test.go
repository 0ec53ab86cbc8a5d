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

// TestDumpRefusesSchemaChangedBeforeShowCreate alters a table after the lock is released and
// before the schema stage's SHOW CREATE (an instant ADD COLUMN, which the snapshot's reads do
// not notice): the dump must fail naming the table and write no metadata, instead of a schema
// file newer than its binlog coordinates. A table created in that gap is no error (the binlog
// from the coordinates creates it). The dump is schema-only (--no-data) so that no snapshot
// read holds the table's metadata lock, which would make the ALTER wait for the dump's end.
func TestDumpRefusesSchemaChangedBeforeShowCreate(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	d, err := s.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, q := range []string{"CREATE DATABASE cs", "CREATE TABLE cs.a (id INT PRIMARY KEY, v INT)", "INSERT INTO cs.a VALUES (1, 1)"} {
		if _, err := d.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ ddl, want string }{
		{"ALTER TABLE cs.a ADD COLUMN w INT NOT NULL DEFAULT 7, ALGORITHM=INSTANT", "cs.a altered"},
		{"CREATE TABLE cs.c (id INT PRIMARY KEY)", ""},
	} {
		dir := filepath.Join(t.TempDir(), "dump")
		o := WithBeforeSchemas(Options{OutDir: dir, Databases: []string{"cs"}, Threads: 2, NoData: true}, func() {
			// The lock may still be held: the ALTER then waits for its release, as on a live server.
			if _, err := d.Exec(c.ddl); err != nil {
				t.Error(err)
			}
		})
		_, err := Run(context.Background(), config(s), o)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s before SHOW CREATE: %v, want no error", c.ddl, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "run the dump again") {
			t.Errorf("%s before SHOW CREATE: %v, want an error naming %q", c.ddl, err, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, dumpdir.MetadataName)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a metadata file was written (%v)", c.ddl, err)
		}
	}
}
