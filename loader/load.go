package loader

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/scheduler"
)

// Result summarises a finished restore.
type Result struct {
	Tables  int   // tables, views and sequences created
	Files   int   // data files loaded
	Rows    int64 // rows, as the metadata counted them
	Bytes   int64 // bytes of data files read
	Elapsed time.Duration
}

// Run restores the dump in o.Dir into the server cfg reaches: databases and tables, data with
// o.Threads connections (largest table first), then views, triggers, routines and events.
// It refuses an incomplete dump and, without o.OverwriteTables, tables that already exist,
// before changing anything. Every file is checked against its recorded checksum before use.
func Run(ctx context.Context, cfg conn.Config, o Options) (*Result, error) {
	o.setDefaults()
	start := time.Now()
	meta, err := dumpdir.ReadMetadata(o.Dir)
	if err != nil {
		return nil, err
	}
	db, err := cfg.Open(ctx, "", o.Threads+1)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := checkExisting(ctx, db, meta, &o); err != nil {
		return nil, err
	}
	if err := checkReplicaTarget(ctx, db, meta, &o); err != nil {
		return nil, err
	}
	c, err := prepare(ctx, db, &o)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	res := &Result{}
	if err := createSchemas(ctx, c, meta, &o, res); err != nil {
		return nil, err
	}
	if err := loadData(ctx, db, meta, &o, res); err != nil {
		return nil, err
	}
	if err := createPostData(ctx, c, meta, &o); err != nil {
		return nil, err
	}
	if o.Replicate != nil {
		if err := setupReplica(ctx, db, meta, &o); err != nil {
			return nil, err
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// checkExisting refuses to touch tables that exist unless --overwrite-tables.
func checkExisting(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options) error {
	if o.OverwriteTables {
		return nil
	}
	var clash []string
	for _, t := range meta.Tables {
		if t.SchemaFile == "" {
			continue
		}
		var n int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
			o.target(t.Database), t.Name).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			clash = append(clash, o.target(t.Database)+"."+t.Name)
		}
	}
	if len(clash) > 0 {
		if len(clash) > 5 {
			clash = append(clash[:5], fmt.Sprintf("and %d more", len(clash)-5))
		}
		return fmt.Errorf("tables already exist: %s: use --overwrite-tables to drop and recreate them, or -B to load into another database",
			strings.Join(clash, ", "))
	}
	return nil
}

// createSchemas creates the databases, then the tables and sequences.
func createSchemas(ctx context.Context, c *sql.Conn, meta *dumpdir.Metadata, o *Options, res *Result) error {
	for _, d := range meta.Databases {
		q := "CREATE DATABASE IF NOT EXISTS " + quoteIdent(o.target(d.Name))
		if d.SchemaFile != "" && o.TargetDB == "" {
			stmts, err := readScript(o.Dir, meta, d.SchemaFile)
			if err != nil {
				return err
			}
			for _, s := range stmts {
				if strings.HasPrefix(s, "CREATE DATABASE ") {
					q = "CREATE DATABASE IF NOT EXISTS " + strings.TrimPrefix(s, "CREATE DATABASE ")
				}
			}
		}
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("database %s: %w", d.Name, err)
		}
	}
	for _, t := range meta.Tables {
		if t.SchemaFile == "" || t.Kind == dumpdir.KindView {
			continue
		}
		target := o.target(t.Database)
		if err := use(ctx, c, target); err != nil {
			return fmt.Errorf("%s.%s: %w", target, t.Name, err)
		}
		if o.OverwriteTables {
			if _, err := c.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(t.Name)); err != nil {
				return fmt.Errorf("%s.%s: %w", target, t.Name, err)
			}
		}
		if err := runScript(ctx, c, o.Dir, meta, t.SchemaFile); err != nil {
			return fmt.Errorf("%s.%s: %w", target, t.Name, err)
		}
		res.Tables++
	}
	return nil
}

// dataFile is one data-loading job.
type dataFile struct {
	t    *dumpdir.Table
	name string
}

// loadData loads every data file with o.Threads connections, largest table first.
func loadData(ctx context.Context, db *sql.DB, meta *dumpdir.Metadata, o *Options, res *Result) error {
	tables := make([]*dumpdir.Table, 0, len(meta.Tables))
	for i := range meta.Tables {
		if len(meta.Tables[i].DataFiles) > 0 {
			tables = append(tables, &meta.Tables[i])
		}
	}
	slices.SortStableFunc(tables, func(a, b *dumpdir.Table) int { return int(min(max(b.Bytes-a.Bytes, -1), 1)) })
	var jobs []dataFile
	for _, t := range tables {
		for _, f := range t.DataFiles {
			jobs = append(jobs, dataFile{t: t, name: f})
		}
		res.Rows += t.Rows
		res.Bytes += t.Bytes
	}
	conns := make([]*sql.Conn, o.Threads)
	current := make([]string, o.Threads)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	err := scheduler.Run(ctx, o.Threads, scheduler.Slice(jobs), func(ctx context.Context, w int, j dataFile) error {
		if conns[w] == nil {
			c, err := prepare(ctx, db, o)
			if err != nil {
				return err
			}
			conns[w] = c
		}
		target := o.target(j.t.Database)
		if current[w] != target {
			if err := use(ctx, conns[w], target); err != nil {
				return fmt.Errorf("%s.%s: %w", target, j.t.Name, err)
			}
			current[w] = target
		}
		if err := verify(o.Dir, meta, j.name); err != nil {
			return fmt.Errorf("%s.%s: %w", target, j.t.Name, err)
		}
		if _, err := loadSQLData(ctx, conns[w], o.Dir, j.name, j.t.Compression); err != nil {
			return fmt.Errorf("%s.%s: %w", target, j.t.Name, err)
		}
		return nil
	})
	res.Files = len(jobs)
	return err
}

// createPostData creates views (retrying those that depend on views not yet created), then
// triggers, then routines and events.
func createPostData(ctx context.Context, c *sql.Conn, meta *dumpdir.Metadata, o *Options) error {
	var views []dumpdir.Table
	for _, t := range meta.Tables {
		if t.Kind == dumpdir.KindView && t.SchemaFile != "" {
			views = append(views, t)
		}
	}
	for len(views) > 0 {
		var failed []dumpdir.Table
		var lastErr error
		for _, v := range views {
			if err := use(ctx, c, o.target(v.Database)); err != nil {
				return err
			}
			if err := runScript(ctx, c, o.Dir, meta, v.SchemaFile); err != nil {
				failed = append(failed, v)
				lastErr = fmt.Errorf("view %s.%s: %w", o.target(v.Database), v.Name, err)
			}
		}
		if len(failed) == len(views) {
			return lastErr
		}
		views = failed
	}
	for _, t := range meta.Tables {
		if t.TriggersFile == "" {
			continue
		}
		if err := use(ctx, c, o.target(t.Database)); err != nil {
			return err
		}
		if err := runScript(ctx, c, o.Dir, meta, t.TriggersFile); err != nil {
			return fmt.Errorf("%s.%s triggers: %w", o.target(t.Database), t.Name, err)
		}
	}
	for _, d := range meta.Databases {
		if d.PostFile == "" {
			continue
		}
		if err := use(ctx, c, o.target(d.Name)); err != nil {
			return err
		}
		if err := runScript(ctx, c, o.Dir, meta, d.PostFile); err != nil {
			return fmt.Errorf("database %s routines and events: %w", o.target(d.Name), err)
		}
	}
	return nil
}
