package binlog

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
)

// The session context of statement-format replication that comes as events of its own
// before the statement (MariaDB KB "Rand_log_event", "User_var_log_event"; MySQL's
// log_event.h): replayed as mariadb-binlog prints it, a SET before the statement.

// Item_result types of a User_var event.
const (
	userVarString   = 0
	userVarReal     = 1
	userVarInt      = 2
	userVarDecimal  = 4
	userVarUnsigned = 1 // its flags: an unsigned INT_RESULT
)

// randSQL is a Rand event's SET of the two seeds the statement's RAND() starts from.
func randSQL(b []byte) (string, error) {
	if len(b) < 16 {
		return "", fmt.Errorf("rand event: body of %d bytes", len(b))
	}
	return fmt.Sprintf("SET @@session.rand_seed1=%d, @@session.rand_seed2=%d", binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])), nil
}

// userVarSQL is a User_var event's SET of the user variable the statement reads. collation
// names a collation id of a string value ("" when unknown: the value is set as _binary).
func userVarSQL(b []byte, collation func(id uint32) (charset, name string)) (string, error) {
	short := fmt.Errorf("user variable event: truncated body of %d bytes", len(b))
	if len(b) < 5 {
		return "", short
	}
	n := int(binary.LittleEndian.Uint32(b))
	if len(b) < 5+n {
		return "", short
	}
	set := "SET @" + sqltext.QuoteIdent(string(b[4:4+n])) + ":="
	b = b[4+n:]
	if b[0] != 0 {
		return set + "NULL", nil
	}
	if len(b) < 10 {
		return "", short
	}
	typ, cs, vlen := b[1], binary.LittleEndian.Uint32(b[2:]), int(binary.LittleEndian.Uint32(b[6:]))
	if len(b) < 10+vlen {
		return "", short
	}
	v, rest := b[10:10+vlen], b[10+vlen:]
	switch typ {
	case userVarString:
		charset, coll := "", ""
		if collation != nil {
			charset, coll = collation(cs)
		}
		if charset == "" {
			return set + "_binary X'" + hex.EncodeToString(v) + "'", nil
		}
		return set + "_" + charset + " X'" + hex.EncodeToString(v) + "' COLLATE " + sqltext.QuoteIdent(coll), nil
	case userVarReal:
		if len(v) < 8 {
			return "", short
		}
		return set + strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(v)), 'e', -1, 64), nil
	case userVarInt:
		if len(v) < 8 {
			return "", short
		}
		if len(rest) > 0 && rest[0]&userVarUnsigned != 0 {
			return set + strconv.FormatUint(binary.LittleEndian.Uint64(v), 10), nil
		}
		return set + strconv.FormatInt(int64(binary.LittleEndian.Uint64(v)), 10), nil
	case userVarDecimal:
		if len(v) < 2 {
			return "", short
		}
		d, err := decodeDecimal(v[2:], int(v[0]), int(v[1]))
		if err != nil {
			return "", fmt.Errorf("user variable event: %w", err)
		}
		return set + d, nil
	}
	return "", fmt.Errorf("user variable event: value type %d, which replay does not know", typ)
}

// decodeDecimal decodes the binary DECIMAL(precision, scale) format of strings/decimal.c
// (bin2decimal): groups of 9 digits in 4 big-endian bytes, the leftover digits of each part
// in 1 to 4 bytes, the sign in the first bit (set: positive; negative values have every
// byte inverted). It returns the number as SQL text, e.g. "-1234.50".
func decodeDecimal(b []byte, precision, scale int) (string, error) {
	dig2bytes := [10]int{0, 1, 1, 2, 2, 3, 3, 4, 4, 4}
	if precision < scale || scale > 38 || precision > 81 {
		return "", fmt.Errorf("DECIMAL(%d,%d): not a decimal type", precision, scale)
	}
	intg := precision - scale
	size := intg/9*4 + dig2bytes[intg%9] + scale/9*4 + dig2bytes[scale%9]
	if len(b) < size || size == 0 {
		return "", fmt.Errorf("DECIMAL(%d,%d): %d bytes, want %d", precision, scale, len(b), size)
	}
	d := append([]byte(nil), b[:size]...)
	neg := d[0]&0x80 == 0
	d[0] ^= 0x80
	if neg {
		for i := range d {
			d[i] ^= 0xff
		}
	}
	read := func(n int) uint64 {
		var v uint64
		for _, c := range d[:n] {
			v = v<<8 | uint64(c)
		}
		d = d[n:]
		return v
	}
	var ip, fp strings.Builder
	if x := intg % 9; x > 0 {
		fmt.Fprintf(&ip, "%0*d", x, read(dig2bytes[x]))
	}
	for range intg / 9 {
		fmt.Fprintf(&ip, "%09d", read(4))
	}
	for range scale / 9 {
		fmt.Fprintf(&fp, "%09d", read(4))
	}
	if x := scale % 9; x > 0 {
		fmt.Fprintf(&fp, "%0*d", x, read(dig2bytes[x]))
	}
	s := strings.TrimLeft(ip.String(), "0")
	if s == "" {
		s = "0"
	}
	if scale > 0 {
		s += "." + fp.String()
	}
	if neg {
		s = "-" + s
	}
	return s, nil
}

// collation returns the target's character set and collation names of collation id, ("",
// "") in a dry run or when the target does not know it; the names are cached.
func (r *replayer) collation(ctx context.Context) func(id uint32) (string, string) {
	return func(id uint32) (string, string) {
		if r.o.DryRun {
			return "", ""
		}
		if c, ok := r.collations[id]; ok {
			return c[0], c[1]
		}
		var cs, name string
		if err := r.conn.QueryRowContext(ctx, "SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLLATIONS WHERE ID = ?", id).Scan(&cs, &name); err != nil {
			cs, name = "", ""
		}
		if r.collations == nil {
			r.collations = map[uint32][2]string{}
		}
		r.collations[id] = [2]string{cs, name}
		return cs, name
	}
}
