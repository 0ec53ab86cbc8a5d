package copier

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/wire"
)

// The copy's state on the target, in a database of its own (the loader drops its progress
// table's database once a load is done, while a copy still needs its state): one row for the copy
// itself (db and tbl empty) while it runs, which marks the target incomplete, and one row per
// table whose data, indexes and foreign keys are in. A successful copy deletes every row; a
// copy killed or failed mid-way leaves them, and `sluice copy --resume` reads them.
const (
	stateDB    = "_sluice_copy"
	stateTable = "`_sluice_copy`.`state`"
)

// state is the copy state of one target.
type state struct {
	db      *sql.DB         // for the keeper's checksums
	socks   *wire.Sockets   // db's sockets (wire.Open), from which the keeper reads rows back
	w       *sql.Conn       // the state's writes, kept out of the target's binary log (see readState)
	running bool            // an earlier copy's row is there: it did not complete
	started string          // when that copy started (RFC 3339), for messages
	done    map[string]bool // target "db.table" recorded complete
	mu      sync.Mutex      // serialises the writes on w
	errs    int             // recordDone failures (the table is then reloaded by a resume)
}

// readState creates the state table if missing and reads it. Its writes are kept out of the
// target's binary log (sql_log_bin = 0) unless binlog, as the load's are: a replica the copy
// provisions must have no transaction of its own. socks is db's socket registry (wire.Open).
// Close releases its connection.
func readState(ctx context.Context, db *sql.DB, socks *wire.Sockets, binlog bool) (*state, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	s := &state{db: db, socks: socks, w: c, done: map[string]bool{}}
	if !binlog {
		if _, err := c.ExecContext(ctx, "SET SESSION sql_log_bin = 0"); err != nil {
			c.Close()
			return nil, fmt.Errorf("target: SET SESSION sql_log_bin = 0: %w: the target user needs SUPER (or BINLOG ADMIN), or give --enable-binlog", err)
		}
	}
	if err := s.read(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the state's connection.
func (s *state) Close() { s.w.Close() }

// read creates the state table if missing and reads it.
func (s *state) read(ctx context.Context) error {
	db := s.w
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS `" + stateDB + "`",
		"CREATE TABLE IF NOT EXISTS " + stateTable + " (db VARCHAR(64) NOT NULL, tbl VARCHAR(64) NOT NULL," +
			" info VARCHAR(255) NOT NULL, PRIMARY KEY (db, tbl)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("copy state table %s on the target: %w: the target user needs CREATE on it", stateTable, err)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT db, tbl, info FROM "+stateTable)
	if err != nil {
		return fmt.Errorf("copy state table %s: %w", stateTable, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, t, info string
		if err := rows.Scan(&d, &t, &info); err != nil {
			return err
		}
		if d == "" && t == "" {
			s.running, s.started = true, info
		} else {
			s.done[d+"."+t] = true
		}
	}
	return rows.Err()
}

// begin marks the target incomplete: a new copy starts (every earlier row is removed unless
// resume, which keeps the tables recorded complete).
func (s *state) begin(ctx context.Context, resume bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !resume {
		if _, err := s.w.ExecContext(ctx, "DELETE FROM "+stateTable); err != nil {
			return fmt.Errorf("copy state table %s: %w", stateTable, err)
		}
		s.done = map[string]bool{}
	}
	_, err := s.w.ExecContext(ctx, "REPLACE INTO "+stateTable+" VALUES ('', '', ?)", time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("copy state table %s: %w", stateTable, err)
	}
	return nil
}

// recordDone records that target db.table is complete. A failure is counted, not returned:
// a resume then reloads the table, which is safe.
func (s *state) recordDone(ctx context.Context, db, table string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.ExecContext(ctx, "REPLACE INTO "+stateTable+" VALUES (?, ?, 'done')", db, table); err != nil {
		s.errs++
	}
}

// end removes the state, and its database: the copy is complete.
func (s *state) end(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+stateDB+"`"); err != nil {
		return fmt.Errorf("the copy is complete, but its state %s on the target could not be removed (a later copy would take it for an interrupted one): %w; drop the database %s", stateTable, err, stateDB)
	}
	return nil
}

// keeper is the dumper.Keeper of a resumed copy: a table recorded complete on the target is
// kept when its checksum there equals the source's in the new snapshot; any other is reloaded.
type keeper struct {
	s        *state
	targetDB func(db string) string // the target database of a dumped one
	mu       sync.Mutex
	kept     []string // target "db.table" kept
}

// Candidate implements dumper.Keeper: tables the interrupted copy completed.
func (k *keeper) Candidate(db, table string) bool { return k.s.done[k.targetDB(db)+"."+table] }

// Keep implements dumper.Keeper: the target's checksum of the same rows and columns.
func (k *keeper) Keep(ctx context.Context, db, table string, cols []checksum.Column, where string, sum checksum.Sum) (bool, error) {
	c, err := k.s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer c.Close()
	for _, q := range checksum.Session {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return false, err
		}
	}
	tdb := k.targetDB(db)
	got, err := checksum.Compute(ctx, c, k.s.socks, tdb, table, cols, where)
	if err != nil && ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil || got != sum { // gone or changed on the target, or changed on the source: reload it
		return false, nil
	}
	k.mu.Lock()
	k.kept = append(k.kept, tdb+"."+table)
	k.mu.Unlock()
	return true, nil
}
