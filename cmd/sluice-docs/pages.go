package main

import (
	"os"
	"path/filepath"
	"regexp"

	"github.com/sluicedb/sluice/internal/testserver"
)

// page is one docs/COMMAND.md.
type page struct {
	name, intro string
	steps       func() []step
}

func pages(s *session) []page {
	dumps := filepath.Join(s.work, "dumps")
	os.MkdirAll(dumps, 0o700)
	nightly := filepath.Join(dumps, "2026-12-01")
	prom := filepath.Join(s.work, "sluice.prom")
	return []page{
		{name: "dump", intro: "Takes a consistent dump of a server into a new directory: one snapshot shared by every " +
			"worker connection, the global read lock held only while the snapshots start (BACKUP STAGE on MariaDB), " +
			"tables cut into chunks on their primary key, the metadata file written last.",
			steps: func() []step {
				return []step{
					s.step(s.src, "Plan a dump (--dry-run)", "Connects and reads the catalog; locks nothing and writes nothing. "+
						"Tables are listed largest first with their estimates, chunking key, chunks and files; problems that would "+
						"make the dump fail (FAIL, exit 1) or warn (WARN, exit 4) are listed last.",
						"dump", "-B", "shop", "-o", nightly, "-t", "4", "--dry-run"),
					s.step(s.src, "Dump a database", "Log lines as text, one summary record at the end.",
						"dump", "-B", "shop", "-o", nightly, "-t", "4", "-c", "zstd"),
					s.step(s.src, "From cron: JSON logs and a metrics file", "One JSON object a line, the summary last; the "+
						"metrics file is node_exporter's textfile format, written atomically at the end.",
						"dump", "-B", "shop", "-o", filepath.Join(dumps, "json"), "--log-format", "json", "--metrics-file", prom),
					{title: "The metrics file it wrote", cmdline: "cat /tmp/sluice.prom", output: s.placeholders(readFile(prom))},
					s.step(s.src, "A warning: exit 4", "--replica-data on a server that is not a replica: the dump completes, "+
						"the warning is logged by name, and the exit code is 4 (with --strict, 1).",
						"dump", "-B", "shop", "-o", filepath.Join(dumps, "warned"), "--replica-data"),
				}
			}},
		{name: "load", intro: "Restores a dump directory into a server: tables created with their primary key only, data " +
			"files loaded largest table first, each table's secondary indexes built as soon as its data is in and its " +
			"foreign keys once the tables they reference are indexed, then views, triggers, routines and events. " +
			"A dump's rows (SQL or sluice's tsv) go to MariaDB by bulk INSERT (prepared INSERT IGNORE, rows in COM_STMT_BULK_EXECUTE " +
			"commands) where the table is transactional (InnoDB) and has no spatial, BIT or YEAR column, else by LOAD DATA LOCAL " +
			"(--no-bulk-insert: always). An interrupted restore (exit 130 or 143, or killed) is finished with --resume, every row once: " +
			"InnoDB tables go on from the last committed transaction, while a MyISAM, Aria or other non-transactional table that was partly loaded " +
			"(whose rows no ROLLBACK undoes) is emptied and loaded again whole. A load holds its journal locked while it runs " +
			"(flock), so a second load of the same dump, --resume included, is refused while the first is still running.",
			steps: func() []step {
				return []step{
					s.step(s.dst, "Plan a restore (--dry-run)", "Reads the dump and the target; changes nothing. Lists each "+
						"table's PRIMARY KEY-only CREATE TABLE and its deferred index and foreign-key statements in load order, the "+
						"post-data objects, and what would fail.",
						"load", "-d", nightly, "--dry-run"),
					s.step(s.dst, "Restore it, checking row counts", "", "load", "-d", nightly, "-t", "4", "--checksum"),
					s.step(s.dst, "Restoring again onto the same tables", "The load refuses before changing anything.",
						"load", "-d", nightly),
				}
			}},
		{name: "verify", intro: "Compares the tables of two live servers: structure, then chunked checksums along each " +
			"table's key, a differing chunk bisected down to ranges of at most 1,000 rows, one line per differing range. " +
			"Exit 0 equal, 3 different, 1 error.",
			steps: func() []step {
				return []step{
					s.verifyStep("Compare the restored copy with its source", "", ""),
					s.verifyStep("After a row is changed on the copy", "One UPDATE on db2 first: "+
						"`UPDATE shop.orders SET total = 0 WHERE id = 4242`.", "UPDATE shop.orders SET total = 0 WHERE id = 4242"),
				}
			}},
		{name: "copy", intro: "Copies databases from a live server to another: the consistent snapshot of a dump, loaded " +
			"into the target as a load does it (primary keys first, deferred indexes, then views, triggers, routines and " +
			"events), with -t threads reading and --target-threads loading. No file is written: chunks go from the dump " +
			"workers to the load workers through a bounded in-memory queue, so dump and load overlap. A copy killed " +
			"mid-way leaves the target marked incomplete (database _sluice_copy) and --resume finishes it; --replicate " +
			"attaches the target to the source at the snapshot's position." +
			" Measured (bench, small-pool 256 MB target, indexed:4x500000, -t 2, one run each on the shared 2-core machine at load average 4-12, so ±30 %): copy 35.8 s against 30.6 s for the load alone of a tsv dump (1.17) and 34.1 s for dump + load; peak RSS of the copy 98 MiB at -t 2 (bench), 137 MiB at -t 4 (4x200k rows, measured in-process).",
			steps: func() []step {
				return []step{
					s.twoServerStep("Copy shop into another database of the target", "",
						"copy", "-B", "shop", "--target-database", "shop_copy", "-t", "2", "--target-threads", "2"),
				}
			}},
		{name: "list", intro: "Lists the dumps under a parent directory (or s3://BUCKET/PREFIX), newest first: start time, " +
			"duration, state (complete, running, stale, failed, damaged), size, tables, rows, source and GTID set, encryption.",
			steps: func() []step {
				return []step{
					s.step(nil, "The dumps of the examples above", "", "list", dumps),
					s.step(nil, "For scripts", "", "list", dumps, "--json"),
				}
			}},
		{name: "prune", intro: "Removes old dumps under a parent by a restic-style policy (--keep-last, --keep-daily, " +
			"--keep-weekly, --keep-monthly). The newest complete dump and running dumps are always kept; incomplete dumps " +
			"go once they are stale.",
			steps: func() []step {
				return []step{
					s.step(nil, "What --keep-last 1 would remove", "", "prune", dumps, "--keep-last", "1", "--dry-run"),
				}
			}},
		{name: "replication-sql", intro: "Prints the statements that attach a server restored from a dump to the " +
			"dump's source (or, for a dump taken from a replica, to that replica's source), for a person to run.",
			steps: func() []step {
				return []step{
					s.step(nil, "For a MariaDB target, without connecting to it", "",
						"replication-sql", "-d", nightly, "--replicate-from", "db1", "--replication-user", "repl",
						"--target-flavor", "mariadb", "--target-version", "10.11.6"),
					s.step(nil, "For MySQL 8.4, by binlog file and position", "",
						"replication-sql", "-d", nightly, "--replicate-from", "db1:3307", "--replication-user", "repl",
						"--replication-mode", "binlog", "--target-flavor", "mysql", "--target-version", "8.4.2"),
				}
			}},
		{name: "binlog-archive", intro: "Archives a server's binary logs for point-in-time recovery: connects as a replica " +
			"(--server-id), reads from the binlog file holding a dump's coordinates (--dump), a GTID position (--start-gtid) or " +
			"a file and position (--start-file, --start-position), and writes the events byte for byte as binlog files of " +
			"the source's names (readable by mariadb-binlog) with an index (index.json: each file's positions, first and last " +
			"event time and GTID, SHA-256) rewritten after each fsync. Run again, it resumes after the last durable event; " +
			"with --stop-never it follows the source until SIGTERM, reconnecting with backoff, and reports its lag. The archive " +
			"may be s3://BUCKET/PREFIX: the open file grows in a local --spool directory and is uploaded once the source " +
			"rotates past it (and, on exit, as far as it is durable), the index last. A source " +
			"that purged logs the archive needs is refused (a gap). An archiver holds the archive (its spool for s3://) locked " +
			"(flock on sluice-archive.lock) while it runs, so a second archiver of it stops at once. `sluice load --binlogs ARCHIVE` replays the archive " +
			"after loading the dump, to its end, --until-gtid or --until-time; an interrupted replay is finished with --resume. " +
			"A replay holds a user-level lock on the target (GET_LOCK), so a second replay of the same archive into the same server is refused.",
			steps: func() []step {
				binlogs := filepath.Join(s.work, "binlogs")
				steps := []step{
					s.step(s.src, "Archive from last night's dump to the source's current end", "",
						"binlog-archive", "--dump", nightly, "-o", binlogs),
				}
				steps = append(steps, s.sqlStep(s.src, "UPDATE shop.orders SET note = 'changed after the dump' WHERE id <= 100"))
				gtid := s.gtid(s.src)
				steps = append(steps, s.sqlStep(s.src, "DELETE FROM shop.audit"),
					s.step(s.src, "After more writes, the same command resumes the archive", "",
						"binlog-archive", "--dump", nightly, "-o", binlogs),
					s.sqlStep(s.dst, "DROP DATABASE shop"),
					s.step(s.dst, "What a point-in-time restore would apply (--dry-run)", "The last transaction it would apply: "+
						"its GTID, time and statement (or tables and row events).",
						"load", "-d", nightly, "--binlogs", binlogs, "--dry-run"),
					s.step(s.dst, "Restore to the moment before the DELETE", "The dump is loaded, then the archive replayed "+
						"up to and including the UPDATE's transaction ("+s.placeholders(gtid)+").",
						"load", "-d", nightly, "--binlogs", binlogs, "--until-gtid", gtid, "-t", "4"))
				return steps
			}},
	}
}

// readFile returns a file's content, or the error as text.
func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error() + "\n"
	}
	return timestampRE.ReplaceAllString(string(b), "${1}1.7648e+09")
}

var timestampRE = regexp.MustCompile(`(sluice_last_run_timestamp_seconds\{[^}]*\} )\S+`)

// sqlStep runs SQL statements on sv (db1 or db2) and shows them as a step.
func (s *session) sqlStep(sv *testserver.Server, stmt string) step {
	host := "db1"
	if sv == s.dst {
		host = "db2"
	}
	st := step{title: "On " + host + ": " + stmt, cmdline: "mariadb -h " + host + " -e \"" + stmt + "\""}
	db, err := sv.DB("")
	if err == nil {
		_, err = db.Exec(stmt)
		db.Close()
	}
	if err != nil {
		st.output, st.code = err.Error()+"\n", 1
	}
	return st
}

// gtid returns sv's @@gtid_binlog_pos ("" on an error).
func (s *session) gtid(sv *testserver.Server) string {
	db, err := sv.DB("")
	if err != nil {
		return ""
	}
	defer db.Close()
	var g string
	_ = db.QueryRow("SELECT @@gtid_binlog_pos").Scan(&g)
	return g
}
