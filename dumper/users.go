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

// dumpUsers writes accounts.json (package accounts) and names it in the metadata.
func dumpUsers(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options) error {
	if !o.dumpsUsers() {
		return nil
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	f, err := accounts.Read(ctx, c, accounts.Filter{Include: o.IncludeUsers, Exclude: o.ExcludeUsers})
	if err != nil {
		return err
	}
	fi, err := f.Write(o.OutDir)
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	meta.Files[fi.Name] = fi
	meta.AccountsFile = fi.Name
	o.Log.Info("accounts dumped", "accounts", len(f.Accounts), "public_grants", len(f.PublicGrants), "file", fi.Name)
	return nil
}
