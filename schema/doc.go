// Package schema splits CREATE TABLE statements, parsed with the TiDB parser, into a CREATE
// that keeps the primary key only, deferred secondary indexes and foreign keys, so that the loader
// can add them with ALTER TABLE after the data is in.
package schema
