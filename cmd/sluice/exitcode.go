package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// The exit codes of every command, documented in `sluice --help` and the README. An error that
// must give a code other than 1 implements ExitCode() int (conventions: loader.DifferencesError
// gives 3, warningsError 4, usageError 2).
const (
	exitOK          = 0   // success
	exitFailure     = 1   // failure
	exitUsage       = 2   // bad command line
	exitDifferences = 3   // verification found differences (load --checksum, verify)
	exitWarnings    = 4   // finished with warnings that --strict would have made failures
	exitSIGINT      = 130 // interrupted by SIGINT (Ctrl-C), after saying how to resume: 128 + 2
	exitSIGTERM     = 143 // interrupted by SIGTERM, after saying how to resume: 128 + 15
)

const exitCodesHelp = `exit codes:
  0    success
  1    failure
  2    bad usage
  3    verification found differences (load --checksum)
  4    finished with warnings that --strict would make failures (see the log's warning= lines)
  130  interrupted by SIGINT, 143 by SIGTERM (the log says how to resume)
`

// exitCode maps a command's error to its exit code. sig is the signal that cancelled the run,
// nil if none: a run it interrupted exits 130 or 143 whatever its error says.
func exitCode(err error, sig os.Signal) int {
	if err == nil {
		return exitOK
	}
	switch sig {
	case syscall.SIGINT:
		return exitSIGINT
	case syscall.SIGTERM:
		return exitSIGTERM
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return exitFailure
}

// outcome names an exit code in the summary record and the metrics.
func outcome(code int) string {
	switch code {
	case exitOK:
		return "success"
	case exitDifferences:
		return "differences"
	case exitWarnings:
		return "warnings"
	case exitSIGINT, exitSIGTERM:
		return "interrupted"
	default:
		return "failure"
	}
}

// warningsError is a run that finished with warnings: exit code 4.
type warningsError struct{ n int }

func (e warningsError) Error() string {
	return fmt.Sprintf("finished with %d warnings (the log lines with warning=): --strict makes them failures", e.n)
}

func (warningsError) ExitCode() int { return exitWarnings }

// warned returns warningsError when n > 0, else nil.
func warned(n int) error {
	if n > 0 {
		return warningsError{n}
	}
	return nil
}
