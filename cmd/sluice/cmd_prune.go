package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/catalog"
	"github.com/sluicedb/sluice/internal/dumpdir"
)

func pruneCommand() *command {
	return &command{
		name:     "prune",
		summary:  "remove old dumps under a directory by a retention policy",
		synopsis: "sluice prune PARENT --keep-last N | --keep-daily N | --keep-weekly N | --keep-monthly N [--dry-run]",
		examples: []string{
			"# what a week of dailies, five weeklies and a year of monthlies would remove:\n" +
				"sluice prune /backups --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --dry-run",
			"sluice prune /backups --keep-last 3",
		},
		flags: func(fs *flagSet) options {
			o := &pruneOptions{}
			fs.positional = 1
			fs.group("retention", func(fs *pflag.FlagSet) {
				fs.IntVar(&o.policy.KeepLast, "keep-last", 0, "keep the N newest complete dumps")
				fs.IntVar(&o.policy.KeepDaily, "keep-daily", 0, "keep the newest dump of each of the last N days that have one")
				fs.IntVar(&o.policy.KeepWeekly, "keep-weekly", 0, "keep the newest dump of each of the last N ISO weeks that have one")
				fs.IntVar(&o.policy.KeepMonthly, "keep-monthly", 0, "keep the newest dump of each of the last N months that have one")
				fs.BoolVarP(&o.dryRun, "dry-run", "n", false, "print what would be removed, remove nothing")
				fs.DurationVar(&o.staleAfter, "stale-after", catalog.DefaultStaleAfter, "remove an incomplete dump only once its heartbeat is older than this")
			})
			return o
		},
	}
}

// pruneOptions are the flags of `sluice prune`.
type pruneOptions struct {
	commonOptions
	parent     string
	policy     catalog.Policy
	dryRun     bool
	staleAfter time.Duration
}

func (o *pruneOptions) check(fs *flagSet) error {
	var err error
	if o.parent, err = parentArg(fs); err != nil {
		return err
	}
	if err := o.policy.Check(); err != nil {
		return usageError{err}
	}
	if o.staleAfter < catalog.MinStaleAfter {
		return usageError{fmt.Errorf("--stale-after %v: at least %v, since a running dump refreshes its heartbeat every minute", o.staleAfter, catalog.MinStaleAfter)}
	}
	return nil
}

func (o *pruneOptions) run(ctx context.Context, u *ui) (*summary, error) {
	return &summary{dir: o.parent, dryRun: o.dryRun}, prune(ctx, *o, u.stdout, u.log)
}

// prune applies o's policy under o.parent and prints each dump's fate to w.
func prune(ctx context.Context, o pruneOptions, w io.Writer, log *slog.Logger) error {
	parent, err := dumpdir.OpenDir(ctx, o.parent)
	if err != nil {
		return err
	}
	defer parent.Close()
	plan, err := catalog.Prune(ctx, parent, o.policy, catalog.Options{StaleAfter: o.staleAfter}, o.dryRun)
	if plan == nil && err != nil {
		return err
	}
	removed := 0
	for _, d := range plan {
		verb := "keep  "
		if d.Remove {
			verb = "remove"
			if o.dryRun {
				verb = "would remove"
			}
			removed++
			log.Info(verb+" dump", "dir", d.Dump.Path, "state", d.Dump.State, "reason", d.Reason)
		}
		fmt.Fprintf(w, "%s %s (%s, %s): %s\n", verb, d.Dump.Name, d.Dump.State, humanBytes(d.Dump.Bytes), d.Reason)
	}
	log.Info("prune done", "parent", o.parent, "dumps", len(plan), "removed", removed, "dry_run", o.dryRun)
	return err
}

// pruneAfterDump is `sluice dump --keep-last N`: prune the parent of the new dump.
func pruneAfterDump(ctx context.Context, dir string, keep int, log *slog.Logger) error {
	o := pruneOptions{parent: dumpdir.Parent(dir), policy: catalog.Policy{KeepLast: keep}, staleAfter: catalog.DefaultStaleAfter}
	if err := prune(ctx, o, io.Discard, log); err != nil {
		return fmt.Errorf("the dump is complete, but --keep-last %d: %w", keep, err)
	}
	return nil
}
