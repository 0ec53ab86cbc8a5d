package dumpdir

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Pipe is a dump location held in memory that a load follows while the dump is written
// (sluice copy): the dumper writes its files into Pipe.Dir, an in-memory object store, and
// tells the pipe as it goes (PublishSchemas once every schema file is written, FileDone as each
// data file is whole, TableDone when a table has no more, Close once the metadata file is
// written); the loader reads the same events (Schemas, Next) and removes each data file once it
// is loaded (Remove), so the memory held is that of the files in flight, not of the data.
//
// The queue between the two is bounded: FileDone blocks while queue files wait to be taken, so
// a dumper faster than the load waits for it instead of filling memory. Safe for concurrent
// use by the dumper's workers and the loader.
type Pipe struct {
	dir     *Dir
	schemas chan *Metadata // holds the published metadata once
	events  chan PipeEvent
	closed  chan struct{}
	once    sync.Once

	mu          sync.Mutex
	live, peak  int64 // bytes of data files whole and not yet removed; the most at once
	early, done int   // files removed before Close; files announced
}

// PipeEvent is what Next returns: a data file of Metadata.Tables[Table] that is whole (File set,
// with the Rows it holds), or, with TableDone, that the table has no more data files.
type PipeEvent struct {
	Table     int
	File      FileInfo
	Rows      int64
	TableDone bool
}

// NewPipe returns an empty pipe whose FileDone blocks while queue events wait to be read
// (queue at least 1).
func NewPipe(queue int) *Pipe {
	d := &Dir{loc: "memory", store: "memory", bucket: openMemBucket()}
	return &Pipe{dir: d, schemas: make(chan *Metadata, 1), events: make(chan PipeEvent, max(queue, 1)), closed: make(chan struct{})}
}

// Dir is where the dump's files are: an in-memory object store (memstore.go). Pipe.Remove
// frees a file.
func (p *Pipe) Dir() *Dir { return p.dir }

// PublishSchemas gives the loader the dump's metadata as far as it is known once every schema
// file is written (databases, tables with their schema files, columns and load clauses, rows and
// bytes estimated, no data files). Call it once; meta is not changed afterwards by the caller.
func (p *Pipe) PublishSchemas(meta *Metadata) { p.schemas <- meta }

// Schemas waits for the metadata PublishSchemas gives, or for ctx to end.
func (p *Pipe) Schemas(ctx context.Context) (*Metadata, error) {
	select {
	case m := <-p.schemas:
		p.schemas <- m // for a second reader
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// FileDone announces that the data file fi of meta.Tables[table], holding rows rows, is whole;
// it blocks while the queue is full, until ctx ends.
func (p *Pipe) FileDone(ctx context.Context, table int, fi FileInfo, rows int64) error {
	p.mu.Lock()
	p.live += fi.Size
	p.peak = max(p.peak, p.live)
	p.done++
	p.mu.Unlock()
	return p.send(ctx, PipeEvent{Table: table, File: fi, Rows: rows})
}

// TableDone announces that meta.Tables[table] has no more data files.
func (p *Pipe) TableDone(ctx context.Context, table int) error {
	return p.send(ctx, PipeEvent{Table: table, TableDone: true})
}

func (p *Pipe) send(ctx context.Context, e PipeEvent) error {
	select {
	case p.events <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close says that the dump is complete: its metadata file is in Dir. Next returns io.EOF once
// the events before are read. Call it once, after the last FileDone and TableDone returned.
func (p *Pipe) Close() { p.once.Do(func() { close(p.closed); close(p.events) }) }

// Next returns the next event, io.EOF once the dump is complete (Close) and every event read,
// or ctx's error.
func (p *Pipe) Next(ctx context.Context) (PipeEvent, error) {
	select {
	case e, ok := <-p.events:
		if !ok {
			return PipeEvent{}, io.EOF
		}
		return e, nil
	case <-ctx.Done():
		return PipeEvent{}, ctx.Err()
	}
}

// Events returns the channel Next reads, closed after Close: for a select loop.
func (p *Pipe) Events() <-chan PipeEvent { return p.events }

// Remove frees the data file fi once it is loaded.
func (p *Pipe) Remove(ctx context.Context, fi FileInfo) error {
	if err := p.dir.bucket.Delete(ctx, p.dir.prefix+fi.Name); err != nil {
		return p.dir.objectError("delete", fi.Name, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live -= fi.Size
	select {
	case <-p.closed:
	default:
		p.early++
	}
	return nil
}

// PipeStats are what a pipe carried: Files announced, FilesBeforeEnd of them loaded and removed
// before the dump was complete (the overlap of dump and load), and PeakBytes, the most bytes
// of whole data files held at once (files being written and read add to it by their buffers).
type PipeStats struct {
	Files, FilesBeforeEnd int
	PeakBytes             int64
}

// Stats returns what the pipe carried so far.
func (p *Pipe) Stats() PipeStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PipeStats{Files: p.done, FilesBeforeEnd: p.early, PeakBytes: p.peak}
}

// ErrPipeClosed is returned by a load that follows a pipe whose dump failed.
var ErrPipeClosed = errors.New("the dump being followed ended without completing")
