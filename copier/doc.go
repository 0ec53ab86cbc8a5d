// Package copier copies databases from one live server to another (`sluice copy`): the dumper
// takes its consistent snapshot of the source and the loader restores it into the target, with
// the options of both (filters, threads per side, deferred indexes, overwrite, renaming).
//
// Today the dump goes through a private staging directory (0700, removed when the copy ends,
// data in the tsv row form the loader streams into LOAD DATA LOCAL, not fsynced): the load
// starts when the dump is complete. Streaming chunks through a bounded in-memory queue, so that
// dump and load overlap and no disk is used, is issue 17's remaining work.
package copier
