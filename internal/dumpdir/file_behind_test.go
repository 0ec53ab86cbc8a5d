package dumpdir

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteBehind writes a data file of several write buffers, so that full buffers are written
// behind (File.writeFull), and checks the file holds exactly the bytes written; then makes the
// writes behind fail (the descriptor closed under the File) and checks that the failure comes
// back, naming the file, by the next Write or by Close, and that no file is left under its name.
func TestWriteBehind(t *testing.T) {
	dir := t.TempDir()
	var bufs Buffers
	data := bytes.Repeat([]byte("0123456789abcdef"), (3*dataBufferSize+777)/16)
	f, err := CreateData(dir, "t.00000.sql", &bufs)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(data); off += 100000 {
		if _, err := f.Write(data[off:min(off+100000, len(data))]); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := f.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "t.00000.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) || fi.Size != int64(len(data)) {
		t.Fatalf("file holds %d bytes (Close said %d), want the %d written", len(got), fi.Size, len(data))
	}

	f, err = CreateData(dir, "t.00001.sql", &bufs)
	if err != nil {
		t.Fatal(err)
	}
	f.f.Close() // every write(2) from now on fails
	err = nil
	for off := 0; off < len(data) && err == nil; off += 100000 {
		_, err = f.Write(data[off:min(off+100000, len(data))])
	}
	if err == nil {
		_, err = f.Close()
	} else {
		f.Abort()
	}
	if err == nil || !strings.Contains(err.Error(), "t.00001.sql") {
		t.Fatalf("writes to a closed descriptor: %v, want an error naming t.00001.sql", err)
	}
	for _, name := range []string{"t.00001.sql", "t.00001.sql.partial"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", name, err)
		}
	}
}
