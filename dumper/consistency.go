package dumper

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/replication"
)

// snapshot is the result of taking the consistent snapshot: one connection per worker, each in a
// REPEATABLE READ transaction started WITH CONSISTENT SNAPSHOT while the global read lock was
// held, and the binlog coordinates read under that same lock.
type snapshot struct {
	conns  []*sql.Conn
	coords replication.Coordinates
	lock   time.Duration // how long the global read lock was held
}

func (s *snapshot) close() {
	for _, c := range s.conns {
		c.ExecContext(context.Background(), "ROLLBACK")
		c.Close()
	}
}

// takeSnapshot holds FLUSH TABLES WITH READ LOCK (MySQL manual 15.3.6.3; non-transactional
// tables are consistent too while it is held) only while it reads the coordinates and starts
// `workers` consistent-snapshot transactions, then releases it.
func takeSnapshot(ctx context.Context, db *sql.DB, workers int) (s *snapshot, err error) {
	s = &snapshot{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	lockConn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer lockConn.Close()
	// Open and prepare worker connections before taking the lock, so the lock covers only the
	// snapshot statements themselves.
	for i := 0; i < workers; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			return s, fmt.Errorf("worker connection %d: %w: try fewer --threads or raise max_connections", i, err)
		}
		s.conns = append(s.conns, c)
		for _, q := range []string{
			"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
			"SET SESSION sql_mode = ''",
			"SET NAMES binary",
		} {
			if _, err := c.ExecContext(ctx, q); err != nil {
				return s, fmt.Errorf("worker %d: %s: %w", i, q, err)
			}
		}
	}
	start := time.Now()
	if _, err := lockConn.ExecContext(ctx, "FLUSH TABLES WITH READ LOCK"); err != nil {
		return s, fmt.Errorf("FLUSH TABLES WITH READ LOCK: %w: the dump user needs the RELOAD privilege", err)
	}
	defer func() {
		_, uerr := lockConn.ExecContext(context.Background(), "UNLOCK TABLES")
		s.lock = time.Since(start)
		if err == nil && uerr != nil {
			err = fmt.Errorf("UNLOCK TABLES: %w", uerr)
		}
	}()
	for i, c := range s.conns {
		if _, err := c.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT"); err != nil {
			return s, fmt.Errorf("worker %d: START TRANSACTION WITH CONSISTENT SNAPSHOT: %w", i, err)
		}
	}
	s.coords, err = replication.ReadCoordinates(ctx, lockConn)
	if err != nil {
		return s, fmt.Errorf("binlog coordinates: %w", err)
	}
	return s, nil
}
