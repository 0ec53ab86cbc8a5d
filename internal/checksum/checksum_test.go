package checksum

import (
	"bytes"
	"strings"
	"testing"
)

// TestAddValuesEncodesPackets: AddValues sums the same bytes as the server's row packet, with
// every width of length prefix (1, 3, 4 and 9 bytes) and NULL.
func TestAddValuesEncodesPackets(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, 70000)
	vals := [][]byte{[]byte("42"), nil, {}, bytes.Repeat([]byte{0xfb}, 251), long}
	var packet []byte
	packet = append(packet, 2, '4', '2', 0xfb, 0)
	packet = append(packet, 0xfc, 251, 0)
	packet = append(packet, vals[3]...)
	packet = append(packet, 0xfd, byte(70000&255), byte(70000>>8&255), byte(70000>>16))
	packet = append(packet, long...)
	var a, b Sum
	a.AddPacket(packet)
	b.AddValues(vals, nil)
	if a != b || a.Rows != 1 || a.CRC == 0 {
		t.Fatalf("AddValues %v, AddPacket %v", b, a)
	}
	if got := appendLenenc(nil, make([]byte, 1<<24)); !bytes.Equal(got[:9], []byte{0xfe, 0, 0, 0, 1, 0, 0, 0, 0}) {
		t.Fatalf("16 MiB value: prefix % x", got[:9])
	}
}

func TestSumStringRoundTrip(t *testing.T) {
	s := Sum{Rows: 12, CRC: 1<<63 + 5}
	got, err := ParseSum(s.String())
	if err != nil || got != s {
		t.Fatalf("ParseSum(%q) = %v, %v", s, got, err)
	}
	for _, bad := range []string{"", "1", "1 x", "-a 2", "1 2 3"} {
		if _, err := ParseSum(bad); err == nil {
			t.Errorf("ParseSum(%q): no error", bad)
		}
	}
}

// TestSplitSum: the query's DECIMAL sum is reduced modulo 2^64, and rows the server could not
// rebuild (each adding 2^64) are counted.
func TestSplitSum(t *testing.T) {
	for _, c := range []struct {
		dec       string
		crc, long uint64
		wantErr   bool
	}{
		{"0", 0, 0, false},
		{"4294967295", 4294967295, 0, false},
		{"18446744073709551617", 1, 1, false},
		{"36893488147419103232.0000", 0, 2, false},
		{"-1", 0, 0, true},
		{"x", 0, 0, true},
	} {
		crc, long, err := splitSum(c.dec)
		if (err != nil) != c.wantErr || (err == nil && (crc != c.crc || long != c.long)) {
			t.Errorf("splitSum(%q) = %d, %d, %v; want %d, %d", c.dec, crc, long, err, c.crc, c.long)
		}
	}
}

// TestQueryShape: casts only where a character set could convert, IFNULL only for nullable
// columns, and the WHERE condition as given.
func TestQueryShape(t *testing.T) {
	q := Query("d", "t", []Column{{Name: "id", DataType: "int", NotNull: true}, {Name: "f", DataType: "float"}, {Name: "s", DataType: "varchar"}}, "`id` > 3")
	for _, want := range []string{
		"CONCAT(CHAR(LENGTH(`id`)), `id`)",
		"IFNULL(CONCAT(CHAR(LENGTH(CAST(`f` AS DOUBLE))), CAST(`f` AS DOUBLE)), X'FB')",
		"CAST(`s` AS BINARY)",
		"FROM `d`.`t` WHERE `id` > 3",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
	if strings.Contains(q, "IFNULL(CONCAT(CHAR(LENGTH(`id`))") {
		t.Errorf("NOT NULL column wrapped in IFNULL:\n%s", q)
	}
}
