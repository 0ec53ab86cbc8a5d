package dumper

import (
	"log/slog"
	"regexp"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/accounts"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/warning"
)

// Formats of data files (--format).
const (
	FormatSQL = "sql" // multi-row INSERT statements, one per line (mydumper's default)
	FormatTSV = "tsv" // LOAD DATA INFILE text: see tsvLoadClause for the exact clause
)

// Lock modes (--lock-mode): how the consistent snapshot is fenced. See lock.go.
const (
	LockAuto        = "auto"         // MariaDB: BACKUP STAGE; MySQL 8: LOCK INSTANCE FOR BACKUP + FTWRL; else FTWRL
	LockFTWRL       = "ftwrl"        // FLUSH TABLES WITH READ LOCK
	LockBackupStage = "backup-stage" // MariaDB 10.4.1+: BACKUP STAGE START + BACKUP STAGE BLOCK_COMMIT
	LockTables      = "lock-tables"  // LOCK TABLES ... READ on every dumped table
	LockNone        = "none"         // no lock: each worker's snapshot starts on its own (one snapshot with -t 1: consistent for InnoDB tables only), no binlog position guarantee
)

// Options are the settings of one dump (the flags of `sluice dump`).
type Options struct {
	OutDir        string   // dump directory; created 0700, must be empty or absent
	Databases     []string // -B: databases to dump; all non-system databases when empty
	Tables        []string // -T: "db.table" names; a name may contain dots if its parts are quoted with backticks
	Threads       int      // -t: worker connections, each with its own consistent snapshot (default 4)
	StatementSize int      // bytes: an INSERT is ended once it reaches this size (default 1 MiB)
	FileSize      int64    // bytes: a data file is closed and the next begun once it reaches this size, before compression (default 256 MiB)
	Compression   string   // "", "zstd" or "gzip"
	Format        string   // FormatSQL (default) or FormatTSV

	// Rows is the target number of rows per chunk (--rows). 0 chooses it per table so that a chunk
	// holds about 64 MiB of data by information_schema's average row length. A table without a
	// usable key is read in one scan and its files end every Rows rows (and at FileSize).
	Rows int64

	Regex *regexp.Regexp // --regex: dump only tables whose "db.table" matches; nil for all
	Where string         // --where: an SQL condition every dumped row must meet
	// TableWhere holds further conditions by "db.table", which that table's rows must meet as
	// well as Where (mydumper's per-table option-file sections, [`db`.`table`] where = ...).
	TableWhere map[string]string
	// TrxTables (--trx-tables, mydumper's) releases the lock as soon as every worker's snapshot
	// has started, also when non-transactional tables are dumped: their rows are then read
	// without the lock, so they may not be consistent with the others' or the binlog position.
	TrxTables     bool
	IgnoreEngines []string // --ignore-engines: engine names (case-insensitive) whose tables are skipped

	LockMode        string        // one of the Lock* constants; "" is LockAuto
	LockWaitTimeout time.Duration // --lock-wait-timeout: longest a query may already run before the lock is taken; 0 to not check
	KillLongQueries bool          // --kill-long-queries: KILL the queries LockWaitTimeout found instead of giving up
	ReplicaData     bool          // --replica-data: stop the replica SQL thread and record its source position

	NoData     bool // --no-data
	NoSchemas  bool // --no-schemas
	NoViews    bool // --no-views
	NoTriggers bool // --no-triggers
	NoRoutines bool // --no-routines (procedures and functions)
	NoEvents   bool // --no-events

	// Accounts (package accounts): a whole-instance dump includes them unless NoUsers; Users
	// (--users) or IncludeUsers includes them in a filtered dump too. System accounts (root,
	// mariadb.sys, mysql.sys, ...) are left out unless an IncludeUsers pattern names them.
	Users        bool               // --users
	NoUsers      bool               // --no-users
	IncludeUsers []accounts.Pattern // --include-users user@host patterns; none: every non-system account
	ExcludeUsers []accounts.Pattern // --exclude-users user@host patterns

	// NoSync skips the fsync(2) of each data file before the metadata file is written
	// (--no-sync, as pg_dump's): faster, like mydumper and mysqldump, which never sync, but an
	// operating system crash right after the dump can leave data files short, which the loader
	// then refuses by their recorded size and CRC-32C.
	NoSync bool

	// Strict (--strict) makes a warning (see package warning) the dump's error instead of a
	// line in the log and a count in Result.Warnings.
	Strict bool

	// Recipients (--encrypt-recipient, --encrypt-recipients-file) encrypt every file of the
	// dump, metadata included, with age after compression, and give the files numbers for
	// names (see fileNamer); nil for a clear-text dump.
	Recipients []age.Recipient

	// Heartbeat is how often the status file of the running dump is rewritten (default 1
	// minute; see dumpdir.Status).
	Heartbeat time.Duration

	// Pipe, when set, is where the dump goes instead of OutDir (sluice copy): its in-memory
	// Dir, and the events a load follows (dumpdir.Pipe). Data files are then neither synced
	// nor queued to a syncer, each is announced as it is whole (blocking while the pipe's
	// queue is full), each table's end once all its chunks are read, and the pipe is closed
	// once the metadata file is written.
	Pipe *dumpdir.Pipe
	// Keep, when set, leaves out the data of the tables it keeps (see Keeper): their
	// checksum in the snapshot is recorded as their one chunk, with no data file.
	Keep Keeper

	Progress Progress // receives progress snapshots; nil for none
	Log      *slog.Logger

	counters *progress.Counters // what Progress reads; set by Run
	warn     *warning.Counter   // the dump's warnings; set by Run
	markers  *markers           // the progress markers of a dump into a directory; set by run, nil with Pipe

	// driverRows reads rows through go-sql-driver's rows instead of the dumper's own
	// result-set reader (internal/wire); tests compare the two.
	driverRows bool

	// syncDir makes the renames in a directory durable: dumpdir.SyncDir, or a test's recorder.
	syncDir func(dir string) error

	// afterCatalog, set by tests, is called once the catalog is read and before the lock is
	// taken (the gap checkCatalog guards).
	afterCatalog func()
	// beforeSchemas, set by tests, is called when the schema stage starts, before its first
	// SHOW CREATE (the gap checkSchemasCurrent guards).
	beforeSchemas func()
}

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = defaultHeartbeat
	}
	if o.StatementSize <= 0 {
		o.StatementSize = 1 << 20
	}
	if o.FileSize <= 0 {
		o.FileSize = 256 << 20
	}
	if o.Format == "" {
		o.Format = FormatSQL
	}
	if o.LockMode == "" {
		o.LockMode = LockAuto
	}
	if o.Progress == nil {
		o.Progress = progress.Nop
	}
	o.counters = &progress.Counters{}
	o.warn = &warning.Counter{Log: o.Log, Strict: o.Strict}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.syncDir == nil {
		o.syncDir = dumpdir.SyncDir
	}
}

// where returns the condition t's rows must meet: Where and t's TableWhere entry, "" for none.
func (o *Options) where(t *table) string {
	return and(o.Where, o.TableWhere[t.DB+"."+t.Name])
}
