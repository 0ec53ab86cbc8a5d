package loader

import (
	"log/slog"
	"path/filepath"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/warning"
	"github.com/sluicedb/sluice/schema"
)

// JournalName is the default resume journal (--journal overrides it): in the dump directory, or
// for a dump in an object store (which the loader only reads) in the working directory.
const JournalName = "sluice-load.journal"

// Options are the settings of one restore (the flags of `sluice load`).
type Options struct {
	Dir             string   // dump directory with a complete metadata file
	Threads         int      // -t: data files loading at once, each on a connection of its own (default 4)
	IndexThreads    int      // --index-threads: connections beside Threads that build deferred indexes, at most this many at once while data loads (default max(1, Threads/2)); myloader's --max-threads-for-index-creation
	TargetDB        string   // -B: load every database of the dump into this one
	SourceDB        string   // --source-db: load only this database of the dump
	Tables          []string // -T: load only these "db.table" (names as dumped)
	OverwriteTables bool     // --overwrite-tables: drop tables that exist before creating them
	// NoSchemas (--no-schemas, myloader's) loads the data into tables that already exist on the
	// target: no database, table, view, trigger, routine or event is created, and the tables'
	// own indexes stay as they are. Run fails before loading when a table is missing.
	NoSchemas    bool
	NoData       bool // --no-data (myloader's): create the schemas and objects, load no rows
	SkipTriggers bool // --skip-triggers (myloader's): create no triggers
	SkipPost     bool // --skip-post (myloader's): create no routines or events
	EnableBinlog bool // --enable-binlog: write the restore to the target's binary log
	// DeferIndexes (--defer-indexes) says which secondary indexes are built after the data:
	// DeferAuto chooses per table (chooseStrategy: inline or one ALTER, from the table's rows,
	// index shape and the target's buffer pool; the command line's default), DeferAll,
	// DeferFulltext and DeferNone force one mode on every table. The zero value is DeferAll.
	DeferIndexes schema.DeferMode
	// DeferMinRows (--defer-min-rows) keeps the indexes of tables with fewer rows than this,
	// by the dump's metadata, in their CREATE TABLE, in every mode: an ALTER TABLE costs a few
	// milliseconds whatever the table's size, more than maintaining the indexes of a small
	// table while it loads (1,000 tables of 3 rows: 6.1 s with every index deferred, myloader
	// 2.9 s). 0 leaves the choice to the mode (auto's cost model alone; all: defer in every
	// table); the command line's default is 10,000.
	DeferMinRows int64
	QueriesPerTx int // --queries-per-transaction: INSERT statements per transaction (default 1000, mydumper's)
	// NoBulkInsert (--no-bulk-insert) sends a dump's rows (SQL, or tsv as sluice writes it) to
	// MariaDB with LOAD DATA LOCAL even where a bulk INSERT could take them. By default a table with no spatial, BIT or
	// YEAR column (nor MySQL's JSON) loads, on a MariaDB 10.2.7+ session over a plain socket,
	// by a prepared INSERT IGNORE whose rows go in COM_STMT_BULK_EXECUTE commands (MariaDB's
	// array binding): the server parses neither SQL nor LOAD DATA text, 30-40 % less server
	// CPU for sysbench rows (bench/README.md, "Bulk INSERT"). Same transactions, same checks; a
	// row longer than max_allowed_packet sends its table back to LOAD DATA.
	NoBulkInsert bool
	// MaxTxBytes (--max-transaction-bytes) bounds every data transaction: the bytes of its
	// rows' text (SQL or TSV) plus 64 per row. 0 reads the bound from the target's limits
	// (wsrep_max_ws_size, group_replication_transaction_size_limit, max_binlog_cache_size: a
	// quarter of the lowest, at most 64 MiB; see txbound.go). A tsv file is loaded in as many
	// LOAD DATA transactions as the bound needs, cut at row boundaries.
	MaxTxBytes int64
	Resume     bool              // --resume: finish an interrupted restore recorded in the journal
	Journal    string            // --journal: the resume journal (default Dir/sluice-load.journal; ./sluice-load.journal for an object store)
	Checksum   ChecksumMode      // --checksum: recompute each chunk's checksum on the target and compare with the dump's (default ChecksumFail)
	Replicate  *ReplicateOptions // --replicate-from: attach the target to a source afterwards; nil for none
	// WaitDump (--wait-dump) lets the load start on a dump still being written: Run waits up
	// to this long for the dump's metadata file or its schemas marker (dumpdir.SchemasName).
	// With the marker it follows the dump (dirFollower): each data file is loaded, once
	// verified, as soon as the progress marker lists it, and the load fails (resumable) when no
	// new file and no metadata appear for this long; the dump is complete only once its
	// metadata exists. A dump without markers is waited for until complete. 0 needs the
	// metadata there at once.
	WaitDump time.Duration

	// Accounts (package accounts) are restored when the whole dump is: roles and users before
	// the views and routines, grants after them, default roles last.
	NoUsers        bool              // --no-users: restore no accounts
	OverwriteUsers bool              // --overwrite-users: drop and recreate accounts that exist (never the loading account)
	UsersStrict    bool              // --users-strict: any account warning (left alone, skipped, refused) fails the load
	Definers       accounts.Definers // --skip-definer, --definer: what views, routines, triggers and events run as
	Strict         bool              // --strict: a warning (see package warning) is the restore's error instead of a count in Result.Warnings

	// Identities (--decrypt-identity, SLUICE_AGE_IDENTITY_FILE) decrypt an encrypted dump; an
	// encrypted dump without them, or with none that opens its metadata file, is refused
	// before the target is touched. Ignored for a clear-text dump.
	Identities []age.Identity
	// Pipe, when set, is the dump to load instead of Dir: one being written by the dumper in
	// the same process (sluice copy; see dumpdir.Pipe). The load begins once its schemas are
	// published, loads each data file as soon as it is whole and removes it after, ends a
	// table's data (and builds its deferred indexes) when the dumper says it has no more, and
	// finishes (post-data objects, checksums) once the dump's metadata is written. Its files
	// are in memory, just written: they are not checked against CRC-32Cs, and no progress is
	// recorded in the progress table (no later run could read it: see keepsProgress). Journal
	// must be set.
	Pipe *dumpdir.Pipe
	// TableDone, when set, is called (from one goroutine) each time a table has its data,
	// indexes and foreign keys in, with its target database and name: sluice copy records it
	// so that --resume may keep the table. Tables the pipe marks Kept are left as they are on
	// the target (not dropped, created or loaded; their triggers and the post-data objects
	// that already exist are left too).
	TableDone func(db, table string)

	Progress Progress // receives progress snapshots; nil for none
	Log      *slog.Logger

	warn *warning.Counter // the restore's warnings; set by Run
	pool int64            // the target's innodb_buffer_pool_size, bytes; set by Run and DryRun for DeferAuto
	// strategyRows, when set, gives the rows (by database.table) the index strategy is chosen
	// from instead of the metadata's: the schemas marker's estimates, for a resume of a
	// restore that followed the dump (resumePlans).
	strategyRows map[string]int64
	stream       events // what the load follows: Pipe, or the markers of a dump being written (WaitDump); nil for a complete dump
	dryRun       bool   // set by DryRun: the index strategies go to the plan, the log has them at debug
}

// connections is how many worker connections the load's scheduler uses: Threads for the data
// and IndexThreads more for index builds (scheduler.Load).
func (o *Options) connections() int { return o.Threads + o.IndexThreads }

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.IndexThreads < 1 {
		o.IndexThreads = max(1, o.Threads/2)
	}
	if o.QueriesPerTx < 1 {
		o.QueriesPerTx = 1000
	}
	if o.Checksum == "" {
		o.Checksum = ChecksumFail
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
	o.warn = &warning.Counter{Log: o.Log, Strict: o.Strict}
	if o.Progress == nil {
		o.Progress = progress.Nop
	}
}

// target maps a dumped database name to the one it is restored into.
func (o *Options) target(db string) string {
	if o.TargetDB != "" {
		return o.TargetDB
	}
	return db
}
