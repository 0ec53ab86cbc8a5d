// Package loader restores a dump directory written by package dumper (or by mydumper, for the
// parts of its format sluice reads) with N connections.
//
// Design (Run): tables are created with their PRIMARY KEY only (package schema cuts each CREATE
// TABLE into that, deferred-index ALTERs and foreign-key ALTERs); data files are loaded largest
// table first, and package scheduler's monitor starts a table's index build as soon as its last
// data file is in, while other tables keep loading, then adds foreign keys once the tables they
// reference are indexed; views, triggers, routines and events come last. Accounts (users.go,
// package accounts) are checked against the target before anything is loaded, created after
// the databases (before the views and routines whose DEFINER they are) and granted after the
// post-data objects; DEFINERs are kept, dropped or replaced as runPostFile runs each statement. SQL files run
// statement by statement in bounded transactions; tsv files stream through LOAD DATA LOCAL
// INFILE from the decompressing reader (INSERTs when the server has local_infile off).
//
// Resume: every finished job is appended to a journal file (fsynced), and every data
// transaction records the file's progress in a table on the target in the same transaction
// (progress_table.go says why), so `--resume` after Ctrl-C, a kill or a lost server loads no
// row twice and misses none.
package loader
