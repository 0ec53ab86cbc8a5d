// Package progress is sluice's one progress design, shared by dump and load (and by copy and
// verify as they come): the library counts into a Counters, whose Report loop pushes a Snapshot
// to a Reporter about once a second and once more at the end. Reporter is declared here with a
// no-op default (Nop); the command line implements it with a terminal bar, a periodic log line
// and the run's summary record, all reading the same snapshots. This is restic's design
// (internal/ui/progress): atomic counters, read into a snapshot, printed on a ticker and once at
// the end.
package progress
