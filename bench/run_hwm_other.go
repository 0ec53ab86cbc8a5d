//go:build !linux

package bench

// watchPeak is not available outside Linux: it sends 0 once stop is closed, and the caller
// falls back to getrusage's ru_maxrss.
func watchPeak(_ int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() { <-stop; out <- 0 }()
	return out
}
