// Package copier copies databases from one live server to another (`sluice copy`): dumper.Run
// and loader.Run run at once, joined by a dumpdir.Pipe, so copy is dump and load joined, not a
// third engine. The dumper takes its consistent snapshot and writes its files into the pipe's
// in-memory Dir (data as tsv rows, FileSize each); the loader follows the pipe: it creates the
// tables once the schemas are published, loads each data file as soon as it is whole
// (scheduler.LoadStream, largest table first as the dump reads them), builds a table's
// deferred indexes once the dumper says the table has no more chunks, and finishes (views,
// triggers, routines, events, checksums, replica attachment) from the dump's final metadata.
// The pipe's bounded queue makes a dump faster than the load wait, so memory is a few files
// per thread.
//
// state.go keeps the copy's state on the target (incomplete mark, tables complete) and the
// dumper.Keeper of --resume, which keeps a complete table when its checksum in the new
// snapshot equals the target's.
package copier
