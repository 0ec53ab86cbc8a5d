package roundtrip

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/verify"
)

// lastSnapshot is a progress.Reporter that keeps the final snapshot and counts Done calls.
type lastSnapshot struct {
	s    progress.Snapshot
	done int
}

func (l *lastSnapshot) Report(progress.Snapshot) {}
func (l *lastSnapshot) Done(s progress.Snapshot) { l.s, l.done = s, l.done+1 }

// TestVerifyServers compares a source at UTC+05:30 with its copy at UTC-08:00 (hard values,
// TIMESTAMPs among them, and a table of each key shape): equal. Then one row is updated in one
// table of the copy, one deleted from another and one inserted into a third: verify returns a
// *DiffError naming exactly those tables, each with a range of at most BisectRows rows that
// holds the changed key.
func TestVerifyServers(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=+05:30"}})
	b := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=-08:00"}})
	ctx := context.Background()
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	CreateKeyShapes(t, src, "hardv", 3000)
	RoundTrip(t, a, b, []string{"hardv"}, dumper.Options{Threads: 2}, loader.Options{Threads: 2})

	var last lastSnapshot
	o := verify.Options{Databases: []string{"hardv"}, Threads: 2, ChunkRows: 700, ChunkTime: 50 * time.Millisecond, BisectRows: 100, Progress: &last}
	res, err := verify.Run(ctx, Config(a), Config(b), o)
	if err != nil {
		t.Fatalf("verify of equal servers: %v", err)
	}
	if last.done != 1 || last.s.RowsDone != res.Rows || last.s.Rows <= 0 {
		t.Errorf("progress: %d final snapshots, the last %+v; want one, with the %d rows compared and an estimate", last.done, last.s, res.Rows)
	}
	o.Progress = nil
	if res.Tables != len(KeyShapeTables)+1 || res.Rows < int64(3000*len(KeyShapeTables)) || res.Chunks < 2*len(KeyShapeTables) {
		t.Fatalf("verify compared %+v, want every table in several chunks", res)
	}

	dst := Open(t, b, "")
	Exec(t, dst,
		"UPDATE hardv.k_int SET v = 'changed' WHERE id = 1234",
		"DELETE FROM hardv.k_varchar WHERE v = 2001",
		"INSERT INTO hardv.k_composite VALUES (3, 'inserted', 0)")
	var deleted string
	if err := src.QueryRow("SELECT k FROM hardv.k_varchar WHERE v = 2001").Scan(&deleted); err != nil {
		t.Fatal(err)
	}
	res, err = verify.Run(ctx, Config(a), Config(b), o)
	var de *verify.DiffError
	if !errors.As(err, &de) || de.ExitCode() != 3 {
		t.Fatalf("verify after changes: %v, want a *verify.DiffError", err)
	}
	t.Logf("differences: %q", res.Diffs)
	got := map[string]verify.Diff{}
	for _, d := range res.Diffs {
		if _, dup := got[d.Table]; dup || d.What != "rows" || d.SourceRows > o.BisectRows || d.TargetRows > o.BisectRows {
			t.Errorf("difference %q: want one range of at most %d rows per changed table", d, o.BisectRows)
		}
		got[d.Table] = d
	}
	var tables []string
	for name := range got {
		tables = append(tables, name)
	}
	slices.Sort(tables)
	if want := []string{"hardv.k_composite", "hardv.k_int", "hardv.k_varchar"}; !slices.Equal(tables, want) {
		t.Fatalf("differing tables %q, want %q", tables, want)
	}
	for _, c := range []struct {
		table, cols string
		args        []any
		delta       int64 // target rows - source rows
		db          *sql.DB
	}{
		{"hardv.k_int", "(id)", []any{1234}, 0, src},
		{"hardv.k_varchar", "(k)", []any{deleted}, -1, src},
		{"hardv.k_composite", "(a, b)", []any{3, "inserted"}, 1, dst},
	} {
		d := got[c.table]
		if d.TargetRows-d.SourceRows != c.delta {
			t.Errorf("%s: %d rows on the source, %d on the target: want a difference of %d", d, d.SourceRows, d.TargetRows, c.delta)
		}
		// The changed row is on one side: the range must hold its key there.
		q := "SELECT COUNT(*) FROM " + c.table + " WHERE " + c.cols + " = (" + strings.TrimSuffix(strings.Repeat("?, ", len(c.args)), ", ") + ")"
		if d.Lower != "" {
			q += " AND " + c.cols + " > " + d.Lower
		}
		if d.Upper != "" {
			q += " AND " + c.cols + " <= " + d.Upper
		}
		var n int
		if err := c.db.QueryRow(q, c.args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != 1 {
			t.Errorf("%s: its range does not hold the changed key (%s)", d, q)
		}
	}
}
