package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

func listCommand() *command {
	return &command{
		name:     "list",
		summary:  "list the dumps under a directory, newest first",
		synopsis: "sluice list PARENT [--json] [--decrypt-identity FILE]",
		examples: []string{
			"sluice list /backups",
			"# with the tables, rows and source of encrypted dumps, as JSON for a script:\n" +
				"sluice list /backups --decrypt-identity ~/sluice-backup.key --json",
		},
		flags: func(fs *flagSet) options {
			o := &listOptions{}
			fs.positional = 1
			fs.group("listing", func(fs *pflag.FlagSet) {
				fs.BoolVar(&o.json, "json", false, "print the dumps as a JSON array (for scripts)")
				fs.DurationVar(&o.staleAfter, "stale-after", catalog.DefaultStaleAfter, "an incomplete dump whose heartbeat is older than this is stale (killed)")
				o.identityFlag = addIdentityFlag(fs)
			})
			return o
		},
	}
}

// listOptions are the flags of `sluice list`.
type listOptions struct {
	commonOptions
	parent       string
	json         bool
	identityFlag *string
	identity     string
	staleAfter   time.Duration
}

func (o *listOptions) check(fs *flagSet) error {
	var err error
	o.parent, err = parentArg(fs)
	if o.identityFlag != nil {
		o.identity = *o.identityFlag
	}
	return err
}

func (o *listOptions) run(ctx context.Context, u *ui) (*summary, error) {
	return &summary{dir: o.parent}, listDumps(ctx, *o, u.stdout)
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

// parentArg returns the one PARENT argument of list and prune.
func parentArg(fs *flagSet) (string, error) {
	if fs.NArg() != 1 {
		return "", usageError{errString("give one PARENT: the directory (or s3://BUCKET/PREFIX) holding the dumps")}
	}
	return fs.Arg(0), nil
}
