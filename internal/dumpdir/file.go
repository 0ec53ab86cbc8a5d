package dumpdir

import (
	"bufio"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
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
// always whole.
type File struct {
	dir, name string
	f         *os.File
	w         *bufio.Writer
	crc       hash.Hash32
	size      int64
	noSync    bool
}

// Create starts writing dir/name (as dir/name.partial, mode 0600). It fails if the file cannot be
// created, for example when dir does not exist or is not writable.
func Create(dir, name string) (*File, error) {
	f, err := os.OpenFile(filepath.Join(dir, name+".partial"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, FileMode)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return &File{dir: dir, name: name, f: f, w: bufio.NewWriterSize(f, 256<<10), crc: crc32.New(castagnoli)}, nil
}

// Write appends p; errors (a full disk) name the file.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	f.crc.Write(p[:n])
	f.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.name, err)
	}
	return n, nil
}

// Size is the number of bytes written so far.
func (f *File) Size() int64 { return f.size }

// Close flushes, syncs and renames the file to its final name and returns what the metadata file
// records about it. On error the partial file is removed.
func (f *File) Close() (FileInfo, error) {
	err := f.w.Flush()
	if err == nil && !f.noSync {
		err = f.f.Sync()
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
		return FileInfo{}, fmt.Errorf("finish %s: %w", f.name, err)
	}
	return FileInfo{Name: f.name, Size: f.size, CRC32C: f.crc.Sum32()}, nil
}

// NoSync makes Close skip the fsync(2): the file is renamed once written, but an operating
// system crash soon after may leave it short or empty (which the metadata's size and CRC-32C
// then reveal to the loader). For sluice dump --no-sync, as pg_dump --no-sync.
func (f *File) NoSync() { f.noSync = true }

// Abort closes and removes the partial file; used when the dump fails.
func (f *File) Abort() {
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
	if n != fi.Size || h.Sum32() != fi.CRC32C {
		return fmt.Errorf("%s: %d bytes with CRC-32C %08x, metadata says %d bytes with %08x: the file is truncated or corrupt; take the dump again",
			fi.Name, n, h.Sum32(), fi.Size, fi.CRC32C)
	}
	return nil
}
