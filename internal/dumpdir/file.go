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
	obj       *blob.Writer       // the upload, for a file in an object store; f is nil then
	objDir    *Dir               // where obj goes, for its errors
	cancel    context.CancelFunc // aborts obj
	buf       []byte             // the write buffer, all of it usable; aligned to directAlign when direct
	n         int                // bytes waiting in buf
	direct    bool               // f is open with O_DIRECT: writes are whole, aligned blocks
	bufs      *Buffers           // where buf goes back when the file is done; nil for none
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
	return f, nil
}

// Buffers reuses the write buffers of data files (dataBufferSize bytes, aligned for O_DIRECT)
// and the zstd encoders (see Buffers.NewCompressor) from one file to the next: a dump of 1,000
// small tables would otherwise allocate and clear a GiB. Safe for concurrent use; the zero
// value is ready.
type Buffers struct{ pool, zstd sync.Pool }

func (b *Buffers) get() []byte {
	if b != nil {
		if v, ok := b.pool.Get().(*[]byte); ok {
			return *v
		}
	}
	return alignedBuffer(dataBufferSize)
}

func (b *Buffers) put(buf []byte) {
	if b != nil && len(buf) == dataBufferSize {
		b.pool.Put(&buf)
	}
}

// release gives f's buffer back to its Buffers; f is not written to again.
func (f *File) release() {
	if f.buf != nil {
		f.bufs.put(f.buf)
		f.buf, f.n = nil, 0
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
			if err := f.writeOut(f.buf); err != nil {
				return n, err
			}
			f.n = 0
		}
	}
	f.crc.Write(p)
	f.size += int64(n)
	return n, nil
}

// writeOut writes b, a whole buffer or the file's tail, to the file.
// A filesystem that accepts O_DIRECT at open(2) but refuses the write itself (EINVAL: a block
// size above directAlign, or no direct I/O after all) gets the file through the page cache: an
// O_DIRECT write refused with EINVAL has written nothing, so it is repeated as it was.
func (f *File) writeOut(b []byte) error {
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
	if f.obj != nil {
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
	if f.obj != nil {
		f.release()
		f.cancel()
		f.obj.Close()
		return
	}
	f.release()
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
