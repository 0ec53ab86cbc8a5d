package dumpdir

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// TestMemStoreRoundTrip writes files of several sizes (empty, one block, across blocks) through
// a Pipe's Dir and reads them back whole and by range; a removed file is gone (ErrNotExist)
// and its blocks serve the next file without mixing bytes.
func TestMemStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := NewPipe(1)
	d := p.Dir()
	if err := d.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, memBlock, memBlock + 1, 3*memBlock + 77} {
		want := bytes.Repeat([]byte{byte(n)}, n)
		for i := range want {
			want[i] += byte(i % 251)
		}
		fi, err := d.WriteFile(ctx, "f", want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.ReadVerified(ctx, fi)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: read back %d bytes (%v), equal %v", n, len(got), err, bytes.Equal(got, want))
		}
		if n > 10 {
			r, err := d.bucket.NewRangeReader(ctx, "f", 5, int64(n-10), nil)
			if err != nil {
				t.Fatal(err)
			}
			part, _ := io.ReadAll(r)
			r.Close()
			if !bytes.Equal(part, want[5:n-5]) {
				t.Fatalf("%d bytes: range [5, %d) differs", n, n-5)
			}
		}
		if err := p.Remove(ctx, fi); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReadFile(ctx, "f"); !errors.Is(err, ErrNotExist) {
			t.Fatalf("%d bytes: after Remove, ReadFile: %v, want ErrNotExist", n, err)
		}
	}
}
