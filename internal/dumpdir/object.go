package dumpdir

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Object stores are reached through gocloud.dev/blob rather than a store's own SDK: its Writer
// is exactly the contract a dump file needs (bytes stream into a multipart upload as they are
// written, and the object appears under its name only when Close succeeds, so a half-uploaded
// file never looks finished; cancelling the writer's context aborts the upload), and the same
// Bucket type has drivers for S3, Google Cloud Storage and Azure Blob, so another store is a
// driver, not a rewrite. Its S3 driver is aws-sdk-go-v2 underneath: credentials, region,
// endpoint and retries (the SDK's standard retryer: 503 SlowDown, throttling and connection
// resets with exponential backoff, AWS_MAX_ATTEMPTS and AWS_RETRY_MODE honoured) are the
// standard AWS ones. The data files of a dump to S3 are the exception on the write side: they
// go up through sluice's own multipart upload over the same SDK client (object_upload.go), with
// the same contract, so that part buffers are reused from file to file.

// partSize is the size of one part of a multipart upload (the S3 minimum, 5 MiB, also the most
// a part buffer costs). At most partConcurrency parts of a file upload at once, while the next
// fills: each file being written holds about (partConcurrency + 1) parts, 10 MiB, and the
// largest object is 10,000 parts (S3's limit), 48 GiB. A data file to S3 (s3Upload) is the
// same: one part uploading behind the one filling, both from the dump's Buffers.
const (
	partSize        = 5 << 20
	partConcurrency = 1
)

// openObjectDir opens the bucket of an object-store URL; the URL's path is the key prefix.
func openObjectDir(ctx context.Context, loc string) (*Dir, error) {
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s: credentials do not belong in the location: use the store's standard configuration (for S3: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance role)", u.Scheme+"://"+u.Host)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s: no bucket: give %s://BUCKET/PREFIX", loc, u.Scheme)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	d := &Dir{loc: u.Scheme + "://" + u.Host + "/" + prefix, store: u.Scheme + "://" + u.Host, prefix: prefix}
	switch u.Scheme {
	case "s3":
		if u.RawQuery != "" {
			return nil, fmt.Errorf("%s: settings go in the AWS configuration, not the URL: AWS_REGION, AWS_ENDPOINT_URL, AWS_PROFILE", loc)
		}
		d.bucket, d.beforeWrite, d.s3, err = openS3(ctx, u.Host)
	default:
		// gs://, azblob:// and others: the driver gocloud.dev/blob has registered for the
		// scheme, with the query as that driver's settings.
		q := ""
		if u.RawQuery != "" {
			q = "?" + u.RawQuery
		}
		d.bucket, err = blob.OpenBucket(ctx, u.Scheme+"://"+u.Host+q)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.loc, err)
	}
	return d, nil
}

// probeName is the object CheckNew writes and removes to learn that the prefix is writable;
// prepareObjects ignores it, so one left behind (the credentials may write but not delete)
// never blocks the dump.
const probeName = ".sluice-dry-run-probe"

// prepareObjects refuses a prefix that already holds objects, as a non-empty directory is
// refused.
func (d *Dir) prepareObjects(ctx context.Context) error {
	it := d.bucket.List(&blob.ListOptions{Prefix: d.prefix})
	for {
		obj, err := it.Next(ctx)
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return d.objectError("list", "", err)
		case obj.Key == d.prefix+probeName:
			continue
		}
		return fmt.Errorf("-o %s: the prefix already holds objects (%s): give a new prefix", d.loc, obj.Key)
	}
}

// CheckNew checks, for a dry run, what Prepare and the first upload of a new dump to an
// object-store prefix need, changing nothing that stays: the bucket is reachable and the
// credentials may list the prefix, which holds no objects (prepareObjects), and may write to it
// (a small object, probeName, written and removed). Errors are one sentence naming the
// location and the fix (objectError). A local Dir is checked by the dumper itself: nil.
func (d *Dir) CheckNew(ctx context.Context) error {
	if d.bucket == nil {
		return nil
	}
	if err := d.prepareObjects(ctx); err != nil {
		return err
	}
	if err := d.bucket.WriteAll(ctx, d.prefix+probeName, []byte("sluice dump --dry-run\n"), nil); err != nil {
		return d.objectError("write", probeName, err)
	}
	if err := d.bucket.Delete(ctx, d.prefix+probeName); err != nil {
		return d.objectError("delete", probeName, err)
	}
	return nil
}

// createObject starts a streamed upload of name. The upload runs on a context of its own, so it
// outlives the worker's (a file is finished in the background after its chunk is done), and
// Abort cancels it; ctx gives its values only.
func (d *Dir) createObject(ctx context.Context, name string, bufs *Buffers, data bool) (*File, error) {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if key := d.prefix + name; data && d.s3 != nil && plainKey(key) {
		f := &File{name: name, objDir: d, cancel: cancel, crc: crc32.New(castagnoli), bufs: bufs, buf: bufs.getPart(),
			up: &s3Upload{st: d.s3, key: key, ctx: wctx}, behind: true, done: make(chan error, 1)}
		return f, nil
	}
	w, err := d.bucket.NewWriter(wctx, d.prefix+name, &blob.WriterOptions{
		ContentType:    "application/octet-stream",
		BufferSize:     partSize,
		MaxConcurrency: partConcurrency,
		BeforeWrite:    d.beforeWrite,
	})
	if err != nil {
		cancel()
		return nil, d.objectError("create", name, err)
	}
	f := &File{name: name, obj: w, objDir: d, cancel: cancel, crc: crc32.New(castagnoli)}
	if bufs != nil {
		f.bufs, f.buf = bufs, bufs.get()
	} else {
		f.buf = make([]byte, smallBufferSize)
	}
	return f, nil
}

// objectError turns a store's error into one that names the location and the fix: a missing
// bucket, refused credentials and a denied request each get one plain sentence; a missing
// object wraps ErrNotExist. op is what was being done ("read", "create", "list"); name is the
// file, "" for the prefix.
func (d *Dir) objectError(op, name string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w", d.path(name), op, err)
	}
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	bucket := d.store
	switch {
	case code == "NoSuchBucket":
		return fmt.Errorf("%s: the bucket does not exist (NoSuchBucket): create it, or correct the location", bucket)
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken" || code == "ExpiredToken" || code == "InvalidClientTokenId":
		return fmt.Errorf("%s: the store refused the credentials (%s): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or AWS_PROFILE", d.loc, code)
	case code == "AccessDenied" || code == "Forbidden" || status == http.StatusForbidden || gcerrors.Code(err) == gcerrors.PermissionDenied:
		if code == "" {
			code = http.StatusText(http.StatusForbidden)
		}
		return fmt.Errorf("%s: %s %s denied (%s): grant these credentials s3:ListBucket, s3:GetObject and s3:PutObject on the bucket, or use others", d.loc, op, d.path(name), code)
	case name != "" && (code == "NoSuchKey" || code == "NotFound" || gcerrors.Code(err) == gcerrors.NotFound):
		return fmt.Errorf("%s: no such object: %w", d.path(name), ErrNotExist)
	case gcerrors.Code(err) == gcerrors.NotFound:
		return fmt.Errorf("%s: the bucket does not exist: create it, or correct the location", bucket)
	}
	var ne *net.OpError
	if errors.As(err, &ne) && code == "" {
		// The SDK has retried already (AWS_MAX_ATTEMPTS).
		return fmt.Errorf("%s: %s %s: cannot reach the store (%v): check AWS_ENDPOINT_URL (or AWS_REGION) and the network", d.loc, op, d.path(name), ne.Err)
	}
	return fmt.Errorf("%s: %s: %w", d.path(name), op, err)
}
