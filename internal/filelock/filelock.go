package filelock

import "errors"

// ErrLocked is wrapped by Lock's error when another open file (another process, or another
// open of the same path) holds the lock.
var ErrLocked = errors.New("locked by another process")
