// Package warning counts a run's warnings: the things that went differently from what was asked
// but did not stop the run (a replica that was not one, LOAD DATA LOCAL unavailable, and later
// skipped accounts or replaced definers). Each is logged by name (attribute "warning") and
// counted in the command's Result.Warnings; the command line exits 4 when there were any, and
// with --strict (Counter.Strict) each becomes the run's error instead (exit 1), as mysqldump's
// and pt-table-checksum's warnings become failures under their strict options.
package warning
