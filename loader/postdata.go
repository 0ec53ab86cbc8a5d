package loader

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// createPostData creates views (retrying those that depend on views not yet created), then
// triggers, then routines and events (only when whole databases are restored, not with -T; nor
// are the triggers of a mydumper 0.11+ dump, which keeps all of a database's in one file).
// Each file is journalled; a resumed restore skips those and accepts "already exists" for the
// statements of the file that was running.
func (r *restore) createPostData(ctx context.Context, views []*tablePlan, dbs []dumpdir.Database) error {
	for len(views) > 0 {
		var failed []*tablePlan
		var lastErr error
		for _, v := range views {
			if err := r.runPostFile(ctx, v.target, v.t.SchemaFile); err != nil {
				failed = append(failed, v)
				lastErr = fmt.Errorf("view %s: %w", v, err)
			}
		}
		if len(failed) == len(views) {
			return lastErr
		}
		views = failed
	}
	for _, p := range r.plans {
		if r.o.SkipTriggers {
			break
		}
		if err := r.runPostFile(ctx, p.target, p.t.TriggersFile); err != nil {
			return fmt.Errorf("%s triggers: %w", p, err)
		}
	}
	if len(r.o.Tables) > 0 {
		for _, d := range dbs {
			if d.TriggersFile != "" {
				r.o.Log.Warn("-T: the triggers of the database's tables are in one file and are not restored", "database", d.Name, "file", d.TriggersFile)
			}
		}
		return nil
	}
	for _, d := range dbs {
		if r.o.SkipTriggers {
			break
		}
		if err := r.runPostFile(ctx, r.o.target(d.Name), d.TriggersFile); err != nil {
			return fmt.Errorf("database %s triggers: %w", r.o.target(d.Name), err)
		}
	}
	for _, d := range dbs {
		if r.o.SkipPost {
			break
		}
		if err := r.runPostFile(ctx, r.o.target(d.Name), d.PostFile); err != nil {
			return fmt.Errorf("database %s routines and events: %w", r.o.target(d.Name), err)
		}
	}
	return nil
}

// runPostFile runs a verified schema file's statements in database db on the main connection.
func (r *restore) runPostFile(ctx context.Context, db, name string) error {
	if name == "" || r.j.has("post "+name) {
		return nil
	}
	if err := use(ctx, r.main, db); err != nil {
		return err
	}
	stmts, err := readScript(ctx, r.dir, r.meta, name)
	if err != nil {
		return err
	}
	for i, s := range stmts {
		s, _, _ = r.o.Definers.Rewrite(s)
		_, err := r.main.ExecContext(ctx, s)
		if err != nil && !((r.o.Resume || r.kept()) && errIs(err, alreadyDone...)) {
			return fmt.Errorf("%s statement %d: %w", name, i+1, err)
		}
	}
	return r.j.add("post " + name)
}

// kept reports whether some table of the restore is one a pipe marked Kept (sluice copy
// --resume): the objects an interrupted copy created may exist already.
func (r *restore) kept() bool {
	for _, p := range r.plans {
		if p.t.Kept {
			return true
		}
	}
	return false
}
