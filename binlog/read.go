package binlog

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// errStop, returned by an eachEvent callback, ends the walk without an error.
var errStop = errors.New("stop")

// verifyFile reads the archive's file fi (its first fi.Size bytes) from d and checks them
// against the index's size and SHA-256, so that replay applies nothing of a truncated or
// corrupt file (one more read: a GET of an object). Errors name the file.
func verifyFile(ctx context.Context, d *dumpdir.Dir, fi IndexFile) error {
	f, err := d.Open(ctx, fi.Name, "")
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, io.LimitReader(f, fi.Size))
	if err != nil {
		return fmt.Errorf("%s: %w", archivePath(d, fi.Name), err)
	}
	return checkFile(d, fi, n, sum.Sum(nil))
}

// checkFile compares the size n and SHA-256 sum of the first bytes of fi.Name with the index's.
func checkFile(d *dumpdir.Dir, fi IndexFile, n int64, sum []byte) error {
	if n != fi.Size || fi.SHA256 != "" && hex.EncodeToString(sum) != fi.SHA256 {
		return fmt.Errorf("%s: its first %d bytes differ from the archive index's (size, SHA-256): the file is truncated or corrupt; nothing of it was applied", archivePath(d, fi.Name), fi.Size)
	}
	return nil
}

// archivePath names the archive's file name in messages: dir/name or s3://bucket/prefix/name.
func archivePath(d *dumpdir.Dir, name string) string {
	return strings.TrimSuffix(d.String(), "/") + "/" + name
}

// eachEvent calls fn with each event of the archive's file fi (its first fi.Size bytes, the
// durable ones), read from d (a local directory, or streamed from an object store), in order,
// until fn returns an error (errStop: stop quietly). A file read to its end is checked against
// the index's size and SHA-256 too (checkFile: it may have changed since verifyFile). Errors name the file: missing, not
// a binlog file, a corrupt or truncated event, bytes that differ from the index's.
func eachEvent(ctx context.Context, d *dumpdir.Dir, fi IndexFile, fn func(ev []byte, h header) error) error {
	path := archivePath(d, fi.Name)
	f, err := d.Open(ctx, fi.Name, "")
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	lr := &io.LimitedReader{R: f, N: fi.Size}
	br := bufio.NewReaderSize(io.TeeReader(lr, sum), 1<<20)
	var m [4]byte
	if _, err := io.ReadFull(br, m[:]); err != nil || !bytes.Equal(m[:], magic) {
		return fmt.Errorf("%s: not a binlog file", path)
	}
	for {
		var hb [headerLen]byte
		if _, err := io.ReadFull(br, hb[:]); err == io.EOF {
			return checkFile(d, fi, fi.Size-lr.N, sum.Sum(nil))
		} else if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		size := binary.LittleEndian.Uint32(hb[9:])
		if size < headerLen {
			return fmt.Errorf("%s: corrupt event header", path)
		}
		ev := make([]byte, size)
		copy(ev, hb[:])
		if _, err := io.ReadFull(br, ev[headerLen:]); err != nil {
			return fmt.Errorf("%s: truncated event: %w", path, err)
		}
		h, err := parseHeader(ev)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(ev, h); errors.Is(err, errStop) {
			return nil
		} else if err != nil {
			return err
		}
	}
}
