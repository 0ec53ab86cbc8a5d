package binlog

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// TestReplayFilesGuards: an archive that does not hold the dump's position, or has a gap,
// is refused with an error saying so.
func TestReplayFilesGuards(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []IndexFile
		want  string
	}{
		{"starts after the dump", []IndexFile{{Name: "b.000002", StartPos: 4, Complete: true, Next: "b.000003"}}, "does not hold the dump's position"},
		{"starts inside the file after the dump's position", []IndexFile{{Name: "b.000001", StartPos: 900}}, "does not hold the dump's position"},
		{"gap", []IndexFile{{Name: "b.000001", StartPos: 4, Complete: true, Next: "b.000002"}, {Name: "b.000003", StartPos: 4}}, "gap after b.000001"},
		{"incomplete middle file", []IndexFile{{Name: "b.000001", StartPos: 4}, {Name: "b.000002", StartPos: 4}}, "gap after b.000001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := (&Index{Files: tc.files}).write(dir); err != nil {
				t.Fatal(err)
			}
			_, err := replayFiles(context.Background(), dumpdir.Local(dir), ReplayOptions{Dir: dir, DumpFile: "b.000001", DumpPos: 500})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("replayFiles: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	dir := t.TempDir()
	good := []IndexFile{{Name: "b.000001", StartPos: 4, Complete: true, Next: "b.000002"}, {Name: "b.000002", StartPos: 4}}
	if err := (&Index{Files: good}).write(dir); err != nil {
		t.Fatal(err)
	}
	if fs, err := replayFiles(context.Background(), dumpdir.Local(dir), ReplayOptions{Dir: dir, DumpFile: "b.000002", DumpPos: 500}); err != nil || len(fs) != 1 {
		t.Fatalf("replayFiles from the second file: %v %v, want it alone", fs, err)
	}
}
