package dumpdir

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/gcerrors"
)

// memBlock is the size of the blocks a memBucket holds objects in.
const memBlock = 256 << 10

// memBucket is the in-memory object store behind a Pipe's Dir, a gocloud.dev/blob driver so
// that Dir works on it as on any bucket. Unlike gocloud's memblob, which grows one buffer per
// object (a 4 MiB file costs 16 MiB of allocations and up to 8 MiB held), an object is a list of
// fixed-size blocks taken from a pool shared by all objects: its bytes are copied once, never
// regrown, and Delete gives the blocks back for the next file, so a copy's memory is the
// blocks of the files in flight. Delete must come after every reader of the object is closed
// (the loader removes a file once it is loaded).
type memBucket struct {
	mu   sync.Mutex
	objs map[string]*memObject
	pool sync.Pool // *[]byte of memBlock bytes
}

// memObject is one stored object: its blocks, all full but the last.
type memObject struct {
	blocks [][]byte
	size   int64
	mod    time.Time
}

var errMemNotFound = errors.New("no such object")

// openMemBucket returns an empty in-memory bucket.
func openMemBucket() *blob.Bucket {
	return blob.NewBucket(&memBucket{objs: map[string]*memObject{}})
}

func (b *memBucket) block() []byte {
	if p, ok := b.pool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, memBlock)
}

func (b *memBucket) release(blocks [][]byte) {
	for _, blk := range blocks {
		blk = blk[:0]
		b.pool.Put(&blk)
	}
}

// ErrorCode implements driver.Bucket.
func (b *memBucket) ErrorCode(err error) gcerrors.ErrorCode {
	if errors.Is(err, errMemNotFound) {
		return gcerrors.NotFound
	}
	return gcerrors.Unknown
}

// As implements driver.Bucket.
func (b *memBucket) As(any) bool { return false }

// ErrorAs implements driver.Bucket.
func (b *memBucket) ErrorAs(error, any) bool { return false }

// Attributes implements driver.Bucket: the size and time of key.
func (b *memBucket) Attributes(_ context.Context, key string) (*driver.Attributes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objs[key]
	if !ok {
		return nil, errMemNotFound
	}
	return &driver.Attributes{Size: o.size, ModTime: o.mod, CreateTime: o.mod}, nil
}

// ListPaged implements driver.Bucket: every object under opts.Prefix, in one page, in key
// order (no delimiter grouping: a Pipe's Dir has no subdirectories).
func (b *memBucket) ListPaged(_ context.Context, opts *driver.ListOptions) (*driver.ListPage, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	page := &driver.ListPage{}
	for k, o := range b.objs {
		if strings.HasPrefix(k, opts.Prefix) {
			page.Objects = append(page.Objects, &driver.ListObject{Key: k, Size: o.size, ModTime: o.mod})
		}
	}
	sort.Slice(page.Objects, func(i, j int) bool { return page.Objects[i].Key < page.Objects[j].Key })
	return page, nil
}

// NewRangeReader implements driver.Bucket: length bytes of key from offset (length < 0: to
// the end).
func (b *memBucket) NewRangeReader(_ context.Context, key string, offset, length int64, _ *driver.ReaderOptions) (driver.Reader, error) {
	b.mu.Lock()
	o, ok := b.objs[key]
	b.mu.Unlock()
	if !ok {
		return nil, errMemNotFound
	}
	end := o.size
	if length >= 0 {
		end = min(end, offset+length)
	}
	return &memReader{o: o, pos: min(offset, end), end: end}, nil
}

// NewTypedWriter implements driver.Bucket: the object appears under key when the writer is
// closed, unless ctx ended first.
func (b *memBucket) NewTypedWriter(ctx context.Context, key, _ string, _ *driver.WriterOptions) (driver.Writer, error) {
	return &memWriter{ctx: ctx, b: b, key: key}, nil
}

// Copy implements driver.Bucket: not supported (nothing copies within a Pipe).
func (b *memBucket) Copy(context.Context, string, string, *driver.CopyOptions) error {
	return errors.New("memory store: copy not supported")
}

// Delete implements driver.Bucket, giving the object's blocks back to the pool.
func (b *memBucket) Delete(_ context.Context, key string, _ *driver.DeleteOptions) error {
	b.mu.Lock()
	o, ok := b.objs[key]
	delete(b.objs, key)
	b.mu.Unlock()
	if !ok {
		return errMemNotFound
	}
	b.release(o.blocks)
	return nil
}

// SignedURL implements driver.Bucket: not supported.
func (b *memBucket) SignedURL(context.Context, string, *driver.SignedURLOptions) (string, error) {
	return "", errors.New("memory store: no URLs")
}

// Close implements driver.Bucket.
func (b *memBucket) Close() error { return nil }

// memWriter fills blocks; Close stores them as the object.
type memWriter struct {
	ctx    context.Context // the upload's: cancelled, Close stores nothing
	b      *memBucket
	key    string
	blocks [][]byte
	size   int64
}

// Write implements io.Writer.
func (w *memWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(w.blocks) == 0 || len(w.blocks[len(w.blocks)-1]) == memBlock {
			w.blocks = append(w.blocks, w.b.block())
		}
		last := &w.blocks[len(w.blocks)-1]
		c := min(len(p), memBlock-len(*last))
		*last = append(*last, p[:c]...)
		p = p[c:]
	}
	w.size += int64(n)
	return n, nil
}

// Close implements io.Closer. An object replaced is not given back to the pool: a reader may
// still hold it.
func (w *memWriter) Close() error {
	if err := w.ctx.Err(); err != nil {
		w.b.release(w.blocks)
		return err
	}
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	w.b.objs[w.key] = &memObject{blocks: w.blocks, size: w.size, mod: time.Now()}
	return nil
}

// memReader reads an object's bytes [pos, end).
type memReader struct {
	o        *memObject
	pos, end int64
}

// Read implements io.Reader.
func (r *memReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.pos < r.end {
		blk := r.o.blocks[r.pos/memBlock]
		off := r.pos % memBlock
		c := copy(p[n:], blk[off:min(int64(len(blk)), off+r.end-r.pos)])
		n += c
		r.pos += int64(c)
	}
	return n, nil
}

// Close implements io.Closer.
func (r *memReader) Close() error { return nil }

// Attributes implements driver.Reader.
func (r *memReader) Attributes() *driver.ReaderAttributes {
	return &driver.ReaderAttributes{Size: r.o.size, ModTime: r.o.mod}
}

// As implements driver.Reader.
func (r *memReader) As(any) bool { return false }
