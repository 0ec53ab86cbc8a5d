package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

// TestListAndPruneCommands runs `sluice list` (text and --json) and `sluice prune --dry-run`
// then for real over a complete and a running dump.
func TestListAndPruneCommands(t *testing.T) {
	parent := t.TempDir()
	start := time.Now().Add(-48 * time.Hour)
	for i, name := range []string{"old", "new"} {
		dir := filepath.Join(parent, name)
		os.MkdirAll(dir, dumpdir.DirMode)
		s := start.Add(time.Duration(i) * 24 * time.Hour)
		m := &dumpdir.Metadata{Started: s, Finished: s.Add(time.Minute), Files: map[string]dumpdir.FileInfo{},
			Source: [][2]string{{"Executed_Gtid_Set", "0-1-9"}, {"flavor", "mariadb"}, {"version", "10.11.6"}, {"server_id", "1"}}}
		if err := m.Save(context.Background(), dumpdir.Local(dir)); err != nil {
			t.Fatal(err)
		}
	}
	live := filepath.Join(parent, "live")
	os.MkdirAll(live, dumpdir.DirMode)
	dumpdir.Local(live).WriteStatus(context.Background(), dumpdir.Status{State: dumpdir.StateRunning, Started: time.Now(), Heartbeat: time.Now()})

	var out bytes.Buffer
	if err := listDumps(context.Background(), listOptions{parent: parent}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "STARTED") || !strings.Contains(lines[1], "running") ||
		!strings.Contains(lines[2], "complete") || !strings.Contains(lines[2], "0-1-9") || !strings.HasSuffix(lines[3], "old") {
		t.Fatalf("list:\n%s", out.String())
	}
	out.Reset()
	if err := listDumps(context.Background(), listOptions{parent: parent, json: true}, &out); err != nil {
		t.Fatal(err)
	}
	var dumps []catalog.Dump
	if err := json.Unmarshal(out.Bytes(), &dumps); err != nil || len(dumps) != 3 || dumps[2].GTIDSet != "0-1-9" {
		t.Fatalf("list --json: %v\n%s", err, out.String())
	}

	log := slog.New(slog.DiscardHandler)
	out.Reset()
	o := pruneOptions{parent: parent, policy: catalog.Policy{KeepLast: 1}, dryRun: true}
	if err := prune(context.Background(), o, &out, log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "would remove old") {
		t.Fatalf("prune --dry-run:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(parent, "old")); err != nil {
		t.Fatal("the dry run removed a dump")
	}
	if err := pruneAfterDump(context.Background(), filepath.Join(parent, "new"), 1, log); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Fatalf("after dump --keep-last 1: %d entries, want new and live", len(entries))
	}
	fs := newFlagSet("prune")
	po := pruneCommand().flags(fs)
	if err := fs.parse([]string{parent}); err != nil {
		t.Fatal(err)
	}
	if err := po.check(fs); err == nil {
		t.Fatal("prune without a --keep flag accepted")
	}
}
