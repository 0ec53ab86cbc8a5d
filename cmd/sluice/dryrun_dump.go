package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
)

// dryRunDump prints what `sluice dump` would do with o (dumper.DryRun) on u's stdout: the
// server and lock, the tables largest first with their estimates, chunking key, chunks and
// files, then the problems found. It writes nothing.
func dryRunDump(ctx context.Context, cfg conn.Config, o dumper.Options, u *ui, s *summary) error {
	p, err := dumper.DryRun(ctx, cfg, o)
	if err != nil {
		return err
	}
	w := u.stdout
	_, addr := cfg.Address()
	fmt.Fprintf(w, "dump plan (--dry-run: nothing is locked or written)\n")
	fmt.Fprintf(w, "server     %s %s\n", addr, p.Server)
	fmt.Fprintf(w, "lock       %s: %s\n", p.LockMode, orDash(strings.Join(p.Lock, "; ")))
	fmt.Fprintf(w, "threads    %d\n", p.Threads)
	fmt.Fprintf(w, "databases  %s\n", join(p.Databases))
	fmt.Fprintf(w, "output     %s: about %d files, the metadata file last\n\n", o.OutDir, p.Files)
	t := newTable(w)
	fmt.Fprintf(t, "#\tTABLE\tKIND\tENGINE\tEST ROWS\tEST BYTES\tCHUNK KEY\tCHUNKS\tFILES\n")
	for i, pt := range p.Tables {
		key := "-"
		switch {
		case pt.Kind != "table":
		case pt.Key != "":
			key = fmt.Sprintf("%s (%s)", pt.Key, strings.Join(pt.KeyColumns, ", "))
			if pt.Whole {
				key += ", one scan"
			}
		default:
			key = "none: one scan"
		}
		if pt.Locked {
			key += ", under the lock"
		}
		chunks := "-"
		if pt.Chunks > 0 {
			chunks = fmt.Sprint(pt.Chunks)
		}
		fmt.Fprintf(t, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", i+1, pt.Name, pt.Kind, orDash(pt.Engine), pt.EstRows,
			humanBytes(pt.EstBytes), key, chunks, join(pt.Files))
		s.tables++ // tables, views and sequences, as a dump's summary counts them
		s.rows += pt.EstRows
		s.bytes += pt.EstBytes
	}
	t.Flush()
	var ps []problem
	for _, pr := range p.Problems {
		ps = append(ps, problem{pr.Fatal, pr.Message})
	}
	return printProblems(w, ps, o.Strict, s)
}
