package dumpdir

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
)

// Encryption: every file of an encrypted dump (schemas, data, metadata) is one age stream
// (age-encryption.org/v1: an X25519 or SSH-key header wrapping a random file key, then
// ChaCha20-Poly1305 in 64 KiB chunks), written after compression and before the write buffer,
// so the size and CRC-32C the metadata records are those of the stored ciphertext: a damaged
// file is refused by its checksum without an identity, and age's own authentication refuses a
// tampered one on decryption. Only the public key is needed to write; reading needs the
// identity (age's design, https://age-encryption.org/v1).

// ageMagic starts every age file: the first line of its header.
const ageMagic = "age-encryption.org/v1\n"

// ErrNeedIdentity is wrapped by the error of reading an encrypted dump without an identity.
var ErrNeedIdentity = errors.New("the dump is encrypted (age): give --decrypt-identity FILE or set SLUICE_AGE_IDENTITY_FILE")

// ErrWrongIdentity is wrapped by the error of decrypting with identities that open none of the
// file's recipients.
var ErrWrongIdentity = errors.New("the identity given by --decrypt-identity is not one this dump was encrypted to: give the identity of a --encrypt-recipient of the dump")

// IsEncrypted reports whether the bytes of a file start with an age header.
func IsEncrypted(head []byte) bool { return bytes.HasPrefix(head, []byte(ageMagic)) }

// ParseRecipients parses age recipients as the age command reads them: "age1..." (X25519),
// "age1pq1..." (hybrid post-quantum) and SSH public keys ("ssh-ed25519 ...", "ssh-rsa ...",
// as in authorized_keys). keys are given one by one (--encrypt-recipient); file, if not "",
// holds one per line, with blank lines and "#" comments skipped (--encrypt-recipients-file).
// Errors name the flag and the line; a key is never echoed (it may be a secret key by mistake).
func ParseRecipients(keys []string, file string) ([]age.Recipient, error) {
	var rs []age.Recipient
	for i, k := range keys {
		r, err := parseRecipient(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("--encrypt-recipient #%d: %w", i+1, err)
		}
		rs = append(rs, r)
	}
	if file == "" {
		return rs, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--encrypt-recipients-file: %w", err)
	}
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRecipient(line)
		if err != nil {
			return nil, fmt.Errorf("--encrypt-recipients-file %s line %d: %w", file, i+1, err)
		}
		rs = append(rs, r)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("--encrypt-recipients-file %s: no recipients in the file", file)
	}
	return rs, nil
}

func parseRecipient(s string) (age.Recipient, error) {
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		return age.ParseHybridRecipient(s)
	case strings.HasPrefix(s, "age1"):
		return age.ParseX25519Recipient(s)
	case strings.HasPrefix(s, "ssh-"):
		return agessh.ParseRecipient(s)
	case strings.HasPrefix(s, "AGE-SECRET-KEY-"):
		return nil, errors.New("this is an age secret key, not a recipient: give its public key (age-keygen -y FILE)")
	}
	return nil, errors.New("not an age recipient (age1...) or SSH public key (ssh-ed25519 ..., ssh-rsa ...)")
}

// ReadIdentities reads an identity file as the age command's -i does: age secret keys
// ("AGE-SECRET-KEY-1...", one per line, "#" comments, as age-keygen writes them) or one
// unencrypted SSH private key (OpenSSH PEM). A passphrase-protected SSH key is refused: a
// nightly restore drill cannot type a passphrase. Errors name the file, never its content.
func ReadIdentities(path string) ([]age.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--decrypt-identity: %w", err)
	}
	if bytes.Contains(b, []byte("-----BEGIN")) {
		id, err := agessh.ParseIdentity(b)
		if err != nil {
			return nil, fmt.Errorf("--decrypt-identity %s: SSH private key: %w (a passphrase-protected key is not supported: use an age identity)", path, err)
		}
		return []age.Identity{id}, nil
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("--decrypt-identity %s: %w", path, err)
	}
	return ids, nil
}

// Encrypt makes f an age stream to rs: what is written after it is encrypted (after any
// compression, which wraps f), and Close ends the stream before the file. Call it before the
// first Write; with no recipients it does nothing.
func (f *File) Encrypt(rs []age.Recipient) error {
	if len(rs) == 0 {
		return nil
	}
	w, err := age.Encrypt(rawWriter{f}, rs...)
	if err != nil {
		return fmt.Errorf("encrypt %s: %w", f.name, err)
	}
	f.seal = w
	return nil
}

// rawWriter writes to the file beneath its encryption.
type rawWriter struct{ f *File }

func (w rawWriter) Write(p []byte) (int, error) { return w.f.write(p) }

// decrypt returns the plaintext of an age stream r (name for errors). A clear-text file passes
// through when ids is nil; an encrypted file without ids, or one no identity opens, is refused
// with an error that says which flag to give.
func decrypt(r *bufio.Reader, name string, ids []age.Identity) (io.Reader, error) {
	head, _ := r.Peek(len(ageMagic))
	if !IsEncrypted(head) {
		if ids != nil {
			return nil, fmt.Errorf("%s: not encrypted, but the dump is: the file was replaced; take the dump again", name)
		}
		return r, nil
	}
	if ids == nil {
		return nil, fmt.Errorf("%s: %w", name, ErrNeedIdentity)
	}
	d, err := age.Decrypt(r, ids...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, fmt.Errorf("%s: %w", name, ErrWrongIdentity)
		}
		return nil, fmt.Errorf("%s: decrypt: %w: the file is corrupt", name, err)
	}
	return d, nil
}

// Encrypt makes every file d creates from now on (Create, CreateData, WriteFile, Metadata.Save)
// an age stream to rs, after any compression; nil rs for clear text. The status file
// (WriteStatus) stays clear.
func (d *Dir) Encrypt(rs []age.Recipient) { d.recipients = rs }

// Decrypt makes d decrypt, with ids, the encrypted files it reads from now on (Open,
// ReadVerified, ReadMetadata, SecretKey); nil ids for a clear-text dump, whose encrypted files
// are then refused with ErrNeedIdentity.
func (d *Dir) Decrypt(ids []age.Identity) { d.identities = ids }

// seal encrypts a newly created file to d's recipients.
func (d *Dir) seal(f *File, err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	if err := f.Encrypt(d.recipients); err != nil {
		f.Abort()
		return nil, err
	}
	return f, nil
}

// plaintext returns the content of a whole file read from d: decrypted when it is encrypted.
func (d *Dir) plaintext(name string, b []byte) ([]byte, error) {
	if !IsEncrypted(b) && d.identities == nil {
		return b, nil
	}
	r, err := decrypt(bufio.NewReader(bytes.NewReader(b)), d.path(name), d.identities)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: decrypt: %w: the file is corrupt", d.path(name), err)
	}
	return out, nil
}

// SecretKey derives a 32-byte key for purpose from the age file key of d's encrypted schemas
// marker (SchemasName), or, in a dump without one (an older sluice's), of its encrypted metadata
// file; only d's identities can unwrap either. The loader keys its resume journal's entries with
// it, so the journal (in the dump directory by default) names no table in clear either. The
// marker exists from before the dump's first data file and stays once it is complete, so the key
// is the same for a load following the dump as it is written (--wait-dump, before any metadata
// file) and for one resuming it once complete. Errors are those of reading the file's header.
func (d *Dir) SecretKey(ctx context.Context, purpose string) ([]byte, error) {
	name := SchemasName
	f, err := d.open(ctx, name)
	if errors.Is(err, ErrNotExist) {
		name = MetadataName
		f, err = d.open(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hdr, err := age.ExtractHeader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path(name), err)
	}
	fileKey, err := age.DecryptHeader(hdr, d.identities...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path(name), err)
	}
	m := hmac.New(sha256.New, fileKey)
	m.Write([]byte("sluice " + purpose))
	return m.Sum(nil), nil
}
