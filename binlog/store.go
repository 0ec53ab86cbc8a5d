package binlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// An archive in an object store (Options.Dir an s3:// URL, see dumpdir.OpenDir): a store has
// no append, so the archiver writes into a local spool directory exactly as into a local
// archive, and uploads each binlog file under its final name once it is complete (the source
// rotated past it), and, on exit (the source's end, SIGTERM, an error), the open file as far
// as it is durable; then the index, last. The store's index is the archive's source of truth,
// as the local one is: a file is in the archive once that index names it, and only its first
// Size bytes (whose SHA-256 the index records) count. A resumed archiver rebuilds its spool
// from the store's index (downloading the last file when it is incomplete, to continue it), so
// whatever the spool held past the store is read again from the source: no gap, no duplicate.

// DefaultSpool is the spool directory of the object-store archive loc when Options.Spool is
// "": os.TempDir()/sluice-binlog-spool-HASH, HASH naming loc (so that archivers of two
// archives never share one).
func DefaultSpool(loc string) string {
	h := sha256.Sum256([]byte(loc))
	return filepath.Join(os.TempDir(), "sluice-binlog-spool-"+hex.EncodeToString(h[:6]))
}

// ReadArchiveIndex reads the index of the archive at loc, a local directory or an
// object-store URL. A missing index is (nil, nil).
func ReadArchiveIndex(ctx context.Context, loc string) (*Index, error) {
	d, err := dumpdir.OpenDir(ctx, loc)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return readIndexFrom(ctx, d)
}

// readIndexFrom reads d's index; a missing one is (nil, nil).
func readIndexFrom(ctx context.Context, d *dumpdir.Dir) (*Index, error) {
	b, err := d.ReadFile(ctx, IndexName)
	if errors.Is(err, dumpdir.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeIndex(fmt.Sprintf("%s/%s", d, IndexName), b)
}

// seedSpool makes spool the working copy of the store's archive: its index, and its last file
// (the first Size bytes, checked by SHA-256) when that one is incomplete. It returns the index
// (nil for a new archive) and the size of each file the store holds.
func seedSpool(ctx context.Context, st *dumpdir.Dir, spool string) (*Index, map[string]int64, error) {
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, nil, fmt.Errorf("--spool %s: %w", spool, err)
	}
	if err := os.Chmod(spool, 0o700); err != nil {
		return nil, nil, fmt.Errorf("--spool %s: %w", spool, err)
	}
	uploaded := map[string]int64{}
	ix, err := readIndexFrom(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if ix == nil {
		if err := os.Remove(filepath.Join(spool, IndexName)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, err
		}
		return nil, uploaded, nil
	}
	for _, f := range ix.Files {
		uploaded[f.Name] = f.Size
	}
	if n := len(ix.Files); n > 0 && !ix.Files[n-1].Complete {
		if err := download(ctx, st, ix.Files[n-1], spool); err != nil {
			return nil, nil, err
		}
	}
	if err := ix.write(spool); err != nil {
		return nil, nil, fmt.Errorf("--spool %s: %w", spool, err)
	}
	return ix, uploaded, nil
}

// download copies the first fi.Size bytes of the store's fi.Name into spool, checked against
// fi.SHA256, and syncs it.
func download(ctx context.Context, st *dumpdir.Dir, fi IndexFile, spool string) error {
	r, err := st.Open(ctx, fi.Name, "")
	if err != nil {
		return err
	}
	defer r.Close()
	path := filepath.Join(spool, fi.Name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, fi.Size))
	if err == nil && (n != fi.Size || hex.EncodeToString(h.Sum(nil)) != fi.SHA256) {
		err = fmt.Errorf("%s/%s: %d bytes whose SHA-256 differs from the index's (%d bytes): the archive is corrupt", st, fi.Name, n, fi.Size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// upload brings the store up to the spool: each file of the index whose durable bytes the
// store does not hold yet (removing a complete one from the spool once uploaded), then the
// index. The upload of a file blocks the archiver (it reads no event meanwhile). Uploads outlive ctx's cancellation (SIGTERM makes the archiver upload what it has).
func (a *archiver) upload(ctx context.Context) error {
	if a.store == nil || len(a.ix.Files) == 0 {
		return nil // no index before the first file, as locally (a new archive's start is kept)
	}
	ctx = context.WithoutCancel(ctx)
	for _, fi := range a.ix.Files {
		if a.uploaded[fi.Name] == fi.Size {
			continue
		}
		if err := a.uploadFile(ctx, fi); err != nil {
			return err
		}
		a.uploaded[fi.Name] = fi.Size
		if fi.Complete {
			if err := os.Remove(filepath.Join(a.dir, fi.Name)); err != nil {
				return err
			}
		}
	}
	b, err := json.MarshalIndent(a.ix, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if bytes.Equal(b, a.uploadedIndex) {
		return nil
	}
	if _, err := a.store.WriteFile(ctx, IndexName, b); err != nil {
		return fmt.Errorf("binlog archive: upload the index: %w", err)
	}
	a.uploadedIndex = b
	return nil
}

// uploadFile uploads the first fi.Size bytes of the spool's fi.Name under its name.
func (a *archiver) uploadFile(ctx context.Context, fi IndexFile) error {
	f, err := os.Open(filepath.Join(a.dir, fi.Name))
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := a.store.Create(ctx, fi.Name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, io.LimitReader(f, fi.Size)); err != nil {
		w.Abort()
		return fmt.Errorf("binlog archive: upload %s: %w", fi.Name, err)
	}
	if _, err := w.Close(); err != nil {
		return fmt.Errorf("binlog archive: upload %s: %w", fi.Name, err)
	}
	a.o.Log.Info("binlog archive: file uploaded", "file", fi.Name, "to", a.store.String(), "bytes", fi.Size, "complete", fi.Complete)
	return nil
}
