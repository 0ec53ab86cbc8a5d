package loader

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/wire"
	"github.com/sluicedb/sluice/schema"
)

// Result summarises a finished restore.
type Result struct {
	Tables  int   // tables, views and sequences created
	Files   int   // data files loaded
	Rows    int64 // rows, as the metadata counted them
	Bytes   int64 // bytes of data files read
	Elapsed time.Duration

	Accounts accounts.Summary // accounts created, skipped and failed
	// Warnings counts the warnings logged (accounts, definers, local_infile OFF: see package
	// warning; with --checksum warn the chunks that differ) that Options.Strict would have made failures.
	Warnings int
}

// Run restores the dump in o.Dir into the server cfg reaches:
//
//  1. databases, then tables (with their PRIMARY KEY only, see schema.SplitCreateTable) and
//     sequences, o.Threads at a time;
//  2. data files, largest table first, each in transactions of o.QueriesPerTx statements or
//     o.MaxTxBytes bytes (tsv files: one LOAD DATA LOCAL each); a table's deferred indexes are
//     built as soon as its data is in, on connections of their own while other tables load (at
//     most o.IndexThreads at once beside the o.Threads data connections),
//     and its foreign keys once the tables they reference are indexed (package scheduler);
//     InnoDB's automatic statistics recalculation is paused on each created table meanwhile
//     and given back, with one ANALYZE TABLE, once every table is in (stats.go);
//  3. views, triggers, routines and events; then, unless o.Checksum is ChecksumSkip, every
//     chunk's checksum is recomputed on the target and compared with the dump's (a difference
//     is a *ChecksumError, exit code 3, or with ChecksumWarn a warning), and with o.Replicate
//     the target is attached to the source.
//
// It refuses an incomplete dump and, without o.OverwriteTables or o.Resume, tables that already
// exist, before changing anything. Every file is checked against its recorded checksum before
// use. Finished jobs are recorded in the journal (o.Journal) and data progress in a table on the
// target (see progress_table.go; not with o.Pipe, whose dump is gone with its process), so after an error, a kill or Ctrl-C (ctx cancelled) the same
// command with o.Resume finishes the restore with no row loaded twice or missed. Both are removed
// when the restore succeeds.
func Run(ctx context.Context, cfg conn.Config, o Options) (*Result, error) {
	o.setDefaults()
	start := time.Now()
	dir, meta, err := openDump(ctx, &o)
	if err != nil {
		return nil, err
	}
	if o.Pipe == nil {
		defer dir.Close()
	}
	if !meta.Checksums && o.Pipe == nil {
		o.Log.Warn("the dump records no file checksums (a mydumper dump): its files are loaded without verification", "dir", o.Dir)
	}
	if o.NoSchemas && o.NoData {
		return nil, fmt.Errorf("--no-schemas and --no-data together leave nothing to load: drop one")
	}
	var journalKey []byte
	if !meta.Encrypted {
		dir.Decrypt(nil) // a clear-text dump: its files are read as they are
	} else if journalKey, err = dir.SecretKey(ctx, "load journal"); err != nil {
		return nil, err
	}
	dbs, tables, err := selectTables(meta, &o)
	if err != nil {
		return nil, err
	}
	tables = withoutParts(tables, &o)
	db, socks, err := wire.Open(ctx, cfg, o.connections()+3) // workers, the main connection, killQueries, the early checksums
	if err != nil {
		return nil, err
	}
	defer db.Close()
	o.pool = bufferPool(ctx, db)
	plans, err := planTables(ctx, dir, tables, meta, &o)
	if err != nil {
		return nil, err
	}
	id, err := restoreID(ctx, dir, meta, &o, plans)
	if err != nil {
		return nil, err
	}
	if o.Resume && o.stream == nil {
		if plans, id, err = resumePlans(ctx, dir, tables, meta, &o, plans, id); err != nil {
			return nil, err
		}
	}
	if o.NoSchemas {
		if err := checkPresent(ctx, db, plans); err != nil {
			return nil, err
		}
	} else if !o.Resume {
		if err := checkExisting(ctx, db, plans, &o); err != nil {
			return nil, err
		}
	}
	if err := checkReplicaTarget(ctx, db, meta, &o); err != nil {
		return nil, err
	}
	j, err := openJournal(o.Journal, id, o.Resume)
	if err != nil {
		return nil, err
	}
	j.keyed(journalKey)
	defer j.close()
	if o.Resume {
		if err := markPartialReloads(ctx, db, plans, j, &o); err != nil {
			return nil, err
		}
	}
	if o.Pipe == nil { // a pipe's files are in memory, just written
		if err := verifyFiles(ctx, dir, &o, meta, dbs, plans, j); err != nil {
			if !o.Resume {
				j.remove() // nothing was changed: the same command runs afresh once the file is fixed
			}
			return nil, err
		}
	}
	users, warnings, err := prepareUsers(ctx, db, dir, meta, dbs, plans, &o, j)
	if err != nil {
		if !o.Resume {
			j.remove()
		}
		return nil, err
	}
	// From here on the journal exists: every failure says how to finish the restore.
	resumable := func(err error) error {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: restore interrupted", ctx.Err())
		}
		if o.Pipe != nil {
			return err // the pipe's dump is gone with its process: no --resume
		}
		return fmt.Errorf("%w\nthe restore is recorded in %s: run the same command with --resume to finish it", err, o.Journal)
	}
	r, err := newRestore(ctx, db, dir, meta, &o, id, j, plans)
	if err != nil {
		return nil, resumable(err)
	}
	defer r.close()
	r.socks = socks
	r.users = users
	res, err := r.run(ctx, dbs)
	if err != nil {
		r.killQueries()
		return nil, resumable(err)
	}
	meta = r.meta // with a pipe, the dump's final metadata
	// The load is complete: what the checksums find is reported, and a new load starts afresh.
	var verr error
	if o.Checksum != ChecksumSkip {
		verr = r.verifyChecksums(ctx, r.plans, res, r.early)
	}
	if r.keepsProgress() {
		if err := dropProgress(ctx, r.main, id); err != nil {
			o.Log.Warn("cannot drop the resume progress table", "table", progressTable, "err", err)
		}
	}
	if err := j.remove(); err != nil {
		o.Log.Warn("cannot remove the journal", "file", o.Journal, "err", err)
	}
	r.close() // the replica setup below needs two connections of the pool
	if verr != nil {
		if _, ok := verr.(*ChecksumError); ok {
			return nil, verr
		}
		return nil, fmt.Errorf("the data is restored, but %w", verr)
	}
	if o.Replicate != nil {
		if err := setupReplica(ctx, db, meta, &o); err != nil {
			return nil, fmt.Errorf("the data is restored, but %w: fix that and attach the replica by hand with the statements `sluice replication-sql -d %s` prints", err, o.Dir)
		}
	}
	res.Warnings += warnings + o.warn.Count()
	res.Elapsed = time.Since(start)
	return res, nil
}

// openDump opens the dump o names and reads its metadata: o.Dir (after waiting for it with
// o.WaitDump; a dump still being written that has its schemas marker is followed: o.stream is
// set and the metadata is the marker's), or o.Pipe's, as far as it is published (then
// Checksums is false: the files are in memory, not checked). Close the Dir after, unless it is the pipe's (which its dumper owns).
func openDump(ctx context.Context, o *Options) (*dumpdir.Dir, *dumpdir.Metadata, error) {
	if o.Pipe != nil {
		m, err := o.Pipe.Schemas(ctx)
		if err != nil {
			return nil, nil, err
		}
		meta := *m
		meta.Checksums = false
		o.stream = o.Pipe
		return o.Pipe.Dir(), &meta, nil
	}
	dir, err := dumpdir.OpenDir(ctx, o.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("-d %w", err)
	}
	dir.Decrypt(o.Identities)
	if o.WaitDump > 0 {
		partial, err := waitForDump(ctx, dir, o.WaitDump, o)
		if err != nil {
			dir.Close()
			return nil, nil, err
		}
		if partial != nil {
			o.stream = newDirFollower(dir, o.WaitDump)
			return dir, partial, nil
		}
	}
	meta, err := dir.ReadMetadata(ctx)
	if err != nil {
		dir.Close()
		return nil, nil, err
	}
	return dir, meta, nil
}

// restoreID identifies a restore for the journal and the progress table: a SHA-256 of the dump's
// metadata file (with a pipe, of the snapshot's start time and coordinates), of the options
// that change what is restored where, and of every table's index strategy (with
// --defer-indexes auto it depends on the target's buffer pool and -t, which may differ on
// --resume: a resume that would build a table's indexes another way than the interrupted
// restore did is refused, so that no index is added twice or left out).
func restoreID(ctx context.Context, dir *dumpdir.Dir, meta *dumpdir.Metadata, o *Options, plans []*tablePlan) (string, error) {
	h := sha256.New()
	if o.Pipe != nil {
		fmt.Fprintf(h, "pipe %d %v", meta.Started.UnixNano(), meta.Source)
	} else {
		// The schemas marker of a dump written by this sluice, which exists from before its
		// first data file, names the same dump being written and complete (see
		// dumpdir.SchemasName); the metadata file names older dumps.
		b, err := dir.ReadFile(ctx, dumpdir.SchemasName)
		if errors.Is(err, dumpdir.ErrNotExist) {
			b, err = dir.ReadFile(ctx, dumpdir.MetadataName)
		}
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	fmt.Fprintf(h, "\x00%q %q %q %s %d %v %v", o.TargetDB, o.SourceDB, o.Tables, o.DeferIndexes, o.DeferMinRows, o.NoSchemas, o.NoData)
	if o.DeferIndexes == schema.DeferAuto {
		for _, p := range plans {
			fmt.Fprintf(h, "\x00%s %s", p.key, p.strat.mode)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkExisting refuses to touch tables that exist unless --overwrite-tables.
func checkExisting(ctx context.Context, db *sql.DB, plans []*tablePlan, o *Options) error {
	if o.OverwriteTables {
		return nil
	}
	clash, err := existingTables(ctx, db, plans)
	if err != nil {
		return err
	}
	if len(clash) > 0 {
		if len(clash) > 5 {
			clash = append(clash[:5], fmt.Sprintf("and %d more", len(clash)-5))
		}
		return fmt.Errorf("tables already exist: %s: use --overwrite-tables to drop and recreate them, -B to load into another database, or --resume to finish an interrupted restore",
			strings.Join(clash, ", "))
	}
	return nil
}

// withoutParts applies --no-schemas and --no-data to the selected tables: without schemas,
// views and sequences (nothing but schema) are left out and the tables keep only their data
// files; without data, the tables keep only their schema files. The metadata is not changed.
func withoutParts(tables []*dumpdir.Table, o *Options) []*dumpdir.Table {
	if !o.NoSchemas && !o.NoData {
		return tables
	}
	var out []*dumpdir.Table
	for _, t := range tables {
		c := *t
		if o.NoSchemas {
			if c.Kind != dumpdir.KindTable {
				continue
			}
			c.SchemaFile, c.TriggersFile = "", ""
		}
		if o.NoData {
			c.DataFiles, c.Rows, c.Bytes = nil, 0, 0
		}
		out = append(out, &c)
	}
	return out
}

// checkPresent fails, naming them, when tables that --no-schemas loads into are missing.
func checkPresent(ctx context.Context, db *sql.DB, plans []*tablePlan) error {
	var missing []string
	for _, p := range plans {
		var n int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
			p.target, p.t.Name).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			missing = append(missing, p.String())
		}
	}
	if len(missing) > 0 {
		if len(missing) > 5 {
			missing = append(missing[:5], fmt.Sprintf("and %d more", len(missing)-5))
		}
		return fmt.Errorf("--no-schemas: tables missing on the target: %s: create them first, or load without --no-schemas", strings.Join(missing, ", "))
	}
	return nil
}

// existingTables returns the plans' tables (and views) that already exist on the target, as
// target db.table.
func existingTables(ctx context.Context, db *sql.DB, plans []*tablePlan) ([]string, error) {
	var clash []string
	for _, p := range plans {
		if p.t.SchemaFile == "" {
			continue
		}
		var n int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
			p.target, p.t.Name).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			clash = append(clash, p.String())
		}
	}
	return clash, nil
}

// nonce returns random hex for LOAD DATA reader handler names, which the driver keeps in one
// process-wide registry.
func nonce() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// errIs reports whether err is a server error with one of the given numbers.
func errIs(err error, numbers ...uint16) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && slices.Contains(numbers, me.Number)
}

// resumePlans returns the plans and restore id a resume of a complete dump goes on with:
// plans and id, or, when the journal was written by a restore that followed the dump while it
// was written (--wait-dump) and chose an index strategy from the schemas marker's row
// estimates that the final counts would not choose, the plans chosen from those estimates and
// their id, so that the resume builds every table's indexes as the interrupted restore did.
func resumePlans(ctx context.Context, dir *dumpdir.Dir, tables []*dumpdir.Table, meta *dumpdir.Metadata, o *Options, plans []*tablePlan, id string) ([]*tablePlan, string, error) {
	jid := journalID(o.Journal)
	if o.DeferIndexes != schema.DeferAuto || jid == id {
		return plans, id, nil
	}
	m, err := dir.ReadSchemas(ctx)
	if errors.Is(err, dumpdir.ErrNotExist) {
		return plans, id, nil // openJournal says why the journal does not match
	}
	if err != nil {
		return nil, "", err
	}
	o.strategyRows = make(map[string]int64, len(m.Tables))
	for _, t := range m.Tables {
		o.strategyRows[t.Database+"."+t.Name] = t.Rows
	}
	followed, err := planTables(ctx, dir, tables, meta, o)
	if err != nil {
		return nil, "", err
	}
	fid, err := restoreID(ctx, dir, meta, o, followed)
	if err != nil {
		return nil, "", err
	}
	if jid != fid {
		o.strategyRows = nil
		return plans, id, nil
	}
	o.Log.Info("resuming a restore that followed the dump: index strategies chosen as it chose them, from the dump's row estimates")
	return followed, fid, nil
}
