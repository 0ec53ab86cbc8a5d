package testserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ForTest starts a server for t and stops it in t.Cleanup. If the server cannot
// start, the test fails when the environment variable CI is "true" and is
// skipped with the reason otherwise.
func ForTest(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		unavailable(t, "start MariaDB test server: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop MariaDB test server: %v", err)
		}
	})
	return s
}

// SharedTestdata returns the absolute path of the shared test data directory,
// ../shared/testdata next to the module root (the directory holding go.mod,
// found upwards from the working directory). If it is missing, the test fails
// when CI is "true" and is skipped otherwise.
func SharedTestdata(t testing.TB) string {
	t.Helper()
	dir, err := SharedTestdataDir()
	if err != nil {
		unavailable(t, "%v", err)
		return ""
	}
	return dir
}

// SharedTestdataDir returns the absolute path of ../shared/testdata next to the
// module root (the directory holding go.mod, found upwards from the working
// directory), or an error naming what is missing.
func SharedTestdataDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("testserver: working directory: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			td := filepath.Join(filepath.Dir(dir), "shared", "testdata")
			fi, err := os.Stat(td)
			if err != nil {
				return "", fmt.Errorf("testserver: shared test data: %w", err)
			}
			if !fi.IsDir() {
				return "", fmt.Errorf("testserver: shared test data %s is not a directory", td)
			}
			return td, nil
		}
		if filepath.Dir(dir) == dir {
			return "", errors.New("testserver: shared test data: no go.mod in " + wd + " or above")
		}
	}
}

// unavailable fails t under CI=true and skips it otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// MinIOForTest starts a MinIO server for t with the given buckets, points the test process's AWS
// environment at it (t.Setenv, so the test cannot be parallel; see MinIO.Env), and stops it in
// t.Cleanup. If MinIO cannot start, the test fails when CI is "true" and is skipped otherwise.
func MinIOForTest(t *testing.T, buckets ...string) *MinIO {
	t.Helper()
	ctx := context.Background()
	m, err := StartMinIO(ctx)
	if err != nil {
		unavailable(t, "start MinIO test server: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := m.Stop(); err != nil {
			t.Errorf("stop MinIO test server: %v", err)
		}
	})
	for _, b := range buckets {
		if err := m.CreateBucket(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range m.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return m
}
