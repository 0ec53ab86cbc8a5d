package scheduler

import "context"

// All runs each of stages at once, each on its own worker of Run (Slice hands them out), and
// returns once every stage has returned: the first error cancels ctx for the others and is
// returned, and ctx.Err() is returned if ctx is done by then. It is for the few long-lived
// goroutines of one pipeline (the dumper's schema writer, syncer and data workers; a copy's
// dump and load), with Run's skeleton rather than a hand-rolled errgroup.
//
// Every stage is called, even after another has failed or ctx is done (it then sees ctx done
// and should return): stages that wait on each other, such as a consumer that runs until its
// producer closes a channel, always end, as with errgroup.Group.Go.
func All(ctx context.Context, stages ...func(ctx context.Context) error) error {
	hand := Slice(stages)
	return Run(ctx, len(stages), func(ctx context.Context, jobs chan<- func(context.Context) error) error {
		// Sends never wait long: there are as many workers as stages, so one is always free.
		return hand(context.WithoutCancel(ctx), jobs)
	}, func(ctx context.Context, _ int, stage func(context.Context) error) error {
		return stage(ctx)
	})
}
