// Package loader restores a dump directory written by package dumper (or by mydumper, for the
// parts of its format sluice reads) with N connections: databases and tables first, then data
// files, then deferred indexes and foreign keys, then views, triggers, routines and events.
package loader
