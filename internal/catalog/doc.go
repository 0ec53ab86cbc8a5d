// Package catalog reads the dumps under a parent directory (the nightly job's -o PARENT/DATE
// layout) for `sluice list`, and chooses and removes old ones for `sluice prune` with restic's
// `forget` policy (--keep-last, --keep-daily, --keep-weekly, --keep-monthly).
//
// A dump is a subdirectory holding a metadata file (complete; written last, see package
// dumpdir) or a status file (dumpdir.StatusName: a dump that is running, failed or was killed).
// Other subdirectories are not dumps and are never touched. What is shown of an encrypted dump
// without an identity comes from its status file and the file sizes only; its tables, rows and
// source are in the encrypted metadata, read when identities are given.
package catalog
