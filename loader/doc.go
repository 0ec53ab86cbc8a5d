// Package loader restores a dump directory written by package dumper, or by mydumper 0.9 to 1.0
// (package dumpdir reads its metadata and file names; docs/mydumper.md), with N connections.
//
// Design (Run): tables are created with their PRIMARY KEY only (package schema cuts each CREATE
// TABLE into that, deferred-index ALTERs and foreign-key ALTERs); data files are loaded largest
// table first, and package scheduler's monitor starts a table's index build as soon as its last
// data file is in, while other tables keep loading, then adds foreign keys once the tables they
// reference are indexed; views, triggers, routines and events come last. Accounts (users.go,
// package accounts) are checked against the target before anything is loaded, created after
// the databases (before the views and routines whose DEFINER they are) and granted after the
// post-data objects; DEFINERs are kept, dropped or replaced as runPostFile runs each statement.
// SQL files run statement by statement, or as LOAD DATA of their rows, in bounded
// transactions; tsv files stream through LOAD DATA LOCAL INFILE from the decompressing reader
// (INSERTs when the server has local_infile off), cut at row boundaries into bounded
// transactions. The bound comes from the target's write-set limits (Galera, Group
// Replication, the binlog cache; txbound.go).
//
// Resume: every finished job is appended to a journal file (fsynced), and every data
// transaction records the file's progress in a table on the target in the same transaction
// (progress_table.go says why), so `--resume` after Ctrl-C, a kill or a lost server loads no
// row twice and misses none.
//
// Verified load (checksum.go, --checksum): once everything is loaded, every chunk's row count
// and checksum are recomputed on the target over the chunk's recorded key range, o.Threads at
// a time, and compared with the dump's; a difference is a *ChecksumError (exit code 3).
package loader
