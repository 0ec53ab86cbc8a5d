//go:build !unix

package filelock

import "os"

// Lock takes no lock on systems without flock(2); it returns nil.
func Lock(f *os.File) error { return nil }
