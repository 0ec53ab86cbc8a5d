package bench

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluicedb/sluice/internal/testserver"
)

// s3Bucket is the bucket of the bench's MinIO server; the s3 variants dump to
// s3://sluice-bench/VARIANT-tN and load from there.
const s3Bucket = "sluice-bench"

// startMinIO starts the target's MinIO server (internal/testserver) with the bench's bucket.
func startMinIO(ctx context.Context) (*testserver.MinIO, error) {
	m, err := testserver.StartMinIO(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.CreateBucket(ctx, s3Bucket); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

// isS3 reports whether a dump location is an object-store URL.
func isS3(loc string) bool { return strings.HasPrefix(loc, "s3://") }

// s3Prefix returns the key prefix of an s3:// location in the bench's bucket, ending in "/".
func s3Prefix(loc string) string {
	return strings.TrimSuffix(strings.TrimPrefix(loc, "s3://"+s3Bucket+"/"), "/") + "/"
}

// objectBytes returns the total size of the objects under loc.
func (b *bed) objectBytes(ctx context.Context, loc string) int64 {
	var n int64
	p := s3.NewListObjectsV2Paginator(b.minio.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(s3Bucket), Prefix: aws.String(s3Prefix(loc))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return n
		}
		for _, o := range page.Contents {
			n += aws.ToInt64(o.Size)
		}
	}
	return n
}

// removeObjects deletes the objects under loc, as os.RemoveAll does a dump directory.
func (b *bed) removeObjects(ctx context.Context, loc string) error {
	cl := b.minio.Client()
	p := s3.NewListObjectsV2Paginator(cl, &s3.ListObjectsV2Input{Bucket: aws.String(s3Bucket), Prefix: aws.String(s3Prefix(loc))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		if len(page.Contents) == 0 {
			continue
		}
		var ids []types.ObjectIdentifier
		for _, o := range page.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		if _, err := cl.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(s3Bucket), Delete: &types.Delete{Objects: ids}}); err != nil {
			return err
		}
	}
	return nil
}
