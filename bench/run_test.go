package bench

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestQuickBench runs the quick suite (the code path of `make bench-quick`) against a sluice
// binary built from this tree and checks that the report files exist and hold a verified row
// per tool and operation, with no failed case.
func TestQuickBench(t *testing.T) {
	if testing.Short() {
		t.Skip("starts MariaDB servers and runs every tool: not with -short")
	}
	if _, err := exec.LookPath("/usr/sbin/mariadbd"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mariadbd not installed: %v", err)
		}
		t.Skipf("mariadbd not installed: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "sluice")
	build := exec.Command("go", "build", "-o", bin, "../cmd/sluice")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../cmd/sluice: %v\n%s", err, out)
	}
	o := QuickOptions(bin)
	var log strings.Builder
	o.Log = &log
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, log.String())
	}
	out := t.TempDir()
	if err := rep.Write(out); err != nil {
		t.Fatal(err)
	}

	md, err := os.ReadFile(filepath.Join(out, ReportMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	js, err := os.ReadFile(filepath.Join(out, ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("%s: %v", ReportJSON, err)
	}
	if png, err := os.ReadFile(filepath.Join(out, ReportPNG)); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("%s: not a PNG (%v)", ReportPNG, err)
	}

	want := map[string][]string{OpDump: {ToolLimit, ToolSluice}, OpLoad: {ToolLimit, ToolSluice}}
	for op, peers := range map[string][]string{OpDump: {ToolMydumper, ToolMariadbDump}, OpLoad: {ToolMyloader, ToolMariadb}} {
		for _, p := range peers {
			if o.peerInstalled(p) {
				want[op] = append(want[op], p)
			}
		}
	}
	for _, tg := range o.Targets {
		for op, tools := range want {
			for _, tool := range tools {
				found := false
				for _, r := range back.Results {
					if r.Dataset != tg.Dataset.String() || r.Op != op || r.Tool != tool {
						continue
					}
					found = true
					if r.Error != "" {
						t.Errorf("%s %s %s: %s", tg.Dataset, op, r.Label(), r.Error)
					}
					if r.Seconds <= 0 || r.Rows <= 0 || r.Bytes <= 0 {
						t.Errorf("%s %s %s: seconds %v rows %d bytes %d: want all > 0", tg.Dataset, op, r.Label(), r.Seconds, r.Rows, r.Bytes)
					}
					if op == OpLoad && r.Verified != "checksum" {
						t.Errorf("%s %s %s: verified %q, want checksum", tg.Dataset, op, r.Label(), r.Verified)
					}
					if tool != ToolLimit && r.PeakRSS <= 0 {
						t.Errorf("%s %s %s: no peak RSS", tg.Dataset, op, r.Label())
					}
				}
				if !found {
					t.Errorf("%s: no %s result for %s in %s", tg.Dataset, op, tool, ReportJSON)
				}
				if !strings.Contains(string(md), "| "+op+" | "+tool) {
					t.Errorf("%s: no %s row for %s", ReportMarkdown, op, tool)
				}
			}
		}
	}
	// The s3 variants: a dump to and a load from MinIO, when its binary is installed (CI).
	if _, err := testserver.MinIOPath(); err == nil || os.Getenv("CI") == "true" {
		for _, op := range []string{OpDump, OpLoad} {
			for _, v := range []string{"s3 sql", "s3 zstd"} {
				if !slices.ContainsFunc(back.Results, func(r Result) bool { return r.Op == op && r.Variant == v && r.Error == "" }) {
					t.Errorf("no %s result for sluice %s", op, v)
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", log.String())
	}
}
