package checksum_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/roundtrip"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/internal/wire"
)

// TestReadEqualsQuery: on the hard values (every column type, every byte, NULLs, extreme
// numbers) and a table of each key shape, the checksum read back from the socket
// (checksum.Read) equals the one the server rebuilds (checksum.Run), over whole tables and over
// a key range, and counts every row.
func TestReadEqualsQuery(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{NoBinlog: true, ExtraArgs: []string{"--default-time-zone=+05:30"}})
	ctx := context.Background()
	setup := roundtrip.Open(t, s, "")
	roundtrip.CreateHardValues(t, setup, "hardv")
	roundtrip.CreateKeyShapes(t, setup, "hardv", 300)
	db, socks, err := wire.Open(ctx, s.ConnConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range checksum.Session {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var tables []string
	rows, err := c.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'hardv' AND TABLE_TYPE = 'BASE TABLE'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 3 {
		t.Fatalf("tables %v: the fixtures made fewer than 3", tables)
	}
	for _, table := range tables {
		cols, err := checksum.Columns(ctx, c, "hardv", table, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM hardv."+"`"+table+"`").Scan(&n); err != nil {
			t.Fatal(err)
		}
		wheres := []string{""}
		if table == "k_int" {
			wheres = append(wheres, "`id` >= 50 AND `id` < 120")
		}
		for _, where := range wheres {
			want, err := checksum.Run(ctx, c, "hardv", table, cols, where)
			if err != nil {
				t.Fatal(err)
			}
			got := read(t, c, socks, table, cols, where)
			if got != want {
				t.Errorf("%s where %q: read %v, query %v", table, where, got, want)
			}
			if where == "" && (got.Rows != n || n == 0) {
				t.Errorf("%s: read %d rows, the table has %d", table, got.Rows, n)
			}
		}
	}
}

// read runs checksum.Read on c's socket, failing t when it is not registered or not direct.
func read(t *testing.T, c *sql.Conn, socks *wire.Sockets, table string, cols []checksum.Column, where string) checksum.Sum {
	t.Helper()
	var s checksum.Sum
	err := c.Raw(func(dc any) error {
		wc := socks.Lookup(dc)
		if wc == nil || !wc.Direct() {
			t.Fatal("the connection's socket is not registered or not direct")
		}
		var err error
		s, err = checksum.Read(context.Background(), wc, "hardv", table, cols, where)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
