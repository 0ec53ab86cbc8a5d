//go:build linux

package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// hwmInterval is how often watchPeak reads a running tool's high-water mark.
const hwmInterval = 10 * time.Millisecond

// watchPeak samples VmHWM ("peak resident set size", proc(5)) of process pid every hwmInterval
// until stop is closed, and sends the largest value seen, in bytes (0 if it never got one). Unlike
// getrusage's ru_maxrss, VmHWM belongs to the program the process runs: ru_maxrss also counts
// the memory of the bench process the child was forked from, before its exec.
func watchPeak(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		var peak int64
		t := time.NewTicker(hwmInterval)
		defer t.Stop()
		for {
			peak = max(peak, readHWM(path))
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// readHWM returns the VmHWM line of a /proc/PID/status file in bytes, or 0.
func readHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
			f := bytes.Fields(v) // "12345", "kB"
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(string(f[0]), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}
