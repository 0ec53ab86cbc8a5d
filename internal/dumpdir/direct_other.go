//go:build !linux

package dumpdir

import "os"

// directSupported says CreateData tries O_DIRECT on this system: only Linux is tried.
const directSupported = false

// oDirect is never used outside Linux.
const oDirect = 0

// clearDirect is never called outside Linux.
func clearDirect(*os.File) error { return nil }
