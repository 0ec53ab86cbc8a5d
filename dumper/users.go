package dumper

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

// dumpsUsers reports whether the dump includes accounts: a whole-instance dump (no -B, -T or
// --regex) does unless --no-users; a filtered one does with --users or --include-users.
func (o *Options) dumpsUsers() bool {
	if o.NoUsers {
		return false
	}
	whole := len(o.Databases) == 0 && len(o.Tables) == 0 && o.Regex == nil
	return whole || o.Users || len(o.IncludeUsers) > 0
}

// dumpUsers writes accounts.json (package accounts) before the snapshot is taken, so that
// reading thousands of accounts never lengthens the lock (the grant tables are not
// transactional: no snapshot covers them anyway). It returns the file for the metadata, or
// nil when the dump includes no accounts.
func dumpUsers(ctx context.Context, db *sql.DB, dir *dumpdir.Dir, o *Options) (*dumpdir.FileInfo, error) {
	if !o.dumpsUsers() {
		return nil, nil
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	f, err := accounts.Read(ctx, c, accounts.Filter{Include: o.IncludeUsers, Exclude: o.ExcludeUsers})
	if err != nil {
		return nil, err
	}
	fi, err := f.Write(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	o.Log.Info("accounts dumped", "accounts", len(f.Accounts), "public_grants", len(f.PublicGrants), "file", fi.Name)
	return &fi, nil
}

// addUsers records the accounts file in the metadata.
func addUsers(meta *dumpdir.Metadata, fi *dumpdir.FileInfo) {
	if fi != nil {
		meta.Files[fi.Name] = *fi
		meta.AccountsFile = fi.Name
	}
}
