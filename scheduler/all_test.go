package scheduler

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// all runs All and fails t if it has not returned within a minute (a stage left waiting).
func all(t *testing.T, ctx context.Context, stages ...func(context.Context) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- All(ctx, stages...) }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("All did not return: a stage was not called or not cancelled")
		return nil
	}
}

// TestAllRunsStagesAtOnce chains stages that each wait for a later one: they end only if
// every stage runs on its own worker at the same time.
func TestAllRunsStagesAtOnce(t *testing.T) {
	const n = 4
	var ch [n]chan struct{}
	for i := range ch {
		ch[i] = make(chan struct{})
	}
	var stages []func(context.Context) error
	for i := range n {
		stages = append(stages, func(ctx context.Context) error {
			if i+1 < n {
				<-ch[i+1] // closed by the next stage, handed out after this one
			}
			close(ch[i])
			return nil
		})
	}
	if err := all(t, context.Background(), stages...); err != nil {
		t.Fatalf("All: %v, want nil", err)
	}
	if err := All(context.Background()); err != nil {
		t.Errorf("All of no stage: %v, want nil", err)
	}
}

// TestAllFirstErrorCancelsTheRest fails the middle of three stages: the first, waiting for
// ctx, is cancelled; the last is still called (with ctx done) so that it can end what it owns;
// All returns the failing stage's error, not the others' context.Canceled.
func TestAllFirstErrorCancelsTheRest(t *testing.T) {
	boom := errors.New("boom")
	var called, cancelled atomic.Int32
	wait := func(ctx context.Context) error {
		called.Add(1)
		<-ctx.Done()
		cancelled.Add(1)
		return ctx.Err()
	}
	err := all(t, context.Background(), wait, func(context.Context) error {
		called.Add(1)
		return boom
	}, wait)
	if !errors.Is(err, boom) {
		t.Fatalf("All: %v, want %v", err, boom)
	}
	if called.Load() != 3 || cancelled.Load() != 2 {
		t.Errorf("%d stages called, %d cancelled: want 3 and 2", called.Load(), cancelled.Load())
	}
}

// TestAllCancelledContext gives All a context already done: every stage is still called, and
// All returns ctx.Err() though each stage returned nil.
func TestAllCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var called atomic.Int32
	stage := func(ctx context.Context) error {
		called.Add(1)
		if ctx.Err() == nil {
			t.Error("a stage's ctx is not done though All's was")
		}
		return nil
	}
	if err := all(t, ctx, stage, stage, stage); !errors.Is(err, context.Canceled) {
		t.Errorf("All: %v, want %v", err, context.Canceled)
	}
	if called.Load() != 3 {
		t.Errorf("%d stages called, want 3", called.Load())
	}
}
