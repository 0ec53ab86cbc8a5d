package dumpdir

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// A data file written to S3 goes up through sluice's own multipart upload over the SDK's client
// (CreateMultipartUpload, UploadPart, CompleteMultipartUpload; "Uploading and copying objects
// using multipart upload" in the Amazon S3 User Guide) rather than through gocloud's writer and
// the SDK's transfer manager, which allocate a new pool of part buffers for every file
// (~20 MiB of fresh, zeroed memory per file: memclr was 13 % of a dump's CPU), read the first
// part with io.ReadAll and copy every byte once more through a pipe. Here the file's write
// buffer is the part itself: a full buffer is uploaded by a goroutine while the next one fills
// (File.writeFull), and both come from the dump's Buffers, reused from file to file. The object
// exists only once CompleteMultipartUpload (or, for a file shorter than one part, the single
// PutObject) succeeds; an upload that fails or is aborted is AbortMultipartUpload-ed. The SDK's
// retryer retries each request (the part's body is seekable). Small files (Create: schemas,
// metadata, markers) still go through gocloud's writer.

// s3Store is the SDK client under an S3 Dir, for the uploads of data files.
type s3Store struct {
	client *s3.Client
	bucket string
	// checksum sends each part's CRC-32C (x-amz-checksum-crc32c), which the store checks on
	// receipt; false when AWS_REQUEST_CHECKSUM_CALCULATION is when_required, for stores that
	// refuse the checksum headers (as gocloud's s3blob does then).
	checksum bool
}

// abortTimeout bounds the AbortMultipartUpload of a failed or cancelled upload, which runs after
// the upload's own context is cancelled.
const abortTimeout = 30 * time.Second

// plainKey reports whether gocloud's s3blob stores key as it is (its escapeKey changes control
// characters, "../" and anything that reads as its "__0x..__" escapes): only then may an object
// be written under key directly and read back through the blob.Bucket under the same name.
func plainKey(key string) bool {
	if !utf8.ValidString(key) || strings.Contains(key, "../") || strings.Contains(key, "__0x") {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 32 {
			return false
		}
	}
	return true
}

// s3Upload is the upload of one data file. Its methods are called by one goroutine at a time
// (the File's writer, or the goroutine writing behind it, never both).
type s3Upload struct {
	st    *s3Store
	key   string
	ctx   context.Context // the upload's own; cancelled by File.Abort
	id    *string         // the multipart upload; nil until the first full part
	parts []types.CompletedPart
}

// crc32c is the base64 of b's CRC-32C, big-endian, as the x-amz-checksum-crc32c header carries
// it; nil when the store gets no checksums.
func (u *s3Upload) crc32c(b []byte) *string {
	if !u.st.checksum {
		return nil
	}
	var be [4]byte
	binary.BigEndian.PutUint32(be[:], crc32.Checksum(b, castagnoli))
	return aws.String(base64.StdEncoding.EncodeToString(be[:]))
}

func (u *s3Upload) algorithm() types.ChecksumAlgorithm {
	if u.st.checksum {
		return types.ChecksumAlgorithmCrc32c
	}
	return ""
}

// write uploads b as the file's next part; last says b ends the file (b may then be shorter
// than a part, or empty), and the object is completed. A file that ends within its first part
// is one PutObject.
func (u *s3Upload) write(b []byte, last bool) error {
	if u.id == nil && last {
		_, err := u.st.client.PutObject(u.ctx, &s3.PutObjectInput{
			Bucket: aws.String(u.st.bucket), Key: aws.String(u.key), Body: bytes.NewReader(b),
			ContentLength: aws.Int64(int64(len(b))), ContentType: aws.String("application/octet-stream"),
			ChecksumAlgorithm: u.algorithm(), ChecksumCRC32C: u.crc32c(b),
		})
		return err
	}
	if u.id == nil {
		out, err := u.st.client.CreateMultipartUpload(u.ctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(u.st.bucket), Key: aws.String(u.key),
			ContentType: aws.String("application/octet-stream"), ChecksumAlgorithm: u.algorithm(),
		})
		if err != nil {
			return err
		}
		u.id = out.UploadId
	}
	if len(b) > 0 {
		n, sum := int32(len(u.parts)+1), u.crc32c(b)
		// The body is a bytes.Reader over the part buffer (no copy), which the SDK seeks back to
		// retry the request.
		out, err := u.st.client.UploadPart(u.ctx, &s3.UploadPartInput{
			Bucket: aws.String(u.st.bucket), Key: aws.String(u.key), UploadId: u.id,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(b), ContentLength: aws.Int64(int64(len(b))),
			ChecksumAlgorithm: u.algorithm(), ChecksumCRC32C: sum,
		})
		if err != nil {
			return err
		}
		u.parts = append(u.parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag, ChecksumCRC32C: sum})
	}
	if !last {
		return nil
	}
	_, err := u.st.client.CompleteMultipartUpload(u.ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(u.st.bucket), Key: aws.String(u.key), UploadId: u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts},
	})
	if err == nil {
		u.id = nil // complete: nothing to abort
	}
	return err
}

// abort ends a multipart upload that will not complete, so the store drops its parts; a file
// that never reached a full part has nothing stored. Errors are ignored: the upload stays
// invisible either way (a bucket lifecycle rule, AbortIncompleteMultipartUpload, reclaims the
// parts of one the store did not drop).
func (u *s3Upload) abort() {
	if u.id == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(u.ctx), abortTimeout)
	defer cancel()
	_, _ = u.st.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(u.st.bucket), Key: aws.String(u.key), UploadId: u.id})
	u.id = nil
}

// partBuffers is a free list of part buffers (partSize bytes): it never holds more than the
// most the dump had in use at once, and, unlike a sync.Pool, keeps them across garbage
// collections (a 5 MiB buffer lost to the collector is 5 MiB to allocate and clear again).
type partBuffers struct {
	mu   sync.Mutex
	free [][]byte
}

func (p *partBuffers) get() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		return b
	}
	return make([]byte, partSize)
}

func (p *partBuffers) put(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, b)
}
