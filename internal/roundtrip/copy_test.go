package roundtrip

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/sluicedb/sluice/copier"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestCopyRoundTrip copies hard values, key shapes and Sakila (views, routines, triggers,
// events) from one server to another with two threads a side and small chunks, and compares
// every database by CHECKSUM TABLE and objects; the staging directory is gone afterwards.
func TestCopyRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	Exec(t, src, "CREATE DATABASE keys_db")
	CreateKeyShapes(t, src, "keys_db", 3000)
	LoadSakila(t, a)
	stage := t.TempDir()
	dbs := []string{"hardv", "keys_db", "sakila"}
	_, err := copier.Run(context.Background(), Config(a), Config(b), copier.Options{
		Dump:     dumper.Options{Databases: dbs, Threads: 2, Rows: 500},
		Load:     loader.Options{Threads: 2, DeferMinRows: 0},
		StageDir: stage,
	})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	for _, db := range dbs {
		Equal(t, a, db, b, db)
	}
	if left, _ := os.ReadDir(stage); len(left) != 0 {
		t.Fatalf("staging directory not removed: %d entries left in %s", len(left), stage)
	}
}

// TestCopyRenameAndFilter copies one database into another name on the same server, with a
// --where filter: the copy holds exactly the rows meeting it.
func TestCopyRenameAndFilter(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE ren", "CREATE TABLE ren.t (id INT PRIMARY KEY, v VARCHAR(10), KEY (v))")
	for i := 0; i < 50; i++ {
		Exec(t, src, fmt.Sprintf("INSERT INTO ren.t VALUES (%d, 'v%d')", i, i%7))
	}
	_, err := copier.Run(context.Background(), Config(a), Config(a), copier.Options{
		Dump:     dumper.Options{Databases: []string{"ren"}, Threads: 2, Where: "id < 20"},
		Load:     loader.Options{Threads: 2, TargetDB: "ren_copy"},
		StageDir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	var n int
	if err := src.QueryRow("SELECT COUNT(*) FROM ren_copy.t WHERE id < 20").Scan(&n); err != nil || n != 20 {
		t.Fatalf("ren_copy.t has %d rows under id 20 (%v), want 20", n, err)
	}
	if err := src.QueryRow("SELECT COUNT(*) FROM ren_copy.t").Scan(&n); err != nil || n != 20 {
		t.Fatalf("ren_copy.t has %d rows (%v), want 20: --where not applied", n, err)
	}
}
