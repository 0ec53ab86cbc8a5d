package dumper

import (
	"log/slog"
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
	NoData        bool     // --no-data
	NoSchemas     bool     // --no-schemas
	NoViews       bool     // --no-views
	NoTriggers    bool     // --no-triggers
	NoRoutines    bool     // --no-routines (procedures and functions)
	NoEvents      bool     // --no-events
	Log           *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.StatementSize <= 0 {
		o.StatementSize = 1 << 20
	}
	if o.FileSize <= 0 {
		o.FileSize = 256 << 20
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}
