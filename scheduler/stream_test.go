package scheduler

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestLoadStreamFilesArrive feeds two open tables' files while the load runs: each file is
// loaded after it arrives, a table's index job runs only after its Last arrival and after its
// files, and a closed table (no Open) is loaded as with Load.
func TestLoadStreamFilesArrive(t *testing.T) {
	tables := []Table{
		{Bytes: 100, Index: true, Open: true},
		{Bytes: 50, Index: true, Open: true},
		{Bytes: 10, Files: []int{0}, Index: true},
	}
	arrivals := make(chan Arrival)
	var mu sync.Mutex
	var log []string
	done := make(chan error, 1)
	go func() {
		done <- LoadStream(context.Background(), tables, arrivals, 2, 1, func(ctx context.Context, w int, j Job) error {
			mu.Lock()
			defer mu.Unlock()
			if j.Kind == DataJob {
				log = append(log, fmt.Sprintf("%s:%d:%d", j.Kind, j.Table, j.File))
			} else {
				log = append(log, fmt.Sprintf("%s:%d", j.Kind, j.Table))
			}
			return nil
		}, nil)
	}()
	for f := 0; f < 3; f++ {
		arrivals <- Arrival{Table: 0, File: f}
		arrivals <- Arrival{Table: 1, File: f}
	}
	arrivals <- Arrival{Table: 1, Last: true}
	arrivals <- Arrival{Table: 0, File: 3}
	arrivals <- Arrival{Table: 7, File: 0} // no such table: ignored
	close(arrivals)                        // ends table 0
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	pos := func(s string) int {
		i := slices.Index(log, s)
		if i < 0 {
			t.Fatalf("%s never ran: %v", s, log)
		}
		return i
	}
	for tb, files := range []int{4, 3, 1} {
		for f := range files {
			if pos(fmt.Sprintf("data:%d:%d", tb, f)) > pos(fmt.Sprintf("index:%d", tb)) {
				t.Errorf("table %d: index built before its file %d was loaded: %v", tb, f, log)
			}
		}
	}
	if len(log) != 11 {
		t.Errorf("%d jobs ran, want 8 data and 3 index: %v", len(log), log)
	}
}

// TestLoadStreamStopsOnCancel: a load waiting for arrivals that never come returns once its
// context is cancelled.
func TestLoadStreamStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	arrivals := make(chan Arrival)
	done := make(chan error, 1)
	go func() {
		done <- LoadStream(ctx, []Table{{Bytes: 1, Open: true}}, arrivals, 1, 1, func(ctx context.Context, w int, j Job) error { return nil }, nil)
	}()
	arrivals <- Arrival{Table: 0, File: 0}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestRunDrainAfterJobs: every worker drains once, after the last job was handed out and
// finished by it, and a drain error is Run's error.
func TestRunDrainAfterJobs(t *testing.T) {
	var mu sync.Mutex
	jobsDone, drained := 0, map[int]int{}
	err := RunDrain(context.Background(), 3, Slice([]int{1, 2, 3, 4, 5, 6, 7}), func(ctx context.Context, w, j int) error {
		mu.Lock()
		defer mu.Unlock()
		if drained[w] > 0 {
			t.Errorf("worker %d got job %d after it drained", w, j)
		}
		jobsDone++
		return nil
	}, func(ctx context.Context, w int) error {
		mu.Lock()
		defer mu.Unlock()
		drained[w]++
		return nil
	})
	if err != nil || jobsDone != 7 || len(drained) != 3 {
		t.Fatalf("err %v, %d jobs done, drained %v: want nil, 7, each of 3 workers once", err, jobsDone, drained)
	}
	for w, n := range drained {
		if n != 1 {
			t.Errorf("worker %d drained %d times", w, n)
		}
	}
	boom := fmt.Errorf("boom")
	if err := RunDrain(context.Background(), 2, Slice([]int{1}), func(context.Context, int, int) error { return nil },
		func(context.Context, int) error { return boom }); err != boom {
		t.Fatalf("drain error: got %v, want boom", err)
	}
}
