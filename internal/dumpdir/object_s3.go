package dumpdir

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
)

// defaultRegion is the region used when an endpoint is set (AWS_ENDPOINT_URL: MinIO and other
// S3-compatible stores) and no region is configured: such stores accept any region, and
// us-east-1 is MinIO's default.
const defaultRegion = "us-east-1"

// openS3 opens an S3 bucket with the standard AWS configuration (config.LoadDefaultConfig):
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE, the
// shared config and credentials files, then the container and instance roles. With an endpoint
// (AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_S3, as for MinIO) requests use path-style addressing
// (http://host/bucket/key), which S3-compatible stores expect, and the region defaults to
// us-east-1.
//
// It also returns the BeforeWrite hook of its writers: it gives each upload a transfer manager
// whose multipart threshold is one part (the SDK's default, 16 MiB, is read into one buffer
// grown by doubling before the first request, which tripled the memory of each file being
// uploaded), so each file holds its two part buffers and little more. Those writers carry the
// small files (Create); data files (CreateData) go through the returned s3Store, sluice's own
// multipart upload on the same client (object_upload.go).
func openS3(ctx context.Context, bucket string) (*blob.Bucket, func(func(any) bool) error, *s3Store, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Reads are checked by the dump's own CRC-32C; the SDK would log each GET of a
		// multipart object, which carries no whole-object checksum, on stderr.
		o.DisableLogOutputChecksumValidationSkipped = true
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
			if o.Region == "" {
				o.Region = defaultRegion
			}
		}
	})
	if client.Options().Region == "" {
		return nil, nil, nil, errors.New("no AWS region: set AWS_REGION (or region in the AWS_PROFILE's configuration)")
	}
	b, err := s3blob.OpenBucket(ctx, client, bucket, &s3blob.Options{RequestChecksumCalculation: cfg.RequestChecksumCalculation})
	if err != nil {
		return nil, nil, nil, err
	}
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = partConcurrency
		o.RequestChecksumCalculation = cfg.RequestChecksumCalculation
	})
	// s3blob's writer hands its transfer manager to BeforeWrite, which may change it (see
	// s3blob.NewTypedWriter): it takes ours.
	before := func(as func(any) bool) error {
		var c *transfermanager.Client
		if as(&c) {
			*c = *tm
		}
		return nil
	}
	st := &s3Store{client: client, bucket: bucket, checksum: cfg.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired}
	return b, before, st, nil
}
