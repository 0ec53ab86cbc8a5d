package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// waitDumpPoll is how often a load with --wait-dump looks for the metadata file and the
// dump's progress markers.
const waitDumpPoll = 250 * time.Millisecond

// events is what follow reads a dump being written from: a dumpdir.Pipe (sluice copy), or a
// dirFollower (load --wait-dump on a dump that writes progress markers).
type events interface {
	// Next returns the next data file whole or table ended, io.EOF once the dump is complete
	// and every event returned, or an error.
	Next(ctx context.Context) (dumpdir.PipeEvent, error)
	// Remove frees a data file that was loaded or is not restored (a no-op for a directory).
	Remove(ctx context.Context, fi dumpdir.FileInfo) error
}

// waitForDump waits, for at most wait (Options.WaitDump, --wait-dump), until the dump in dir
// is complete, as its metadata file (written last, once whole) says, or until its dumper has
// written its schemas marker (dumpdir.SchemasName: every schema file is written). It returns
// nil for a complete dump, the schemas' metadata for one still being written (to follow with
// a dirFollower); an error when the dump's status file says it failed, when wait passes with
// neither file, or when ctx ends. A dump without markers (an older sluice's, mydumper's) is so
// waited for until complete.
func waitForDump(ctx context.Context, dir *dumpdir.Dir, wait time.Duration, o *Options) (*dumpdir.Metadata, error) {
	deadline := time.Now().Add(wait)
	logged := false
	for {
		_, err := dir.ReadFile(ctx, dumpdir.MetadataName)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, dumpdir.ErrNotExist) {
			return nil, err
		}
		m, err := dir.ReadSchemas(ctx)
		if err == nil {
			o.Log.Info("loading the dump as it is written", "dir", dir.String(), "wait_seconds", wait.Seconds())
			return m, nil
		}
		if !errors.Is(err, dumpdir.ErrNotExist) {
			return nil, err
		}
		if err := dumpFailed(ctx, dir); err != nil {
			return nil, err
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%s: still no metadata file after --wait-dump %s: the dump is still running or was killed (see sluice list); wait longer or take it again", dir, wait)
		}
		if !logged {
			o.Log.Info("waiting for the dump to complete", "dir", dir.String(), "wait_seconds", wait.Seconds())
			logged = true
		}
		if err := sleep(ctx, min(waitDumpPoll, time.Until(deadline))); err != nil {
			return nil, err
		}
	}
}

// dumpFailed returns an error when dir's status file says its dump failed.
func dumpFailed(ctx context.Context, dir *dumpdir.Dir) error {
	if st, err := dir.ReadStatus(ctx); err == nil && st.State == dumpdir.StateFailed {
		return fmt.Errorf("%s: the dump failed (its status file says so): nothing to load; take the dump again", dir)
	}
	return nil
}

// sleep waits d, or until ctx ends (its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// dirFollower reads the progress marker (dumpdir.ProgressName) of a dump still being written to
// a directory or object store, every waitDumpPoll, and returns its data files and table ends as
// they appear. Once the metadata file exists it returns what the marker had not said yet from
// the metadata (every data file and every table's end), then io.EOF. It fails when neither the
// marker nor the metadata changes for wait, or when the status file says the dump failed. Not
// safe for concurrent use (follow reads it from one goroutine).
type dirFollower struct {
	dir  *dumpdir.Dir
	wait time.Duration

	queue    []dumpdir.PipeEvent // read and not yet returned
	read     int                 // events of the marker read so far
	files    map[string]bool     // data files returned
	ended    map[int]bool        // tables whose end was returned
	complete bool                // the metadata was read: queue is the last
	last     time.Time           // when the marker last grew
}

// newDirFollower returns a follower of the dump in dir whose dumper is taken as dead after
// wait without progress.
func newDirFollower(dir *dumpdir.Dir, wait time.Duration) *dirFollower {
	return &dirFollower{dir: dir, wait: wait, files: map[string]bool{}, ended: map[int]bool{}, last: time.Now()}
}

// Next returns the next event (see events.Next).
func (f *dirFollower) Next(ctx context.Context) (dumpdir.PipeEvent, error) {
	for {
		if len(f.queue) > 0 {
			e := f.queue[0]
			f.queue = f.queue[1:]
			f.last = time.Now() // the time the load took to take it is not the dumper's
			return e, nil
		}
		if f.complete {
			return dumpdir.PipeEvent{}, io.EOF
		}
		if err := f.poll(ctx); err != nil {
			return dumpdir.PipeEvent{}, err
		}
		if len(f.queue) > 0 || f.complete {
			continue
		}
		if err := dumpFailed(ctx, f.dir); err != nil {
			return dumpdir.PipeEvent{}, err
		}
		if time.Since(f.last) >= f.wait {
			return dumpdir.PipeEvent{}, fmt.Errorf("%s: no data file finished for --wait-dump %s and still no metadata file: the dump's process stopped or was killed (see sluice list); once the dump is complete, load it again, or wait longer", f.dir, f.wait)
		}
		if err := sleep(ctx, min(waitDumpPoll, f.wait)); err != nil {
			return dumpdir.PipeEvent{}, err
		}
	}
}

// poll queues what the marker says since it was last read, and once the metadata file exists
// (looked for first, so the marker read after it is whole) what only the metadata says.
func (f *dirFollower) poll(ctx context.Context) error {
	_, err := f.dir.ReadFile(ctx, dumpdir.MetadataName)
	done := err == nil
	if err != nil && !errors.Is(err, dumpdir.ErrNotExist) {
		return err
	}
	evs, err := f.dir.ReadProgress(ctx)
	if err != nil {
		return err
	}
	if len(evs) > f.read {
		for _, e := range evs[f.read:] {
			f.add(e)
		}
		f.read = len(evs)
		f.last = time.Now()
	}
	if !done {
		return nil
	}
	meta, err := f.dir.ReadMetadata(ctx)
	if err != nil {
		return fmt.Errorf("the dump being loaded: %w", err)
	}
	for i, t := range meta.Tables {
		for _, name := range t.DataFiles {
			f.add(dumpdir.PipeEvent{Table: i, File: meta.Files[name]})
		}
		f.add(dumpdir.PipeEvent{Table: i, TableDone: true})
	}
	f.complete = true
	return nil
}

// add queues e unless it was queued before.
func (f *dirFollower) add(e dumpdir.PipeEvent) {
	switch {
	case e.TableDone && f.ended[e.Table], !e.TableDone && f.files[e.File.Name]:
		return
	case e.TableDone:
		f.ended[e.Table] = true
	default:
		f.files[e.File.Name] = true
	}
	f.queue = append(f.queue, e)
}

// Remove does nothing: a dump directory's files stay.
func (f *dirFollower) Remove(context.Context, dumpdir.FileInfo) error { return nil }
