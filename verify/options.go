package verify

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/progress"
)

// Defaults of the command line.
const (
	DefaultChunkTime   = 500 * time.Millisecond
	DefaultReplicaWait = 5 * time.Minute
)

// Options are the settings of one comparison (the flags of `sluice verify`).
type Options struct {
	Databases []string       // -B: databases to compare; every non-system database of the source when empty
	Tables    []string       // -T: "db.table" names (as dumper.ParseTableName reads them)
	Regex     *regexp.Regexp // --regex: only tables whose "db.table" matches; nil for all
	Threads   int            // -t: chunks compared at once, each worker with a connection to either server (default 4)

	ChunkRows  int64         // --chunk-size: rows of the first chunk of each table (default 10,000)
	ChunkTime  time.Duration // --chunk-time: the chunk size adapts so that a checksum query takes about this long (default 500 ms); 0 keeps ChunkRows
	BisectRows int64         // a differing chunk is bisected until its ranges hold at most this many rows (default 1,000)

	SleepRatio        float64 // --sleep-ratio: after each chunk, sleep this fraction of the time it took (0.5: at most two thirds busy)
	MaxThreadsRunning int     // --max-load: pause while the source's Threads_running is above this; 0 for no limit

	Replica     bool          // --replica: the target replicates from the source (MariaDB GTID): compare at one GTID position
	ReplicaWait time.Duration // --replica-wait: longest the target's SQL thread may take to reach the source's position (default 5 min)

	Out      io.Writer         // one line per difference, as found; nil for none
	Progress progress.Reporter // receives a snapshot every second (rows compared; bytes from each table's average row length) and one at the end; nil for none
	Log      *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.ChunkRows < 1 {
		o.ChunkRows = 10000
	}
	if o.BisectRows < 1 {
		o.BisectRows = 1000
	}
	if o.ReplicaWait <= 0 {
		o.ReplicaWait = DefaultReplicaWait
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Result is what Run compared and found.
type Result struct {
	Tables  int    // tables compared
	Chunks  int    // chunks compared (bisections not counted)
	Rows    int64  // rows on the source
	Diffs   []Diff // every difference, in the order found
	GTID    string // with Options.Replica: the GTID position both sides were compared at
	Elapsed time.Duration
}

// Diff is one difference: a table only on one side, a structure that differs, or a key range
// whose rows differ.
type Diff struct {
	Table      string // db.table
	What       string // "rows", "structure", "missing on the target", "only on the target"
	Lower      string // rows: the key the range starts after, as (v1,v2); "" for no lower bound
	Upper      string // rows: the last key of the range, as (v1,v2); "" for no upper bound
	SourceRows int64
	TargetRows int64
}

// String is the line printed for d: "db.t: rows differ in key range (10) < key <= (20): source
// 11 rows, target 10 rows".
func (d Diff) String() string {
	if d.What != "rows" {
		return d.Table + ": " + d.What
	}
	var r string
	switch {
	case d.Lower == "" && d.Upper == "":
		r = "the whole table"
	case d.Lower == "":
		r = "key range key <= " + d.Upper
	case d.Upper == "":
		r = "key range " + d.Lower + " < key"
	default:
		r = "key range " + d.Lower + " < key <= " + d.Upper
	}
	return fmt.Sprintf("%s: rows differ in %s: source %d rows, target %d rows", d.Table, r, d.SourceRows, d.TargetRows)
}

// DiffError is the error Run returns when the servers differ; its exit code is 3.
type DiffError struct{ Diffs []Diff }

func (e *DiffError) Error() string {
	tables := map[string]bool{}
	var names []string
	for _, d := range e.Diffs {
		if !tables[d.Table] {
			tables[d.Table] = true
			names = append(names, d.Table)
		}
	}
	return fmt.Sprintf("%d difference(s) in %d table(s): %s", len(e.Diffs), len(names), strings.Join(names, ", "))
}

// ExitCode is 3: verification found differences (cmd/sluice maps it).
func (e *DiffError) ExitCode() int { return 3 }
