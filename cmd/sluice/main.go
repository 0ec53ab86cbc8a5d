// Command sluice dumps and restores MySQL and MariaDB databases in parallel. The subcommands
// live one per file (cmd_dump.go, cmd_load.go); this file maps errors to exit codes:
// 0 success, 1 failure, 2 bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/pflag"
)

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ error }

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, log *slog.Logger) error
}

func commands() []command {
	return []command{
		{"dump", "take a consistent dump of a server into a directory", runDump},
		{"load", "restore a dump directory into a server", runLoad},
		{"list", "list the dumps under a directory, newest first", runList},
		{"prune", "remove old dumps under a directory by a retention policy", runPrune},
		{"replication-sql", "print the statements that attach a restored server to its source", runReplicationSQL},
	}
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage: sluice COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(os.Stderr, "\nRun 'sluice COMMAND --help' for a command's flags.\n")
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if path := os.Getenv("SLUICE_CPUPROFILE"); path != "" {
		// A CPU profile of the whole command, for `go tool pprof` (see bench/README.md).
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" {
		usage()
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], log)
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, pflag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(os.Stderr, "sluice %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(os.Stderr, "sluice %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(os.Stderr, "sluice: unknown command %q\n", args[0])
	usage()
	return 2
}

// newFlags returns a flag set whose help flag is --help only: -h is --host, as in mydumper.
func newFlags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("sluice "+name, pflag.ContinueOnError)
	fs.Bool("help", false, "show this help")
	fs.SortFlags = false
	return fs
}

// parse parses args and turns parse errors into usage errors.
func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if h, _ := fs.GetBool("help"); h {
		fmt.Fprintf(os.Stderr, "usage of %s:\n%s", fs.Name(), fs.FlagUsages())
		return pflag.ErrHelp
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
