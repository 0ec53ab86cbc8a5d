package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// problem is something a dry run found: a run would fail on it (fatal) or warn about it.
type problem struct {
	fatal   bool
	message string
}

// dryRunError is a dry run that found problems: exit 1 when a run would fail (or, with
// --strict, warn), else 4 as the run's warnings would give.
type dryRunError struct {
	fatal, warnings int
	strict          bool
}

func (e dryRunError) Error() string {
	if e.fatal > 0 {
		return fmt.Sprintf("--dry-run: the run would fail (problems marked FAIL: %d): fix them first", e.fatal)
	}
	return fmt.Sprintf("--dry-run: the run would finish with warnings (problems marked WARN: %d)", e.warnings)
}

func (e dryRunError) ExitCode() int {
	if e.fatal > 0 || e.strict {
		return exitFailure
	}
	return exitWarnings
}

// printProblems lists the problems under "problems:", fatal ones first, counts the warnings in
// s, and returns the error the dry run ends with (nil when there are none).
func printProblems(w io.Writer, ps []problem, strict bool, s *summary) error {
	if len(ps) == 0 {
		fmt.Fprintf(w, "\nproblems: none found\n")
		return nil
	}
	e := dryRunError{strict: strict}
	fmt.Fprintf(w, "\nproblems:\n")
	for _, fatal := range []bool{true, false} {
		for _, p := range ps {
			if p.fatal != fatal {
				continue
			}
			tag := "WARN"
			if fatal {
				tag = "FAIL"
				e.fatal++
			} else {
				e.warnings++
			}
			fmt.Fprintf(w, "  %s  %s\n", tag, p.message)
		}
	}
	s.warnings = e.warnings
	return e
}

// newTable returns a tabwriter for the plans' tables.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// humanBytes is n in B, KiB, MiB, GiB or TiB with one decimal.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, [...]string{"B", "KiB", "MiB", "GiB", "TiB"}[i])
}

// orDash is s, or "-" when empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// join joins with ", ", or "-" for none.
func join(s []string) string { return orDash(strings.Join(s, ", ")) }
