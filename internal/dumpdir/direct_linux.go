//go:build linux

package dumpdir

import (
	"os"

	"golang.org/x/sys/unix"
)

// directSupported says CreateData tries O_DIRECT on this system.
const directSupported = true

// oDirect is open(2)'s O_DIRECT.
const oDirect = unix.O_DIRECT

// clearDirect turns O_DIRECT off on f (fcntl(2) F_SETFL), so its last, partial block can be
// written through the page cache.
func clearDirect(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		var flags int
		if flags, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0); ferr == nil {
			_, ferr = unix.FcntlInt(fd, unix.F_SETFL, flags&^unix.O_DIRECT)
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
