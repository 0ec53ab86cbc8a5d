package loader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/replication"
)

// DefaultReplicationWait is how long the loader waits, by default, for the new replica to
// catch up with its source (--replication-wait).
const DefaultReplicationWait = 10 * time.Minute

// ReplicateOptions attach the restored server to a source as a replica (--replicate-from),
// once data, indexes, constraints and post-data objects are in.
//
// Which coordinates are used: a dump of a server that was itself a replica (taken with
// --replica-data) holds [replica_source], the position the dumped server had applied from its
// own source. By default that is what the new replica starts from, so SourceHost must be that
// source (the dumped replica's source): this provisions a sibling replica. With
// FromDumpedServer, or when the dump has no [replica_source], the dump's [source] coordinates
// (the dumped server's own binlog position and GTID set) are used, and SourceHost must be the
// dumped server itself.
type ReplicateOptions struct {
	SourceHost string // --replicate-from HOST: where the replica connects; required
	SourcePort int    // --replicate-from HOST:PORT; 0 means 3306
	User       string // --replication-user: needs REPLICATION SLAVE on the source
	// Password of User (--replication-password, SLUICE_REPLICATION_PASSWORD or
	// --replication-defaults-file): never logged, never written to the dump.
	Password string
	Mode     string        // --replication-mode: replication.ModeGTID (default when "") or replication.ModeBinlog
	Wait     time.Duration // --replication-wait: bound on the catch-up wait; DefaultReplicationWait when 0
	Force    bool          // --force: attach even when replication.CheckTarget refuses the target
	// FromDumpedServer (--replicate-from-dumped-server) uses [source] even when the dump has
	// [replica_source]: the new replica attaches to the server that was dumped.
	FromDumpedServer bool
}

// SetupOptions returns the replication.SetupOptions the options describe.
func (r *ReplicateOptions) SetupOptions() replication.SetupOptions {
	return replication.SetupOptions{
		SourceHost: r.SourceHost,
		SourcePort: r.SourcePort,
		User:       r.User,
		Password:   r.Password,
		Mode:       r.Mode,
	}
}

// ReplicaCoordinates returns the coordinates a new replica starts from (see ReplicateOptions
// for the choice) and which metadata section they come from (replication.SourceSection or
// replication.ReplicaSourceSection). It fails when the dump has no [source] section (taken by
// a tool that does not record coordinates) or a value does not parse.
func ReplicaCoordinates(meta *dumpdir.Metadata, fromDumpedServer bool) (replication.Coordinates, string, error) {
	if len(meta.Source) == 0 {
		return replication.Coordinates{}, "", errors.New("the dump has no [source] section (binlog coordinates): it cannot seed a replica; take the dump again with sluice")
	}
	src, err := replication.CoordinatesFromMetadata(dumpdir.Map(meta.Source))
	if err != nil {
		return src, "", err
	}
	if fromDumpedServer {
		return src, replication.SourceSection, nil
	}
	rs, err := replication.ReplicaSourceFromMetadata(dumpdir.Map(meta.ReplicaSource))
	if err != nil || rs == nil {
		return src, replication.SourceSection, err
	}
	// The dumped replica and its source share a flavour: replication does not cross them.
	return replication.Coordinates{Flavor: src.Flavor, File: rs.File, Position: rs.Position, GTIDSet: rs.GTIDSet},
		replication.ReplicaSourceSection, nil
}

// ReadTarget reads the flavour and @@version of the server db reaches.
func ReadTarget(ctx context.Context, db *sql.DB) (replication.Target, error) {
	var v string
	if err := db.QueryRowContext(ctx, "SELECT @@version").Scan(&v); err != nil {
		return replication.Target{}, fmt.Errorf("replication target: SELECT @@version: %w", err)
	}
	return replication.Target{Flavor: replication.FlavorOf(v), Version: v}, nil
}

// checkReplicaTarget runs before anything is loaded: it checks that the dump can seed a
// replica with o.Replicate (coordinates present, statements buildable for the target's
// flavour and version) and, unless o.Replicate.Force, that replication.CheckTarget accepts
// the target. It does nothing without o.Replicate.
func checkReplicaTarget(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options) error {
	r := o.Replicate
	if r == nil {
		return nil
	}
	c, section, t, err := replicaPlan(ctx, db, meta, r)
	if err != nil {
		return err
	}
	if _, err := replication.RedactedStatements(t, c, r.SetupOptions()); err != nil {
		return fmt.Errorf("--replicate-from: %w", err)
	}
	if r.Force {
		return nil
	}
	if err := replication.CheckTarget(ctx, db, t, c); err != nil {
		return fmt.Errorf("--replicate-from (coordinates from metadata [%s]): %w", section, err)
	}
	return nil
}

// replicaPlan returns the coordinates to replicate from (ReplicaCoordinates, with the metadata
// section they come from) and what the target is (ReadTarget): the inputs of both the check
// before the load and the setup after it, read each time since the target may change between.
func replicaPlan(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, r *ReplicateOptions) (replication.Coordinates, string, replication.Target, error) {
	c, section, err := ReplicaCoordinates(meta, r.FromDumpedServer)
	if err != nil {
		return c, "", replication.Target{}, fmt.Errorf("--replicate-from: %w", err)
	}
	t, err := ReadTarget(ctx, db)
	return c, section, t, err
}

// setupReplica runs once data, indexes, constraints and post-data objects are in (the load
// ran with sql_log_bin=0, so the target's own GTID state did not move): it runs
// replication.Setup with the coordinates ReplicaCoordinates picks (on MariaDB this sets
// gtid_slave_pos to the dump's GTID set), then waits, bounded by o.Replicate.Wait, until the
// replica has caught up, logging its lag on o.Log. Catching up is judged against the source
// when the replication user may read its position (SHOW MASTER STATUS needs BINLOG MONITOR /
// REPLICATION CLIENT), else by Seconds_Behind_Master reaching 0.
func setupReplica(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options) error {
	r := o.Replicate
	c, section, t, err := replicaPlan(ctx, db, meta, r)
	if err != nil {
		return err
	}
	wait := r.Wait
	if wait <= 0 {
		wait = DefaultReplicationWait
	}
	source := openSource(ctx, r, o)
	if source != nil {
		defer source.Close()
	}
	o.Log.Info("attaching as replica", "source", sourceAddr(r), "user", r.User, "mode", modeOf(r),
		"coordinates", section, "binlog_file", c.File, "binlog_pos", c.Position, "gtid", c.GTIDSet)
	start := time.Now()
	p := &lagLog{o: o}
	if err := replication.Setup(ctx, db, source, t, c, r.SetupOptions(), wait, p.report); err != nil {
		return fmt.Errorf("--replicate-from %s: %w", sourceAddr(r), err)
	}
	o.Log.Info("replica caught up", "source", sourceAddr(r), "seconds", time.Since(start).Seconds())
	return nil
}

// openSource connects to the source as the replication user, to compare positions while
// waiting. It returns nil (and logs why) when that user cannot read the source's position.
func openSource(ctx context.Context, r *ReplicateOptions, o *Options) *sql.DB {
	cfg := conn.Config{Host: r.SourceHost, Port: r.SourcePort, User: r.User, Password: r.Password}
	cfg, err := cfg.Resolve(func(string) bool { return true })
	if err == nil {
		var src *sql.DB
		if src, err = cfg.Open(ctx, "", 1); err == nil {
			var rows *sql.Rows
			if rows, err = src.QueryContext(ctx, "SHOW MASTER STATUS"); err == nil {
				rows.Close()
				return src
			}
			src.Close()
		}
	}
	o.Log.Warn("cannot read the source's binlog position as the replication user: waiting for Seconds_Behind_Master = 0 instead "+
		"(GRANT BINLOG MONITOR or REPLICATION CLIENT to compare positions)", "source", sourceAddr(r), "err", err)
	return nil
}

// lagLog logs the replica's progress at the first poll, then at most every 5 seconds.
type lagLog struct {
	o    *Options
	last time.Time
}

func (l *lagLog) report(lag int64, status string) {
	if !l.last.IsZero() && time.Since(l.last) < 5*time.Second {
		return
	}
	l.last = time.Now()
	l.o.Log.Info("replica catching up", "lag_seconds", lag, "status", status)
}

func sourceAddr(r *ReplicateOptions) string {
	port := r.SourcePort
	if port == 0 {
		port = 3306
	}
	return fmt.Sprintf("%s:%d", r.SourceHost, port)
}

func modeOf(r *ReplicateOptions) string {
	if r.Mode == "" {
		return replication.ModeGTID
	}
	return r.Mode
}
