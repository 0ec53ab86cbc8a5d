package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// record runs Load with a work function that logs each job as "kind:table[:file]".
func record(t *testing.T, tables []Table, workers, indexWorkers int) ([]string, [][]Stage) {
	t.Helper()
	var mu sync.Mutex
	var log []string
	stages := make([][]Stage, len(tables))
	err := Load(context.Background(), tables, workers, indexWorkers, func(ctx context.Context, w int, j Job) error {
		mu.Lock()
		defer mu.Unlock()
		if j.Kind == DataJob {
			log = append(log, fmt.Sprintf("%s:%d:%d", j.Kind, j.Table, j.File))
		} else {
			log = append(log, fmt.Sprintf("%s:%d", j.Kind, j.Table))
		}
		return nil
	}, func(tb int, s Stage) { stages[tb] = append(stages[tb], s) })
	if err != nil {
		t.Fatal(err)
	}
	return log, stages
}

func TestLoadOrderLargestFirstIndexAsSoonAsDataIn(t *testing.T) {
	tables := []Table{
		{Bytes: 10, Files: []int{0}, Index: true},
		{Bytes: 300, Files: []int{0, 1}, Index: true},
		{Bytes: 300, Rows: 5, Files: []int{7}, Index: false},
	}
	got, stages := record(t, tables, 1, 0) // one goroutine: a fixed order
	want := []string{"data:2:7", "data:1:0", "data:1:1", "index:1", "data:0:0", "index:0"}
	if !slices.Equal(got, want) {
		t.Fatalf("jobs ran in order %v, want %v", got, want)
	}
	if want := []Stage{Created, Loading, DataDone, Indexed, Done}; !slices.Equal(stages[2], want) {
		t.Errorf("table 2 (no index) stages %v, want %v", stages[2], want)
	}
	if want := []Stage{Created, Loading, DataDone, Indexing, Indexed, Done}; !slices.Equal(stages[1], want) {
		t.Errorf("table 1 stages %v, want %v", stages[1], want)
	}
}

func TestLoadConstraintWaitsForReferencedTables(t *testing.T) {
	tables := []Table{
		{Bytes: 100, Files: []int{0}, Index: true, Constraint: true, Refs: []int{1, 2}}, // child
		{Bytes: 50, Files: []int{0}, Index: true},
		{Bytes: 10, Files: []int{0}, Index: false, Constraint: true, Refs: []int{0}}, // refs the child: no cycle wait
	}
	got, stages := record(t, tables, 1, 0)
	pos := func(s string) int {
		i := slices.Index(got, s)
		if i < 0 {
			t.Fatalf("%s never ran: %v", s, got)
		}
		return i
	}
	if pos("constraint:0") < pos("index:1") || pos("constraint:0") < pos("data:2:0") {
		t.Errorf("constraint of table 0 ran before the tables it references were indexed: %v", got)
	}
	if pos("constraint:2") < pos("index:0") {
		t.Errorf("constraint of table 2 ran before table 0 was indexed: %v", got)
	}
	for i, s := range stages {
		if s[len(s)-1] != Done || !slices.IsSorted(s) {
			t.Errorf("table %d stages %v: want increasing, ending in done", i, s)
		}
	}
}

// raise sets p to n if n is larger.
func raise(p *atomic.Int32, n int32) {
	for {
		if v := p.Load(); n <= v || p.CompareAndSwap(v, n) {
			return
		}
	}
}

func TestLoadBoundsDataJobsAndOverlapsIndexBuilds(t *testing.T) {
	var tables []Table
	for i := 0; i < 6; i++ {
		tables = append(tables, Table{Bytes: int64(100 - i), Files: []int{0, 1}, Index: true})
	}
	var running, data, dataPeak, dataDuringIndex atomic.Int32
	err := Load(context.Background(), tables, 3, 1, func(ctx context.Context, w int, j Job) error {
		if j.Kind == IndexJob {
			running.Add(1)
			defer running.Add(-1)
			time.Sleep(20 * time.Millisecond)
			return nil
		}
		raise(&dataPeak, data.Add(1))
		defer data.Add(-1)
		if running.Load() > 0 {
			dataDuringIndex.Add(1)
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dataPeak.Load() > 3 {
		t.Errorf("%d data jobs ran at once with 3 data workers", dataPeak.Load())
	}
	if dataDuringIndex.Load() == 0 {
		t.Error("no data file loaded while an index was building: index builds do not overlap loading")
	}
}

// TestLoadBuildsIndexesBesideDataWorkers checks that an index build runs on a goroutine of its
// own: with one data worker and one index worker, table 0's build waits until a file of table 1
// is loading, which only a second goroutine can let happen; and never more than one data job
// runs at once.
func TestLoadBuildsIndexesBesideDataWorkers(t *testing.T) {
	tables := []Table{{Bytes: 2, Files: []int{0}, Index: true}, {Bytes: 1, Files: []int{0, 1}}}
	loading := make(chan struct{}, 2) // a file of table 1 started
	var data, dataPeak atomic.Int32
	err := Load(context.Background(), tables, 1, 1, func(ctx context.Context, w int, j Job) error {
		if j.Kind == IndexJob {
			select {
			case <-loading:
				return nil
			case <-time.After(10 * time.Second):
				return errors.New("no file of table 1 loaded while table 0's index was building")
			}
		}
		raise(&dataPeak, data.Add(1))
		defer data.Add(-1)
		if j.Table == 1 {
			loading <- struct{}{}
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dataPeak.Load() != 1 {
		t.Errorf("%d data jobs ran at once with one data worker", dataPeak.Load())
	}
}

// TestIndexBoundHoldsWhileDataRemains checks the monitor's choice directly: with one index
// build running and indexWorkers 1, a ready index job waits while data jobs remain, and runs
// beside the first once they are all handed out.
func TestIndexBoundHoldsWhileDataRemains(t *testing.T) {
	tables := []Table{{Bytes: 3, Files: []int{0}, Index: true}, {Bytes: 2, Files: []int{0}, Index: true}, {Bytes: 1, Files: []int{0, 1}, Index: true}}
	m := newMonitor(tables, 3, 1, nil)
	take := func(want Kind, table int) {
		t.Helper()
		j, ok := m.next()
		if !ok || j.Kind != want || j.Table != table {
			t.Fatalf("next() = %+v, %v; want kind %v of table %d", j, ok, want, table)
		}
		m.handedOut(j)
	}
	take(DataJob, 0)
	m.finished(Job{Kind: DataJob, Table: 0})
	take(IndexJob, 0) // index 0 running
	take(DataJob, 1)
	m.finished(Job{Kind: DataJob, Table: 1})
	take(DataJob, 2) // index 1 is ready but must wait: table 2 still has a file to hand out
	take(DataJob, 2)
	take(IndexJob, 1) // no data left: the second build runs beside the first
}

func TestLoadStopsAtFirstError(t *testing.T) {
	tables := []Table{{Bytes: 2, Files: []int{0, 1, 2, 3}, Index: true}, {Bytes: 1, Files: []int{0}, Index: true}}
	boom := errors.New("boom")
	var ran atomic.Int32
	err := Load(context.Background(), tables, 1, 0, func(ctx context.Context, w int, j Job) error {
		ran.Add(1)
		if j.File == 1 {
			return boom
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if ran.Load() != 2 {
		t.Errorf("%d jobs ran, want 2 (stop after the failing one)", ran.Load())
	}
}

func TestLoadNothingToDo(t *testing.T) {
	got, stages := record(t, []Table{{Bytes: 1}, {Constraint: true, Refs: []int{0}}}, 2, 1)
	if !slices.Equal(got, []string{"constraint:1"}) {
		t.Errorf("jobs %v, want only constraint:1", got)
	}
	if stages[0][len(stages[0])-1] != Done {
		t.Errorf("table 0 stages %v", stages[0])
	}
}

func TestLoadRunsEachConstraintOnce(t *testing.T) {
	// Table 0's constraint is queued when table 1 is indexed; tables 2 and 3 become indexed
	// after it ran, which must not queue it again.
	tables := []Table{
		{Bytes: 4, Constraint: true, Refs: []int{1}},
		{Bytes: 3, Files: []int{0}},
		{Bytes: 2, Files: []int{0}, Index: true},
		{Bytes: 1, Files: []int{0}, Index: true},
	}
	got, _ := record(t, tables, 1, 0)
	n := 0
	for _, j := range got {
		if j == "constraint:0" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("constraint of table 0 ran %d times: %v", n, got)
	}
}

// TestLoadSpreadsWorkersOverTables checks the table affinity of data jobs: with two workers and
// two tables of two files each, the first two jobs run at once are of different tables (not
// both files of the larger one), and each table's files still load in their order.
func TestLoadSpreadsWorkersOverTables(t *testing.T) {
	tables := []Table{
		{Bytes: 300, Files: []int{0, 1}},
		{Bytes: 200, Files: []int{0, 1}},
	}
	var mu sync.Mutex
	var first []int             // tables of the first two data jobs, as they started
	var order [2][]int          // files of each table in the order they started
	both := make(chan struct{}) // closed once two jobs run at once
	err := Load(context.Background(), tables, 2, 1, func(ctx context.Context, w int, j Job) error {
		mu.Lock()
		order[j.Table] = append(order[j.Table], j.File)
		if len(first) < 2 {
			first = append(first, j.Table)
			if len(first) == 2 {
				close(both)
			}
		}
		mu.Unlock()
		select {
		case <-both:
		case <-time.After(10 * time.Second):
			return errors.New("the second worker got no job while the first ran")
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Sort(first); !slices.Equal(first, []int{0, 1}) {
		t.Errorf("the first two jobs at once were of tables %v, want one of each table [0 1]", first)
	}
	for tb, files := range order {
		if !slices.Equal(files, []int{0, 1}) {
			t.Errorf("table %d's files started in order %v, want [0 1]", tb, files)
		}
	}
}

// TestLoadEndsWhenTheLastJobIsTakenBeforeAnOffer runs many short loads: each must return even
// when the monitor takes the last finished job while draining, before it would wait for one.
func TestLoadEndsWhenTheLastJobIsTakenBeforeAnOffer(t *testing.T) {
	tables := []Table{{Bytes: 30, Files: []int{0, 1, 2}}, {Bytes: 20, Files: []int{0}}, {Bytes: 10, Files: []int{0}}}
	for i := range 2000 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := Load(ctx, tables, 4, 1, func(context.Context, int, Job) error { return nil }, nil)
		cancel()
		if err != nil {
			t.Fatalf("load %d: %v (the monitor waited for a job after the last one finished)", i, err)
		}
	}
}
