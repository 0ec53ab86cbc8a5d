//go:build unix

package bench

import (
	"os"
	"syscall"
)

// maxRSS returns the peak resident set size of the finished process, in bytes: ru_maxrss,
// which Linux reports in KiB (getrusage(2)).
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
