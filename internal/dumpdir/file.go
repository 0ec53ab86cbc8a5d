package dumpdir

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"unsafe"

	"gocloud.dev/blob"
)

// DirMode and FileMode are the permissions of a dump directory and its files: a dump holds a
// copy of the data and is readable by its owner only.
const (
	DirMode  os.FileMode = 0o700
	FileMode os.FileMode = 0o600
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// FileInfo describes one file of a dump as recorded in the metadata file.
type FileInfo struct {
	Name   string // file name inside the dump directory
	Size   int64  // bytes on disk (after compression)
	CRC32C uint32 // CRC-32C (Castagnoli) of the bytes on disk
}

// File is a dump file being written: bytes go to NAME.partial through a buffer while their size
// and CRC-32C are counted; Close syncs and renames it to NAME, so a file with its final name is
// always whole. Data files (CreateData) are written with O_DIRECT where the filesystem allows it.
// In an object store (Dir.Create) the bytes stream into an upload of NAME instead, which Close
// completes: an object store has no rename, and the object exists only once whole.
type File struct {
	dir, name string
	f         *os.File
	obj       *blob.Writer       // the upload, for a small file in an object store; f is nil then
	up        *s3Upload          // the upload, for a data file in S3 (object_upload.go); f is nil then
	objDir    *Dir               // where obj goes, for its errors
	cancel    context.CancelFunc // aborts obj
	buf       []byte             // the write buffer, all of it usable; aligned to directAlign when direct
	n         int                // bytes waiting in buf
	direct    bool               // f is open with O_DIRECT: writes are whole, aligned blocks
	behind    bool               // full buffers are written by a goroutine while the next fills (CreateData)
	back      []byte             // the buffer being written behind, or the spare; nil until needed
	inflight  bool               // a write behind is running; its result comes on done
	done      chan error
	bufs      *Buffers // where buf goes back when the file is done; nil for none
	crc       hash.Hash32
	size      int64
	noSync    bool
	seal      io.WriteCloser // the age stream Write goes through (see Encrypt); nil for clear text
}

// smallBufferSize is the write buffer of Create's files (schemas, metadata): one write(2) per
// 256 KiB.
const smallBufferSize = 256 << 10

// dataBufferSize is the write buffer of CreateData's files: 1 MiB, written with one write(2)
// straight from this buffer to the disk when the file is open with O_DIRECT.
const dataBufferSize = 1 << 20

// directAlign is the alignment of O_DIRECT writes: buffer address, file offset and length are
// multiples of it (4096 bytes covers every logical block size in use; open(2), "O_DIRECT").
const directAlign = 4096

// Create starts writing dir/name (as dir/name.partial, mode 0600) through the page cache. It
// fails if the file cannot be created, for example when dir does not exist or is not writable.
func Create(dir, name string) (*File, error) {
	f, err := create(dir, name, false)
	if err != nil {
		return nil, err
	}
	f.buf = make([]byte, smallBufferSize)
	return f, nil
}

// CreateData is Create for a data file: written with O_DIRECT when the filesystem supports it
// (falling back to the page cache when not, as on tmpfs). Copying hundreds of megabytes
// into the page cache costs the dump more CPU than anything else it does (54 % of its CPU time
// in a profile of sysbench 4x1M on a virtual machine), and it evicts what the page cache held.
// Its write buffer comes from bufs and goes back there when the file is closed or aborted; bufs
// may be nil (a new buffer each time).
func CreateData(dir, name string, bufs *Buffers) (*File, error) {
	f, err := create(dir, name, directSupported)
	if err != nil {
		return nil, err
	}
	f.bufs, f.buf = bufs, bufs.get()
	f.behind, f.done = true, make(chan error, 1)
	return f, nil
}

// Buffers reuses the write buffers of data files (dataBufferSize bytes, aligned for O_DIRECT)
// and the zstd encoders (see Buffers.NewCompressor) from one file to the next: a dump of 1,000
// small tables would otherwise allocate and clear a GiB. Safe for concurrent use; the zero
// value is ready.
type Buffers struct {
	pool, zstd sync.Pool
	parts      partBuffers // the part buffers of uploads to S3 (s3Upload)
}

func (b *Buffers) get() []byte {
	if b != nil {
		if v, ok := b.pool.Get().(*[]byte); ok {
			return *v
		}
	}
	return alignedBuffer(dataBufferSize)
}

// getPart returns a part buffer of an upload (partSize bytes).
func (b *Buffers) getPart() []byte {
	if b != nil {
		return b.parts.get()
	}
	return make([]byte, partSize)
}

// put takes back a write buffer or a part buffer.
func (b *Buffers) put(buf []byte) {
	switch {
	case b == nil:
	case len(buf) == dataBufferSize:
		b.pool.Put(&buf)
	case len(buf) == partSize:
		b.parts.put(buf)
	}
}

// release gives f's buffers back to its Buffers once no write behind uses them; f is not
// written to again.
func (f *File) release() {
	_ = f.waitBehind()
	if f.buf != nil {
		f.bufs.put(f.buf)
		f.buf, f.n = nil, 0
	}
	if f.back != nil {
		f.bufs.put(f.back)
		f.back = nil
	}
}

// create opens dir/name.partial, with O_DIRECT if direct and the filesystem allows it; the
// caller gives the File its buffer.
func create(dir, name string, direct bool) (*File, error) {
	path := filepath.Join(dir, name+".partial")
	flags := os.O_CREATE | os.O_TRUNC | os.O_WRONLY
	var f *os.File
	if direct {
		var err error
		if f, err = os.OpenFile(path, flags|oDirect, FileMode); err != nil {
			direct = false // EINVAL: this filesystem has no O_DIRECT; any other error recurs below
		}
	}
	if f == nil {
		var err error
		if f, err = os.OpenFile(path, flags, FileMode); err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
	}
	return &File{dir: dir, name: name, f: f, direct: direct, crc: crc32.New(castagnoli)}, nil
}

// alignedBuffer returns n bytes starting at a multiple of directAlign.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directAlign)
	off := 0
	if r := int(uintptrOf(b) % directAlign); r != 0 {
		off = directAlign - r
	}
	return b[off : off+n : off+n]
}

// Write appends p, through the file's encryption if any; errors (a full disk) name the file.
func (f *File) Write(p []byte) (int, error) {
	if f.seal != nil {
		return f.seal.Write(p)
	}
	return f.write(p)
}

// write appends p to the stored bytes, counting their size and CRC-32C.
func (f *File) write(p []byte) (int, error) {
	n := 0
	for len(p) > n {
		c := copy(f.buf[f.n:], p[n:])
		f.n += c
		n += c
		if f.n == len(f.buf) {
			if err := f.writeFull(); err != nil {
				return n, err
			}
		}
	}
	f.crc.Write(p)
	f.size += int64(n)
	return n, nil
}

// writeFull writes the full buffer out and empties it. A data file writes it behind: a
// goroutine writes it while the caller fills the spare buffer, and the next full buffer waits
// for it. An O_DIRECT write(2) returns only once the device has the bytes (about 3 ms per MiB
// on the bench's virtual disk), and the dump worker that waited for it was not reading its
// socket, so the server thread feeding it stalled too (0.4 s of a 1.6 s dump per worker,
// measured with SLUICE_TRACE: bench/README.md).
func (f *File) writeFull() error {
	if !f.behind {
		f.n = 0
		return f.writeOut(f.buf)
	}
	if err := f.waitBehind(); err != nil {
		return err
	}
	if f.back == nil {
		if f.up != nil {
			f.back = f.bufs.getPart()
		} else {
			f.back = f.bufs.get()
		}
	}
	b := f.buf
	f.buf, f.back, f.n = f.back, b, 0
	f.inflight = true
	go func() { f.done <- f.writeOut(b) }()
	return nil
}

// waitBehind waits for the write behind in flight, if any, and returns its error.
func (f *File) waitBehind() error {
	if !f.inflight {
		return nil
	}
	f.inflight = false
	return <-f.done
}

// writeOut writes b, a whole buffer or the file's tail, to the file.
// A filesystem that accepts O_DIRECT at open(2) but refuses the write itself (EINVAL: a block
// size above directAlign, or no direct I/O after all) gets the file through the page cache: an
// O_DIRECT write refused with EINVAL has written nothing, so it is repeated as it was.
func (f *File) writeOut(b []byte) error {
	if f.up != nil {
		if err := f.up.write(b, false); err != nil {
			return f.objDir.objectError("write", f.name, err)
		}
		return nil
	}
	if f.obj != nil {
		if _, err := f.obj.Write(b); err != nil {
			return f.objDir.objectError("write", f.name, err)
		}
		return nil
	}
	n, err := f.f.Write(b)
	if err != nil && f.direct && n == 0 && errors.Is(err, syscall.EINVAL) {
		if cerr := clearDirect(f.f); cerr == nil {
			f.direct = false
			_, err = f.f.Write(b)
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w%s", f.name, err, diskFullHint(err))
	}
	return nil
}

// diskFullHint is what to do when err says the filesystem is full or over quota (ENOSPC,
// EDQUOT), "" otherwise.
func diskFullHint(err error) string {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return ": the filesystem holding the dump is full: free space there or dump to another directory"
	}
	return ""
}

// flush writes what the buffer holds. With O_DIRECT, the whole blocks go first and the last
// partial block after O_DIRECT is turned off, since O_DIRECT writes whole blocks only.
func (f *File) flush() error {
	if err := f.waitBehind(); err != nil {
		return err
	}
	b := f.buf[:f.n]
	f.n = 0
	if f.direct && len(b)%directAlign != 0 {
		whole := len(b) &^ (directAlign - 1)
		if err := f.writeOut(b[:whole]); err != nil {
			return err
		}
		if err := clearDirect(f.f); err != nil {
			return fmt.Errorf("write %s: turn off O_DIRECT for the last block: %w", f.name, err)
		}
		f.direct = false
		b = b[whole:]
	}
	if len(b) == 0 {
		return nil
	}
	return f.writeOut(b)
}

// Close flushes, syncs and renames the file to its final name and returns what the metadata file
// records about it. On error the partial file is removed.
func (f *File) Close() (FileInfo, error) {
	if f.seal != nil {
		err := f.seal.Close()
		f.seal = nil
		if err != nil {
			f.Abort()
			return FileInfo{}, fmt.Errorf("finish %s: encrypt: %w", f.name, err)
		}
	}
	if f.obj != nil || f.up != nil {
		return f.closeObject()
	}
	err := f.flush() // its errors carry diskFullHint already
	f.release()
	hint := ""
	if err == nil && !f.noSync {
		err = f.f.Sync()
		hint = diskFullHint(err)
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	partial := filepath.Join(f.dir, f.name+".partial")
	if err == nil {
		err = os.Rename(partial, filepath.Join(f.dir, f.name))
	}
	if err != nil {
		os.Remove(partial)
		return FileInfo{}, fmt.Errorf("finish %s: %w%s", f.name, err, hint)
	}
	return FileInfo{Name: f.name, Size: f.size, CRC32C: f.crc.Sum32()}, nil
}

// NoSync makes Close skip the fsync(2): the file is renamed once written, but an operating
// system crash soon after may leave it short or empty (which the metadata's size and CRC-32C
// then reveal to the loader). For sluice dump --no-sync, as pg_dump --no-sync.
func (f *File) NoSync() { f.noSync = true }

// closeObject writes the buffer's last bytes and completes the upload.
func (f *File) closeObject() (FileInfo, error) {
	if f.up != nil {
		err := f.waitBehind()
		if err == nil {
			if err = f.up.write(f.buf[:f.n], true); err != nil {
				err = f.objDir.objectError("upload", f.name, err)
			}
		}
		f.release()
		if err != nil {
			f.up.abort()
		}
		f.cancel()
		if err != nil {
			return FileInfo{}, fmt.Errorf("finish %s: %w", f.name, err)
		}
		return FileInfo{Name: f.name, Size: f.size, CRC32C: f.crc.Sum32()}, nil
	}
	err := f.flush()
	f.release()
	if err != nil {
		f.cancel()
		f.obj.Close()
		return FileInfo{}, fmt.Errorf("finish %s: %w", f.name, err)
	}
	err = f.obj.Close()
	f.cancel()
	if err != nil {
		return FileInfo{}, fmt.Errorf("finish %s: %w", f.name, f.objDir.objectError("upload", f.name, err))
	}
	return FileInfo{Name: f.name, Size: f.size, CRC32C: f.crc.Sum32()}, nil
}

// Abort closes and removes the partial file; used when the dump fails. In an object store it
// aborts the upload: nothing appears under the file's name.
func (f *File) Abort() {
	f.seal = nil
	if f.up != nil {
		f.cancel()  // stops a part being uploaded behind
		f.release() // waits for it
		f.up.abort()
		return
	}
	if f.obj != nil {
		f.release()
		f.cancel()
		f.obj.Close()
		return
	}
	f.release() // waits for a write behind, which uses f.f
	f.f.Close()
	os.Remove(filepath.Join(f.dir, f.name+".partial"))
}

// WriteFile writes a whole small file atomically, as Create, Write and Close do.
func WriteFile(dir, name string, data []byte) (FileInfo, error) {
	f, err := Create(dir, name)
	if err != nil {
		return FileInfo{}, err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return FileInfo{}, err
	}
	return f.Close()
}

// Verify reads dir/fi.Name whole and checks its size and CRC-32C against fi. It returns an error
// naming the file when it is missing, truncated or corrupt.
func Verify(dir string, fi FileInfo) error {
	f, err := os.Open(filepath.Join(dir, fi.Name))
	if err != nil {
		return fmt.Errorf("%s: %w: the dump is incomplete", fi.Name, err)
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("%s: read: %w", fi.Name, err)
	}
	return checkSum(fi.Name, fi, n, h.Sum32())
}

// uintptrOf is the address of b's first byte.
func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(&b[0])) }
