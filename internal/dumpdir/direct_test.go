package dumpdir

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestCreateDataSizes writes data files of sizes around the buffer and block boundaries, in
// pieces of random length, on the test's temporary directory (O_DIRECT on most Linux
// filesystems) and on /dev/shm (tmpfs: no O_DIRECT, the page-cache fallback), and checks
// every byte, the size and the CRC-32C.
func TestCreateDataSizes(t *testing.T) {
	dirs := []string{t.TempDir()}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "sluice-dumpdir-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(shm) })
			dirs = append(dirs, shm)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	bufs := &Buffers{} // reused from file to file, as a dump does
	for _, dir := range dirs {
		for _, size := range []int{0, 1, directAlign - 1, directAlign, directAlign + 1, dataBufferSize - 1,
			dataBufferSize, dataBufferSize + 1, 3*dataBufferSize + directAlign + 17} {
			want := make([]byte, size)
			for i := range want {
				want[i] = byte(rng.Uint32())
			}
			f, err := CreateData(dir, "d.sql", bufs)
			if err != nil {
				t.Fatal(err)
			}
			for rest := want; len(rest) > 0; {
				n := min(len(rest), 1+rng.IntN(300000))
				if _, err := f.Write(rest[:n]); err != nil {
					t.Fatalf("%s size %d: %v", dir, size, err)
				}
				rest = rest[n:]
			}
			fi, err := f.Close()
			if err != nil {
				t.Fatalf("%s size %d: close: %v", dir, size, err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "d.sql"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) || fi.Size != int64(size) {
				t.Fatalf("%s size %d: read back %d bytes (metadata %d), contents equal %v", dir, size, len(got), fi.Size, bytes.Equal(got, want))
			}
			if err := Verify(dir, fi); err != nil {
				t.Fatalf("%s size %d: %v", dir, size, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "d.sql.partial")); !os.IsNotExist(err) {
				t.Errorf("%s: partial file left: %v", dir, err)
			}
		}
	}
}

func TestAlignedBuffer(t *testing.T) {
	for _, n := range []int{1, directAlign, dataBufferSize} {
		b := alignedBuffer(n)
		if len(b) != n || cap(b) != n {
			t.Errorf("alignedBuffer(%d): len %d cap %d", n, len(b), cap(b))
		}
		if addr := uintptrOf(b); addr%directAlign != 0 {
			t.Errorf("alignedBuffer(%d) at %#x: not aligned to %d", n, addr, directAlign)
		}
	}
}

// TestDirectWriteRefusedFallsBack makes an O_DIRECT write that the kernel refuses (a length
// that is not a whole block) and checks that it is written through the page cache instead.
func TestDirectWriteRefusedFallsBack(t *testing.T) {
	dir := t.TempDir()
	f, err := CreateData(dir, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if !f.direct {
		t.Skipf("%s has no O_DIRECT: nothing to fall back from", dir)
	}
	if err := f.writeOut(alignedBuffer(100)); err != nil {
		t.Fatalf("refused O_DIRECT write did not fall back: %v", err)
	}
	if f.direct {
		t.Error("still O_DIRECT after a refused write")
	}
	if st, err := os.Stat(filepath.Join(dir, "x.partial")); err != nil || st.Size() != 100 {
		t.Errorf("file after the fallback: %v, %v; want 100 bytes", st, err)
	}
}
