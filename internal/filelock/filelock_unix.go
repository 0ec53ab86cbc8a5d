//go:build unix

package filelock

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Lock takes an exclusive lock on f without waiting (flock(2) LOCK_EX|LOCK_NB); it lasts until
// f is closed. When another open file holds it, the error wraps ErrLocked. A filesystem that
// does not support flock (ENOLCK, EOPNOTSUPP, ENOSYS: some network mounts) gets no lock and no
// error, so that sluice still works there, unprotected; other errors name f.
func Lock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return fmt.Errorf("%s: %w", f.Name(), ErrLocked)
		case errors.Is(err, unix.ENOLCK), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENOSYS):
			return nil
		default:
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
	}
}
