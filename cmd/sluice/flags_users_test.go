package main

import (
	"errors"
	"testing"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/loader"
)

func TestUserFlags(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	load := func(args ...string) (loader.Options, error) {
		o, err := parseArgs(loadCommand(), append([]string{"-d", "dir"}, args...))
		if err != nil {
			return loader.Options{}, err
		}
		return o.(*loadOptions).load, nil
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

	dump := func(args ...string) (dumper.Options, error) {
		o, err := parseArgs(dumpCommand(), append([]string{"-o", "dir"}, args...))
		if err != nil {
			return dumper.Options{}, err
		}
		return o.(*dumpOptions).dump, nil
	}
	d, err := dump("--include-users", "app@%", "--include-users", "root@localhost", "--exclude-users", "app@10.%")
	if err != nil || len(d.IncludeUsers) != 2 || len(d.ExcludeUsers) != 1 {
		t.Errorf("--include-users twice, --exclude-users: %+v, %v", d, err)
	}
	if _, err := dump("--exclude-users", "'app"); !errors.As(err, &ue) {
		t.Errorf("--exclude-users 'app: %v, want a usage error", err)
	}
}
