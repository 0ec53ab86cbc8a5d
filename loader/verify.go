package loader

import (
	"context"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// verifyFiles checks every file the restore is still to read (data, trigger, routine and
// database schema files; table schema files were checked by planTables) against the size and
// CRC-32C the metadata recorded, o.Threads at a time, before anything is changed on the
// target: a truncated, corrupt or missing file stops the restore with nothing loaded, instead of
// after the files before it in its table are in (a table half loaded). Files the journal records
// as loaded are skipped. The files are read once more to be loaded, from the page cache when
// they fit in it; data objects small enough to be read once (onePass) only have their size
// checked here, and their content as they are opened. Errors name the file and the table or database it belongs to.
func verifyFiles(ctx context.Context, dir *dumpdir.Dir, o *Options, meta *dumpdir.Metadata, dbs []dumpdir.Database, plans []*tablePlan, j *journal) error {
	if !meta.Checksums {
		return nil // a mydumper dump: Run has said its files are not verified
	}
	type check struct {
		owner, name string
		data        bool // a data file: checked as it is opened when onePass says so
	}
	var checks []check
	for _, d := range dbs {
		if d.SchemaFile != "" && o.TargetDB == "" {
			checks = append(checks, check{"database " + d.Name, d.SchemaFile, false})
		}
		if d.PostFile != "" && len(o.Tables) == 0 && !j.has("post "+d.PostFile) {
			checks = append(checks, check{"database " + d.Name, d.PostFile, false})
		}
	}
	for _, p := range plans {
		if p.t.TriggersFile != "" && !j.has("post "+p.t.TriggersFile) {
			checks = append(checks, check{p.String(), p.t.TriggersFile, false})
		}
		for _, name := range p.t.DataFiles {
			if !j.has("file " + name) {
				checks = append(checks, check{p.String(), name, true})
			}
		}
	}
	return scheduler.Run(ctx, o.Threads, scheduler.Slice(checks), func(ctx context.Context, _ int, c check) error {
		err := error(nil)
		if c.data && onePass(dir, o, meta, c.name) {
			err = dir.CheckSize(ctx, meta.Files[c.name]) // its content is checked as it is opened
		} else {
			err = verify(ctx, dir, meta, c.name)
		}
		if err != nil {
			return &fileError{owner: c.owner, err: err, resume: o.Resume}
		}
		return nil
	})
}

// fileError is a dump file that failed its check, with the table or database it belongs to.
type fileError struct {
	owner  string
	err    error
	resume bool // --resume: what the interrupted restore loaded stays
}

func (e *fileError) Error() string {
	if e.resume {
		return e.owner + ": " + e.err.Error() + "; nothing more was loaded"
	}
	return e.owner + ": " + e.err.Error() + "; nothing was loaded"
}

func (e *fileError) Unwrap() error { return e.err }
