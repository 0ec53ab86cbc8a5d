package roundtrip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadWaitDumpEncrypted starts a load with WaitDump and the dump's age identity on a
// directory the dump has not created yet, then takes the dump encrypted to that identity:
// the load follows the encrypted schemas and progress markers (it logs that it loads the dump
// as it is written), finishes after the dump and the copy equals the source. Both markers are
// age files, so a dump being written shows no table name in clear either.
func TestLoadWaitDumpEncrypted(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	Exec(t, src, "CREATE DATABASE wde")
	CreateKeyShapes(t, src, "wde", 6000) // ~1,000 chunks of Rows 50 at -t 1: the dump lasts well over the load's 250 ms poll
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() + "/dump"
	ctx := context.Background()
	w := &followWatch{waiting: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, WaitDump: 2 * time.Minute,
			Identities: []age.Identity{id}, Log: Logger(w)})
		done <- err
	}()
	select { // the load polls before the dump begins
	case <-w.waiting:
	case err := <-done:
		t.Fatalf("load --wait-dump ended before the dump began: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("load --wait-dump never said it waits for the dump")
	}
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"wde"}, Threads: 1, Rows: 50,
		Recipients: []age.Recipient{id.Recipient()}}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("load --wait-dump of an encrypted dump: %v", err)
	}
	if !w.hasFollowed() {
		t.Errorf("the load did not follow the dump (no %q in its log): it loaded only the complete dump", followedMsg)
	}
	for _, name := range []string{dumpdir.SchemasName, dumpdir.ProgressName} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !dumpdir.IsEncrypted(body) || strings.Contains(string(body), "k_int") || strings.Contains(string(body), "wde") {
			t.Errorf("marker %s of an encrypted dump is not an age file", name)
		}
	}
	Equal(t, a, "wde", b, "wde")
}

// followedMsg is what the loader logs when it starts on a dump still being written.
const followedMsg = "loading the dump as it is written"

// followWatch is the loader's log in TestLoadWaitDumpEncrypted: waiting is closed at the
// loader's first "waiting for the dump" line, and followed records its followedMsg line.
type followWatch struct {
	mu       sync.Mutex
	waiting  chan struct{}
	waited   bool
	followed bool
}

func (w *followWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.waited && strings.Contains(string(p), "waiting for the dump to complete") {
		w.waited = true
		close(w.waiting)
	}
	if strings.Contains(string(p), followedMsg) {
		w.followed = true
	}
	return len(p), nil
}

func (w *followWatch) hasFollowed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.followed
}
