package bench

import (
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestComputeRatios(t *testing.T) {
	r := func(op, tool string, threads int, s float64) Result {
		return Result{Profile: "p", Dataset: "d", Op: op, Tool: tool, Threads: threads, Seconds: s}
	}
	rs := []Result{
		r(OpLoad, ToolLimit, 2, 10),
		r(OpLoad, ToolSluice, 2, 15),
		r(OpLoad, ToolSluice, 4, 12),
		r(OpLoad, ToolMyloader, 2, 30),
		r(OpLoad, ToolMariadb, 1, 60),
		r(OpDump, ToolSluice, 2, 5),
		{Profile: "p", Dataset: "d", Op: OpLoad, Tool: ToolMyloader, Threads: 4, Error: "boom"},
	}
	computeRatios(rs)
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("sluice -t 2 ÷ limit", rs[1].VsLimit, 1.5)
	near("sluice -t 2 ÷ myloader", rs[1].VsPeers[ToolMyloader], 0.5)
	near("sluice -t 2 ÷ mariadb", rs[1].VsPeers[ToolMariadb], 0.25)
	near("sluice -t 4 ÷ limit (no limit at 4)", rs[2].VsLimit, 0)
	near("sluice -t 4 ÷ myloader (fastest, the failed -t 4 ignored)", rs[2].VsPeers[ToolMyloader], 0.4)
	near("myloader ÷ mariadb", rs[3].VsPeers[ToolMariadb], 0.5)
	if _, ok := rs[3].VsPeers[ToolMyloader]; ok {
		t.Error("myloader has a ratio to itself")
	}
	if rs[5].VsPeers != nil || rs[5].VsLimit != 0 {
		t.Errorf("dump with no dump peers got ratios %v %v", rs[5].VsLimit, rs[5].VsPeers)
	}
	if rs[6].VsPeers != nil {
		t.Error("failed case got ratios")
	}
}

func TestMarkdownAndChart(t *testing.T) {
	rep := &Report{Repeat: 3, Machine: Machine{Cores: 2, BufferPools: map[string]string{"p": "256M"}}}
	rep.Results = []Result{
		{Profile: "p", Dataset: "d", Op: OpDump, Tool: ToolSluice, Variant: "zstd", Threads: 4, Seconds: 2, Rows: 100, RowsPerSec: 50, PeakRSS: 3 << 20},
		{Profile: "p", Dataset: "d", Op: OpLoad, Tool: ToolMyloader, Threads: 4, Error: "exit status 1 | oops"},
	}
	md := rep.Markdown()
	for _, want := range []string{"### p, d", "| dump | sluice zstd | 4 | 2.00 | 50 |", "| 3 |", "| load | myloader | 4 | FAILED |", "exit status 1 / oops"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	png, err := rep.Chart()
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("Chart: %v, %d bytes", err, len(png))
	}
}

func TestCommandStringHidesSecret(t *testing.T) {
	c := command{path: "mydumper", args: []string{"-p", "s3cret", "-B", "a b"}, secret: "s3cret", env: []string{"MYSQL_PWD=x"}, stdout: "/o"}
	got := c.String()
	if strings.Contains(got, "s3cret") || strings.Contains(got, "MYSQL_PWD") {
		t.Fatalf("command line shows the password: %s", got)
	}
	if want := "mydumper -p '***' -B 'a b' > /o"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
