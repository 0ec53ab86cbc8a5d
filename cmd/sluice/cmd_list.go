package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

// listOptions are the flags of `sluice list`.
type listOptions struct {
	parent     string
	json       bool
	identity   string
	staleAfter time.Duration
}

func runList(ctx context.Context, args []string, log *slog.Logger) error {
	var o listOptions
	fs := newFlags("list PARENT") // a directory or s3://BUCKET/PREFIX
	fs.BoolVar(&o.json, "json", false, "print the dumps as a JSON array (for scripts)")
	fs.DurationVar(&o.staleAfter, "stale-after", catalog.DefaultStaleAfter, "an incomplete dump whose heartbeat is older than this is stale (killed)")
	identity := addIdentityFlag(fs)
	var err error
	if o.parent, err = parseParent(fs, args); err != nil {
		return err
	}
	o.identity = *identity
	return listDumps(ctx, o, os.Stdout)
}

// listDumps prints the dumps under o.parent to w, newest first.
func listDumps(ctx context.Context, o listOptions, w io.Writer) error {
	ids, err := identities(o.identity)
	if err != nil {
		return err
	}
	parent, err := dumpdir.OpenDir(ctx, o.parent)
	if err != nil {
		return err
	}
	defer parent.Close()
	dumps, err := catalog.List(ctx, parent, catalog.Options{Identities: ids, StaleAfter: o.staleAfter})
	if err != nil {
		return err
	}
	if o.json {
		if dumps == nil {
			dumps = []catalog.Dump{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(dumps)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tDURATION\tSTATE\tSIZE\tTABLES\tROWS\tENCRYPTED\tSOURCE\tGTID SET\tNAME")
	for _, d := range dumps {
		started, dur := "-", "-"
		if !d.Started.IsZero() {
			started = d.Started.Local().Format("2006-01-02 15:04:05")
		}
		if d.Duration > 0 {
			dur = d.Duration.Round(time.Second).String()
		}
		tables, rows, source, gtid := "?", "?", "?", "?"
		if d.Details {
			tables, rows = strconv.Itoa(d.Tables), strconv.FormatInt(d.Rows, 10)
			source = fmt.Sprintf("%s %s id %d", d.Flavor, d.Version, d.ServerID)
			gtid = d.GTIDSet
			if gtid == "" {
				gtid = "-"
			}
		}
		enc := "no"
		if d.Encrypted {
			enc = "age"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", started, dur, d.State, humanBytes(d.Bytes), tables, rows, enc, source, gtid, d.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range dumps {
		if d.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", d.Name, d.Note)
		}
	}
	return nil
}

// humanBytes is n in binary units (KiB, MiB, ...) with one decimal.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// parseParent parses args for a command that takes one PARENT directory.
func parseParent(fs *pflag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", usageError{err}
	}
	if h, _ := fs.GetBool("help"); h {
		fmt.Fprintf(os.Stderr, "usage of %s:\n%s", fs.Name(), fs.FlagUsages())
		return "", pflag.ErrHelp
	}
	if fs.NArg() != 1 {
		return "", usageError{errString("give one PARENT: the directory (or s3://BUCKET/PREFIX) holding the dumps")}
	}
	return fs.Arg(0), nil
}
