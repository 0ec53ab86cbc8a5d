package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// follow runs load (scheduler.LoadStream) on the data files of r.o.stream (the pipe, or the
// progress markers of a dump directory being written) as the dumper announces them: every table is open until the pipe says it is done, each whole file becomes
// an Arrival of its table (recorded in meta.Files and the plan's DataFiles first), and files
// of tables this load does not restore are removed unread. Once the pipe is closed, the dump's
// final metadata is read from its Dir and becomes r.meta: the plans take their real rows,
// bytes, files and chunk checksums from it, and so does res.
func (r *restore) follow(ctx context.Context, plans []*tablePlan, sched []scheduler.Table, res *Result,
	load func(ctx context.Context, arrivals <-chan scheduler.Arrival) error) error {
	pos := map[*dumpdir.Table]int{}
	for i, p := range plans {
		pos[p.t] = i
		sched[i].Open = p.t.Kind == dumpdir.KindTable && !p.t.Kept
	}
	// plan maps the published metadata's table positions to plans.
	plan := map[int]int{}
	for i := range r.meta.Tables {
		if k, ok := pos[&r.meta.Tables[i]]; ok {
			plan[i] = k
		}
	}
	r.piped = map[string]int64{}
	r.meta.Files = maps.Clone(r.meta.Files)
	arrivals := make(chan scheduler.Arrival)
	err := scheduler.All(ctx, func(ctx context.Context) error { return load(ctx, arrivals) }, func(ctx context.Context) error {
		for {
			e, err := r.o.stream.Next(ctx)
			if err == io.EOF {
				close(arrivals) // every table is done; on an error it stays open and All cancels the load
				return nil
			}
			if err != nil {
				return err
			}
			k, ok := plan[e.Table]
			switch {
			case !ok && !e.TableDone:
				if err := r.o.stream.Remove(ctx, e.File); err != nil {
					return err
				}
				continue
			case !ok:
				continue
			}
			a := scheduler.Arrival{Table: k, Last: e.TableDone}
			if !e.TableDone {
				p := plans[k]
				r.mu.Lock()
				r.meta.Files[e.File.Name] = e.File
				r.piped[e.File.Name] = e.Rows
				p.t.DataFiles = append(p.t.DataFiles, e.File.Name)
				a.File = len(p.t.DataFiles) - 1
				r.mu.Unlock()
				if r.j.has("file " + e.File.Name) {
					continue // loaded by the restore this one resumes
				}
			}
			if err := scheduler.Send(ctx, arrivals, a); err != nil {
				return err
			}
		}
	})
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			err = fmt.Errorf("%w: the dump being loaded stopped", err)
		}
		return err
	}
	final, err := r.dir.ReadMetadata(ctx)
	if err != nil {
		return fmt.Errorf("the dump being loaded: %w", err)
	}
	res.Rows, res.Bytes, res.Files = 0, 0, 0
	for i, k := range plan {
		t, ft := plans[k].t, &final.Tables[i]
		t.Rows, t.Bytes, t.DataFiles, t.Checksum, t.Chunks = ft.Rows, ft.Bytes, ft.DataFiles, ft.Checksum, ft.Chunks
		res.Rows += t.Rows
		res.Bytes += t.Bytes
		res.Files += len(t.DataFiles)
	}
	r.meta = final
	return nil
}
