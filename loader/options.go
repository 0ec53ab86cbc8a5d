package loader

import "log/slog"

// Options are the settings of one restore (the flags of `sluice load`).
type Options struct {
	Dir             string            // dump directory with a complete metadata file
	Threads         int               // -t: connections loading data at once (default 4)
	TargetDB        string            // -B: load every database of the dump into this one
	OverwriteTables bool              // --overwrite-tables: drop tables that exist before creating them
	EnableBinlog    bool              // --enable-binlog: write the restore to the target's binary log
	Replicate       *ReplicateOptions // --replicate-from: attach the target to a source afterwards; nil for none
	Log             *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Threads < 1 {
		o.Threads = 4
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// target maps a dumped database name to the one it is restored into.
func (o *Options) target(db string) string {
	if o.TargetDB != "" {
		return o.TargetDB
	}
	return db
}
