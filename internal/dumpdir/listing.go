package dumpdir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gocloud.dev/blob"
)

// Stored is one file of a dump as the directory or the bucket lists it.
type Stored struct {
	Name    string
	Size    int64 // bytes stored
	ModTime time.Time
}

// Sub returns the Dir of d's child name (a dump under a parent directory or prefix), sharing
// d's store and keys: close d, not the child.
func (d *Dir) Sub(name string) *Dir {
	c := *d
	if d.bucket == nil {
		c.loc, c.local = filepath.Join(d.local, name), filepath.Join(d.local, name)
		return &c
	}
	c.prefix = d.prefix + name + "/"
	c.loc = strings.TrimSuffix(d.loc, "/") + "/" + name + "/"
	return &c
}

// Children returns the names of d's subdirectories (child prefixes in an object store), sorted.
func (d *Dir) Children(ctx context.Context) ([]string, error) {
	var out []string
	if d.bucket == nil {
		entries, err := os.ReadDir(d.local)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.local, err)
		}
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, e.Name())
			}
		}
		return out, nil
	}
	err := d.listObjects(ctx, func(obj *blob.ListObject) {
		if obj.IsDir {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(obj.Key, d.prefix), "/"))
		}
	})
	sort.Strings(out)
	return out, err
}

// Files returns d's files (not its subdirectories) with their stored sizes, sorted by name.
func (d *Dir) Files(ctx context.Context) ([]Stored, error) {
	var out []Stored
	if d.bucket == nil {
		entries, err := os.ReadDir(d.local)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.local, err)
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
			out = append(out, Stored{Name: e.Name(), Size: info.Size(), ModTime: info.ModTime()})
		}
		return out, nil
	}
	err := d.listObjects(ctx, func(obj *blob.ListObject) {
		if !obj.IsDir {
			out = append(out, Stored{Name: strings.TrimPrefix(obj.Key, d.prefix), Size: obj.Size, ModTime: obj.ModTime})
		}
	})
	return out, err
}

// listObjects calls each for every object and subdirectory ("/"-delimited) directly under d's
// prefix in its bucket, in the store's order (by key). A listing error, named by d's location,
// ends it and is returned.
func (d *Dir) listObjects(ctx context.Context, each func(*blob.ListObject)) error {
	it := d.bucket.List(&blob.ListOptions{Prefix: d.prefix, Delimiter: "/"})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.objectError("list", "", err)
		}
		each(obj)
	}
}

// RemoveAll deletes the dump d: the directory and everything in it, or every object under the
// prefix. It is for sluice prune, which decides what may go; errors name the file.
func (d *Dir) RemoveAll(ctx context.Context) error {
	if d.bucket == nil {
		if d.local == "" || d.local == "/" {
			return errors.New("refusing to remove the root directory")
		}
		return os.RemoveAll(d.local)
	}
	if d.prefix == "" {
		return fmt.Errorf("%s: refusing to remove a whole bucket", d.loc)
	}
	it := d.bucket.List(&blob.ListOptions{Prefix: d.prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.objectError("list", "", err)
		}
		if err := d.bucket.Delete(ctx, obj.Key); err != nil {
			return d.objectError("delete", strings.TrimPrefix(obj.Key, d.prefix), err)
		}
	}
}

// Parent returns the location holding loc (a path or a URL): `sluice dump --keep-last` prunes
// the parent of its -o.
func Parent(loc string) string {
	if !IsURL(loc) {
		return filepath.Dir(filepath.Clean(loc))
	}
	t := strings.TrimSuffix(loc, "/")
	i := strings.LastIndex(t, "/")
	if i < len("s3://") || strings.HasSuffix(t[:i], ":/") {
		return t + "/" // a bucket's top: it is its own parent
	}
	return t[:i] + "/"
}
