package dumper

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// markersInterval is how often the progress marker is rewritten while files finish: often
// enough for a following load to start on each file soon, seldom enough that rewriting the
// whole list stays cheap on a dump of many files.
const markersInterval = 500 * time.Millisecond

// markers writes the progress markers of a dump into a directory or object store
// (dumpdir.SchemasName, dumpdir.ProgressName), which sluice load --wait-dump follows: the
// schemas' metadata once every schema file is written (publishSchemas), then every data file
// once it is synced and renamed, and every table once it has no more files, in that order
// (the syncer calls fileDone, and tableDone through syncer.after, once the files queued before
// are finished). The list is rewritten whole at most every markersInterval by run. Safe for
// concurrent use.
type markers struct {
	dir *dumpdir.Dir

	mu     sync.Mutex
	events []dumpdir.PipeEvent
	dirty  bool
	err    error // the first failed write
}

// fileDone records the data file fi of the metadata's table table, holding rows rows, as
// finished.
func (m *markers) fileDone(table int, fi dumpdir.FileInfo, rows int64) {
	m.add(dumpdir.PipeEvent{Table: table, File: fi, Rows: rows})
}

// tableDone records that the metadata's table table has no more data files.
func (m *markers) tableDone(table int) { m.add(dumpdir.PipeEvent{Table: table, TableDone: true}) }

func (m *markers) add(e dumpdir.PipeEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	m.dirty = true
}

// run rewrites the progress marker every markersInterval while there is news, until stop is
// closed; then once more, unless ctx ended.
func (m *markers) run(ctx context.Context, stop <-chan struct{}) {
	t := time.NewTicker(markersInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			if ctx.Err() == nil {
				m.flush(ctx)
			}
			return
		case <-ctx.Done():
			return
		case <-t.C:
			m.flush(ctx)
		}
	}
}

// flush rewrites the progress marker if anything was recorded since it was last written; the
// write is done unlocked, so that the syncer recording files does not wait for it. Only run
// calls it.
func (m *markers) flush(ctx context.Context) {
	m.mu.Lock()
	if !m.dirty || m.err != nil {
		m.mu.Unlock()
		return
	}
	m.dirty = false
	events := m.events // add only appends: these stay as they are
	m.mu.Unlock()
	if err := m.dir.SaveProgress(ctx, events); err != nil {
		m.mu.Lock()
		m.err = fmt.Errorf("progress marker %s: %w", dumpdir.ProgressName, err)
		m.mu.Unlock()
	}
}

// failed returns the error of the first write that failed, or nil.
func (m *markers) failed() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}
