package binlog

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestDecodeDecimal decodes the binary DECIMAL format (MySQL manual's example 1234567890.1234
// as DECIMAL(14,4), and its negation with every byte inverted).
func TestDecodeDecimal(t *testing.T) {
	for _, tc := range []struct {
		b           []byte
		prec, scale int
		want        string
	}{
		{[]byte{0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2}, 14, 4, "1234567890.1234"},
		{[]byte{0x7e, 0xf2, 0x04, 0xc7, 0x2d, 0xfb, 0x2d}, 14, 4, "-1234567890.1234"},
		{[]byte{0x80, 0x04, 0xd2, 0x16, 0x2e}, 10, 4, "1234.5678"},
		{[]byte{0x80, 0x00, 0x00, 0x00, 0x05}, 10, 4, "0.0005"},
		{[]byte{0x80, 0x00, 0x07}, 5, 0, "7"},
	} {
		got, err := decodeDecimal(tc.b, tc.prec, tc.scale)
		if err != nil || got != tc.want {
			t.Errorf("decodeDecimal(% x, %d, %d) = %q, %v; want %q", tc.b, tc.prec, tc.scale, got, err, tc.want)
		}
	}
	if _, err := decodeDecimal([]byte{0x80}, 14, 4); err == nil {
		t.Error("a short DECIMAL decoded without an error")
	}
}

// TestUserVarSQL builds User_var event bodies of each value type.
func TestUserVarSQL(t *testing.T) {
	ev := func(name string, null bool, typ byte, cs uint32, v []byte, flags ...byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, uint32(len(name)))
		b = append(b, name...)
		if null {
			return append(b, 1)
		}
		b = append(b, 0, typ)
		b = binary.LittleEndian.AppendUint32(b, cs)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		return append(append(b, v...), flags...)
	}
	i64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	coll := func(id uint32) (string, string) {
		if id == 45 {
			return "utf8mb4", "utf8mb4_general_ci"
		}
		return "", ""
	}
	for _, tc := range []struct {
		b    []byte
		want string
	}{
		{ev("n", true, 0, 0, nil), "SET @`n`:=NULL"},
		{ev("s", false, userVarString, 45, []byte("h\xc3\xa9")), "SET @`s`:=_utf8mb4 X'68c3a9' COLLATE `utf8mb4_general_ci`"},
		{ev("b", false, userVarString, 99, []byte{0, 1}), "SET @`b`:=_binary X'0001'"},
		{ev("i", false, userVarInt, 63, i64(uint64(0xffffffffffffffd6)), 0), "SET @`i`:=-42"},
		{ev("u", false, userVarInt, 63, i64(math.MaxUint64), userVarUnsigned), "SET @`u`:=18446744073709551615"},
		{ev("r", false, userVarReal, 63, i64(math.Float64bits(1250.5))), "SET @`r`:=1.2505e+03"},
		{ev("d", false, userVarDecimal, 63, []byte{10, 4, 0x80, 0x04, 0xd2, 0x16, 0x2e}), "SET @`d`:=1234.5678"},
	} {
		got, err := userVarSQL(tc.b, coll)
		if err != nil || got != tc.want {
			t.Errorf("userVarSQL(% x) = %q, %v; want %q", tc.b, got, err, tc.want)
		}
	}
	if _, err := userVarSQL(ev("x", false, 3, 63, []byte{1}), coll); err == nil {
		t.Error("a ROW_RESULT user variable converted without an error")
	}
}
