package checksum

import (
	"context"
	"database/sql"
	"fmt"
	"hash/crc32"
	"math/big"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/sqltext"
	"github.com/sluicedb/sluice/internal/wire"
)

// Algorithm names the checksum in a dump's metadata (checksum = crc32-sum).
const Algorithm = "crc32-sum"

// Session is what a connection that runs Query must have set, as the dumper's workers do: raw
// bytes, TIMESTAMPs in UTC, and no sql_mode that changes how values print (PAD_CHAR_TO_FULL_LENGTH).
var Session = []string{"SET SESSION sql_mode = ''", "SET NAMES binary", "SET SESSION time_zone = '+00:00'"}

// Sum is a chunk's checksum: rows and the sum of their CRC-32s modulo 2^64. The zero value is
// the checksum of no rows.
type Sum struct {
	Rows int64
	CRC  uint64
}

// String is "ROWS CRC", as metadata records it.
func (s Sum) String() string {
	return strconv.FormatInt(s.Rows, 10) + " " + strconv.FormatUint(s.CRC, 10)
}

// Add adds the checksum of other rows to s.
func (s *Sum) Add(o Sum) {
	s.Rows += o.Rows
	s.CRC += o.CRC
}

// AddPacket adds one row given as the payload of its text-protocol row packet.
func (s *Sum) AddPacket(p []byte) {
	s.Rows++
	s.CRC += uint64(crc32.ChecksumIEEE(p))
}

// AddValues adds one row given as its values (nil for NULL), encoding them as AddPacket's packet;
// scratch is reused and returned.
func (s *Sum) AddValues(vals [][]byte, scratch []byte) []byte {
	scratch = scratch[:0]
	for _, v := range vals {
		scratch = appendLenenc(scratch, v)
	}
	s.AddPacket(scratch)
	return scratch
}

// appendLenenc appends v as the text protocol writes a value: 0xFB for NULL (nil), else its
// length (wire.AppendLenenc) and its bytes.
func appendLenenc(dst, v []byte) []byte {
	if v == nil {
		return append(dst, 0xfb)
	}
	return append(wire.AppendLenenc(dst, uint64(len(v))), v...)
}

// ParseSum reads String's form.
func ParseSum(s string) (Sum, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Sum{}, fmt.Errorf("checksum %q: want ROWS CRC", s)
	}
	rows, err1 := strconv.ParseInt(f[0], 10, 64)
	crc, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return Sum{}, fmt.Errorf("checksum %q: want two decimal numbers", s)
	}
	return Sum{Rows: rows, CRC: crc}, nil
}

// Column is a column the checksum covers: its name and information_schema.COLUMNS.DATA_TYPE,
// and whether it is NOT NULL (which spares the query an IFNULL; the checksum is the same).
type Column struct {
	Name, DataType string
	NotNull        bool
}

// short reports whether every value of the type is shorter than 251 bytes as text, so that its
// length prefix is one byte.
func short(dataType string) bool {
	switch strings.ToLower(dataType) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric",
		"float", "double", "real", "year", "date", "datetime", "timestamp", "time", "bit":
		return true
	}
	return false
}

func temporal(dataType string) bool {
	switch strings.ToLower(dataType) {
	case "date", "datetime", "timestamp", "time", "year":
		return true
	}
	return false
}

// lenenc is the SQL expression of the length-encoded-integer prefix of x's text.
func lenenc(x string, short bool) string {
	n := "LENGTH(" + x + ")"
	if short {
		return "CHAR(" + n + ")"
	}
	return "IF(" + n + " < 251, CHAR(" + n + "), IF(" + n + " < 65536, CONCAT(X'FC', CHAR(" + n + " & 255, " + n + " >> 8)), " +
		"IF(" + n + " < 16777216, CONCAT(X'FD', CHAR(" + n + " & 255, " + n + " >> 8 & 255, " + n + " >> 16)), " +
		"CONCAT(X'FE', CHAR(" + n + " & 255, " + n + " >> 8 & 255, " + n + " >> 16 & 255, " + n + " >> 24), X'00000000'))))"
}

// RowExpr is the SQL expression of a row's text-protocol packet over cols, each read as the
// dumper reads it (sqltext.SelectExpr).
func RowExpr(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		x := sqltext.SelectExpr(c.Name, c.DataType)
		if sqltext.KindOf(c.DataType) != sqltext.KindNumber && !temporal(c.DataType) {
			// As bytes: CONCAT of a character column with X'FB' would convert to its character
			// set. Numbers and temporal values print as ASCII, which needs no cast.
			x = "CAST(" + x + " AS BINARY)"
		}
		parts[i] = "CONCAT(" + lenenc(x, short(c.DataType)) + ", " + x + ")"
		if !c.NotNull {
			parts[i] = "IFNULL(" + parts[i] + ", X'FB')"
		}
	}
	if len(parts) == 1 {
		return "CONCAT(" + parts[0] + ")"
	}
	return "CONCAT(" + strings.Join(parts, ", ") + ")"
}

// Query is the one SELECT that returns the checksum of the rows of db.table matching where ("" for
// all): COUNT(*) and the sum of the rows' CRC-32s as a DECIMAL, where a row whose rebuilt packet
// is NULL (longer than max_allowed_packet) adds 2^64 instead, so that Run can tell (the row
// expression is evaluated once per row).
func Query(db, table string, cols []Column, where string) string {
	q := "SELECT COUNT(*), COALESCE(SUM(IFNULL(CRC32(" + RowExpr(cols) + "), " + nullRow + ")), 0) FROM " + sqltext.QualifiedName(db, table)
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// Querier runs queries: *sql.DB, *sql.Conn and *sql.Tx are.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Run runs Query on q, which must have Session set. It returns an error naming the table when
// a row was too long for the server to rebuild: raise max_allowed_packet.
func Run(ctx context.Context, q Querier, db, table string, cols []Column, where string) (Sum, error) {
	var s Sum
	var dec string
	if err := q.QueryRowContext(ctx, Query(db, table, cols, where)).Scan(&s.Rows, &dec); err != nil {
		return Sum{}, fmt.Errorf("%s checksum: %w", sqltext.QualifiedName(db, table), err)
	}
	crc, long, err := splitSum(dec)
	if err != nil {
		return Sum{}, fmt.Errorf("%s checksum: %w", sqltext.QualifiedName(db, table), err)
	}
	if long > 0 {
		return Sum{}, fmt.Errorf("%s checksum: %d rows longer than max_allowed_packet could not be checksummed: raise max_allowed_packet", sqltext.QualifiedName(db, table), long)
	}
	s.CRC = crc
	return s, nil
}

// nullRow is what a row that cannot be rebuilt adds to Query's sum: 2^64, above any sum of fewer
// than 2^32 CRC-32s.
const nullRow = "18446744073709551616"

// splitSum splits Query's decimal sum into the CRC sum modulo 2^64 and the count of rows that
// added 2^64 (nullRow) instead of a CRC.
func splitSum(dec string) (crc uint64, long uint64, err error) {
	if i := strings.IndexByte(dec, '.'); i >= 0 {
		dec = dec[:i]
	}
	v, ok := new(big.Int).SetString(dec, 10)
	if !ok || v.Sign() < 0 {
		return 0, 0, fmt.Errorf("checksum sum %q is not a non-negative number", dec)
	}
	q, r := new(big.Int).QuoRem(v, new(big.Int).Lsh(big.NewInt(1), 64), new(big.Int))
	return r.Uint64(), q.Uint64(), nil
}
