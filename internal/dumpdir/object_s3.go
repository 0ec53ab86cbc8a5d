package dumpdir

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/config"
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
func openS3(ctx context.Context, bucket string) (*blob.Bucket, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
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
		return nil, errors.New("no AWS region: set AWS_REGION (or region in the AWS_PROFILE's configuration)")
	}
	return s3blob.OpenBucket(ctx, client, bucket, &s3blob.Options{RequestChecksumCalculation: cfg.RequestChecksumCalculation})
}
