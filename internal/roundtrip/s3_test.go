package roundtrip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// s3Bucket is the bucket the S3 tests create on their MinIO server.
const s3Bucket = "sluice-test"

// s3Env is what the S3 tests share: one MinIO server, a source server holding the hard-values
// table (hardv), Sakila and a table of 20,000 rows (r.t), a target server and the sluice binary.
type s3Env struct {
	m    *testserver.MinIO
	a, b *testserver.Server
	bin  string
}

// TestS3 runs the object-store tests on one set of servers (starting them and loading Sakila
// costs more than most of the tests).
func TestS3(t *testing.T) {
	e := &s3Env{m: testserver.MinIOForTest(t, s3Bucket), a: testserver.ForTest(t, testserver.Options{}), b: testserver.ForTest(t, testserver.Options{})}
	if e.m == nil || e.a == nil || e.b == nil {
		return
	}
	e.bin = buildSluice(t)
	src := Open(t, e.a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "hardv")
	LoadSakila(t, e.a)
	Exec(t, src, "CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(100))")
	for i := 0; i < 20; i++ {
		Exec(t, src, fmt.Sprintf("INSERT INTO r.t SELECT seq + %d, REPEAT('x', 90) FROM r.seq_1_to_1000", i*1000))
	}
	t.Run("RoundTrip", e.roundTrip)
	t.Run("Refusals", e.refusals)
	t.Run("LoadResumeAfterKill", e.loadResumeAfterKill)
	t.Run("DumpFault", e.dumpFault)
	t.Run("LoadWaitDump", e.loadWaitDump)
}

// roundTrip dumps the hard-values table and Sakila to MinIO and loads them back, for every
// format and with and without zstd, and compares the databases (CHECKSUM TABLE and SHOW
// CREATE).
func (e *s3Env) roundTrip(t *testing.T) {
	m, a, b := e.m, e.a, e.b
	dst := Open(t, b, "")
	dbs := []string{"hardv", "sakila"}
	for _, format := range []string{dumper.FormatSQL, dumper.FormatTSV} {
		for _, comp := range []string{dumpdir.CompressNone, dumpdir.CompressZstd} {
			name := format + "-" + comp + "none"[:4*boolInt(comp == "")]
			t.Run(name, func(t *testing.T) {
				Exec(t, dst, "DROP DATABASE IF EXISTS hardv", "DROP DATABASE IF EXISTS sakila")
				loc := "s3://" + s3Bucket + "/nightly/" + name
				RoundTrip(t, a, b, dbs, dumper.Options{OutDir: loc, Threads: 2, StatementSize: 16 << 10, FileSize: 256 << 10,
					Format: format, Compression: comp}, loader.Options{Threads: 2})
				keys := objectKeys(t, m, "nightly/"+name+"/")
				if !slices.Contains(keys, "nightly/"+name+"/metadata") || len(keys) < 20 {
					t.Fatalf("objects under %s: %q", loc, keys)
				}
			})
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// objectKeys lists the keys under prefix on m.
func objectKeys(t testing.TB, m *testserver.MinIO, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(m.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(s3Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// refusals checks that a load from an object store refuses a corrupted and a missing object by
// name, and that wrong credentials and a missing bucket give one clear error, for the dump and
// the load alike.
func (e *s3Env) refusals(t *testing.T) {
	ctx := context.Background()
	m, a, b := e.m, e.a, e.b
	loc := "s3://" + s3Bucket + "/refusals"
	if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: loc, Databases: []string{"r"}, Threads: 2, StatementSize: 16 << 10, FileSize: 128 << 10}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	meta := readS3Metadata(t, loc)
	files := meta.Tables[0].DataFiles
	if len(files) < 3 {
		t.Fatalf("want at least 3 data files, got %q", files)
	}
	cl := m.Client()
	key := func(name string) *string { return aws.String("refusals/" + name) }

	// Same size, one byte changed: only the CRC-32C tells.
	obj, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: key(files[1])})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	put := func(b []byte) {
		if _, err := cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s3Bucket), Key: key(files[1]), Body: bytes.NewReader(b)}); err != nil {
			t.Fatal(err)
		}
	}
	bad := bytes.Clone(body)
	bad[len(bad)/2] ^= 1
	put(bad)
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: loc, Threads: 1, Journal: t.TempDir() + "/j"})
	if err == nil || !strings.Contains(err.Error(), files[1]) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("load of a corrupted object: %v; want an error naming %s as corrupt", err, files[1])
	}

	// Missing: the dump is incomplete.
	put(body)
	if _, err := cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s3Bucket), Key: key(files[2])}); err != nil {
		t.Fatal(err)
	}
	_, err = loader.Run(ctx, Config(b), loader.Options{Dir: loc, Threads: 1, Journal: t.TempDir() + "/j", OverwriteTables: true})
	if err == nil || !strings.Contains(err.Error(), files[2]) || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("load with a missing object: %v; want an error naming %s and saying the dump is incomplete", err, files[2])
	}

	// One clear error: one line, naming the location and what to fix.
	clear := func(what string, err error, want ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		msg := err.Error()
		t.Logf("%s: %s", what, msg)
		if strings.Contains(msg, "\n") || len(msg) > 300 {
			t.Errorf("%s: not one clear line: %q", what, msg)
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not say %q", what, msg, w)
			}
		}
	}
	dumpTo := func(loc string) error {
		_, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: loc, Databases: []string{"r"}, Threads: 1})
		return err
	}
	loadFrom := func(loc string) error {
		_, err := loader.Run(ctx, Config(b), loader.Options{Dir: loc, Threads: 1, Journal: t.TempDir() + "/j"})
		return err
	}
	clear("dump to a missing bucket", dumpTo("s3://no-such-bucket/x"), "s3://no-such-bucket", "does not exist", "create it")
	clear("load from a missing bucket", loadFrom("s3://no-such-bucket/x"), "s3://no-such-bucket", "does not exist", "create it")
	clear("dump to a used prefix", dumpTo(loc), loc, "already holds objects", "new prefix")
	// A dry run checks the prefix as the dump would, and leaves nothing in it.
	dryRun := func(loc string) error {
		p, err := dumper.DryRun(ctx, Config(a), dumper.Options{OutDir: loc, Databases: []string{"r"}, Threads: 1})
		if err != nil {
			return err
		}
		for _, pr := range p.Problems {
			if pr.Fatal {
				return errors.New(pr.Message)
			}
		}
		return nil
	}
	if err := dryRun(loc + "-dry"); err != nil {
		t.Errorf("dry run to a new prefix: %v", err)
	}
	if keys := objectKeys(t, m, "refusals-dry/"); len(keys) > 0 {
		t.Errorf("a dry run left objects: %q", keys)
	}
	clear("dry run to a used prefix", dryRun(loc), loc, "already holds objects", "new prefix")
	clear("dry run to a missing bucket", dryRun("s3://no-such-bucket/x"), "s3://no-such-bucket", "does not exist", "create it")
	// Credentials that may read the bucket but not write it: the store denies the first
	// upload; one clear error, and nothing under the prefix looks like a complete dump.
	t.Run("denied", func(t *testing.T) {
		readOnlySession(t, m)
		clear("dry run with read-only credentials", dryRun(loc+"-ro"), loc+"-ro", "denied (AccessDenied)", "s3:PutObject")
		clear("dump with read-only credentials", dumpTo(loc+"-ro"), loc+"-ro", "denied (AccessDenied)", "s3:PutObject")
	})
	if keys := objectKeys(t, m, "refusals-ro/"); len(keys) > 0 {
		t.Errorf("a denied dump left objects: %q", keys)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-key")
	clear("dump with a wrong secret key", dumpTo(loc+"-2"), loc+"-2", "refused the credentials", "AWS_SECRET_ACCESS_KEY")
	clear("load with a wrong secret key", loadFrom(loc), loc, "refused the credentials", "AWS_SECRET_ACCESS_KEY")
	clear("dry run with a wrong secret key", dryRun(loc+"-2"), loc+"-2", "refused the credentials", "AWS_SECRET_ACCESS_KEY")
	t.Setenv("AWS_ACCESS_KEY_ID", "nobody")
	clear("load with an unknown access key", loadFrom(loc), loc, "refused the credentials", "AWS_ACCESS_KEY_ID")
	if keys := objectKeys(t, m, "refusals-2/"); len(keys) > 0 {
		t.Errorf("a refused dump left objects: %q", keys)
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // nothing listens on port 1
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	clear("load from an unreachable store", loadFrom(loc), loc, "cannot reach the store", "AWS_ENDPOINT_URL")
	Exec(t, Open(t, b, ""), "DROP DATABASE IF EXISTS r")
}

// readS3Metadata reads the metadata of the dump at loc.
func readS3Metadata(t testing.TB, loc string) *dumpdir.Metadata {
	t.Helper()
	ctx := context.Background()
	d, err := dumpdir.OpenDir(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	meta, err := d.ReadMetadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return meta
}
