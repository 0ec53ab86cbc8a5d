package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/loader"
)

// mydumperDumpFlags are mydumper's options that `sluice dump` accepts under mydumper's names
// where sluice means the same (docs/mydumper.md has the whole table).
type mydumperDumpFlags struct {
	lockAllTables, noLocks bool
}

// addMydumperDumpFlags registers mydumper's option names that have no sluice spelling yet:
// --lock-all-tables (--lock-mode lock-tables), -k/--no-locks (--lock-mode none),
// --trx-tables and --trx-consistency-only (release the lock once every snapshot has started,
// before non-transactional tables are read), -s/--statement-size, and -G/--triggers, -E/--events,
// -R/--routines, which sluice dumps unless --no-triggers, --no-events or --no-routines.
func addMydumperDumpFlags(fs *pflag.FlagSet, o *dumper.Options) *mydumperDumpFlags {
	f := &mydumperDumpFlags{}
	fs.BoolVar(&f.lockAllTables, "lock-all-tables", false, "mydumper's: LOCK TABLES ... READ on every dumped table instead of a global lock (--lock-mode lock-tables)")
	fs.BoolVarP(&f.noLocks, "no-locks", "k", false, "mydumper's: take no lock (--lock-mode none): each worker starts its own snapshot (consistent for InnoDB tables with -t 1 only), no binlog position guarantee")
	fs.BoolVar(&o.TrxTables, "trx-tables", false, "mydumper's: release the lock once every worker's snapshot has started, also before non-transactional tables are read (they may then be inconsistent)")
	fs.BoolVar(&o.TrxTables, "trx-consistency-only", false, "mydumper's older name of --trx-tables")
	fs.IntVarP(&o.StatementSize, "statement-size", "s", 1<<20, "bytes: end an INSERT statement once it reaches this size")
	for _, b := range []struct{ name, short, what string }{{"triggers", "G", "triggers"}, {"events", "E", "events"}, {"routines", "R", "stored procedures and functions"}} {
		fs.BoolP(b.name, b.short, true, "mydumper's: accepted; sluice dumps "+b.what+" unless --no-"+b.name)
	}
	return f
}

// apply turns the flags into o's settings and applies the option files' per-table sections:
// `where` becomes a per-table condition (dumper.Options.TableWhere); mydumper's other per-table
// keys (limit, columns_filter, ...) have no sluice equivalent and make the dump fail, naming
// the key, rather than dump more than asked.
func (f *mydumperDumpFlags) apply(fs *pflag.FlagSet, o *dumper.Options, compress *string, tables []tableSection, log *slog.Logger) error {
	switch {
	case f.lockAllTables && f.noLocks:
		return fmt.Errorf("--lock-all-tables and --no-locks: pick one")
	case f.lockAllTables:
		o.LockMode = dumper.LockTables
	case f.noLocks:
		o.LockMode = dumper.LockNone
	}
	if fs.Changed("lock-mode") && (f.lockAllTables || f.noLocks) {
		return fmt.Errorf("--lock-mode and --lock-all-tables or --no-locks: pick one")
	}
	*compress = strings.ToLower(*compress) // mydumper 1.0: -c ZSTD, -c GZIP
	for _, ts := range tables {
		for k, v := range ts.keys {
			switch k {
			case "where":
				if o.TableWhere == nil {
					o.TableWhere = map[string]string{}
				}
				o.TableWhere[ts.db+"."+ts.table] = v
				log.Info("option file: per-table condition", "table", ts.db+"."+ts.table, "where", v)
			default:
				return fmt.Errorf("option file section [`%s`.`%s`]: %s: sluice has no per-table %s; remove it (docs/mydumper.md lists what sluice reads)", ts.db, ts.table, k, k)
			}
		}
	}
	return nil
}

// mydumperFormat maps mydumper's --format names to sluice's: INSERT is sql, LOAD_DATA is tsv
// (rows as LOAD DATA text, though in sluice's own file layout). CSV has no equivalent.
func mydumperFormat(s string) (string, error) {
	switch strings.ToUpper(s) {
	case "INSERT":
		return dumper.FormatSQL, nil
	case "LOAD_DATA":
		return dumper.FormatTSV, nil
	case "CSV":
		return "", fmt.Errorf("--format CSV: sluice writes no CSV; use --format tsv (LOAD DATA text) or sql")
	}
	return s, nil
}

// addMyloaderFlags registers myloader's options that `sluice load` accepts under myloader's
// names: --no-schemas, --no-data, --skip-triggers, --skip-post, and -s/--source-db and
// -q/--queries-per-transaction's short names are the ones myloader uses.
func addMyloaderFlags(fs *pflag.FlagSet, o *loader.Options) {
	fs.BoolVar(&o.NoSchemas, "no-schemas", false, "load the data into tables that already exist: create no database, table, view, trigger, routine or event (myloader's)")
	fs.BoolVar(&o.NoData, "no-data", false, "create the schemas and objects only, load no rows (myloader's)")
	fs.BoolVar(&o.SkipTriggers, "skip-triggers", false, "do not create triggers (myloader's)")
	fs.BoolVar(&o.SkipPost, "skip-post", false, "do not create routines and events (myloader's)")
}
