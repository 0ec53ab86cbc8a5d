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

// TestCommandClientCPU checks that a case's run reports the CPU its process burned.
func TestCommandClientCPU(t *testing.T) {
	c := command{path: "sh", args: []string{"-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"}}
	st, err := c.run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.clientCPU <= 0 || st.clientCPU > st.seconds*4 {
		t.Errorf("clientCPU = %v s for a busy shell loop of %v s, want > 0 and at most 4 × wall", st.clientCPU, st.seconds)
	}
}
