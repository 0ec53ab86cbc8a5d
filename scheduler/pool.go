package scheduler

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Run is sluice's one concurrency skeleton (restic's): produce sends jobs on a channel until it
// returns, workers goroutines receive them and call work with their own index (0..workers-1, so a
// worker can own a connection), and the first error cancels ctx for everyone and is returned.
// produce must stop sending when ctx is done; Run closes the channel when produce returns.
func Run[T any](ctx context.Context, workers int, produce func(ctx context.Context, jobs chan<- T) error,
	work func(ctx context.Context, worker int, job T) error) error {
	return RunDrain(ctx, workers, produce, work, nil)
}

// RunDrain is Run where each worker, once the channel is closed and empty, calls drain (if not
// nil) with its index before it returns: the dumper's workers then split the ranges others are
// still reading (work stealing) instead of idling. drain's error ends the run as work's does.
func RunDrain[T any](ctx context.Context, workers int, produce func(ctx context.Context, jobs chan<- T) error,
	work func(ctx context.Context, worker int, job T) error, drain func(ctx context.Context, worker int) error) error {
	if workers < 1 {
		workers = 1
	}
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan T)
	g.Go(func() error {
		defer close(jobs)
		return produce(ctx, jobs)
	})
	for i := 0; i < workers; i++ {
		g.Go(func() error {
			for job := range jobs {
				if err := work(ctx, i, job); err != nil {
					return err
				}
			}
			if drain != nil && ctx.Err() == nil {
				if err := drain(ctx, i); err != nil {
					return err
				}
			}
			return ctx.Err()
		})
	}
	return g.Wait()
}

// Send sends job on jobs unless ctx is done first; it returns ctx.Err() then. Producers use it so
// that they stop as soon as a worker fails.
func Send[T any](ctx context.Context, jobs chan<- T, job T) error {
	select {
	case jobs <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Slice is a producer that sends the items of s in order.
func Slice[T any](s []T) func(ctx context.Context, jobs chan<- T) error {
	return func(ctx context.Context, jobs chan<- T) error {
		for _, x := range s {
			if err := Send(ctx, jobs, x); err != nil {
				return err
			}
		}
		return nil
	}
}
