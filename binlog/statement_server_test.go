package binlog

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestReplayRefusesStatementFormat: a transaction logged in statement format stops a (dry
// run) replay with an error naming binlog_format=ROW, unless AllowStatementBinlogs; the dry
// run reports the last transaction it would apply.
func TestReplayRefusesStatementFormat(t *testing.T) {
	s, db := startServer(t)
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	file, pos := masterPos(t, db)
	exec1(t, db, "CREATE DATABASE st", "CREATE TABLE st.t (id INT PRIMARY KEY)")
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{"SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO st.t VALUES (1)"} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	dir := t.TempDir()
	if err := Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: file, ServerID: 4245}); err != nil {
		t.Fatal(err)
	}
	ro := ReplayOptions{Dir: dir, DumpFile: file, DumpPos: pos, DryRun: true}
	if _, err := Replay(ctx, nil, ro); err == nil || !strings.Contains(err.Error(), "binlog_format=ROW") {
		t.Fatalf("replay of statement-format DML: %v, want an error naming binlog_format=ROW", err)
	}
	ro.AllowStatementBinlogs = true
	res, err := Replay(ctx, nil, ro)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Last, "INSERT INTO st.t VALUES (1)") || res.Transactions != 3 {
		t.Fatalf("dry run: %d transactions, last %q; want 3 ending with the INSERT", res.Transactions, res.Last)
	}
}

// TestReplayStatementContext replays statement-format transactions whose result depends on
// the session context the source logs as events of their own: RAND() (a Rand event),
// user variables of every type (User_var events), AUTO_INCREMENT and LAST_INSERT_ID()
// (Intvar events). With --allow-statement-binlogs the target ends equal to the source by
// CHECKSUM TABLE, in both ways load sends statements.
func TestReplayStatementContext(t *testing.T) {
	s, db := startServer(t)
	dst, ddb := startServer(t)
	if s == nil || dst == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema := []string{"CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40), d DATETIME(3), " +
		"s VARCHAR(20) CHARACTER SET utf8mb4, i BIGINT, u BIGINT UNSIGNED, r DOUBLE, x DECIMAL(30,9), n INT, rnd DOUBLE, li BIGINT)"}
	exec1(t, db, schema...)
	file, pos := masterPos(t, db)
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{
		"SET SESSION binlog_format = 'STATEMENT'",
		"SET NAMES utf8mb4",
		"SET @s = 'héllo wörld', @i = -42, @u = 18446744073709551615, @r = 1250.5e-3, @x = CAST('-123456789012.345678901' AS DECIMAL(30,9)), @n = NULL",
		"INSERT INTO pitr.t (v, s, i, u, r, x, n, rnd) VALUES ('vars', @s, @i, @u, @r, @x, @n, RAND())",
		"INSERT INTO pitr.t (v, rnd, li) VALUES ('rand and last id', RAND(), LAST_INSERT_ID())",
		"BEGIN",
		"INSERT INTO pitr.t (v, rnd) VALUES ('in a transaction', RAND() * 1000)",
		"UPDATE pitr.t SET li = LAST_INSERT_ID() + 1, r = RAND() WHERE id = 1",
		"COMMIT",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	want := checksum(t, db)
	dir := t.TempDir()
	if err := Archive(ctx, Options{Source: s.ConnConfig(), Dir: dir, StartFile: file, ServerID: 4250}); err != nil {
		t.Fatal(err)
	}
	for _, multi := range []bool{false, true} {
		exec1(t, ddb, "DROP DATABASE IF EXISTS pitr")
		exec1(t, ddb, schema...)
		rc, err := multiStatementDB(t, dst.ConnConfig()).Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Replay(ctx, rc, ReplayOptions{Dir: dir, DumpFile: file, DumpPos: pos, AllowStatementBinlogs: true, MultiStatements: multi})
		rc.Close()
		if err != nil {
			t.Fatalf("multi=%v: %v", multi, err)
		}
		if got := checksum(t, ddb); got != want {
			var v string
			_ = ddb.QueryRow("SELECT GROUP_CONCAT(CONCAT_WS('|', id, v, s, i, u, r, x, IFNULL(n, 'NULL'), rnd, li)) FROM pitr.t").Scan(&v)
			t.Errorf("multi=%v: after replay (%+v) checksum %d, want the source's %d; target rows %s", multi, res, got, want, v)
		}
	}
}
