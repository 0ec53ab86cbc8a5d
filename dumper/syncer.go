package dumper

import (
	"errors"
	"sync"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// syncer finishes data files in the background: dumpdir.File.Close flushes, fsyncs and renames a
// file, and the fsync(2), which waits for the file's pages to reach the disk, would otherwise
// stall the worker that wrote it, and with it the server thread feeding that worker. One
// goroutine finishes files in the order they come; the dump waits for it before it syncs the
// directory (which makes the renames durable) and writes the metadata file (writeMetadata), so a
// dump with metadata has every file on disk under its final name.
type syncer struct {
	// buffers are the write buffers of the data files, which go back there as the files are
	// finished.
	buffers dumpdir.Buffers

	files chan finishing
	stop  chan struct{} // closed when run returns
	once  sync.Once
	err   error // why run stopped early; read after stop is closed
}

// finishing is a file to finish and what to do with its description once it is on disk; with
// no file, what to do once the files queued before are on disk (after).
type finishing struct {
	f    *dumpdir.File
	done func(dumpdir.FileInfo)
}

// newSyncer returns a syncer that holds at most queue files waiting to be finished before
// finish blocks.
func newSyncer(queue int) *syncer {
	return &syncer{files: make(chan finishing, queue), stop: make(chan struct{})}
}

// run finishes files until close is called and the queue is empty, or a file fails to finish
// (a full disk, an I/O error): then it returns that error, and finish returns it too.
func (s *syncer) run() error {
	defer close(s.stop)
	for fin := range s.files {
		if fin.f == nil { // after: every file queued before is finished
			fin.done(dumpdir.FileInfo{})
			continue
		}
		fi, err := fin.f.Close()
		if err != nil {
			s.err = err
			return err
		}
		fin.done(fi)
	}
	return nil
}

// finish queues f; done is called with its description once it is synced and renamed. After
// run stopped on an error, finish removes f and returns that error.
func (s *syncer) finish(f *dumpdir.File, done func(dumpdir.FileInfo)) error {
	select {
	case <-s.stop:
		return s.refuse(f)
	default:
	}
	select {
	case s.files <- finishing{f, done}:
		return nil // if run stops now, abortQueued removes f
	case <-s.stop:
		return s.refuse(f)
	}
}

// after queues done, called once every file queued before is finished (so in the order of the
// files). After run stopped on an error, it returns that error and done is not called.
func (s *syncer) after(done func()) error {
	fin := finishing{done: func(dumpdir.FileInfo) { done() }}
	select {
	case <-s.stop:
		return s.refuse(nil)
	default:
	}
	select {
	case s.files <- fin:
		return nil
	case <-s.stop:
		return s.refuse(nil)
	}
}

func (s *syncer) refuse(f *dumpdir.File) error {
	if f != nil {
		f.Abort()
	}
	if s.err != nil {
		return s.err
	}
	return errors.New("dump files: no longer being written")
}

// close ends the queue: run returns once the files queued so far are finished. Safe to call
// more than once, and on nil (no syncer).
func (s *syncer) close() {
	if s != nil {
		s.once.Do(func() { close(s.files) })
	}
}

// abortQueued removes the partial files still queued after run stopped on an error. Call it
// after close, once run has returned.
func (s *syncer) abortQueued() {
	for fin := range s.files {
		if fin.f != nil {
			fin.f.Abort()
		}
	}
}
