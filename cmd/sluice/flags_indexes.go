package main

import (
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// addIndexFlags registers the index-strategy flags `sluice load` and `sluice copy` share
// (--defer-indexes, --defer-min-rows); the function it returns checks --defer-indexes into o
// after fs.Parse, a usageError for a value other than auto, all, fulltext or none.
func addIndexFlags(fs *pflag.FlagSet, o *loader.Options) func() error {
	mode := fs.String("defer-indexes", "auto", "secondary indexes built after the data: auto (chosen per table from its size, indexes and the target's buffer pool; --dry-run shows the choice), all, fulltext or none")
	fs.Int64Var(&o.DeferMinRows, "defer-min-rows", 10000, "tables with fewer rows keep their indexes in the CREATE TABLE, whatever --defer-indexes says (0: let --defer-indexes decide)")
	return func() error {
		m, err := schema.ParseDeferMode(*mode)
		if err != nil {
			return usageError{err}
		}
		o.DeferIndexes = m
		return nil
	}
}
