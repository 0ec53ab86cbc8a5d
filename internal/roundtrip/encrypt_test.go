package roundtrip

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestEncryptedRoundTrip dumps Sakila and an account encrypted to an age key and an SSH key (sql + zstd, and
// tsv uncompressed) and checks that: no file name or byte of the dump holds a database, table or
// column name, a row value or a statement; loading without an identity, or with the wrong one,
// fails before anything is created on the target; each identity restores the dump equal by
// CHECKSUM TABLE; sluice list shows the dump complete and encrypted, with details only given
// the identity.
func TestEncryptedRoundTrip(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	LoadSakila(t, a)
	Exec(t, Open(t, a, ""), "CREATE USER 'zorro_auditor'@'%' IDENTIFIED BY 'Kx9-auditor-pw'", "GRANT SELECT ON sakila.* TO 'zorro_auditor'@'%'")

	ageID, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	sshPub, _ := ssh.NewPublicKey(pub)
	sshRec, err := agessh.ParseRecipient(string(ssh.MarshalAuthorizedKey(sshPub)))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := ssh.MarshalPrivateKey(priv, "")
	sshID, err := agessh.ParseIdentity(pem.EncodeToMemory(block))
	if err != nil {
		t.Fatal(err)
	}
	recipients := []age.Recipient{ageID.Recipient(), sshRec}
	parent := t.TempDir()
	dst := Open(t, b, "")
	schemas := func() int {
		var n int
		if err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'sakila'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Names, column names, row values (actor, film, customer, address) and SQL keywords.
	secrets := []string{"sakila", "payment", "rental", "film_actor", "first_name", "last_update",
		"PENELOPE", "GUINESS", "ACADEMY DINOSAUR", "MARY.SMITH@sakilacustomer.org", "47 MySakila Drive",
		"INSERT", "CREATE", "TRIGGER", "SET NAMES", "zorro_auditor", "GRANT"}

	for i, v := range []struct {
		format, compression string
		id                  age.Identity
	}{{dumper.FormatSQL, dumpdir.CompressZstd, ageID}, {dumper.FormatTSV, dumpdir.CompressNone, sshID}} {
		dir := filepath.Join(parent, []string{"2026-01-01", "2026-01-02"}[i])
		if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"sakila"}, Threads: 2,
			Format: v.format, Compression: v.compression, Recipients: recipients, Users: true}); err != nil {
			t.Fatalf("%s: dump: %v", v.format, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) < 20 {
			t.Fatalf("%s: only %d files in the dump", v.format, len(entries))
		}
		for _, e := range entries {
			body, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() != dumpdir.StatusName && !dumpdir.IsEncrypted(body) {
				t.Errorf("%s: %s is not an age file", v.format, e.Name())
			}
			for _, s := range secrets {
				if bytes.Contains(bytes.ToLower(body), bytes.ToLower([]byte(s))) || strings.Contains(strings.ToLower(e.Name()), strings.ToLower(s)) {
					t.Errorf("%s: %s holds %q in clear", v.format, e.Name(), s)
				}
			}
		}

		_, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2})
		if err == nil || !strings.Contains(err.Error(), "--decrypt-identity") {
			t.Fatalf("%s: load without an identity: %v", v.format, err)
		}
		stranger, _ := age.GenerateX25519Identity()
		_, err = loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, Identities: []age.Identity{stranger}})
		if err == nil || !strings.Contains(err.Error(), "not one this dump was encrypted to") {
			t.Fatalf("%s: load with the wrong identity: %v", v.format, err)
		}
		if n := schemas(); n != 0 {
			t.Fatalf("%s: a refused load created the database", v.format)
		}
		if _, err := os.Stat(filepath.Join(dir, loader.JournalName)); err == nil {
			t.Errorf("%s: a refused load wrote its journal", v.format)
		}
		if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, Threads: 2, Identities: []age.Identity{v.id}}); err != nil {
			t.Fatalf("%s: load: %v", v.format, err)
		}
		Equal(t, a, "sakila", b, "sakila")
		var grants int
		if err := dst.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = \"'zorro_auditor'@'%'\" AND TABLE_SCHEMA = 'sakila'").Scan(&grants); err != nil || grants == 0 {
			t.Errorf("%s: the encrypted accounts file did not restore zorro_auditor's grant (%d, %v)", v.format, grants, err)
		}
		Exec(t, dst, "DROP DATABASE sakila", "DROP USER 'zorro_auditor'@'%'")
	}

	dumps, err := catalog.List(ctx, dumpdir.Local(parent), catalog.Options{})
	if err != nil || len(dumps) != 2 {
		t.Fatalf("list: %d dumps, %v", len(dumps), err)
	}
	for _, d := range dumps {
		if d.State != catalog.Complete || !d.Encrypted || d.Details || d.Started.IsZero() || d.Duration <= 0 || d.Bytes == 0 {
			t.Errorf("list without identity: %+v", d)
		}
	}
	if dumps[0].Name != "2026-01-02" {
		t.Errorf("list order: %s first, want the newer dump", dumps[0].Name)
	}
	dumps, err = catalog.List(ctx, dumpdir.Local(parent), catalog.Options{Identities: []age.Identity{ageID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dumps {
		if !d.Details || d.Tables < 20 || d.Rows < 40000 || d.Version == "" {
			t.Errorf("list with identity: %+v", d)
		}
	}
}
