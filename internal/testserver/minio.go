package testserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"go/build"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// MinIORegion is the region the test MinIO servers answer for (MinIO's default).
const MinIORegion = "us-east-1"

// MinIO is a running throwaway MinIO server (an S3-compatible object store), built from its Go
// module by .ci/install-deps. All its files live under Dir, which Stop removes. Fields are
// read-only after StartMinIO.
type MinIO struct {
	Endpoint  string // "http://127.0.0.1:PORT": give it as AWS_ENDPOINT_URL
	AccessKey string // random root user
	SecretKey string // random root password; never log it
	Dir       string // temporary directory: Dir/data holds the buckets, Dir/minio.log the log
	Log       string // MinIO's output

	cmd    *exec.Cmd
	exited chan struct{}
	mu     sync.Mutex
	done   bool
	err    error
}

// MinIOPath returns the minio binary: the one on PATH, else $(go env GOPATH)/bin/minio where
// `go install github.com/minio/minio@...` puts it.
func MinIOPath() (string, error) {
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	p := filepath.Join(build.Default.GOPATH, "bin", "minio")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("testserver: no minio binary on PATH or at %s: run .ci/install-deps", p)
	}
	return p, nil
}

// StartMinIO starts `minio server` on a temporary directory under os.TempDir() named
// "sluice-minio-*", on 127.0.0.1 and a free port (the console on another), with random root
// credentials, and waits (up to 60 s) until its health check answers. ctx bounds only the
// start-up. On failure nothing is left running or on disk, and the error carries the tail of
// MinIO's log. It takes about 1-3 s.
func StartMinIO(ctx context.Context) (*MinIO, error) {
	bin, err := MinIOPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sluice-minio-")
	if err != nil {
		return nil, fmt.Errorf("testserver: create temporary directory: %w", err)
	}
	m := &MinIO{Dir: dir, Log: filepath.Join(dir, "minio.log"), AccessKey: "sluice" + randomHex(6), SecretKey: randomHex(20)}
	var lastErr error
	for attempt := 0; attempt < startAttempts; attempt++ {
		if lastErr = m.launch(ctx, bin); lastErr == nil {
			return m, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	_ = m.Stop()
	return nil, lastErr
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (m *MinIO) launch(ctx context.Context, bin string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	console, err := freePort()
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(m.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	defer logf.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", "127.0.0.1:"+strconv.Itoa(console), filepath.Join(m.Dir, "data"))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "HOME="+m.Dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testserver: start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	m.cmd, m.exited, m.Endpoint = cmd, exited, "http://"+addr
	if err := m.waitReady(ctx); err != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		m.cmd, m.exited = nil, nil
		log, _ := os.ReadFile(m.Log)
		return fmt.Errorf("testserver: minio on %s: %w:\n%s", addr, err, tail(log, 4096))
	}
	return nil
}

// waitReady polls MinIO until its readiness endpoint answers 200 and it lists its buckets (it
// answers 503 XMinioServerNotInitialized for a moment after it is "ready").
func (m *MinIO) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	cl := m.Client()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.Endpoint+"/minio/health/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if _, err := cl.ListBuckets(ctx, &s3.ListBucketsInput{}, func(o *s3.Options) { o.RetryMaxAttempts = 1 }); err == nil {
					return nil
				}
			}
		}
		select {
		case <-m.exited:
			return errors.New("exited during start-up")
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Env returns the environment that points the AWS SDK (and so sluice) at this server with its
// root credentials, and keeps it off the user's own AWS configuration and the instance
// metadata service.
func (m *MinIO) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + m.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + m.SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_ENDPOINT_URL=" + m.Endpoint,
		"AWS_REGION=" + MinIORegion,
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Client returns an S3 client on this server with its root credentials, for tests that look
// at, damage or remove objects behind sluice's back.
func (m *MinIO) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       MinIORegion,
		BaseEndpoint: aws.String(m.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(m.AccessKey, m.SecretKey, ""),
	})
}

// CreateBucket creates a bucket.
func (m *MinIO) CreateBucket(ctx context.Context, name string) error {
	if _, err := m.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("testserver: create bucket %s: %w", name, err)
	}
	return nil
}

// Stop shuts MinIO down (SIGTERM to its process group, SIGKILL after 60 s) and removes Dir.
// Safe to call more than once.
func (m *MinIO) Stop() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done {
		return m.err
	}
	m.done = true
	if m.cmd != nil {
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-m.exited:
		case <-time.After(shutdownTimeout):
			_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
			<-m.exited
		}
	}
	if err := os.RemoveAll(m.Dir); err != nil {
		m.err = fmt.Errorf("testserver: remove %s: %w", m.Dir, err)
	}
	return m.err
}
