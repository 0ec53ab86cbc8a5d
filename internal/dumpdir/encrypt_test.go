package dumpdir

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"
)

// TestEncryptedFileRoundTrip writes a file compressed then encrypted, for each compression,
// and reads it back with the identity; the metadata's size and CRC-32C are those of the stored
// ciphertext, so Verify checks the file without an identity.
func TestEncryptedFileRoundTrip(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := age.GenerateX25519Identity()
	want := bytes.Repeat([]byte("INSERT INTO `secret_table` VALUES (1,'needle-value');\n"), 50000)
	for _, comp := range []string{CompressNone, CompressZstd, CompressGzip} {
		dir := t.TempDir()
		f, err := CreateData(dir, "d", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Encrypt([]age.Recipient{other.Recipient(), id.Recipient()}); err != nil {
			t.Fatal(err)
		}
		c, err := NewCompressor(f, comp)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(want); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		fi, err := f.Close()
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := os.ReadFile(filepath.Join(dir, "d"))
		if !IsEncrypted(stored) || bytes.Contains(stored, []byte("secret_table")) || bytes.Contains(stored, []byte("needle")) {
			t.Fatalf("%q: stored file is not age ciphertext", comp)
		}
		if int64(len(stored)) != fi.Size {
			t.Fatalf("%q: metadata size %d, stored %d", comp, fi.Size, len(stored))
		}
		if err := Verify(dir, fi); err != nil {
			t.Fatalf("%q: %v", comp, err)
		}
		r, err := decrypting(dir, id).Open(ctx, "d", comp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: read back %d bytes (%v), want %d", comp, len(got), err, len(want))
		}
		if _, err := Open(dir, "d", comp); !errors.Is(err, ErrNeedIdentity) {
			t.Fatalf("%q: open without identity: %v", comp, err)
		}
		stranger, _ := age.GenerateX25519Identity()
		if _, err := decrypting(dir, stranger).Open(ctx, "d", comp); err == nil || !strings.Contains(err.Error(), "not one this dump was encrypted to") {
			t.Fatalf("%q: open with the wrong identity: %v", comp, err)
		}
		// A flipped byte is refused by the checksum before decryption, and by age's
		// authentication when read anyway.
		stored[len(stored)/2] ^= 1
		os.WriteFile(filepath.Join(dir, "d"), stored, FileMode)
		if err := Verify(dir, fi); err == nil {
			t.Fatalf("%q: damaged ciphertext verified", comp)
		}
		if r, err := decrypting(dir, id).Open(ctx, "d", comp); err == nil {
			_, err = io.ReadAll(r)
			r.Close()
			if err == nil {
				t.Fatalf("%q: damaged ciphertext decrypted without error", comp)
			}
		}
	}
}

// TestEncryptedMetadata checks that the metadata file is encrypted, that reading it without an
// identity or with the wrong one is refused with a message naming the flag, and that a clear
// dump reads the same with or without identities.
func TestEncryptedMetadata(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	dir := t.TempDir()
	m := &Metadata{Started: time_(1), Finished: time_(2), Source: [][2]string{{"Executed_Gtid_Set", "0-1-5"}},
		Tables: []Table{{Database: "hidden_db", Name: "hidden_table", Kind: KindTable, Columns: []string{"hidden_col"}}},
		Files:  map[string]FileInfo{}}
	enc := Local(dir)
	enc.Encrypt([]age.Recipient{id.Recipient()})
	if err := m.Save(ctx, enc); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, MetadataName))
	for _, s := range []string{"hidden", "0-1-5", "sluice"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("encrypted metadata holds %q in clear", s)
		}
	}
	if _, err := ReadMetadata(dir); !errors.Is(err, ErrNeedIdentity) || !strings.Contains(err.Error(), "--decrypt-identity") {
		t.Fatalf("no identity: %v", err)
	}
	stranger, _ := age.GenerateX25519Identity()
	if _, err := decrypting(dir, stranger).ReadMetadata(ctx); err == nil || !strings.Contains(err.Error(), "--decrypt-identity") {
		t.Fatalf("wrong identity: %v", err)
	}
	got, err := decrypting(dir, id).ReadMetadata(ctx)
	if err != nil || !got.Encrypted || got.Tables[0].Name != "hidden_table" {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	clear := t.TempDir()
	if err := m.Write(clear); err != nil {
		t.Fatal(err)
	}
	if got, err := decrypting(clear, id).ReadMetadata(ctx); err != nil || got.Encrypted {
		t.Fatalf("clear metadata with an identity: %v, encrypted %v", err, got != nil && got.Encrypted)
	}
}

// TestRecipientsAndIdentities parses a recipients file with age and SSH keys, comments and blank
// lines, encrypts to it, and decrypts with an age identity file and with an SSH private key.
func TestRecipientsAndIdentities(t *testing.T) {
	dir := t.TempDir()
	ageID, _ := age.GenerateX25519Identity()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshKeyFile := filepath.Join(dir, "id_ed25519")
	os.WriteFile(sshKeyFile, pem.EncodeToMemory(block), 0o600)
	ageKeyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(ageKeyFile, []byte("# created: now\n# public key: "+ageID.Recipient().String()+"\n"+ageID.String()+"\n"), 0o600)
	recFile := filepath.Join(dir, "recipients")
	os.WriteFile(recFile, []byte("# backup keys\n\n"+string(ssh.MarshalAuthorizedKey(sshPub))+"\n"), 0o600)

	rs, err := ParseRecipients([]string{ageID.Recipient().String()}, recFile)
	if err != nil || len(rs) != 2 {
		t.Fatalf("ParseRecipients: %d, %v", len(rs), err)
	}
	enc := Local(dir)
	enc.Encrypt(rs)
	if _, err := enc.WriteFile(ctx, "f", []byte("payload")); err != nil {
		t.Fatal(err)
	}
	for _, keyFile := range []string{ageKeyFile, sshKeyFile} {
		ids, err := ReadIdentities(keyFile)
		if err != nil {
			t.Fatalf("%s: %v", keyFile, err)
		}
		d := Local(dir)
		d.Decrypt(ids)
		r, err := d.Open(ctx, "f", CompressNone)
		if err != nil {
			t.Fatalf("%s: %v", keyFile, err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "payload" {
			t.Fatalf("%s: read %q", keyFile, b)
		}
	}
	for _, bad := range []string{"age1notakey", "hello"} {
		if _, err := ParseRecipients([]string{bad}, ""); err == nil {
			t.Errorf("ParseRecipients(%q) accepted", bad)
		}
	}
	// A secret key given by mistake is refused without being echoed.
	if _, err := ParseRecipients([]string{ageID.String()}, ""); err == nil || strings.Contains(err.Error(), ageID.String()) {
		t.Errorf("ParseRecipients(secret key): %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := ParseRecipients(nil, empty); err == nil {
		t.Error("empty recipients file accepted")
	}
	if _, err := ReadIdentities(recFile); err == nil {
		t.Error("a recipients file accepted as an identity file")
	}
}

var ctx = context.Background()

// decrypting is the local Dir dir reading with the identity id.
func decrypting(dir string, id age.Identity) *Dir {
	d := Local(dir)
	d.Decrypt([]age.Identity{id})
	return d
}

func time_(sec int64) time.Time { return time.Unix(1700000000+sec, 0).UTC() }

// BenchmarkEncryptedWrite writes 64 MiB through a data file with and without age encryption,
// for the cost of encryption alone in MB/s of plaintext (run with -bench EncryptedWrite).
func BenchmarkEncryptedWrite(b *testing.B) {
	id, _ := age.GenerateX25519Identity()
	chunk := bytes.Repeat([]byte("INSERT INTO `t` VALUES (1,'abcdefghij',3.25),(2,'klmnopqrst',4.5);\n"), 1<<10)
	const total = 64 << 20
	for _, enc := range []bool{false, true} {
		name := "clear"
		if enc {
			name = "age"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			b.SetBytes(total)
			for b.Loop() {
				f, err := CreateData(dir, "d", nil)
				if err != nil {
					b.Fatal(err)
				}
				f.NoSync()
				if enc {
					f.Encrypt([]age.Recipient{id.Recipient()})
				}
				for n := 0; n < total; n += len(chunk) {
					f.Write(chunk)
				}
				if _, err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
