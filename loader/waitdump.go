package loader

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// waitDumpPoll is how often waitForDump looks for the metadata file.
const waitDumpPoll = 250 * time.Millisecond

// waitForDump waits until the dump in dir is complete, as its metadata file (written last,
// once whole) says, for at most wait (Options.WaitDump, --wait-dump). It returns at once
// when the metadata is there; an error when the dump's status file says it failed, when wait
// passes with no metadata, or when ctx ends.
func waitForDump(ctx context.Context, dir *dumpdir.Dir, wait time.Duration, o *Options) error {
	deadline := time.Now().Add(wait)
	logged := false
	for {
		_, err := dir.ReadFile(ctx, dumpdir.MetadataName)
		if err == nil {
			return nil
		}
		if !errors.Is(err, dumpdir.ErrNotExist) {
			return err
		}
		if st, serr := dir.ReadStatus(ctx); serr == nil && st.State == dumpdir.StateFailed {
			return fmt.Errorf("%s: the dump failed (its status file says so): nothing to load; take the dump again", dir)
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%s: still no metadata file after --wait-dump %s: the dump is still running or was killed (see sluice list); wait longer or take it again", dir, wait)
		}
		if !logged {
			o.Log.Info("waiting for the dump to complete", "dir", dir.String(), "wait_seconds", wait.Seconds())
			logged = true
		}
		t := time.NewTimer(min(waitDumpPoll, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
