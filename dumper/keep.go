package dumper

import (
	"context"
	"sync"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// Keeper decides, inside the dump's snapshot, which tables' data the dump leaves out because
// a copy of them elsewhere is already equal (sluice copy --resume keeps the tables an
// interrupted copy completed, if the source still holds the same rows).
type Keeper interface {
	// Candidate reports whether db.table (as dumped) may be left out: Keep is asked only then.
	Candidate(db, table string) bool
	// Keep is given the checksum, in the snapshot, of the table's rows that the dump selects
	// (those matching where, "" for all; columns cols) and says whether its data is left out.
	Keep(ctx context.Context, db, table string, cols []checksum.Column, where string, sum checksum.Sum) (bool, error)
}

// keepOutputs asks o.Keep about every candidate among outs (transactional tables, read once
// the lock is released: their checksums are computed in the snapshot without holding writers
// up), on the snapshot's worker connections, several tables at once. A kept table's output
// records its checksum as its one chunk and its rows; keepOutputs returns the others.
func keepOutputs(ctx context.Context, snap *snapshot, outs []*tableOutput, o *Options) ([]*tableOutput, error) {
	if o.Keep == nil {
		return outs, nil
	}
	var cands []*tableOutput
	for _, out := range outs {
		if out.t.Kind == dumpdir.KindTable && o.Keep.Candidate(out.t.DB, out.t.Name) {
			cands = append(cands, out)
		}
	}
	var mu sync.Mutex
	err := scheduler.Run(ctx, len(snap.conns), scheduler.Slice(cands), func(ctx context.Context, w int, out *tableOutput) error {
		t := out.t
		cols, where := checksumColumns(t), o.where(t)
		sum, err := checksum.Run(ctx, snap.conns[w], t.DB, t.Name, cols, where)
		if err != nil {
			return err
		}
		ok, err := o.Keep.Keep(ctx, t.DB, t.Name, cols, where, sum)
		if ok && err == nil {
			mu.Lock()
			out.kept, out.rows = true, sum.Rows
			mu.Unlock()
			out.addChunk(sum, where, nil)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var rest []*tableOutput
	for _, out := range outs {
		if !out.kept {
			rest = append(rest, out)
		}
	}
	return rest, nil
}
