// Package filelock owns the advisory locks that keep two sluice processes off one piece of
// state: a load's resume journal (two `sluice load --resume` runs of one dump would both load
// its unfinished chunks) and a binlog archive's directory (two archivers would write the same
// binlog files). It uses flock(2), as restic's local repository locks and SQLite's unix
// locking do for one machine: the lock belongs to the open file, so it ends when the file is
// closed or the process dies (kill -9 included), and never needs cleaning up.
//
// A lock on a network filesystem protects only the processes of one machine, and on a
// filesystem without flock support Lock takes none (see Lock).
package filelock
