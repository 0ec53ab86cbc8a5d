package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ error }

func (usageError) ExitCode() int { return exitUsage }

func (e usageError) Unwrap() error { return e.error }

type errString string

func (e errString) Error() string { return string(e) }

// flagSet is a command's flags, registered in named groups so that its help lists them by
// purpose (connection, consistency, chunking, output, filters, loading, replication, logging).
// Flags added straight to the embedded FlagSet are listed under "other".
type flagSet struct {
	*pflag.FlagSet
	groups     []flagGroup
	positional int // arguments that are not flags the command takes (list and prune: PARENT)
}

type flagGroup struct {
	name string
	fs   *pflag.FlagSet
}

// newFlagSet returns a flag set whose help flag is --help only: -h is --host, as in mydumper.
func newFlagSet(name string) *flagSet {
	fs := pflag.NewFlagSet("sluice "+name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard) // parse errors are returned and printed once, by main
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs}
}

// group registers the flags add adds under the heading name. Calling it again with the same
// name adds to that group.
func (f *flagSet) group(name string, add func(fs *pflag.FlagSet)) {
	g := pflag.NewFlagSet(name, pflag.ContinueOnError)
	g.SortFlags = false
	add(g)
	f.FlagSet.AddFlagSet(g)
	for i := range f.groups {
		if f.groups[i].name == name {
			f.groups[i].fs.AddFlagSet(g)
			return
		}
	}
	f.groups = append(f.groups, flagGroup{name, g})
}

// parse parses args: errors are usage errors naming the flag, --help returns errHelp, and
// arguments that are not flags are refused.
func (f *flagSet) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return errHelp
		}
		return usageError{err}
	}
	if h, _ := f.GetBool("help"); h {
		return errHelp
	}
	if f.NArg() > f.positional {
		return usageError{fmt.Errorf("unexpected argument %q", f.Arg(f.positional))}
	}
	return nil
}

// errHelp is returned by parse for --help: the help is printed and the exit code is 0.
var errHelp = errors.New("help requested")

// writeHelp prints c's help: what it does, its synopsis, its flags by group with their
// defaults, two examples and the exit codes.
func writeHelp(w io.Writer, c *command, f *flagSet) {
	fmt.Fprintf(w, "sluice %s: %s\n\nusage: %s\n", c.name, c.summary, c.synopsis)
	seen := map[string]bool{}
	for _, g := range f.groups {
		fmt.Fprintf(w, "\n%s:\n%s", g.name, g.fs.FlagUsagesWrapped(100))
		g.fs.VisitAll(func(fl *pflag.Flag) { seen[fl.Name] = true })
	}
	other := pflag.NewFlagSet("other", pflag.ContinueOnError)
	other.SortFlags = false
	f.VisitAll(func(fl *pflag.Flag) {
		if !seen[fl.Name] {
			other.AddFlag(fl)
		}
	})
	if other.HasFlags() {
		fmt.Fprintf(w, "\nother:\n%s", other.FlagUsagesWrapped(100))
	}
	if len(c.examples) > 0 {
		fmt.Fprintf(w, "\nexamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(e, "\n", "\n  "))
		}
	}
	fmt.Fprintf(w, "\n%s", exitCodesHelp)
}
