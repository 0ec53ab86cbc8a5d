package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// cpuAndMemory returns the CPU model name (/proc/cpuinfo) and MemTotal in bytes
// (/proc/meminfo); "" and 0 when they cannot be read.
func cpuAndMemory() (string, int64) {
	var model string
	var mem int64
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if f := strings.Fields(s.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				kib, _ := strconv.ParseInt(f[1], 10, 64)
				mem = kib * 1024
				break
			}
		}
		f.Close()
	}
	return model, mem
}
