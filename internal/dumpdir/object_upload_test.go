package dumpdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestS3DataUpload writes data files through sluice's own multipart upload (s3Upload) to a real
// MinIO server: files shorter than a part (one PutObject), of exactly two parts and of several
// parts with a short last one, with and without the CRC-32C request checksums. Each object must
// be absent until Close, then hold exactly the bytes written, with the size and CRC-32C that
// Close reports; an aborted file leaves no object and no multipart upload behind.
func TestS3DataUpload(t *testing.T) {
	m := testserver.MinIOForTest(t, "uploads")
	ctx := context.Background()
	cl := m.Client()
	pending := func(t *testing.T) int {
		t.Helper()
		out, err := cl.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("uploads")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Uploads)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, calc := range []string{"when_supported", "when_required"} {
		t.Run(calc, func(t *testing.T) {
			t.Setenv("AWS_REQUEST_CHECKSUM_CALCULATION", calc)
			d, err := OpenDir(ctx, "s3://uploads/"+calc)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.s3 == nil || d.s3.checksum != (calc == "when_supported") {
				t.Fatalf("s3 store %+v: want the SDK client, checksums %v", d.s3, calc == "when_supported")
			}
			var bufs Buffers
			for i, size := range []int{0, 1000, partSize - 1, 2 * partSize, 2*partSize + 12345} {
				data := make([]byte, size)
				for j := range data {
					data[j] = byte(r.Uint32())
				}
				name := fmt.Sprintf("f%d.sql", i)
				f, err := d.CreateData(ctx, name, &bufs)
				if err != nil {
					t.Fatal(err)
				}
				if f.up == nil {
					t.Fatalf("%s: not written through s3Upload", name)
				}
				for off := 0; off < len(data); {
					n := min(1+r.IntN(3<<20), len(data)-off) // writes of any size, as an encoder's
					if _, err := f.Write(data[off : off+n]); err != nil {
						t.Fatal(err)
					}
					off += n
				}
				if _, err := d.ReadFile(ctx, name); !errors.Is(err, ErrNotExist) {
					t.Fatalf("%s (%d bytes) before Close: %v, want ErrNotExist", name, size, err)
				}
				fi, err := f.Close()
				if err != nil {
					t.Fatalf("%s (%d bytes): %v", name, size, err)
				}
				want := FileInfo{Name: name, Size: int64(size), CRC32C: crc32.Checksum(data, castagnoli)}
				if fi != want {
					t.Fatalf("Close = %+v, want %+v", fi, want)
				}
				got, err := d.ReadFile(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s: read back %d bytes differing from the %d written", name, len(got), size)
				}
				if calc == "when_supported" {
					h, err := cl.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String(calc + "/" + name), ChecksumMode: types.ChecksumModeEnabled})
					if err != nil {
						t.Fatal(err)
					}
					if h.ChecksumCRC32C == nil {
						t.Errorf("%s (%d bytes): the store holds no CRC-32C: the parts were sent without it", name, size)
					}
				}
			}
			// Aborted after two full parts were handed to the upload: nothing stays.
			f, err := d.CreateData(ctx, "aborted.sql", &bufs)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(make([]byte, 2*partSize+1)); err != nil {
				t.Fatal(err)
			}
			f.Abort()
			if _, err := d.ReadFile(ctx, "aborted.sql"); !errors.Is(err, ErrNotExist) {
				t.Fatalf("aborted file: %v, want ErrNotExist", err)
			}
			if n := pending(t); n != 0 {
				t.Fatalf("%d multipart uploads left behind", n)
			}
		})
	}
}
