package main

import (
	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/loader"
	"github.com/sluicedb/sluice/schema"
)

// addLoadFlags registers the options of the loading side that `sluice load` and `sluice copy`
// share: --defer-indexes, --defer-min-rows, --overwrite-tables, --enable-binlog and --checksum.
// verb is "load" or "copy". Only load takes myloader's letters -o and -e (a copy's -o would read
// as the dump's output directory) and a bare --checksum (fail); copy's --overwrite-tables also
// starts over after an interrupted copy (copier.Run). The function it returns checks the flags
// into o after fs.Parse: a usageError for a --defer-indexes other than auto, all, fulltext or
// none, or a --checksum other than fail, warn or skip.
func addLoadFlags(fs *pflag.FlagSet, o *loader.Options, verb string) func() error {
	mode := fs.String("defer-indexes", "auto", "secondary indexes built after the data: auto (chosen per table from its size, indexes and the target's buffer pool; --dry-run shows the choice), all, fulltext or none")
	fs.Int64Var(&o.DeferMinRows, "defer-min-rows", 10000, "tables with fewer rows keep their indexes in the CREATE TABLE, whatever --defer-indexes says (0: let --defer-indexes decide)")
	overwrite, noun, short := "drop tables that already exist on the target before creating them", "restore", [2]string{"o", "e"}
	checksum := "after loading, recompute each chunk's checksum on the target: fail (exit 3 on a difference), warn or skip"
	if verb == "copy" {
		overwrite += " (and start over after an interrupted copy)"
		noun, short = "copy", [2]string{}
	} else {
		checksum += " (--checksum alone: fail)"
	}
	fs.BoolVarP(&o.OverwriteTables, "overwrite-tables", short[0], false, overwrite)
	fs.BoolVarP(&o.EnableBinlog, "enable-binlog", short[1], false, "write the "+noun+" to the target's binary log")
	sum := fs.String("checksum", string(loader.ChecksumFail), checksum)
	if verb != "copy" {
		fs.Lookup("checksum").NoOptDefVal = string(loader.ChecksumFail)
	}
	return func() error {
		m, err := schema.ParseDeferMode(*mode)
		if err != nil {
			return usageError{err}
		}
		o.DeferIndexes = m
		if o.Checksum, err = loader.ParseChecksumMode(*sum); err != nil {
			return usageError{err}
		}
		return nil
	}
}
