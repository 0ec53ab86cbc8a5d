package roundtrip

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestS3Lifecycle runs the nightly lifecycle on MinIO: an encrypted dump to s3:// that holds no
// name or value in clear in any object, refused without and with the wrong identity before the
// target is touched, restored equal by CHECKSUM TABLE with the right one; then sluice list and
// prune over the prefix with complete, running (fresh heartbeat) and stale dumps.
func TestS3Lifecycle(t *testing.T) {
	const bucket = "sluice-lifecycle"
	m := testserver.MinIOForTest(t, bucket)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	if m == nil || a == nil || b == nil {
		return
	}
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE vault_db",
		"CREATE TABLE vault_db.ledger_entries (id INT PRIMARY KEY, holder VARCHAR(40), KEY (holder))",
		"CREATE VIEW vault_db.big_holders AS SELECT holder FROM vault_db.ledger_entries WHERE id > 100")
	Exec(t, src, "INSERT INTO vault_db.ledger_entries SELECT seq, CONCAT('Zebulon-', seq) FROM vault_db.seq_1_to_5000")
	id, _ := age.GenerateX25519Identity()
	parent := "s3://" + bucket + "/nightly/"

	// Two complete dumps a day apart (the older one clear), both real.
	for i, name := range []string{"d1", "d2"} {
		o := dumper.Options{OutDir: parent + name, Databases: []string{"vault_db"}, Threads: 2, Compression: dumpdir.CompressZstd,
			StatementSize: 16 << 10, FileSize: 64 << 10}
		if i == 1 {
			o.Recipients = []age.Recipient{id.Recipient()}
		}
		if _, err := dumper.Run(ctx, Config(a), o); err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
	}
	cl := m.Client()
	keys := objectKeysIn(t, cl, bucket, "nightly/d2/")
	if len(keys) < 5 {
		t.Fatalf("objects of the encrypted dump: %q", keys)
	}
	for _, k := range keys {
		out, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(out.Body)
		out.Body.Close()
		for _, s := range []string{"vault", "ledger", "holder", "Zebulon", "INSERT", "CREATE"} {
			if bytes.Contains(body, []byte(s)) || strings.Contains(k, s) {
				t.Errorf("%s holds %q in clear", k, s)
			}
		}
	}

	dst := Open(t, b, "")
	schemas := func() (n int) {
		dst.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'vault_db'").Scan(&n)
		return n
	}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: parent + "d2", Journal: t.TempDir() + "/j"}); err == nil || !strings.Contains(err.Error(), "--decrypt-identity") {
		t.Fatalf("load without identity: %v", err)
	}
	stranger, _ := age.GenerateX25519Identity()
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: parent + "d2", Journal: t.TempDir() + "/j", Identities: []age.Identity{stranger}}); err == nil || !strings.Contains(err.Error(), "not one this dump was encrypted to") {
		t.Fatalf("load with the wrong identity: %v", err)
	}
	if schemas() != 0 {
		t.Fatal("a refused load created the database")
	}
	if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: parent + "d2", Journal: t.TempDir() + "/j", Threads: 2, Identities: []age.Identity{id}}); err != nil {
		t.Fatalf("load: %v", err)
	}
	Equal(t, a, "vault_db", b, "vault_db")

	// A running dump (fresh heartbeat) and a stale one, as status objects with a partial file.
	pd, err := dumpdir.OpenDir(ctx, parent)
	if err != nil {
		t.Fatal(err)
	}
	defer pd.Close()
	now := time.Now()
	for name, hb := range map[string]time.Time{"live": now.Add(-30 * time.Second), "stale": now.Add(-2 * time.Hour)} {
		d := pd.Sub(name)
		if _, err := d.WriteFile(ctx, "00000001.sql", []byte("partial")); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteStatus(ctx, dumpdir.Status{State: dumpdir.StateRunning, Started: hb.Add(-time.Minute), Heartbeat: hb}); err != nil {
			t.Fatal(err)
		}
	}
	dumps, err := catalog.List(ctx, pd, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dumps {
		got = append(got, fmt.Sprintf("%s=%s/%v", d.Name, d.State, d.Encrypted))
	}
	if strings.Join(got, " ") != "d2=complete/true d1=complete/false live=running/false stale=stale/false" {
		t.Fatalf("list: %s", strings.Join(got, " "))
	}
	if dumps[0].Details || !dumps[1].Details || dumps[1].Rows != 5000 || dumps[0].Bytes == 0 || dumps[0].Duration <= 0 {
		t.Errorf("list details: %+v / %+v", dumps[0], dumps[1])
	}
	if _, err := catalog.Prune(ctx, pd, catalog.Policy{KeepLast: 1}, catalog.Options{}, false); err != nil {
		t.Fatal(err)
	}
	left := objectKeysIn(t, cl, bucket, "nightly/")
	prefixes := map[string]bool{}
	for _, k := range left {
		prefixes[strings.Split(k, "/")[1]] = true
	}
	if len(prefixes) != 2 || !prefixes["d2"] || !prefixes["live"] {
		t.Fatalf("after prune --keep-last 1: %v", prefixes)
	}
}

// objectKeysIn lists the keys under prefix in bucket.
func objectKeysIn(t testing.TB, cl *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(cl, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
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
