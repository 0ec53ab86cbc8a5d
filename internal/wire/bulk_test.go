package wire

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/internal/testserver"
)

// greetingPayload is a Handshake V10 payload with capabilities caps (low 16 bits) and MariaDB
// extended capabilities ext.
func greetingPayload(caps uint16, ext uint32) []byte {
	p := append([]byte{10}, "5.5.5-10.11.19-MariaDB\x00"...)
	p = append(p, 1, 0, 0, 0)    // thread id
	p = append(p, "scramble"...) // scramble, part 1
	p = append(p, 0)             // filler
	p = binary.LittleEndian.AppendUint16(p, caps)
	p = append(p, 45, 2, 0, 0xff, 0x81, 21) // charset, status, caps high, auth data length
	p = append(p, 0, 0, 0, 0, 0, 0)         // filler
	p = binary.LittleEndian.AppendUint32(p, ext)
	return append(p, "scramble part 2\x00mysql_native_password\x00"...)
}

// TestGreetingOffersBulk checks the greeting parser: bulk operations only when CLIENT_MYSQL is
// clear and the extended capabilities hold MARIADB_CLIENT_STMT_BULK_OPERATIONS, whatever chunks
// the greeting arrives in.
func TestGreetingOffersBulk(t *testing.T) {
	for _, c := range []struct {
		caps uint16
		ext  uint32
		want bool
	}{
		{0xf7fe, 0x1d, true},  // MariaDB 10.11
		{0xf7fe, 0x19, false}, // no bulk bit
		{0xf7ff, 0x1d, false}, // CLIENT_MYSQL set: those bytes are filler (MySQL)
	} {
		p := greetingPayload(c.caps, c.ext)
		pkt := append([]byte{byte(len(p)), 0, 0, 0}, p...)
		var g greeting
		g.add(pkt[:3])
		g.add(pkt[3:20])
		if g.done {
			t.Fatalf("greeting done after 20 of %d bytes", len(pkt))
		}
		g.add(pkt[20:])
		if !g.done || g.bulk != c.want {
			t.Errorf("caps %#x ext %#x: done %v bulk %v, want bulk %v", c.caps, c.ext, g.done, g.bulk, c.want)
		}
	}
	if greetingOffersBulk([]byte{10, 'x'}) {
		t.Error("a truncated greeting offers bulk")
	}
}

// TestAskBulk checks the handshake-response rewrite: the bulk bit joins the extended
// capabilities go-sql-driver wrote (or the zero filler of a MySQL-style response, whose
// CLIENT_MYSQL it clears), and an SSL request or an unknown filler is left as it was.
func TestAskBulk(t *testing.T) {
	resp := func(caps, ext uint32) []byte {
		p := []byte{32, 0, 0, 1}
		p = binary.LittleEndian.AppendUint32(p, caps)
		p = binary.LittleEndian.AppendUint32(p, 0)
		p = append(p, 45)
		p = append(p, make([]byte, 19)...)
		p = binary.LittleEndian.AppendUint32(p, ext)
		return append(p, "user\x00"...)
	}
	p := resp(capProtocol41|0x8000, 0x10)
	if !askBulk(p) || binary.LittleEndian.Uint32(p[32:36]) != 0x14 || binary.LittleEndian.Uint32(p[4:8])&capClientMySQL != 0 {
		t.Errorf("MariaDB-style response: %x", p[4:36])
	}
	p = resp(capProtocol41|capClientMySQL, 0)
	if !askBulk(p) || binary.LittleEndian.Uint32(p[32:36]) != extCapBulk || binary.LittleEndian.Uint32(p[4:8])&capClientMySQL != 0 {
		t.Errorf("MySQL-style response: %x", p[4:36])
	}
	for name, p := range map[string][]byte{
		"SSL request":    resp(capProtocol41|capSSL, 0x10),
		"unknown filler": resp(capProtocol41|capClientMySQL, 7),
		"short":          resp(capProtocol41, 0)[:30],
	} {
		before := append([]byte(nil), p...)
		if askBulk(p) || string(p) != string(before) {
			t.Errorf("%s: rewritten to %x", name, p)
		}
	}
}

// TestBulkInsert runs a bulk INSERT on a real server: the session negotiates bulk operations,
// the rows arrive as sent (NULLs, empty strings, bytes that are not UTF-8 into a latin1 column
// of a utf8mb4 session, numbers as text), a
// duplicate key under INSERT IGNORE is a short count, and a server error is a *mysql.MySQLError
// that leaves the connection usable.
func TestBulkInsert(t *testing.T) {
	s := testserver.ForTest(t, testserver.Options{})
	ctx := context.Background()
	db, ws, err := Open(ctx, s.ConnConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{"CREATE DATABASE bk", "USE bk", "SET NAMES utf8mb4",
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET latin1, b VARBINARY(4), d DECIMAL(6,2))"} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var rows []byte
	for _, r := range [][][]byte{
		{[]byte("1"), []byte("\xe9t\xe9"), {0, 0xff}, []byte("-1.5")},
		{[]byte("2"), nil, []byte{}, nil},
		{[]byte("3"), []byte(""), nil, []byte("0")},
		{[]byte("1"), []byte("dup"), nil, nil},
	} {
		for _, v := range r {
			rows = AppendBulkValue(rows, v)
		}
	}
	err = c.Raw(func(dc any) error {
		wc := ws.Lookup(dc)
		if wc == nil || !wc.Bulk() {
			t.Fatal("the session did not negotiate bulk operations")
		}
		if _, err := wc.Prepare(ctx, "INSERT INTO nosuch (a) VALUES (?)"); err == nil || !errors.As(err, new(*mysql.MySQLError)) {
			t.Errorf("preparing an INSERT into a missing table: %v, want a server error", err)
		}
		st, err := wc.Prepare(ctx, "INSERT IGNORE INTO t (id, v, b, d) VALUES (?, ?, ?, ?)")
		if err != nil {
			return err
		}
		if st.Params != 4 {
			t.Errorf("%d parameters, want 4", st.Params)
		}
		n, err := wc.BulkInsert(ctx, st, rows)
		if err != nil {
			return err
		}
		if n != 3 {
			t.Errorf("%d rows affected, want 3 (one duplicate ignored)", n)
		}
		return wc.CloseStmt(ctx, st)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	q := "SELECT GROUP_CONCAT(CONCAT_WS(',', id, IFNULL(HEX(v), 'null'), IFNULL(HEX(b), 'null'), IFNULL(d, 'null')) ORDER BY id SEPARATOR ';') FROM t"
	if err := c.QueryRowContext(ctx, q).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "1,E974E9,00FF,-1.50;2,null,,null;3,,null,0.00"; got != want {
		t.Errorf("table holds %s, want %s", got, want)
	}
}

// TestAppendLenenc checks the length-encoded integer at each width's bounds.
func TestAppendLenenc(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "00", 250: "fa", 251: "fcfb00", 65535: "fcffff", 65536: "fd000001",
		1<<24 - 1: "fdffffff", 1 << 24: "fe0000000100000000",
	} {
		if got := fmt.Sprintf("%x", AppendLenenc(nil, n)); got != want {
			t.Errorf("AppendLenenc(%d) = %s, want %s", n, got, want)
		}
	}
	if got := fmt.Sprintf("%x", AppendBulkValue(AppendBulkValue(nil, nil), []byte("ab"))); got != "0100026162" {
		t.Errorf("AppendBulkValue(NULL, 'ab') = %s, want 010002 6162", got)
	}
}
