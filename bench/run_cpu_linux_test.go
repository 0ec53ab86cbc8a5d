//go:build linux

package bench

import (
	"os"
	"testing"
)

// TestProcessCPU checks that processCPU reads a running process's CPU time (this test's,
// after burning some) and gives 0 for a process that does not exist.
func TestProcessCPU(t *testing.T) {
	x := 0
	for i := range 200_000_000 {
		x += i
	}
	_ = x
	if got := processCPU(os.Getpid()); got <= 0 {
		t.Errorf("processCPU(self) = %v after a busy loop, want > 0", got)
	}
	if got := processCPU(-1); got != 0 {
		t.Errorf("processCPU(-1) = %v, want 0", got)
	}
}
