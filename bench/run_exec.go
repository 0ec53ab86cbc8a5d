package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// command is one run of an external program: the tool under test.
type command struct {
	path   string   // program
	args   []string // arguments
	secret string   // an argument to print as '***' (a peer's password on its command line)
	env    []string // extra KEY=VALUE pairs, e.g. MYSQL_PWD (never printed)
	stdin  string   // file to read standard input from, "" for none
	stdout string   // file to write standard output to, "" to discard it
}

// String returns the command line as a shell would take it, with the secret argument
// replaced by '***' and the environment left out, for the report.
func (c command) String() string {
	parts := []string{c.path}
	for _, a := range c.args {
		if c.secret != "" && a == c.secret {
			a = "***"
		}
		if a == "" || strings.ContainsAny(a, " \t'\"*$;&|<>") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	s := strings.Join(parts, " ")
	if c.stdin != "" {
		s += " < " + c.stdin
	}
	if c.stdout != "" {
		s += " > " + c.stdout
	}
	return s
}

// runStats is what one run of a case measured.
type runStats struct {
	seconds float64 // wall-clock seconds
	peakRSS int64   // peak resident set size of the tool process, bytes (0: not a process of ours)
	// clientCPU is the tool process's CPU seconds (user plus system, with the children it
	// waited for, from wait4's rusage); 0 when the case is not a process of ours (the limit).
	clientCPU float64
}

// run starts c, waits for it and returns its wall time and peak RSS: the process's VmHWM
// sampled every hwmInterval on Linux (watchPeak), else getrusage's ru_maxrss, which is what
// /usr/bin/time -v reports but includes the bench process's own size before the exec. A
// non-zero exit is an error carrying the tail of stderr.
func (c command) run(ctx context.Context) (runStats, error) {
	cmd := exec.CommandContext(ctx, c.path, c.args...)
	cmd.Env = append(os.Environ(), c.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if c.stdin != "" {
		f, err := os.Open(c.stdin)
		if err != nil {
			return runStats{}, fmt.Errorf("%s: %w", c.path, err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	if c.stdout != "" {
		f, err := os.Create(c.stdout)
		if err != nil {
			return runStats{}, fmt.Errorf("%s: %w", c.path, err)
		}
		defer f.Close()
		cmd.Stdout = f
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return runStats{}, fmt.Errorf("%s: %w", c, err)
	}
	stop := make(chan struct{})
	peak := watchPeak(cmd.Process.Pid, stop)
	err := cmd.Wait()
	st := runStats{seconds: time.Since(start).Seconds()}
	close(stop)
	st.peakRSS = <-peak
	if cmd.ProcessState != nil {
		if st.peakRSS == 0 {
			st.peakRSS = maxRSS(cmd.ProcessState)
		}
		st.clientCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = "..." + msg[len(msg)-2000:]
		}
		return st, fmt.Errorf("%s: %w: %s", c, err, msg)
	}
	return st, nil
}
