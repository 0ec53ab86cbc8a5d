package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"
)

// commonOptions are the flags of every command: logging and the metrics file.
type commonOptions struct {
	logFormat   string // --log-format: text or json
	logLevel    string // --log-level: debug, info, warn or error
	quiet       bool   // -q/--quiet: warnings and errors only, no progress
	metricsFile string // --metrics-file: Prometheus textfile written at the end; "" for none

	level slog.Level // logLevel parsed (warn with quiet)
}

// addFlags registers the common flags, last in fs so that a command's own -q (myloader's
// --queries-per-transaction) keeps its letter.
func (c *commonOptions) addFlags(fs *flagSet) {
	fs.group("logging and monitoring", func(g *pflag.FlagSet) {
		g.StringVar(&c.logFormat, "log-format", "text", "log lines as text (key=value) or json (one object a line, the summary last)")
		g.StringVar(&c.logLevel, "log-level", "info", "least severe log lines shown: debug, info, warn or error")
		if fs.ShorthandLookup("q") == nil {
			g.BoolVarP(&c.quiet, "quiet", "q", false, "log warnings and errors only, and no progress")
		} else {
			g.BoolVar(&c.quiet, "quiet", false, "log warnings and errors only, and no progress")
		}
		g.StringVar(&c.metricsFile, "metrics-file", "", "at the end, write the run's metrics here in the Prometheus text format (node_exporter's textfile collector)")
		g.Bool("help", false, "show this help")
	})
}

// check validates the common flags.
func (c *commonOptions) check() error {
	if c.logFormat != "text" && c.logFormat != "json" {
		return usageError{fmt.Errorf("--log-format %q: want text or json", c.logFormat)}
	}
	if err := c.level.UnmarshalText([]byte(c.logLevel)); err != nil || strings.ContainsAny(c.logLevel, "+-") {
		return usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", c.logLevel)}
	}
	if c.quiet {
		c.level = max(c.level, slog.LevelWarn)
	}
	return nil
}

func (c *commonOptions) common() *commonOptions { return c }
