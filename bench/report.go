package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Operations a [Result] measures.
const (
	OpDump = "dump" // server to files
	OpLoad = "load" // files to server (restore)
)

// Tools a [Result] names. ToolLimit is the server alone: SELECT ... INTO OUTFILE for a dump,
// LOAD DATA INFILE into PK-only tables plus one ALTER TABLE ... ADD of the indexes for a load.
const (
	ToolSluice      = "sluice"
	ToolMydumper    = "mydumper"
	ToolMyloader    = "myloader"
	ToolMariadbDump = "mariadb-dump"
	ToolMariadb     = "mariadb"
	ToolLimit       = "limit"
)

// Result is one benchmark case: one tool, variant and thread count on one dataset and
// server profile, run Repeat times.
type Result struct {
	Profile string `json:"profile"` // server profile name, e.g. "small-pool"
	Dataset string `json:"dataset"` // dataset spec, e.g. "indexed:4x1250000,seed=1,db=sluice_bench"
	Op      string `json:"op"`      // OpDump or OpLoad
	Tool    string `json:"tool"`    // ToolSluice, ToolMydumper, ... or ToolLimit
	Variant string `json:"variant"` // e.g. "sql", "zstd", "tsv", "defer=all"; "" when the tool has one
	Threads int    `json:"threads"` // parallel connections (-t)
	// Command is the exact command line (passwords shown as ***) or, for the limit, the SQL.
	Command string `json:"command"`
	// RunSeconds are the wall-clock seconds of every run, in order.
	RunSeconds []float64 `json:"run_seconds"`
	// Seconds is the median of RunSeconds.
	Seconds float64 `json:"seconds"`
	// Rows is the number of rows of the dataset (all tables).
	Rows int64 `json:"rows"`
	// Bytes is the logical size of the data, bytes: the size of the limit's tab-separated
	// INTO OUTFILE files, the same for every tool so that MB/s compare.
	Bytes int64 `json:"bytes"`
	// OutBytes is the size on disk of what a dump wrote, bytes (0 for loads).
	OutBytes int64 `json:"out_bytes"`
	// RowsPerSec is Rows / Seconds.
	RowsPerSec float64 `json:"rows_per_sec"`
	// MBPerSec is Bytes / 2^20 / Seconds.
	MBPerSec float64 `json:"mb_per_sec"`
	// PeakRSS is the largest peak resident set size of the tool's process over the runs,
	// bytes; 0 for the limit, which runs inside the server.
	PeakRSS int64 `json:"peak_rss_bytes"`
	// ServerCPU is the CPU seconds (user plus system, from /proc/<pid>/stat) the server the
	// case works against (the source for dumps, the target for loads) used during each run,
	// in order; divided by the machine's cores it is the CPU-bound ideal wall time.
	ServerCPU []float64 `json:"server_cpu_seconds,omitempty"`
	// ClientCPU is the CPU seconds (user plus system, from wait4's rusage) the tool's own
	// process used in each run, in order; absent for the limit, which runs in the server.
	// Server plus client CPU ÷ cores is the CPU-bound ideal when both share the machine.
	ClientCPU []float64 `json:"client_cpu_seconds,omitempty"`
	// VsLimit is Seconds divided by the limit's Seconds for the same op and threads (1.0 =
	// as fast as the server alone, 2.0 = twice as slow); 0 when there is no limit result.
	VsLimit float64 `json:"vs_limit"`
	// VsPeers maps a peer tool to Seconds divided by the peer's Seconds for the same op and
	// threads, or by the peer's fastest result when it has none at these threads
	// (mariadb-dump and mariadb run on one thread). Below 1.0 means faster than the peer.
	VsPeers map[string]float64 `json:"vs_peers,omitempty"`
	// Verified says how each load run was checked: "rows" (row count per table) or
	// "checksum" (rows plus CHECKSUM TABLE and SHOW CREATE per table); "" for dumps,
	// which are checked by loading them.
	Verified string `json:"verified,omitempty"`
	// Error is the first failure of the case; the other figures are then incomplete.
	Error string `json:"error,omitempty"`
}

// Label returns the tool, variant and threads, e.g. "sluice zstd -t 4".
func (r Result) Label() string {
	s := r.Tool
	if r.Variant != "" {
		s += " " + r.Variant
	}
	return fmt.Sprintf("%s -t %d", s, r.Threads)
}

// Machine describes where the benchmark ran.
type Machine struct {
	Cores         int               `json:"cores"`          // logical CPUs (runtime.NumCPU)
	CPU           string            `json:"cpu"`            // model name from /proc/cpuinfo
	MemoryBytes   int64             `json:"memory_bytes"`   // MemTotal from /proc/meminfo, bytes
	ServerVersion string            `json:"server_version"` // SELECT VERSION() of the servers
	BufferPools   map[string]string `json:"buffer_pools"`   // profile name -> innodb_buffer_pool_size
	GoVersion     string            `json:"go_version"`     // runtime.Version()
	Sluice        string            `json:"sluice"`         // path of the sluice binary measured
	Peers         map[string]string `json:"peers"`          // peer tool -> version line, or "not installed"
}

// Report is the outcome of [Run]: results in the order they ran.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Quick    bool      `json:"quick"`   // quick mode (tiny sizes, one repetition)
	Repeat   int       `json:"repeat"`  // runs per case; Seconds are medians
	Threads  []int     `json:"threads"` // thread counts measured
	Machine  Machine   `json:"machine"`
	Results  []Result  `json:"results"`
	// Notes are remarks such as skipped peers or flags sluice did not have.
	Notes []string `json:"notes,omitempty"`
}

// peersOf returns the peer tools for op.
func peersOf(op string) []string {
	if op == OpDump {
		return []string{ToolMydumper, ToolMariadbDump}
	}
	return []string{ToolMyloader, ToolMariadb}
}

// computeRatios fills VsLimit and VsPeers of every successful result from the others of the
// same profile, dataset and op.
func computeRatios(rs []Result) {
	find := func(r Result, tool string) (Result, bool) {
		var best Result
		found := false
		for _, o := range rs {
			if o.Profile != r.Profile || o.Dataset != r.Dataset || o.Op != r.Op || o.Tool != tool || o.Error != "" || o.Seconds <= 0 {
				continue
			}
			if o.Threads == r.Threads {
				return o, true
			}
			if !found || o.Seconds < best.Seconds {
				best, found = o, true
			}
		}
		return best, found
	}
	for i := range rs {
		r := &rs[i]
		r.VsLimit, r.VsPeers = 0, nil
		if r.Error != "" || r.Seconds <= 0 {
			continue
		}
		if l, ok := find(*r, ToolLimit); ok && l.Threads == r.Threads {
			r.VsLimit = r.Seconds / l.Seconds
		}
		for _, p := range peersOf(r.Op) {
			if p == r.Tool {
				continue
			}
			if o, ok := find(*r, p); ok {
				if r.VsPeers == nil {
					r.VsPeers = map[string]float64{}
				}
				r.VsPeers[p] = r.Seconds / o.Seconds
			}
		}
	}
}

// median returns the median of xs (the mean of the two middle values for an even count),
// 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Markdown returns the report as markdown: the machine, then one table per profile and
// dataset with a row per result.
func (rep *Report) Markdown() string {
	var b strings.Builder
	m := rep.Machine
	fmt.Fprintf(&b, "Machine: %d cores (%s), %.1f GiB RAM, %s, %s.\n", m.Cores, m.CPU, float64(m.MemoryBytes)/(1<<30), m.ServerVersion, m.GoVersion)
	var pools []string
	for _, k := range sortedKeys(m.BufferPools) {
		pools = append(pools, k+" = "+m.BufferPools[k])
	}
	fmt.Fprintf(&b, "Buffer pools: %s. Runs per case: %d (median shown). Started %s, finished %s.\n",
		strings.Join(pools, ", "), rep.Repeat, rep.Started.UTC().Format(time.RFC3339), rep.Finished.UTC().Format(time.RFC3339))
	for _, k := range sortedKeys(m.Peers) {
		fmt.Fprintf(&b, "- %s: %s\n", k, m.Peers[k])
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "- note: %s\n", n)
	}
	type group struct{ profile, dataset string }
	var groups []group
	for _, r := range rep.Results {
		g := group{r.Profile, r.Dataset}
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	ratio := func(x float64) string {
		if x <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f", x)
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n### %s, %s\n\n", g.profile, g.dataset)
		b.WriteString("| op | tool | -t | seconds | rows/s | MB/s | peak RSS MiB | server CPU s | client CPU s | ÷ limit | ÷ mydumper/myloader | ÷ mariadb-dump/mariadb | verified |\n")
		b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, r := range rep.Results {
			if r.Profile != g.profile || r.Dataset != g.dataset {
				continue
			}
			tool := r.Tool
			if r.Variant != "" {
				tool += " " + r.Variant
			}
			if r.Error != "" {
				fmt.Fprintf(&b, "| %s | %s | %d | FAILED | | | | | | | | | %s |\n", r.Op, tool, r.Threads, oneLine(r.Error, 120))
				continue
			}
			p := peersOf(r.Op)
			rss := "—"
			if r.PeakRSS > 0 {
				rss = fmt.Sprintf("%.0f", float64(r.PeakRSS)/(1<<20))
			}
			cpu := "—"
			if len(r.ServerCPU) > 0 {
				cpu = fmt.Sprintf("%.1f", median(r.ServerCPU))
			}
			ccpu := "—"
			if len(r.ClientCPU) > 0 {
				ccpu = fmt.Sprintf("%.1f", median(r.ClientCPU))
			}
			verified := r.Verified
			if verified == "" {
				verified = "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.0f | %.1f | %s | %s | %s | %s | %s | %s | %s |\n",
				r.Op, tool, r.Threads, r.Seconds, r.RowsPerSec, r.MBPerSec, rss, cpu, ccpu, ratio(r.VsLimit),
				ratio(r.VsPeers[p[0]]), ratio(r.VsPeers[p[1]]), verified)
		}
	}
	b.WriteString("\nRatios are seconds ÷ seconds: below 1 is faster than the column's tool. MB/s use the size of the\n" +
		"data as tab-separated text (the limit's INTO OUTFILE files) for every tool. Server CPU is the\n" +
		"median CPU seconds the server itself used per run; ÷ cores it is the CPU-bound ideal wall time.\n" +
		"Client CPU is the tool process's own CPU seconds per run (median); server + client ÷ cores is the\n" +
		"ideal when both share the machine's cores.\n")
	return b.String()
}

// oneLine cuts s to n bytes on one line, for a table cell.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Report file names written by [Report.Write] into its directory.
const (
	ReportMarkdown = "report.md"
	ReportJSON     = "report.json"
	ReportPNG      = "report.png"
)

// Write creates dir if needed and writes report.md, report.json and report.png into it,
// each first as NAME.partial then renamed, so a reader never sees half a file.
func (rep *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench report: %w", err)
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("bench report: JSON: %w", err)
	}
	png, err := rep.Chart()
	if err != nil {
		return fmt.Errorf("bench report: chart: %w", err)
	}
	for name, data := range map[string][]byte{
		ReportMarkdown: []byte("# sluice benchmark\n\n" + rep.Markdown()),
		ReportJSON:     append(js, '\n'),
		ReportPNG:      png,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path+".partial", data, 0o644); err != nil {
			return fmt.Errorf("bench report: %w", err)
		}
		if err := os.Rename(path+".partial", path); err != nil {
			return fmt.Errorf("bench report: %w", err)
		}
	}
	return nil
}
