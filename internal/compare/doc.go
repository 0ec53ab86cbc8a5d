// Package compare reads what must be equal between a source database and its restored copy:
// CHECKSUM TABLE and row count per table, SHOW CREATE of tables, views, triggers, routines and
// events. The round-trip tests, the demo and the benchmarks use it to verify a restore.
package compare
