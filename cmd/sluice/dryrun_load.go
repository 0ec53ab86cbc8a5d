package main

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/loader"
)

// dryRunLoad prints what `sluice load` would do with o (loader.DryRun) on u's stdout: the
// databases, each table in the order its data loads with its PRIMARY KEY-only CREATE TABLE and
// the deferred index and foreign-key statements, the post-data objects, then the problems
// found. It changes nothing on the target.
func dryRunLoad(ctx context.Context, cfg conn.Config, o loader.Options, u *ui, s *summary) error {
	p, err := loader.DryRun(ctx, cfg, o)
	if err != nil {
		return err
	}
	w := u.stdout
	_, addr := cfg.Address()
	fmt.Fprintf(w, "load plan (--dry-run: nothing is changed)\n")
	fmt.Fprintf(w, "target     %s %s\n", addr, p.Server)
	fmt.Fprintf(w, "dump       %s\n", o.Dir)
	fmt.Fprintf(w, "databases  %s (created first, then every table with its PRIMARY KEY only)\n\n", join(p.Databases))
	t := newTable(w)
	fmt.Fprintf(t, "#\tTABLE\tROWS\tBYTES\tDATA FILES\tINDEXES\tDEFERRED INDEX STATEMENTS\tFOREIGN KEY STATEMENTS\n")
	for i, pt := range p.Tables {
		idx := fmt.Sprint(len(pt.Indexes))
		if pt.Kept != "" {
			idx = "0: kept in the CREATE TABLE (" + pt.Kept + ")"
		}
		strat := pt.Strategy
		if strat == "" {
			strat = "-"
		}
		fmt.Fprintf(t, "%d\t%s\t%d\t%s\t%d\t%s\t%s\t%d\n", i+1, pt.Name, pt.Rows, humanBytes(pt.Bytes), pt.DataFiles, strat, idx, len(pt.ForeignKeys))
		s.tables++
		s.rows += pt.Rows
		s.bytes += pt.Bytes
	}
	t.Flush()
	var paused []string // tables whose statistics are paused while they load
	fmt.Fprintf(w, "\nstatements, in the order of the data (a table's indexes once its data is in, its foreign keys once the tables they reference are indexed):\n")
	for _, pt := range p.Tables {
		fmt.Fprintf(w, "\n-- %s\n", pt.Name)
		if pt.Strategy != "" {
			fmt.Fprintf(w, "-- indexes %s: %s\n", pt.Strategy, pt.StrategyReason)
		}
		fmt.Fprintf(w, "%s;\n", pt.Create)
		if pt.StatsPause != "" {
			fmt.Fprintf(w, "%s; -- statistics recalculation off while it loads\n", pt.StatsPause)
			paused = append(paused, pt.Name)
		}
		for _, q := range pt.Indexes {
			fmt.Fprintf(w, "%s;\n", q)
		}
		for _, q := range pt.ForeignKeys {
			fmt.Fprintf(w, "%s;\n", q)
		}
	}
	if len(paused) > 0 {
		fmt.Fprintf(w, "\nonce every table is in: ALTER TABLE ... STATS_AUTO_RECALC=DEFAULT, ALGORITHM=INSTANT and ANALYZE TABLE on %s\n", join(paused))
	}
	accts := join(p.Accounts)
	if p.AccountsNote != "" {
		accts = "none: " + p.AccountsNote
	}
	fmt.Fprintf(w, "\nafter the data:\n  accounts  %s (before the views; their grants after the routines)\n  views     %s\n  triggers  %s\n  routines and events  %s\n",
		accts, join(p.Views), join(p.Triggers), join(p.PostFiles))
	var ps []problem
	for _, pr := range p.Problems {
		ps = append(ps, problem{pr.Fatal, pr.Message})
	}
	return printProblems(w, ps, o.Strict, s)
}
