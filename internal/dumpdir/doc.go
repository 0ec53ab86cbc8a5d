// Package dumpdir owns the on-disk format of a dump directory: file names (mydumper
// conventions), the metadata file written last to mark the dump complete, and the atomic
// .partial-then-rename file writer with 0600 files in a 0700 directory. ReadMetadata also reads
// the directories mydumper 0.9 to 1.0 writes (mydumper.go), building the same Metadata from their
// metadata file and file names.
package dumpdir
