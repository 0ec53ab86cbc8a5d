package dumpdir

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
)

// Compression names accepted by --compress and recorded per table in metadata.
const (
	CompressNone = ""
	CompressZstd = "zstd"
	CompressGzip = "gzip"
)

// Suffix returns the file-name suffix of a compression: "", ".zst" or ".gz".
func Suffix(compression string) string {
	switch compression {
	case CompressZstd:
		return ".zst"
	case CompressGzip:
		return ".gz"
	}
	return ""
}

// ParseCompression checks a --compress value ("none", "zstd", "gzip").
func ParseCompression(s string) (string, error) {
	switch s {
	case "", "none":
		return CompressNone, nil
	case CompressZstd, CompressGzip:
		return s, nil
	}
	return "", fmt.Errorf("--compress %q: want none, zstd or gzip", s)
}

// zstdWindow is the zstd encoder's window (the farthest back a match may reach), bytes. The
// encoder keeps its history in a buffer of at least 1 MiB and at least twice the window, and
// moves the last window down to its start whenever the next 128 KiB block does not fit:
// WithLowerEncoderMem, used before, kept only the window plus one block, so it moved the whole
// window (4 MiB at SpeedFastest) down every 128 KiB (memmove was 44 % of the CPU of a zstd dump),
// and a 1 MiB window still moved 1 MiB per MiB compressed. 256 KiB moves 256 KiB per 768 KiB:
// on the bench's indexed rows (random digits, few long matches) the files come out the same size
// to within 0.1 % and compression takes about 15 % less CPU (bench/README.md). The decoder needs
// no more than the window either.
const zstdWindow = 256 << 10

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// NewCompressor wraps w with the compression's streaming encoder; Close flushes the encoder's last
// frame but does not close w. zstd runs at its fastest level with one goroutine per stream and a
// 256 KiB window (zstdWindow), and gzip (pgzip) at default level with 1 MiB blocks, so each dump
// worker costs a bounded few MiB.
func NewCompressor(w io.Writer, compression string) (io.WriteCloser, error) {
	switch compression {
	case CompressZstd:
		return zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(zstdWindow))
	case CompressGzip:
		gz := pgzip.NewWriter(w)
		if err := gz.SetConcurrency(1<<20, 2); err != nil {
			return nil, err
		}
		return gz, nil
	}
	return nopCloser{w}, nil
}

// NewCompressor is the package-level NewCompressor with zstd encoders reused from one file to
// the next (zstd.Encoder.Reset): a new encoder allocates its 1 MiB history and tables, which a
// dump of many small tables would do per file. b may be nil (a new encoder each time).
func (b *Buffers) NewCompressor(w io.Writer, compression string) (io.WriteCloser, error) {
	if b == nil || compression != CompressZstd {
		return NewCompressor(w, compression)
	}
	if e, ok := b.zstd.Get().(*zstd.Encoder); ok {
		e.Reset(w)
		return pooledEncoder{e, &b.zstd}, nil
	}
	wc, err := NewCompressor(w, compression)
	if err != nil {
		return nil, err
	}
	return pooledEncoder{wc.(*zstd.Encoder), &b.zstd}, nil
}

// pooledEncoder goes back to its pool once closed.
type pooledEncoder struct {
	*zstd.Encoder
	pool *sync.Pool
}

// Close ends the frame and returns the encoder to the pool; it is not used again by this file.
func (p pooledEncoder) Close() error {
	err := p.Encoder.Close()
	p.Encoder.Reset(nil)
	p.pool.Put(p.Encoder)
	return err
}

// Reader is an open dump file, decompressed as it is read.
type Reader struct {
	io.Reader
	closers []func() error
}

// Close releases the decoder and the file.
func (r *Reader) Close() error {
	var err error
	for _, c := range r.closers {
		if cerr := c(); err == nil {
			err = cerr
		}
	}
	return err
}

// Open opens the local file dir/name and decompresses it by the given compression (see
// Dir.Open).
func Open(dir, name, compression string) (*Reader, error) {
	return Local(dir).Open(context.Background(), name, compression)
}

// Open opens name, streamed (one GET for an object), decrypts it with d's identities (see
// Decrypt) and decompresses it by the given compression. Errors name the file; an encrypted
// file and no identities give one wrapping ErrNeedIdentity.
func (d *Dir) Open(ctx context.Context, name, compression string) (*Reader, error) {
	f, err := d.open(ctx, name)
	if err != nil {
		return nil, err
	}
	return d.decode(f, name, compression)
}

// OpenVerified reads fi.Name whole, with one read (one GET for an object), checks its size and
// CRC-32C against fi, and only then returns it decrypted and decompressed as Open does: a
// corrupt or truncated file gives an error naming it before any of its content is used. The
// file is held in memory until it is read: for files of a bounded size (the loader reads small
// objects so, instead of Verify then Open, which fetch them twice).
func (d *Dir) OpenVerified(ctx context.Context, fi FileInfo, compression string) (*Reader, error) {
	b, err := d.ReadFile(ctx, fi.Name)
	if err != nil {
		if errors.Is(err, ErrNotExist) {
			return nil, fmt.Errorf("%w: the dump is incomplete", err)
		}
		return nil, err
	}
	if err := checkSum(d.path(fi.Name), fi, int64(len(b)), crc32.Checksum(b, castagnoli)); err != nil {
		return nil, err
	}
	return d.decode(io.NopCloser(bytes.NewReader(b)), fi.Name, compression)
}

// CheckSize checks that fi.Name exists with the size fi records (one HEAD request for an
// object), without reading it: OpenVerified checks its content when it is opened.
func (d *Dir) CheckSize(ctx context.Context, fi FileInfo) error {
	var n int64
	if d.bucket != nil {
		a, err := d.bucket.Attributes(ctx, d.prefix+fi.Name)
		if err != nil {
			err = d.objectError("read", fi.Name, err)
			if errors.Is(err, ErrNotExist) {
				return fmt.Errorf("%w: the dump is incomplete", err)
			}
			return err
		}
		n = a.Size
	} else {
		st, err := os.Stat(filepath.Join(d.local, fi.Name))
		if err != nil {
			return fmt.Errorf("%s: %w: the dump is incomplete", fi.Name, err)
		}
		n = st.Size()
	}
	if n != fi.Size {
		return fmt.Errorf("%s: %d bytes, metadata says %d bytes: the file is truncated or corrupt; take the dump again", d.path(fi.Name), n, fi.Size)
	}
	return nil
}

// decode decrypts (with d's identities) and decompresses the raw stream f of file name.
func (d *Dir) decode(f io.ReadCloser, name, compression string) (*Reader, error) {
	r := &Reader{closers: []func() error{f.Close}}
	br := bufio.NewReaderSize(f, 256<<10)
	src, err := decrypt(br, name, d.identities)
	if err != nil {
		f.Close()
		return nil, err
	}
	if src != io.Reader(br) {
		br = bufio.NewReaderSize(src, 64<<10)
	}
	switch compression {
	case CompressZstd:
		d, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r.Reader = d
		r.closers = append([]func() error{func() error { d.Close(); return nil }}, r.closers...)
	case CompressGzip:
		g, err := pgzip.NewReaderN(br, 1<<20, 2)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w: the file is corrupt", name, err)
		}
		r.Reader = g
		r.closers = append([]func() error{g.Close}, r.closers...)
	default:
		r.Reader = br
	}
	return r, nil
}
