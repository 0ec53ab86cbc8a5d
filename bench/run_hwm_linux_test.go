//go:build linux

package bench

import (
	"context"
	"testing"
)

// TestPeakIsTheToolsOwn runs a small program and checks that its peak RSS is its own (a few
// MiB for /bin/sleep), not the bench process's size inherited through fork.
func TestPeakIsTheToolsOwn(t *testing.T) {
	ballast := make([]byte, 64<<20) // make this process clearly larger than sleep
	for i := range ballast {
		ballast[i] = 1
	}
	st, err := command{path: "/bin/sleep", args: []string{"0.2"}}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.peakRSS <= 0 || st.peakRSS > 32<<20 {
		t.Errorf("peak RSS of sleep: %d bytes, want between 0 and 32 MiB", st.peakRSS)
	}
	_ = ballast[len(ballast)-1]
}
