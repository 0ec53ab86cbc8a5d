//go:build !linux

package bench

// processCPU returns 0: the server's CPU time is read from /proc, on Linux only.
func processCPU(int) float64 { return 0 }
