package loader

import (
	"log/slog"
	"path/filepath"

	"filippo.io/age"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"

	"github.com/sluicedb/sluice/schema"
)

// JournalName is the default resume journal (--journal overrides it): in the dump directory, or
// for a dump in an object store (which the loader only reads) in the working directory.
const JournalName = "sluice-load.journal"

// Options are the settings of one restore (the flags of `sluice load`).
type Options struct {
	Dir             string           // dump directory with a complete metadata file
	Threads         int              // -t: jobs (data files, index builds) running at once (default 4)
	IndexThreads    int              // --index-threads: index builds running at once, within Threads (default max(1, Threads/2))
	TargetDB        string           // -B: load every database of the dump into this one
	SourceDB        string           // --source-db: load only this database of the dump
	Tables          []string         // -T: load only these "db.table" (names as dumped)
	OverwriteTables bool             // --overwrite-tables: drop tables that exist before creating them
	EnableBinlog    bool             // --enable-binlog: write the restore to the target's binary log
	DeferIndexes    schema.DeferMode // --defer-indexes: which secondary indexes are built after the data (default all)
	// DeferMinRows (--defer-min-rows) keeps the indexes of tables with fewer rows than this,
	// by the dump's metadata, in their CREATE TABLE: an ALTER TABLE costs a few milliseconds
	// whatever the table's size, more than maintaining the indexes of a small table while it
	// loads (1,000 tables of 3 rows: 6.1 s with every index deferred, myloader 2.9 s). 0 defers
	// in every table; the command line's default is 10,000.
	DeferMinRows int64
	QueriesPerTx int               // --queries-per-transaction: INSERT statements per transaction (default 1000, mydumper's)
	MaxTxBytes   int64             // --max-transaction-bytes: bytes of INSERT statements per transaction (default 64 MiB); a tsv file is always one transaction
	Resume       bool              // --resume: finish an interrupted restore recorded in the journal
	Journal      string            // --journal: the resume journal (default Dir/sluice-load.journal; ./sluice-load.journal for an object store)
	Checksum     bool              // --checksum: compare row counts with the metadata after the load
	Replicate    *ReplicateOptions // --replicate-from: attach the target to a source afterwards; nil for none

	// Accounts (package accounts) are restored when the whole dump is: roles and users before
	// the views and routines, grants after them, default roles last.
	NoUsers        bool              // --no-users: restore no accounts
	OverwriteUsers bool              // --overwrite-users: drop and recreate accounts that exist (never the loading account)
	UsersStrict    bool              // --users-strict: any account warning (left alone, skipped, refused) fails the load
	Definers       accounts.Definers // --skip-definer, --definer: what views, routines, triggers and events run as

	// Identities (--decrypt-identity, SLUICE_AGE_IDENTITY_FILE) decrypt an encrypted dump; an
	// encrypted dump without them, or with none that opens its metadata file, is refused
	// before the target is touched. Ignored for a clear-text dump.
	Identities []age.Identity
	Progress   Progress // receives progress snapshots; nil for none
	Log        *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.IndexThreads < 1 {
		o.IndexThreads = max(1, o.Threads/2)
	}
	o.IndexThreads = min(o.IndexThreads, o.Threads)
	if o.QueriesPerTx < 1 {
		o.QueriesPerTx = 1000
	}
	if o.MaxTxBytes < 1 {
		o.MaxTxBytes = 64 << 20
	}
	if o.Journal == "" {
		o.Journal = filepath.Join(o.Dir, JournalName)
		if dumpdir.IsURL(o.Dir) {
			o.Journal = JournalName
			if abs, err := filepath.Abs(JournalName); err == nil {
				o.Journal = abs
			}
		}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = noProgress{}
	}
}

// target maps a dumped database name to the one it is restored into.
func (o *Options) target(db string) string {
	if o.TargetDB != "" {
		return o.TargetDB
	}
	return db
}
