// Package schema splits CREATE TABLE statements, parsed with the TiDB parser, into a CREATE
// that keeps the primary key only, deferred secondary indexes and foreign keys, so that the loader
// can add them with ALTER TABLE after the data is in.
//
// Design: SplitCreateTable works on the text of SHOW CREATE TABLE, which prints one column or
// index definition per line. Each line is classified with the TiDB parser
// (github.com/pingcap/tidb/pkg/parser) but the output is cut from the original lines, never
// regenerated, so MariaDB-only syntax survives. Kept lines are re-joined with commas; the
// deferred ones become ALTER TABLE `db`.`table` ADD ... statements in original line order, so
// that SHOW CREATE TABLE after the restore is identical to the source's. Anything the parser
// cannot classify makes the whole statement fall back unchanged, with Split.Warning set.
//
// Files: split.go (API and keep rules), classify.go (per-line parsing), lines.go (cutting the
// text at top-level newlines), defer_mode.go (--defer-indexes).
package schema
