package dumper

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// defaultHeartbeat is how often a running dump rewrites its status file (Options.Heartbeat):
// `sluice prune` takes a dump whose heartbeat is older than its --stale-after (default 15
// minutes) for dead, so the heartbeat is refreshed well within that.
const defaultHeartbeat = time.Minute

// heartbeat keeps a running dump's status file (dumpdir.StatusName) fresh: written when the dump
// starts, rewritten every interval, and finally with the dump's outcome.
type heartbeat struct {
	dir    *dumpdir.Dir
	mu     sync.Mutex // serialises rewrites of st
	st     dumpdir.Status
	stop   chan struct{}
	done   chan struct{}
	failed error // the first refresh that failed, logged once
}

// startHeartbeat writes the status file of a dump starting now into dir and refreshes it until
// end; ctx's values only are used (the refreshes outlive a cancelled dump, to record it failed).
// An error writing the first status is the dump's: the directory is not writable.
func startHeartbeat(ctx context.Context, dir *dumpdir.Dir, o *Options, start time.Time) (*heartbeat, error) {
	ctx = context.WithoutCancel(ctx)
	host, _ := os.Hostname()
	h := &heartbeat{dir: dir, stop: make(chan struct{}), done: make(chan struct{}), st: dumpdir.Status{
		State: dumpdir.StateRunning, Started: start, Heartbeat: time.Now(), Host: host, PID: os.Getpid()}}
	if len(o.Recipients) > 0 {
		h.st.Encryption = "age"
	}
	if err := h.dir.WriteStatus(ctx, h.st); err != nil {
		return nil, err
	}
	go func() {
		defer close(h.done)
		t := time.NewTicker(o.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.mu.Lock()
				h.st.Heartbeat = time.Now()
				if err := h.dir.WriteStatus(ctx, h.st); err != nil && h.failed == nil {
					h.failed = err
					o.Log.Warn("cannot refresh the dump's status file: sluice prune may take this dump for dead", "err", err)
				}
				h.mu.Unlock()
			}
		}
	}()
	return h, nil
}

// end stops the refreshes and records the outcome: complete when err is nil, else failed.
func (h *heartbeat) end(ctx context.Context, err error) error {
	close(h.stop)
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st.State, h.st.Heartbeat, h.st.Finished = dumpdir.StateComplete, time.Now(), time.Now()
	if err != nil {
		h.st.State = dumpdir.StateFailed
	}
	return h.dir.WriteStatus(ctx, h.st)
}
