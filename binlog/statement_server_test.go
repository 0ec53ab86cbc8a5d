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
	var file, x, y string
	var pos uint64
	if err := db.QueryRow("SHOW MASTER STATUS").Scan(&file, &pos, &x, &y); err != nil {
		t.Fatal(err)
	}
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
