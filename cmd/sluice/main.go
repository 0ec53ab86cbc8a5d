// Command sluice dumps and restores MySQL and MariaDB databases in parallel. The subcommands
// live one per file (cmd_dump.go, cmd_load.go, ...), each with an options struct its flags
// fill and a run function that takes it, as restic's cmd_*.go. This file dispatches them and
// maps their errors to the exit codes of exitcode.go, in one place.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"sync/atomic"
	"syscall"
	"time"
)

// command is one subcommand.
type command struct {
	name, summary string
	synopsis      string   // the usage line
	examples      []string // two, shown in its help
	// flags registers the command's flags on fs and returns the options they fill.
	flags func(fs *flagSet) options
}

// options are a command's parsed flags. check validates them and fills what they imply (its
// errors are usageErrors naming the flag); run does the command and returns its summary, which
// may be nil or partial after an error.
type options interface {
	check(fs *flagSet) error
	run(ctx context.Context, u *ui) (*summary, error)
	common() *commonOptions
}

func commands() []*command {
	return []*command{dumpCommand(), loadCommand(), verifyCommand(), copyCommand(), listCommand(), pruneCommand(), replicationSQLCommand(), binlogArchiveCommand()}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "sluice: parallel logical backup and restore for MySQL and MariaDB\n\nusage: sluice COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-16s %s\n  %-16s %s\n", "help COMMAND", "show a command's flags and examples", "version", "print the version (also --version)")
	fmt.Fprintf(w, "\nRun 'sluice help COMMAND' (or 'sluice COMMAND --help') for a command's flags.\n\n%s", exitCodesHelp)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if path := os.Getenv("SLUICE_CPUPROFILE"); path != "" {
		// A CPU profile of the whole command, for `go tool pprof` (see bench/README.md).
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	if path := os.Getenv("SLUICE_TRACE"); path != "" {
		// An execution trace of the whole command, for `go tool trace` (see bench/README.md):
		// where the workers wait (socket, disk, fsync, uploads) as well as where they compute.
		if f, err := os.Create(path); err == nil {
			if trace.Start(f) == nil {
				defer trace.Stop()
			}
		}
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "--help", "-help", "help":
		if len(args) > 1 && args[0] == "help" {
			c := findCommand(args[1])
			if c == nil {
				fmt.Fprintf(stderr, "sluice help: unknown command %q\n", args[1])
				return exitUsage
			}
			writeHelp(stdout, c, flagsOf(c))
			return exitOK
		}
		usage(stdout)
		return exitOK
	case "--version", "-V", "version":
		fmt.Fprintln(stdout, versionString())
		return exitOK
	}
	c := findCommand(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "sluice: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	o, err := parseArgs(c, args[1:])
	if errors.Is(err, errHelp) {
		writeHelp(stdout, c, flagsOf(c))
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice %s: %v\nRun 'sluice help %s' for its flags.\n", c.name, err, c.name)
		return exitUsage
	}
	ctx, sig, stop := signalContext()
	defer stop()
	return execute(ctx, c, o, newUI(o.common(), stdout, stderr), sig)
}

// flagsOf returns c's flag set, for its help.
func flagsOf(c *command) *flagSet {
	fs := newFlagSet(c.name)
	c.flags(fs).common().addFlags(fs)
	return fs
}

// parseArgs is the flags-to-options mapping: it parses args into c's options and checks them.
func parseArgs(c *command, args []string) (options, error) {
	fs := newFlagSet(c.name)
	o := c.flags(fs)
	o.common().addFlags(fs)
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := o.common().check(); err != nil {
		return nil, err
	}
	if err := o.check(fs); err != nil {
		return nil, err
	}
	return o, nil
}

// execute runs o and ends with the summary record, the metrics file and the exit code. sig
// returns the signal that cancelled ctx, if any.
func execute(ctx context.Context, c *command, o options, u *ui, sig func() os.Signal) int {
	start := time.Now()
	s, err := o.run(ctx, u)
	if s == nil {
		s = &summary{}
	}
	s.command = c.name
	if s.elapsed == 0 {
		s.elapsed = time.Since(start)
	}
	if err == nil {
		err = warned(s.warnings)
	}
	code := exitCode(err, sig())
	if code == exitSIGINT || code == exitSIGTERM {
		u.log.Warn("interrupted", "signal", sig().String())
	}
	s.log(u.log, code, err)
	if path := o.common().metricsFile; path != "" {
		if merr := writeMetrics(path, s, code, time.Now()); merr != nil {
			u.log.Error("cannot write the metrics file", "file", path, "err", merr)
			if code == exitOK {
				code = exitFailure
			}
		}
	}
	if err != nil && !u.json {
		// The summary holds the error too; printed plain, its advice reads as written.
		fmt.Fprintf(u.stderr, "sluice %s: %v\n", c.name, err)
	}
	return code
}

// signalContext returns a context cancelled by the first SIGINT or SIGTERM, and a function
// returning that signal (nil before). After the first signal the default action is restored,
// so a second one kills the process at once.
func signalContext() (context.Context, func() os.Signal, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	go func() {
		select {
		case s := <-ch:
			got.Store(s)
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() os.Signal {
			s, _ := got.Load().(os.Signal)
			return s
		}, func() {
			signal.Stop(ch)
			cancel()
		}
}
