package main

import (
	"errors"
	"testing"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/loader"
)

func TestUserFlags(t *testing.T) {
	load := func(args ...string) (loader.Options, error) {
		var o loader.Options
		fs := newFlags("load")
		check := addLoadUserFlags(fs, &o)
		if err := parse(fs, args); err != nil {
			t.Fatal(err)
		}
		return o, check()
	}
	o, err := load("--definer", "'etl'@'10.%'", "--overwrite-users", "--users-strict")
	if err != nil || o.Definers.Replace == nil || *o.Definers.Replace != (accounts.Name{User: "etl", Host: "10.%"}) || !o.OverwriteUsers || !o.UsersStrict {
		t.Errorf("--definer 'etl'@'10.%%': %+v, %v", o, err)
	}
	var ue usageError
	if _, err := load("--definer", "etl@", "--no-users"); !errors.As(err, &ue) {
		t.Errorf("--definer etl@: %v, want a usage error", err)
	}
	if _, err := load("--definer", "etl@%", "--skip-definer"); !errors.As(err, &ue) {
		t.Errorf("--definer with --skip-definer: %v, want a usage error", err)
	}

	var d dumper.Options
	fs := newFlags("dump")
	check := addDumpUserFlags(fs, &d)
	if err := parse(fs, []string{"--include-users", "app@%", "--include-users", "root@localhost", "--exclude-users", "app@10.%"}); err != nil {
		t.Fatal(err)
	}
	if err := check(); err != nil || len(d.IncludeUsers) != 2 || len(d.ExcludeUsers) != 1 {
		t.Errorf("--include-users twice, --exclude-users: %+v, %v", d, err)
	}
	fs = newFlags("dump")
	check = addDumpUserFlags(fs, &d)
	if err := parse(fs, []string{"--exclude-users", "'app"}); err != nil {
		t.Fatal(err)
	}
	if err := check(); !errors.As(err, &ue) {
		t.Errorf("--exclude-users 'app: %v, want a usage error", err)
	}
}
