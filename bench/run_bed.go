package bench

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/internal/compare"
	"github.com/sluicedb/sluice/internal/testserver"
)

// bed is the test bed of one target: its servers, the generated source, the reference
// figures loads are checked against, and the dumps the loads read.
type bed struct {
	o      Options
	feat   sluiceFeatures
	target Target
	src    *testserver.Server // holds the generated dataset; dumps read it
	dst    *testserver.Server // loads write into it, no binary log
	dir    string             // dump directories
	minio  *testserver.MinIO  // the s3 variants' object store; nil when they are not measured
	srcDB  *sql.DB
	dstDB  *sql.DB

	tables []string         // tables of the dataset, in information_schema order
	counts map[string]int64 // rows per table on the source
	rows   int64            // rows, all tables
	bytes  int64            // logical bytes (the limit's TSV files), set by the limit dump
	ref    compare.Snapshot // source checksums and definitions, when o.Checksum

	// inputs maps a load input ("sluice sql", "mydumper", "limit", ...) to the dump it
	// reads: a directory, or a file for mariadb.
	inputs  map[string]string
	results []Result
}

func (b *bed) db() string { return b.target.Dataset.Database }

// prepare generates the dataset on the source and reads the reference figures.
func (b *bed) prepare(ctx context.Context) error {
	var err error
	if b.srcDB, err = b.src.DB(""); err != nil {
		return err
	}
	if b.dstDB, err = b.dst.DB(""); err != nil {
		return err
	}
	threads := slices.Max(b.o.Threads)
	b.o.logf("generating %s with %d threads", b.target.Dataset, threads)
	gs, err := Generate(ctx, b.srcDB, b.target.Dataset, threads)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	b.o.logf("generated %d rows, %.0f MiB data+indexes in %.1f s", gs.Rows, float64(gs.Bytes)/(1<<20), gs.Seconds)
	if b.counts, err = tableCounts(ctx, b.srcDB, b.db()); err != nil {
		return err
	}
	for t, n := range b.counts {
		b.tables = append(b.tables, t)
		b.rows += n
	}
	slices.Sort(b.tables)
	if b.o.Checksum {
		if b.ref, err = compare.Take(ctx, b.srcDB, b.db()); err != nil {
			return fmt.Errorf("%s: reference checksums: %w", b.db(), err)
		}
	}
	b.inputs = map[string]string{}
	return nil
}

func (b *bed) close() {
	b.srcDB.Close()
	b.dstDB.Close()
}

// tableCounts returns SELECT COUNT(*) of every base table of database.
func tableCounts(ctx context.Context, db *sql.DB, database string) (map[string]int64, error) {
	tables, err := baseTables(ctx, db, database)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+sqltext.QualifiedName(database, t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("%s.%s: counting rows: %w", database, t, err)
		}
		counts[t] = n
	}
	return counts, nil
}

// baseTables lists the base tables of database, sorted by name.
func baseTables(ctx context.Context, db *sql.DB, database string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", database)
	if err != nil {
		return nil, fmt.Errorf("%s: listing tables: %w", database, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// verify checks the restored database on the target against the source: row counts per
// table, and with o.Checksum also CHECKSUM TABLE and SHOW CREATE. It returns "rows" or
// "checksum", or an error naming the first difference.
func (b *bed) verify(ctx context.Context) (string, error) {
	got, err := tableCounts(ctx, b.dstDB, b.db())
	if err != nil {
		return "", err
	}
	for _, t := range b.tables {
		n, ok := got[t]
		switch {
		case !ok:
			return "", fmt.Errorf("verify: %s.%s missing on the target", b.db(), t)
		case n != b.counts[t]:
			return "", fmt.Errorf("verify: %s.%s has %d rows on the target, %d on the source", b.db(), t, n, b.counts[t])
		}
	}
	if len(got) != len(b.tables) {
		return "", fmt.Errorf("verify: %s has %d tables on the target, %d on the source", b.db(), len(got), len(b.tables))
	}
	if !b.o.Checksum {
		return "rows", nil
	}
	snap, err := compare.Take(ctx, b.dstDB, b.db())
	if err != nil {
		return "", fmt.Errorf("verify: %s: %w", b.db(), err)
	}
	if d := compare.Diff(b.ref, snap); len(d) > 0 {
		return "", fmt.Errorf("verify: restore differs from the source: %s", strings.Join(d, "; "))
	}
	return "checksum", nil
}

// dropTarget drops the dataset's database on the target, so each load starts fresh.
func (b *bed) dropTarget(ctx context.Context) error {
	if _, err := b.dstDB.ExecContext(ctx, "DROP DATABASE IF EXISTS "+sqltext.QuoteIdent(b.db())); err != nil {
		return fmt.Errorf("%s: dropping the database on the target: %w", b.db(), err)
	}
	return nil
}

// benchCase is one case to measure.
type benchCase struct {
	op, tool, variant string
	threads           int
	command           string                                      // for the report
	setup             func(ctx context.Context) error             // before each run, not timed
	run               func(ctx context.Context) (runStats, error) // the timed part
	out               string                                      // what a dump wrote (its size is OutBytes)
	keep              string                                      // inputs key to keep out under; "" removes out
}

// measure runs c o.Repeat times and records its Result. A load run is followed by verify;
// a load's setup always starts by dropping the target database.
func (b *bed) measure(ctx context.Context, c benchCase) Result {
	r := Result{
		Profile: b.target.Profile.Name, Dataset: b.target.Dataset.String(), Op: c.op, Tool: c.tool,
		Variant: c.variant, Threads: c.threads, Command: c.command, Rows: b.rows, Bytes: b.bytes,
	}
	defer func() {
		if c.out == "" {
			return
		}
		if c.keep != "" && r.Error == "" {
			b.inputs[c.keep] = c.out
		} else {
			_ = b.removeOut(context.WithoutCancel(ctx), c.out)
		}
	}()
	fail := func(err error) Result {
		if ctx.Err() != nil {
			// Interrupted (Ctrl-C): the case did not fail, it was not finished; leave it out.
			b.o.logf("   interrupted %s %s", c.op, r.Label())
			r.Error = "interrupted"
			return r
		}
		r.Error = err.Error()
		b.o.logf("   FAILED %s %s: %v", c.op, r.Label(), err)
		b.results = append(b.results, r)
		return r
	}
	for i := range max(b.o.Repeat, 1) {
		if c.op == OpLoad {
			if err := b.dropTarget(ctx); err != nil {
				return fail(err)
			}
		}
		if c.setup != nil {
			if err := c.setup(ctx); err != nil {
				return fail(fmt.Errorf("setup: %w", err))
			}
		}
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if b.o.CaseTimeout > 0 {
			rctx, cancel = context.WithTimeout(ctx, b.o.CaseTimeout)
		}
		server := b.src
		if c.op == OpLoad {
			server = b.dst
		}
		cpu0 := processCPU(server.Pid())
		st, err := c.run(rctx)
		serverCPU := processCPU(server.Pid()) - cpu0
		timedOut := rctx.Err() == context.DeadlineExceeded
		cancel()
		if err != nil && timedOut {
			return fail(fmt.Errorf("stopped after %s (-case-timeout): it takes longer than that", b.o.CaseTimeout))
		}
		if err != nil {
			return fail(err)
		}
		r.RunSeconds = append(r.RunSeconds, st.seconds)
		r.PeakRSS = max(r.PeakRSS, st.peakRSS)
		r.ServerCPU = append(r.ServerCPU, serverCPU)
		if st.clientCPU > 0 {
			r.ClientCPU = append(r.ClientCPU, st.clientCPU)
		}
		if c.op == OpLoad {
			if r.Verified, err = b.verify(ctx); err != nil {
				return fail(err)
			}
		}
		b.o.logf("   %s %s run %d: %.2f s, server CPU %.2f s, client CPU %.2f s", c.op, r.Label(), i+1, st.seconds, serverCPU, st.clientCPU)
	}
	r.Seconds = median(r.RunSeconds)
	r.Bytes = b.bytes
	if r.Seconds > 0 {
		r.RowsPerSec = float64(r.Rows) / r.Seconds
		r.MBPerSec = float64(r.Bytes) / (1 << 20) / r.Seconds
	}
	switch {
	case isS3(c.out):
		r.OutBytes = b.objectBytes(ctx, c.out)
	case c.out != "":
		r.OutBytes = diskUsage(c.out)
	}
	b.results = append(b.results, r)
	return r
}

// removeOut removes what a dump wrote: a directory, a file, or the objects of an s3:// location.
func (b *bed) removeOut(ctx context.Context, out string) error {
	if isS3(out) {
		return b.removeObjects(ctx, out)
	}
	return os.RemoveAll(out)
}

// diskUsage returns the total size of the regular files at path (a file or a tree), bytes.
func diskUsage(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// dumps runs every dump case; the dumps taken at the most threads are kept as load inputs.
func (b *bed) dumps(ctx context.Context) {
	top := slices.Max(b.o.Threads)
	for _, t := range b.o.Threads {
		b.measure(ctx, b.limitDump(t, t == top))
	}
	for _, f := range b.feat.dumpVariants() {
		if b.o.SluiceOnly && f.name != "sql" {
			continue
		}
		if f.s3 && b.minio == nil {
			continue
		}
		for _, t := range b.o.Threads {
			b.measure(ctx, b.sluiceDump(f, t, t == top))
		}
	}
	if b.o.peerInstalled(ToolMydumper) && !b.o.SluiceOnly {
		for _, t := range b.o.Threads {
			b.measure(ctx, b.mydumper(t, t == top))
		}
	}
	if b.o.peerInstalled(ToolMariadbDump) && !b.o.SluiceOnly {
		b.measure(ctx, b.mariadbDump())
	}
}

// loads runs every load case from the inputs the dumps left.
func (b *bed) loads(ctx context.Context) {
	if in, ok := b.inputs[ToolLimit]; ok {
		for _, t := range b.o.Threads {
			b.measure(ctx, b.limitLoad(in, t))
		}
	}
	variants := b.feat.dumpVariants()
	if in, ok := b.inputs[ToolSluice+" "+variants[0].name]; ok {
		for _, m := range b.feat.deferModes(b.o.DeferModes) {
			for _, t := range b.o.Threads {
				b.measure(ctx, b.sluiceLoad(in, variants[0].name, m, t))
			}
		}
	}
	if b.feat.copy {
		for _, t := range b.o.Threads {
			b.measure(ctx, b.sluiceCopy(t))
		}
	}
	top := slices.Max(b.o.Threads)
	for _, v := range variants[1:] {
		if in, ok := b.inputs[ToolSluice+" "+v.name]; ok {
			b.measure(ctx, b.sluiceLoad(in, v.name, "", top))
		}
	}
	if in, ok := b.inputs[ToolMydumper]; ok && b.o.peerInstalled(ToolMyloader) {
		for _, t := range b.o.Threads {
			b.measure(ctx, b.myloader(in, t))
		}
	}
	if in, ok := b.inputs[ToolMariadbDump]; ok && b.o.peerInstalled(ToolMariadb) {
		b.measure(ctx, b.mariadbLoad(in))
	}
}
