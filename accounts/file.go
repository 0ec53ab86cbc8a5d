package accounts

import (
	"context"
	"encoding/json"
	"fmt"

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

// Write writes f as accounts.json into the dump's dir (0600, through NAME.partial and a rename,
// like every dump file; one whole object in an object store) and returns its size and CRC-32C
// for the metadata.
func (f *File) Write(ctx context.Context, dir *dumpdir.Dir) (dumpdir.FileInfo, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return dumpdir.FileInfo{}, fmt.Errorf("%s: %w", FileName, err)
	}
	return dir.WriteFile(ctx, FileName, append(b, '\n'))
}

// ReadFile reads fi.Name from the dump's dir, checks it against fi (size and CRC-32C from the
// metadata) and decodes it. It fails naming the file when it is missing or damaged.
func ReadFile(ctx context.Context, dir *dumpdir.Dir, fi dumpdir.FileInfo) (*File, error) {
	b, err := dir.ReadVerified(ctx, fi)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w: the accounts file is damaged", fi.Name, err)
	}
	return &f, nil
}
