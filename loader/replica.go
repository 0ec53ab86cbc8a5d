package loader

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

// ReplicateOptions attach the restored server to a source as a replica (--replicate-from).
type ReplicateOptions struct {
	SourceHost string
	SourcePort int
}

// setupReplica runs once data, indexes and constraints are in. Stub: filled in by the
// replication work (issue 5).
func setupReplica(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options) error {
	return errors.New("--replicate-from is not implemented yet")
}
