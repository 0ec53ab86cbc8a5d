package main

import (
	"fmt"
	"regexp"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/dumper"
)

// addFilterFlags registers the filters of the dumping side that `sluice dump` and `sluice copy`
// share: -B/--database, -T/--tables-list, -x/--regex, --where, -i/--ignore-engines, --no-data,
// --no-views, --no-triggers, --no-routines and --no-events (mydumper's names and letters); verb
// ("dump" or "copy") words their help. The function it returns compiles --regex into o after
// fs.Parse, a usageError naming --regex if it is not a Go regular expression.
func addFilterFlags(fs *pflag.FlagSet, o *dumper.Options, verb string) func() error {
	fs.StringSliceVarP(&o.Databases, "database", "B", nil, "databases to "+verb+", comma separated (default: all but system databases)")
	fs.StringArrayVarP(&o.Tables, "tables-list", "T", nil, "a table to "+verb+" as db.table (repeat the flag; quote parts holding dots with backticks)")
	regex := fs.StringP("regex", "x", "", verb+" only tables whose db.table matches this regular expression (Go syntax)")
	fs.StringVar(&o.Where, "where", "", verb+" only rows meeting this SQL condition (every table)")
	fs.StringSliceVarP(&o.IgnoreEngines, "ignore-engines", "i", nil, "skip tables of these storage engines, comma separated")
	fs.BoolVar(&o.NoData, "no-data", false, verb+" schemas only")
	fs.BoolVar(&o.NoViews, "no-views", false, "skip views")
	fs.BoolVar(&o.NoTriggers, "no-triggers", false, "skip triggers")
	fs.BoolVar(&o.NoRoutines, "no-routines", false, "skip stored procedures and functions")
	fs.BoolVar(&o.NoEvents, "no-events", false, "skip events")
	return func() error {
		if *regex == "" {
			return nil
		}
		var err error
		if o.Regex, err = regexp.Compile(*regex); err != nil {
			return usageError{fmt.Errorf("--regex: %w", err)}
		}
		return nil
	}
}
