package dumpdir

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"gocloud.dev/blob"
)

// ErrNotExist is wrapped by the errors of a file or object that does not exist
// (errors.Is(err, ErrNotExist)).
var ErrNotExist = fs.ErrNotExist

// Dir is where a dump lives: a local directory, or a prefix in an object-store bucket
// (s3://BUCKET/PREFIX; see OpenDir). Its methods are the only places that create, open, list
// and read a dump's files, so the dumper and the loader work the same on both. The zero value
// is not usable; a Dir is safe for concurrent use.
type Dir struct {
	loc    string       // as given: a path or a URL (never holds credentials), for messages
	local  string       // the local directory; "" for an object store
	bucket *blob.Bucket // the object store; nil for a local directory
	store  string       // the bucket as a URL, "s3://BUCKET", for messages
	// beforeWrite is the driver's WriterOptions.BeforeWrite hook (see openS3); may be nil.
	beforeWrite func(func(any) bool) error
	s3          *s3Store // the SDK client of an s3:// Dir, for the uploads of data files; nil otherwise
	prefix      string   // key prefix of the dump's objects: "" or ending in "/"
	// recipients encrypt every file Create and CreateData start; identities decrypt what Open,
	// ReadVerified and ReadMetadata read (see Encrypt, Decrypt). nil for clear text.
	recipients []age.Recipient
	identities []age.Identity
}

// Local returns the Dir of a local directory.
func Local(dir string) *Dir { return &Dir{loc: dir, local: dir} }

// IsURL reports whether loc names an object store (it has a scheme, as s3://) rather than a
// local path.
func IsURL(loc string) bool {
	i := strings.Index(loc, "://")
	return i > 0 && !strings.ContainsAny(loc[:i], "/.")
}

// OpenDir opens loc: a local path, or the URL of an object-store prefix. s3://BUCKET/PREFIX
// uses the standard AWS configuration (see openS3); other schemes (gs://, azblob://) go to the
// gocloud.dev/blob driver registered for them, when the binary links one. Opening checks
// nothing on the store; the first request does. Close releases the store's client.
func OpenDir(ctx context.Context, loc string) (*Dir, error) {
	if loc == "" {
		return nil, errors.New("no dump location given")
	}
	if !IsURL(loc) {
		return Local(loc), nil
	}
	return openObjectDir(ctx, loc)
}

// String returns the location as given (a path or a URL).
func (d *Dir) String() string { return d.loc }

// LocalPath returns the local directory, or "" for an object store.
func (d *Dir) LocalPath() string { return d.local }

// Close releases the object store's client; a local Dir has nothing to release.
func (d *Dir) Close() error {
	if d.bucket != nil {
		return d.bucket.Close()
	}
	return nil
}

// path names a file of the dump in messages: dir/name or s3://bucket/prefix/name.
func (d *Dir) path(name string) string {
	if d.bucket == nil {
		return filepath.Join(d.local, name)
	}
	return strings.TrimSuffix(d.loc, "/") + "/" + name
}

// Prepare makes d ready for a new dump. A local directory is created 0700, or an existing empty
// one is accepted (and tightened to 0700); a non-empty one is refused, so an old dump is never
// mixed with a new one. An object-store prefix must hold no objects; listing it is also the
// first request, so a missing bucket or refused credentials fail here, before the dump starts.
func (d *Dir) Prepare(ctx context.Context) error {
	if d.bucket != nil {
		return d.prepareObjects(ctx)
	}
	entries, err := os.ReadDir(d.local)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(d.local, DirMode); err != nil {
			return fmt.Errorf("-o %s: %w", d.local, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("-o %s: %w", d.local, err)
	case len(entries) > 0:
		return fmt.Errorf("-o %s: directory is not empty: give a new directory", d.local)
	}
	return os.Chmod(d.local, DirMode)
}

// Create starts writing a small file (schema, metadata) named name; see the package-level
// Create for a local directory and createObject for an object store.
func (d *Dir) Create(ctx context.Context, name string) (*File, error) {
	return d.seal(d.createClear(ctx, name))
}

// createClear is Create without encryption, for the status file.
func (d *Dir) createClear(ctx context.Context, name string) (*File, error) {
	if d.bucket != nil {
		return d.createObject(ctx, name, nil, false)
	}
	return Create(d.local, name)
}

// CreateData starts writing a data file named name, with its write buffer from bufs (which may
// be nil); see the package-level CreateData for a local directory (O_DIRECT) and createObject
// for an object store (a streamed multipart upload).
func (d *Dir) CreateData(ctx context.Context, name string, bufs *Buffers) (*File, error) {
	if d.bucket != nil {
		return d.seal(d.createObject(ctx, name, bufs, true))
	}
	return d.seal(CreateData(d.local, name, bufs))
}

// WriteFile writes a whole small file so that it appears only once whole, as Create, Write and
// Close do.
func (d *Dir) WriteFile(ctx context.Context, name string, data []byte) (FileInfo, error) {
	f, err := d.Create(ctx, name)
	if err != nil {
		return FileInfo{}, err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return FileInfo{}, err
	}
	return f.Close()
}

// ReadFile returns the whole content of name as stored (not decrypted: see ReadVerified). A
// missing file gives an error wrapping ErrNotExist.
func (d *Dir) ReadFile(ctx context.Context, name string) ([]byte, error) {
	if d.bucket != nil {
		b, err := d.bucket.ReadAll(ctx, d.prefix+name)
		if err != nil {
			return nil, d.objectError("read", name, err)
		}
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(d.local, name))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(d.local, name), err)
	}
	return b, nil
}

// open returns name's raw bytes as a stream: the file, or the object read by one streamed GET.
func (d *Dir) open(ctx context.Context, name string) (io.ReadCloser, error) {
	if d.bucket != nil {
		r, err := d.bucket.NewReader(ctx, d.prefix+name, nil)
		if err != nil {
			return nil, d.objectError("read", name, err)
		}
		return r, nil
	}
	f, err := os.Open(filepath.Join(d.local, name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// Verify reads name whole and checks its size and CRC-32C against fi. It returns an error naming
// the file when it is missing, truncated or corrupt.
func (d *Dir) Verify(ctx context.Context, fi FileInfo) error {
	if d.bucket == nil {
		return Verify(d.local, fi)
	}
	r, err := d.open(ctx, fi.Name)
	if err != nil {
		if errors.Is(err, ErrNotExist) {
			return fmt.Errorf("%w: the dump is incomplete", err)
		}
		return err
	}
	defer r.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, r)
	if err != nil {
		return d.objectError("read", fi.Name, err)
	}
	return checkSum(d.path(fi.Name), fi, n, h.Sum32())
}

// checkSum compares a file's size and CRC-32C with what the metadata recorded.
func checkSum(path string, fi FileInfo, n int64, crc uint32) error {
	if n != fi.Size || crc != fi.CRC32C {
		return fmt.Errorf("%s: %d bytes with CRC-32C %08x, metadata says %d bytes with %08x: the file is truncated or corrupt; take the dump again",
			path, n, crc, fi.Size, fi.CRC32C)
	}
	return nil
}

// ReadVerified returns the whole content of fi.Name after checking its size and CRC-32C against
// fi: one read for a small file (schemas), where Verify then Open would read it twice.
func (d *Dir) ReadVerified(ctx context.Context, fi FileInfo) ([]byte, error) {
	b, err := d.ReadFile(ctx, fi.Name)
	if err != nil {
		if errors.Is(err, ErrNotExist) {
			return nil, fmt.Errorf("%s: %w: the dump is incomplete", fi.Name, err)
		}
		return nil, err
	}
	if err := checkSum(d.path(fi.Name), fi, int64(len(b)), crc32.Checksum(b, castagnoli)); err != nil {
		return nil, err
	}
	return d.plaintext(fi.Name, b)
}
