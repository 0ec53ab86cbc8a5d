package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/loader"
)

// addDumpUserFlags registers the account flags of `sluice dump`; the function it returns
// parses the patterns into o after fs.Parse.
func addDumpUserFlags(fs *pflag.FlagSet, o *dumper.Options) func() error {
	fs.BoolVar(&o.Users, "users", false, "dump accounts, roles and grants in a filtered dump too (a whole-instance dump includes them)")
	fs.BoolVar(&o.NoUsers, "no-users", false, "dump no accounts")
	include := fs.StringArray("include-users", nil, "dump only accounts matching user@host (% and _ wildcards; repeat the flag); names system accounts such as root@localhost too")
	exclude := fs.StringArray("exclude-users", nil, "leave out accounts matching user@host (repeat the flag; PUBLIC leaves out the grants to PUBLIC)")
	return func() error {
		var err error
		if o.IncludeUsers, err = parsePatterns("--include-users", *include); err != nil {
			return err
		}
		o.ExcludeUsers, err = parsePatterns("--exclude-users", *exclude)
		return err
	}
}

func parsePatterns(flag string, vals []string) ([]accounts.Pattern, error) {
	var out []accounts.Pattern
	for _, v := range vals {
		p, err := accounts.ParsePattern(v)
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", flag, err)}
		}
		out = append(out, p)
	}
	return out, nil
}

// addLoadUserFlags registers the account and definer flags of `sluice load`; the function it
// returns checks them into o after fs.Parse.
func addLoadUserFlags(fs *pflag.FlagSet, o *loader.Options) func() error {
	fs.BoolVar(&o.NoUsers, "no-users", false, "restore no accounts")
	fs.BoolVar(&o.OverwriteUsers, "overwrite-users", false, "drop and recreate accounts that already exist (never the account the load connects as)")
	fs.BoolVar(&o.UsersStrict, "users-strict", false, "fail the load when an account is left alone, skipped or refused, or a grant is dropped")
	fs.BoolVar(&o.Definers.Skip, "skip-definer", false, "create views, routines, triggers and events without their DEFINER (they run as the loading account)")
	definer := fs.String("definer", "", "create views, routines, triggers and events with this DEFINER, as user@host")
	return func() error {
		if *definer == "" {
			return nil
		}
		if o.Definers.Skip {
			return usageError{fmt.Errorf("--definer and --skip-definer: give one")}
		}
		n, err := accounts.ParseDefiner(*definer)
		if err != nil {
			return usageError{err}
		}
		o.Definers.Replace = &n
		return nil
	}
}
