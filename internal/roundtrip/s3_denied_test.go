package roundtrip

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sluicedb/sluice/internal/testserver"
)

// readOnlySession sets the AWS credentials of the test to a MinIO STS session (AssumeRole with
// a session policy) that may list and read s3Bucket but not write to it, so that the store
// answers AccessDenied to every upload.
func readOnlySession(t *testing.T, m *testserver.MinIO) {
	t.Helper()
	cl := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(m.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(m.AccessKey, m.SecretKey, ""),
	})
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Action":["s3:ListBucket","s3:GetObject","s3:GetBucketLocation"],` +
		`"Resource":["arn:aws:s3:::` + s3Bucket + `","arn:aws:s3:::` + s3Bucket + `/*"]}]}`
	out, err := cl.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:xxx:xxx:xxx:xxxx"), // MinIO ignores it
		RoleSessionName: aws.String("sluice-read-only"),
		Policy:          aws.String(policy),
	})
	if err != nil {
		t.Fatalf("MinIO AssumeRole: %v", err)
	}
	c := out.Credentials
	t.Setenv("AWS_ACCESS_KEY_ID", aws.ToString(c.AccessKeyId))
	t.Setenv("AWS_SECRET_ACCESS_KEY", aws.ToString(c.SecretAccessKey))
	t.Setenv("AWS_SESSION_TOKEN", aws.ToString(c.SessionToken))
}
