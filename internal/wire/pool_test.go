package wire

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

// TestPoolReadsSocketsDirectly checks that every connection of a dump pool is found in its
// registry and may be read directly, so dumps take the dumper's own row reader, and that the
// reader returns what the server sends.
func TestPoolReadsSocketsDirectly(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	db, ws, err := Open(ctx, s.ConnConfig(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 2 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.Raw(func(dc any) error {
			wc := ws.Lookup(dc)
			if wc == nil || !wc.Direct() {
				t.Fatalf("connection %d: socket %v not registered or not direct", i, wc)
			}
			var got []string
			err := wc.QueryRows(ctx, "SELECT 1, NULL, 'a\\tb' UNION ALL SELECT 2, 3.5, ''", 3, func(_ []byte, v [][]byte) error {
				got = append(got, string(v[0])+"|"+string(v[1])+"|"+string(v[2])+"|"+map[bool]string{true: "null"}[v[1] == nil])
				return nil
			})
			if err != nil {
				return err
			}
			if want := []string{"1||a\tb|null", "2|3.5||"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("rows %q, want %q", got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The driver carries on with the connection after the dumper's query.
		var one int
		if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("driver query after a direct one: %d, %v", one, err)
		}
	}
}
