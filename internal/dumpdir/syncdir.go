package dumpdir

import (
	"fmt"
	"os"
)

// SyncDir fsyncs the directory dir, which makes the renames done in it so far durable: a
// rename(2) reaches the disk only with its directory (fsync(2), "NOTES": "Calling fsync() does
// not necessarily ensure that the entry in the directory containing the file has also reached
// disk. For that an explicit fsync() on a file descriptor for the directory is also needed.").
// The error names the directory.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
