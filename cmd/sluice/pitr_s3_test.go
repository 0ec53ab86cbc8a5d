package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluicedb/sluice/binlog"
	"github.com/sluicedb/sluice/internal/testserver"
)

// TestPITRObjectStorage: binlog-archive -o s3:// (MinIO) through a FLUSH BINARY LOGS rotation
// and two restarts (the second resumes inside the partial last file it uploaded on exit), then
// load --binlogs s3:// --until-gtid gives the recorded state by CHECKSUM TABLE; the archive's
// objects are byte copies of the source's binlog files, and the spool keeps no complete file.
func TestPITRObjectStorage(t *testing.T) {
	e := newPITREnv(t, 500)
	m := testserver.MinIOForTest(t, "pitr")
	if e == nil || m == nil {
		return
	}
	src, dst, sdb, ddb, srcArgs, dstArgs, sluice := e.src, e.dst, e.sdb, e.ddb, e.srcArgs, e.dstArgs, e.sluice
	tmp := t.TempDir()
	dump, spool, archive := filepath.Join(tmp, "dump"), filepath.Join(tmp, "spool"), "s3://pitr/binlogs"
	sluice(src.Password, append([]string{"dump", "-o", dump, "-B", "pitr"}, srcArgs...)...)
	pitrExec(t, sdb, "INSERT INTO pitr.t (v, n) VALUES ('after the dump', 1)")
	archiveArgs := append([]string{"binlog-archive", "--dump", dump, "-o", archive, "--spool", spool}, srcArgs...)
	sluice(src.Password, archiveArgs...) // ends inside the open file: uploaded partial
	pitrExec(t, sdb, "UPDATE pitr.t SET v = 'in the partial file' WHERE id <= 5", "FLUSH BINARY LOGS",
		"UPDATE pitr.t SET v = 'rotated' WHERE id <= 10", "DELETE FROM pitr.t WHERE id BETWEEN 20 AND 30")
	sluice(src.Password, archiveArgs...) // resumes the partial file, through the rotation
	s1 := pitrChecksum(t, sdb)
	var s1GTID string
	if err := sdb.QueryRow("SELECT @@gtid_binlog_pos").Scan(&s1GTID); err != nil {
		t.Fatal(err)
	}
	pitrExec(t, sdb, "UPDATE pitr.t SET v = 'after S1'", "DROP TABLE pitr.t")
	sluice(src.Password, archiveArgs...)

	sluice(dst.Password, append([]string{"load", "-d", dump, "--binlogs", archive, "--until-gtid", s1GTID}, dstArgs...)...)
	if got := pitrChecksum(t, ddb); got != s1 {
		t.Errorf("load --binlogs %s --until-gtid %s: checksum %v, want S1's %v", archive, s1GTID, got, s1)
	}

	ctx := context.Background()
	ix, err := binlog.ReadArchiveIndex(ctx, archive)
	if err != nil || ix == nil {
		t.Fatalf("the archive's index: %v %v", ix, err)
	}
	if len(ix.Files) < 2 || !ix.Files[0].Complete {
		t.Fatalf("the archive holds %+v, want a complete file and the one FLUSH BINARY LOGS rotated to", ix.Files)
	}
	client := m.Client()
	for _, f := range ix.Files {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pitr"), Key: aws.String("binlogs/" + f.Name)})
		if err != nil {
			t.Fatalf("get %s: %v", f.Name, err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(src.DataDir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(got)) != f.Size {
			t.Errorf("object %s: %d bytes, the index says %d", f.Name, len(got), f.Size)
		}
		if !f.Complete && len(got) > 8 {
			// The source's open file differs in its Format_description event, whose "in
			// use" flag the server clears only when it closes the file: compare after it.
			fde := 4 + int(binary.LittleEndian.Uint32(got[4+9:]))
			got, want = got[min(fde, len(got)):], want[min(fde, len(want)):]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("object %s (complete %v): %d bytes, the source's file %d bytes (index: %d): want a byte copy", f.Name, f.Complete, len(got), len(want), f.Size)
		}
		if _, err := os.Stat(filepath.Join(spool, f.Name)); f.Complete && err == nil {
			t.Errorf("the spool still holds %s, complete and uploaded", f.Name)
		}
	}
	// An object whose bytes differ from the index's (size and SHA-256) is refused by name.
	first := ix.Files[0]
	obj, err := os.ReadFile(filepath.Join(src.DataDir, first.Name))
	if err != nil {
		t.Fatal(err)
	}
	obj[len(obj)-1] ^= 0xff
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pitr"), Key: aws.String("binlogs/" + first.Name), Body: bytes.NewReader(obj)}); err != nil {
		t.Fatal(err)
	}
	pitrExec(t, ddb, "DROP DATABASE IF EXISTS pitr")
	t.Setenv("MYSQL_PWD", dst.Password)
	var stderr bytes.Buffer
	args := append([]string{"load", "-d", dump, "--binlogs", archive}, dstArgs...)
	if code := run(args, &bytes.Buffer{}, &stderr); code == 0 || !strings.Contains(stderr.String(), first.Name) || !strings.Contains(stderr.String(), "differ from the archive index") || !strings.Contains(stderr.String(), "nothing of it was applied") {
		t.Errorf("load --binlogs with a corrupt %s: exit %d, %q; want a failure naming it before applying any of it", first.Name, code, stderr.String())
	}
	if fi, err := os.Stat(spool); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("spool %s: %v %v, want a 0700 directory", spool, fi, err)
	}
}
