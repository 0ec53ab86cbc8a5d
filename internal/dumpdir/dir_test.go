package dumpdir

import (
	"context"
	"strings"
	"testing"
)

func TestIsURL(t *testing.T) {
	for loc, want := range map[string]bool{
		"s3://bucket/prefix": true, "gs://b": true, "/backups/x": false, "backups/x": false,
		"./s3://x": false, "dir.d://x": false, "": false, "://x": false,
	} {
		if got := IsURL(loc); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", loc, got, want)
		}
	}
}

// TestOpenDirRefuses checks the locations OpenDir refuses before any request: credentials in
// the URL (which would end up in logs and process titles), no bucket, settings in the query.
func TestOpenDirRefuses(t *testing.T) {
	for loc, want := range map[string]string{
		"s3://AKIA:secret@bucket/x": "credentials do not belong in the location",
		"s3:///x":                   "no bucket",
		"s3://bucket/x?region=eu":   "AWS_REGION",
	} {
		_, err := OpenDir(context.Background(), loc)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("OpenDir(%q): %v, want an error saying %q", loc, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("OpenDir(%q): the error repeats the secret: %v", loc, err)
		}
	}
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	d, err := OpenDir(context.Background(), "s3://bucket//a/b/")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.String() != "s3://bucket/a/b/" || d.prefix != "a/b/" || d.path("metadata") != "s3://bucket/a/b/metadata" {
		t.Errorf("s3://bucket//a/b/: location %q, prefix %q, path %q", d.String(), d.prefix, d.path("metadata"))
	}
}
