package catalog

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// Prune lists the dumps under parent, plans by p (see Plan) and, unless dryRun, removes the
// dumps the plan lets go. Just before a removal the dump's status is read again, so a dump that
// came back to life (its heartbeat refreshed since the listing) is kept. It returns the plan
// and the first removal error; removals go on after an error.
func Prune(ctx context.Context, parent *dumpdir.Dir, p Policy, o Options, dryRun bool) ([]Decision, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	dumps, err := List(ctx, parent, o)
	if err != nil {
		return nil, err
	}
	plan := Plan(dumps, p, o)
	if dryRun {
		return plan, nil
	}
	var first error
	for i, dec := range plan {
		if !dec.Remove {
			continue
		}
		d := parent.Sub(dec.Dump.Name)
		if dec.Dump.State != Complete {
			if st, err := d.ReadStatus(ctx); err == nil && st.Heartbeat.After(dec.Dump.Heartbeat) {
				plan[i].Remove, plan[i].Reason = false, "kept: its heartbeat was refreshed during the prune"
				continue
			}
		}
		if err := d.RemoveAll(ctx); err != nil && first == nil {
			first = fmt.Errorf("remove %s: %w", dec.Dump.Path, err)
		}
	}
	return plan, first
}
