package loader

import (
	"context"
	"fmt"
	"time"
)

// Server errors that mean "already done" when a resumed restore repeats a DDL statement whose
// journal line was lost (MariaDB 10.11 error numbers): ER_DUP_KEYNAME, ER_DUP_CONSTRAINT_NAME,
// ER_FK_DUP_NAME, ER_TABLE_EXISTS_ERROR, ER_SP_ALREADY_EXISTS, ER_TRG_ALREADY_EXISTS,
// ER_EVENT_ALREADY_EXISTS.
var alreadyDone = []uint16{1061, 1826, 1050, 1304, 1359, 1537}

// addIndexes runs a table's deferred-index ALTERs (one for the ordinary and unique keys, one per
// FULLTEXT key) on worker w, journalling each. See schema.Split.Indexes.
func (r *restore) addIndexes(ctx context.Context, w int, p *tablePlan) error {
	r.c.Running(1)
	defer r.c.Running(-1)
	for k, q := range p.split.Indexes {
		if r.j.has(indexEntry(p, k)) {
			continue
		}
		if err := r.ddl(ctx, w, p, "indexes", q); err != nil {
			return err
		}
		if err := r.j.add(indexEntry(p, k)); err != nil {
			return err
		}
	}
	return nil
}

// addForeignKeys adds a table's foreign keys (foreign_key_checks is 0 on the session, so the
// server only records them) and journals it.
func (r *restore) addForeignKeys(ctx context.Context, w int, p *tablePlan) error {
	r.c.Running(1)
	defer r.c.Running(-1)
	for _, q := range p.split.ForeignKeys {
		if err := r.ddl(ctx, w, p, "foreign keys", q); err != nil {
			return err
		}
	}
	return r.j.add("constraint " + p.key)
}

// ddl runs one ALTER TABLE on worker w's connection in utf8mb4 (data files leave the session in
// SET NAMES binary; index names and comments are text).
func (r *restore) ddl(ctx context.Context, w int, p *tablePlan, what, q string) error {
	c := r.conns[w]
	if _, err := c.ExecContext(ctx, "SET NAMES utf8mb4"); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	start := time.Now()
	r.o.Log.Info("adding deferred definitions", "table", p.String(), "what", what)
	_, err := c.ExecContext(ctx, q)
	if err != nil && r.o.Resume && errIs(err, alreadyDone...) {
		r.o.Log.Info("already added by the interrupted restore", "table", p.String(), "what", what, "err", err)
		err = nil
	}
	if err != nil {
		return fmt.Errorf("%s: adding %s: %w: try --defer-indexes none if the server rejects the ALTER TABLE", p, what, err)
	}
	r.o.Log.Info("added deferred definitions", "table", p.String(), "what", what, "seconds", time.Since(start).Seconds())
	return nil
}
