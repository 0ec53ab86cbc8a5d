package accounts

import (
	"encoding/json"
	"fmt"
	"io"

	"filippo.io/age"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/replication"
)

// FileName is the accounts file of a dump. The metadata file names it in [accounts] and lists
// it in [files] with its size and CRC-32C.
const FileName = "accounts.json"

// File is the content of accounts.json: the source's flavour and version (translation needs
// both) and its accounts, roles first, each in name order, then users.
type File struct {
	Flavor       replication.Flavor `json:"flavor"`
	Version      string             `json:"version"` // @@version of the source
	Accounts     []Account          `json:"accounts"`
	PublicGrants []string           `json:"public_grants,omitempty"` // MariaDB 10.11+: SHOW GRANTS FOR PUBLIC, USAGE left out
}

// Write writes f as dir/accounts.json (0600, through NAME.partial and a rename, like every dump
// file; encrypted to rs when given, see dumpdir.File.Encrypt) and returns its size and CRC-32C
// for the metadata.
func (f *File) Write(dir string, rs []age.Recipient) (dumpdir.FileInfo, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return dumpdir.FileInfo{}, fmt.Errorf("%s: %w", FileName, err)
	}
	return dumpdir.WriteFileEncrypted(dir, FileName, append(b, '\n'), rs)
}

// ReadFile checks dir/name against fi (size and CRC-32C from the metadata), decrypts it with ids
// (nil for a clear-text dump) and decodes it. It fails naming the file when it is damaged.
func ReadFile(dir string, fi dumpdir.FileInfo, ids []age.Identity) (*File, error) {
	if err := dumpdir.Verify(dir, fi); err != nil {
		return nil, err
	}
	r, err := dumpdir.OpenDecrypted(dir, fi.Name, dumpdir.CompressNone, ids)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fi.Name, err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w: the accounts file is damaged", fi.Name, err)
	}
	return &f, nil
}
