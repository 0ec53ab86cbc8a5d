package roundtrip

import (
	"context"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// TestLoadPausesStats checks the loader's statistics pause (loader/stats.go): a loaded InnoDB
// table gets STATS_AUTO_RECALC=0 before its first row and the server's default back after its
// last, ends with no STATS_AUTO_RECALC option and with persistent statistics of all its rows
// (ANALYZE TABLE), while a table dumped with its own STATS_AUTO_RECALC keeps it untouched.
func TestLoadPausesStats(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	src := Open(t, a, "")
	Exec(t, src, "CREATE DATABASE st",
		"CREATE TABLE st.plain (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL, c VARCHAR(40), KEY k (k)) ENGINE=InnoDB",
		"INSERT INTO st.plain (k, c) SELECT seq % 97, CONCAT('c', seq) FROM st.seq_1_to_30000",
		"CREATE TABLE st.own (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB STATS_AUTO_RECALC=1",
		"INSERT INTO st.own SELECT seq, seq FROM st.seq_1_to_500")
	do := dumper.Options{OutDir: t.TempDir() + "/dump", Databases: []string{"st"}, Threads: 1, FileSize: 200000}
	if _, err := dumper.Run(ctx, Config(a), do); err != nil {
		t.Fatal(err)
	}
	lo := loader.Options{Dir: do.OutDir, Threads: 2, TargetDB: "st2"}
	plan, err := loader.DryRun(ctx, Config(a), lo)
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range plan.Tables {
		want := ""
		if pt.Name == "st2.plain" {
			want = "ALTER TABLE `st2`.`plain` STATS_AUTO_RECALC=0"
		}
		if pt.StatsPause != want {
			t.Errorf("dry run: %s StatsPause %q, want %q", pt.Name, pt.StatsPause, want)
		}
	}
	Exec(t, src, "SET GLOBAL log_output = 'TABLE'", "TRUNCATE mysql.general_log", "SET GLOBAL general_log = 1")
	_, err = loader.Run(ctx, Config(a), lo)
	Exec(t, src, "SET GLOBAL general_log = 0")
	if err != nil {
		t.Fatal(err)
	}

	// The statements on the tables in the order the server took them.
	rows, err := src.QueryContext(ctx, "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute') ORDER BY event_time")
	if err != nil {
		t.Fatal(err)
	}
	var pause, firstLoad, lastLoad, back, analyze = -1, -1, -1, -1, -1
	var ownTouched bool
	for i := 0; rows.Next(); i++ {
		var q string
		if err := rows.Scan(&q); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.Contains(q, "plain") && strings.Contains(q, "STATS_AUTO_RECALC=0"):
			pause = i
		case strings.Contains(q, "plain") && strings.Contains(q, "STATS_AUTO_RECALC=DEFAULT"):
			back = i
		case strings.HasPrefix(q, "ANALYZE TABLE") && strings.Contains(q, "plain"):
			analyze = i
		case (strings.HasPrefix(q, "LOAD DATA") || strings.HasPrefix(q, "INSERT IGNORE INTO")) && strings.Contains(q, "plain"): // LOAD DATA or bulk INSERT
			if firstLoad < 0 {
				firstLoad = i
			}
			lastLoad = i
		}
		if strings.HasPrefix(q, "ALTER TABLE") && strings.Contains(q, "`own`") && strings.Contains(q, "STATS_AUTO_RECALC") {
			ownTouched = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if pause < 0 || firstLoad < 0 || back < 0 || analyze < 0 || !(pause < firstLoad && lastLoad < back && back < analyze) {
		t.Errorf("plain: pause at %d, data %d..%d, default back at %d, ANALYZE at %d: want them in that order", pause, firstLoad, lastLoad, back, analyze)
	}
	if ownTouched {
		t.Errorf("own: the loader changed its dumped STATS_AUTO_RECALC")
	}

	for table, want := range map[string]bool{"plain": false, "own": true} {
		var name, create string
		if err := src.QueryRowContext(ctx, "SHOW CREATE TABLE st2."+table).Scan(&name, &create); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(create, "STATS_AUTO_RECALC=1"); got != want || !want && strings.Contains(create, "STATS_AUTO_RECALC") {
			t.Errorf("st2.%s after the load:\n%s\nwant STATS_AUTO_RECALC=1 %v, as dumped", table, create, want)
		}
	}
	var n int64
	if err := src.QueryRowContext(ctx, "SELECT n_rows FROM mysql.innodb_table_stats WHERE database_name = 'st2' AND table_name = 'plain'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	// ANALYZE samples pages, so n_rows is an estimate; before it, with recalculation paused
	// from the empty table on, it would be about 0.
	if n < 15000 || n > 60000 {
		t.Errorf("st2.plain: persistent statistics say %d rows, want about 30000 (ANALYZE TABLE after the load)", n)
	}
}
