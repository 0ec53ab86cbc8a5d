package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/sluicedb/sluice/internal/testserver"
)

// Profile is a server configuration the suite starts its throwaway servers with.
type Profile struct {
	// Name appears in the report, e.g. "small-pool".
	Name string
	// BufferPool is innodb_buffer_pool_size in mariadbd syntax, e.g. "256M" or "4G".
	BufferPool string
}

// Target is one dataset measured under one profile.
type Target struct {
	Profile Profile
	Dataset Dataset
}

// Options configure [Run].
type Options struct {
	// Sluice is the path of the sluice binary to measure (built with `make build`).
	Sluice string
	// Targets are measured in order, each with a fresh pair of servers.
	Targets []Target
	// Threads are the -t values every parallel tool runs with, e.g. 1, 2, 4.
	Threads []int
	// Repeat is the number of runs per case (at least 1); the report gives medians.
	Repeat int
	// Checksum makes every load run verified by CHECKSUM TABLE and SHOW CREATE of each table
	// against the source, as well as by row counts (the default check).
	Checksum bool
	// Quick marks the report as a quick (CI) run.
	Quick bool
	// WorkDir holds the dump directories; "" means a new directory under os.TempDir(),
	// removed at the end.
	WorkDir string
	// CaseTimeout stops a run that takes longer (0: no limit); the case is then reported as
	// stopped, which says it is at least that slow. Used to bound slow peers on small machines.
	CaseTimeout time.Duration
	// DumpsOnly skips the loads: the dumps are then verified by the tests only, not by
	// loading them. For measuring the dump side alone, which takes minutes where the loads of
	// slow peers take hours.
	DumpsOnly bool
	// NoS3 skips the s3 variants (a dump to and a load from a MinIO server started per target,
	// "s3 sql" and "s3 zstd"), which run by default when sluice takes s3:// and the minio
	// binary is installed.
	NoS3 bool
	// PeerBin, when set, is a directory holding the mydumper and myloader to measure instead
	// of those on PATH (e.g. a newer build from source); the report's peer versions come
	// from it too.
	PeerBin string
	// SluiceOnly measures the limit and sluice's sql dump and loads only: no peers, no
	// zstd, tsv or s3 variants. For studies of sluice's own load strategies (issue 19).
	SluiceOnly bool
	// DeferModes, when set, are the --defer-indexes values the sql loads compare (e.g.
	// auto, all, none), instead of all and none.
	DeferModes []string
	// Log receives one line per step; nil discards them.
	Log io.Writer
	// AfterTarget, when set, is called with the report so far after each target, so a
	// long run leaves a report behind even if it is interrupted later.
	AfterTarget func(*Report)
}

// QuickOptions returns the CI configuration: tiny indexed and mixed datasets on a
// small-pool server, threads 1 and 2, one run each, checksums verified. It finishes in well
// under three minutes on two cores.
func QuickOptions(sluice string) Options {
	small := Profile{Name: "small-pool", BufferPool: "64M"}
	return Options{
		Sluice: sluice,
		Targets: []Target{
			{small, Dataset{Kind: KindIndexed, Tables: 2, Rows: 20000, Seed: 1, Database: DefaultDatabase}},
			{small, Dataset{Kind: KindMixed, Rows: 6000, Seed: 1, Database: DefaultDatabase}},
		},
		Threads:  []int{1, 2},
		Repeat:   1,
		Checksum: true,
		Quick:    true,
	}
}

// FullOptions returns the `make bench` configuration: indexed 4 × 1.25M rows under both
// profiles (small-pool 256M, fits 4G), sysbench 4 × 1M and mixed (600k order items, about
// 1.1M rows) under small-pool; threads 1, 2, 4; three runs per case; row counts verified.
func FullOptions(sluice string) Options {
	small := Profile{Name: "small-pool", BufferPool: "256M"}
	fits := Profile{Name: "fits", BufferPool: "4G"}
	indexed := Dataset{Kind: KindIndexed, Tables: 4, Rows: 1250000, Seed: 1, Database: DefaultDatabase}
	return Options{
		Sluice: sluice,
		Targets: []Target{
			{small, indexed},
			{fits, indexed},
			{small, Dataset{Kind: KindSysbench, Tables: 4, Rows: 1000000, Seed: 1, Database: DefaultDatabase}},
			{small, Dataset{Kind: KindMixed, Rows: 600000, Seed: 1, Database: DefaultDatabase}},
		},
		Threads: []int{1, 2, 4},
		Repeat:  3,
	}
}

// Run measures every target: it starts a source and a target server with the profile's
// buffer pool (the target without binary log), generates the dataset on the source, and runs
// the dump cases (the limit first, then sluice in each format, mydumper, mariadb-dump), then
// the load cases into a freshly dropped database on the target (the limit, sluice with each
// --defer-indexes mode and dump format, myloader, mariadb), each verified against the source.
// A failing case is recorded in its Result.Error and the suite goes on; errors returned are
// those that stop a target (a server that does not start, a generator failure, a missing
// sluice binary). The report is returned in both cases.
func Run(ctx context.Context, o Options) (*Report, error) {
	rep := &Report{Started: time.Now(), Quick: o.Quick, Repeat: max(o.Repeat, 1), Threads: o.Threads}
	rep.Machine = describeMachine(o)
	defer func() { rep.Finished = time.Now() }()
	if len(o.Threads) == 0 {
		return rep, fmt.Errorf("bench: no thread counts: give at least one, e.g. -threads 1,2,4")
	}
	if _, err := os.Stat(o.Sluice); err != nil {
		return rep, fmt.Errorf("bench: sluice binary: %w: build it with `make build`", err)
	}
	feat, err := probeSluice(ctx, o.Sluice)
	if err != nil {
		return rep, err
	}
	rep.Notes = append(rep.Notes, feat.notes()...)
	if _, err := testserver.MinIOPath(); feat.s3 && !o.NoS3 && err != nil {
		rep.Notes = append(rep.Notes, "no minio binary: s3 variants not measured (.ci/install-deps builds it)")
	}
	for _, p := range []string{ToolMydumper, ToolMyloader, ToolMariadbDump, ToolMariadb} {
		rep.Machine.Peers[p] = o.peerVersion(ctx, p)
	}
	work := o.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "sluice-bench-"); err != nil {
			return rep, fmt.Errorf("bench: work directory: %w", err)
		}
		defer os.RemoveAll(work)
	}
	for _, t := range o.Targets {
		rep.Machine.BufferPools[t.Profile.Name] = t.Profile.BufferPool
		rs, version, err := runTarget(ctx, o, feat, t, work)
		rep.Results = append(rep.Results, rs...)
		if version != "" {
			rep.Machine.ServerVersion = version
		}
		computeRatios(rep.Results)
		rep.Finished = time.Now()
		if o.AfterTarget != nil {
			o.AfterTarget(rep)
		}
		if err != nil {
			return rep, fmt.Errorf("bench: %s, %s: %w", t.Profile.Name, t.Dataset, err)
		}
	}
	return rep, nil
}

// logf writes one progress line to o.Log.
func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

// runTarget starts the two servers of t, generates the dataset and runs every case.
func runTarget(ctx context.Context, o Options, feat sluiceFeatures, t Target, work string) ([]Result, string, error) {
	o.logf("== %s (buffer pool %s), %s", t.Profile.Name, t.Profile.BufferPool, t.Dataset)
	src, err := testserver.Start(ctx, testserver.Options{BufferPool: t.Profile.BufferPool})
	if err != nil {
		return nil, "", err
	}
	defer src.Stop()
	dst, err := testserver.Start(ctx, testserver.Options{BufferPool: t.Profile.BufferPool, NoBinlog: true})
	if err != nil {
		return nil, src.Version, err
	}
	defer dst.Stop()
	dir, err := os.MkdirTemp(work, t.Profile.Name+"-"+t.Dataset.Kind+"-")
	if err != nil {
		return nil, src.Version, err
	}
	defer os.RemoveAll(dir)

	b := &bed{o: o, feat: feat, target: t, src: src, dst: dst, dir: dir}
	if feat.s3 && !o.NoS3 && !o.SluiceOnly {
		if b.minio, err = startMinIO(ctx); err != nil {
			o.logf("no MinIO server, s3 variants not measured: %v", err)
		} else {
			defer b.minio.Stop()
		}
	}
	if err := b.prepare(ctx); err != nil {
		return nil, src.Version, err
	}
	defer b.close()
	b.dumps(ctx)
	if !b.o.DumpsOnly {
		b.loads(ctx)
	}
	return b.results, src.Version, nil
}

// describeMachine reads the cores, CPU model and memory of this machine.
func describeMachine(o Options) Machine {
	m := Machine{
		Cores:       runtime.NumCPU(),
		GoVersion:   runtime.Version(),
		Sluice:      o.Sluice,
		BufferPools: map[string]string{},
		Peers:       map[string]string{},
	}
	m.CPU, m.MemoryBytes = cpuAndMemory()
	return m
}
