package dumper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/privs"
	"github.com/sluicedb/sluice/replication"
)

// Plan is what Run would do with the same options (--dry-run), read from the catalog without
// taking a lock, stopping a replica or writing a file.
type Plan struct {
	Server    string   // @@version of the server
	LockMode  string   // the lock mode auto resolves to, e.g. "backup-stage"
	Lock      []string // the statements that take the lock ("" for none)
	Threads   int
	Databases []string
	Tables    []PlannedTable // tables, views and sequences, in the order Run dumps them (largest first)
	Files     int            // files Run would write, metadata included (data files estimated)
	// Problems are what would make Run fail (Fatal) or finish with warnings, each naming the
	// fix. Empty when the dry run found nothing.
	Problems []Problem
}

// PlannedTable is one table, view or sequence of a Plan.
type PlannedTable struct {
	Name       string // db.table
	Kind       string // dumpdir.KindTable, KindView, KindSequence
	Engine     string
	EstRows    int64    // information_schema TABLE_ROWS (an estimate for InnoDB)
	EstBytes   int64    // DATA_LENGTH
	Key        string   // index chunks are cut on; "" when none is usable (one scan)
	KeyColumns []string // its columns
	Chunks     int64    // estimated chunks: 1 for a table read in one scan
	Whole      bool     // read in one scan, its files ending every RowsPerChunk rows
	Locked     bool     // non-transactional: read while the lock is held
	Files      []string // schema file, then data files (estimated from DataLength and --chunk-filesize)
}

// Problem is something a dry run found that Run would fail on (Fatal) or warn about.
type Problem struct {
	Fatal   bool
	Message string
}

// DryRun connects to the server cfg reaches and returns the Plan of a dump with o. It changes
// nothing and writes nothing (but a probe object it removes, for an object-store -o): the catalog, the coordinates (SHOW MASTER STATUS), the replica
// status and the user's privileges are read. It fails only when it cannot read the catalog;
// everything else it finds is a Problem.
func DryRun(ctx context.Context, cfg conn.Config, o Options) (*Plan, error) {
	o.setDefaults()
	p := &Plan{Threads: o.Threads}
	fail := func(format string, args ...any) {
		p.Problems = append(p.Problems, Problem{Fatal: true, Message: fmt.Sprintf(format, args...)})
	}
	warn := func(format string, args ...any) {
		p.Problems = append(p.Problems, Problem{Message: fmt.Sprintf(format, args...)})
	}
	if err := checkOutDir(ctx, o.OutDir); err != nil {
		fail("%v", err)
	}
	db, err := cfg.Open(ctx, "", 2)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	dbs, tables, err := readCatalog(ctx, db, &o, !o.NoData)
	if err != nil {
		return nil, err
	}
	p.Databases = dbs
	v, err := readServerInfo(ctx, c)
	if err != nil {
		return nil, err
	}
	c.QueryRowContext(ctx, "SELECT @@version").Scan(&p.Server)
	p.LockMode = o.LockMode
	if o.LockMode == LockAuto {
		p.LockMode = LockFTWRL
		switch {
		case v.mariadb() && v.version.AtLeast(10, 4, 1):
			p.LockMode = LockBackupStage
		case !v.mariadb() && v.version.AtLeast(8, 0, 0):
			p.LockMode = "lock-instance+ftwrl"
		}
	}
	if p.Lock, _, err = lockStatements(o.LockMode, v, tables); err != nil {
		fail("%v", err)
	}
	grants, err := privs.Read(ctx, c)
	if err != nil {
		warn("cannot read the user's privileges (%v): they are not checked", err)
	}
	need := func(priv, why string) {
		if !privs.Has(grants, priv, "") {
			fail("the dump user lacks the %s privilege, which %s: GRANT %s ON *.* TO the user, or see --lock-mode", priv, why, priv)
		}
	}
	switch p.LockMode {
	case LockFTWRL, LockBackupStage, "lock-instance+ftwrl":
		need("RELOAD", "--lock-mode "+p.LockMode+" needs")
	case LockTables:
		need("LOCK TABLES", "--lock-mode lock-tables needs")
	case LockNone:
		warn("no lock will be taken (--lock-mode none): each worker starts its own snapshot, so even transactional tables are consistent only with -t 1, and the binlog position may not match the data (exit 4; --strict fails)")
	}
	if _, err := replication.ReadCoordinates(ctx, c); err != nil {
		fail("binlog coordinates: %v", err)
	}
	if o.ReplicaData {
		r, err := replication.ReadReplicaSource(ctx, c, v.flavor)
		switch {
		case err != nil:
			fail("--replica-data: %v", err)
		case r == nil:
			warn("--replica-data: the server is not a replica; no replica source would be recorded (exit 4; --strict fails)")
		}
	}
	whole := wholeTables(tables, o.Threads)
	var missingSelect, missingView []string
	for i, t := range tables {
		pt := PlannedTable{Name: t.String(), Kind: t.Kind, Engine: t.Engine, EstRows: t.EstRows, EstBytes: t.DataLength}
		if !o.NoSchemas {
			switch t.Kind {
			case dumpdir.KindView:
				if !o.NoViews {
					pt.Files = append(pt.Files, dumpdir.ViewSchemaFile(t.DB, t.Name))
				}
			case dumpdir.KindSequence:
				pt.Files = append(pt.Files, dumpdir.SequenceSchemaFile(t.DB, t.Name))
			default:
				pt.Files = append(pt.Files, dumpdir.TableSchemaFile(t.DB, t.Name))
			}
		}
		if t.Kind == dumpdir.KindView && !privs.Has(grants, "SHOW VIEW", t.DB) {
			missingView = append(missingView, t.String())
		}
		if !privs.Has(grants, "SELECT", t.DB) {
			missingSelect = append(missingSelect, t.String())
		}
		if t.Kind == dumpdir.KindTable && !o.NoData {
			n := rowsPerChunk(t, &o)
			pt.Whole = t.Key == nil || (o.Rows == 0 && whole[i])
			pt.Chunks = 1
			if t.Key != nil {
				pt.Key = t.Key.Index
				for _, kc := range t.Key.Cols {
					pt.KeyColumns = append(pt.KeyColumns, kc.Name)
				}
				if !pt.Whole {
					pt.Chunks = max(1, (t.EstRows+n-1)/n)
				}
			}
			pt.Locked = !transactional(t.Engine)
			ext := "sql"
			if o.Format == FormatTSV {
				ext = "tsv"
			}
			ext += dumpdir.Suffix(o.Compression)
			files := max(pt.Chunks, (t.DataLength+o.FileSize-1)/o.FileSize, 1)
			for f := range min(files, 3) {
				pt.Files = append(pt.Files, dumpdir.DataFile(t.DB, t.Name, int(f), ext))
			}
			if files > 3 {
				pt.Files = append(pt.Files, fmt.Sprintf("... %d data files", files))
			}
			p.Files += int(files)
		}
		p.Files += min(len(pt.Files), 1)
		p.Tables = append(p.Tables, pt)
	}
	if len(missingSelect) > 0 {
		fail("the dump user lacks SELECT on %s: GRANT SELECT ON each database TO the user", strings.Join(short(missingSelect), ", "))
	}
	if len(missingView) > 0 && !o.NoViews && !o.NoSchemas {
		fail("the dump user lacks SHOW VIEW for %s: GRANT SHOW VIEW, or --no-views", strings.Join(short(missingView), ", "))
	}
	if len(tables) == 0 {
		fail("nothing to dump: the filters (-B, -T, --regex, --ignore-engines) match no table")
	}
	p.Files += len(dbs) + 1 // each database's CREATE DATABASE, and the metadata
	return p, nil
}

// checkOutDir reports what prepareDir would refuse, without creating anything; an
// object-store prefix is listed, and written to with a probe object that is removed
// (dumpdir.Dir.CheckNew).
func checkOutDir(ctx context.Context, dir string) error {
	if dumpdir.IsURL(dir) {
		d, err := dumpdir.OpenDir(ctx, dir)
		if err != nil {
			return fmt.Errorf("-o %s: %w", dir, err)
		}
		defer d.Close()
		return d.CheckNew(ctx)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		parent := filepath.Dir(dir)
		for {
			st, err := os.Stat(parent)
			if err == nil {
				if !st.IsDir() {
					return fmt.Errorf("-o %s: %s is not a directory", dir, parent)
				}
				return nil
			}
			if !errors.Is(err, os.ErrNotExist) || parent == filepath.Dir(parent) {
				return fmt.Errorf("-o %s: %w", dir, err)
			}
			parent = filepath.Dir(parent)
		}
	case err != nil:
		return fmt.Errorf("-o %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("-o %s: the directory is not empty: give a new or empty one", dir)
	}
	return nil
}

func short(names []string) []string {
	if len(names) > 5 {
		return append(names[:5:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return names
}
