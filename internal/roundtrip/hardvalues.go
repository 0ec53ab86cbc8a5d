package roundtrip

import (
	"database/sql"
	"strings"
	"testing"
)

// HardValuesTable is a table named "hard" with a column for every type MySQL and MariaDB have
// (as MariaDB 10.11 spells them), generated and INVISIBLE columns among them.
const HardValuesTable = "CREATE TABLE hard (" +
	"id INT NOT NULL PRIMARY KEY," +
	"ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED," +
	"i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED," +
	"f FLOAT, d DOUBLE, dec1 DECIMAL(65,30), dec2 DECIMAL(10,0) UNSIGNED," +
	"b1 BIT(1), b64 BIT(64)," +
	"dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME, tm6 TIME(6), yr YEAR," +
	"e ENUM('a','b','it''s') , st SET('x','y','z')," +
	"c CHAR(10), vc VARCHAR(300), tx TEXT, lt LONGTEXT," +
	"l1 VARCHAR(100) CHARACTER SET latin1, u4 VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin," +
	"bn BINARY(16), vb VARBINARY(300), bl BLOB, lb LONGBLOB," +
	"js JSON, g GEOMETRY, pt POINT," +
	"gen_v INT AS (i + 1) VIRTUAL, gen_s VARCHAR(310) AS (CONCAT(vc, 'x')) PERSISTENT," +
	"inv INT INVISIBLE" +
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

// HardValuesRows are INSERTs of the hard values: NULL vs ” vs 'NULL' vs \N, quotes,
// backslashes, newlines, NUL bytes, 4-byte UTF-8, every byte value, extreme numbers, zero dates.
var HardValuesRows = []string{
	"INSERT INTO hard (id) VALUES (1)",
	"INSERT INTO hard (id, c, vc, tx, lt, l1, u4, bn, vb, bl, lb, js, e, st) VALUES (2, '', '', '', '', '', '', '', '', '', '', '\"\"', '', '')",
	"INSERT INTO hard (id, c, vc, tx, l1, vb, bl) VALUES (3, 'NULL', 'NULL', '\\\\N', 'NULL', 'NULL', '\\\\N')",
	`INSERT INTO hard (id, vc, tx, u4, l1, js) VALUES (4, 'it''s "q" \\ back\\\\slash', 'line1\nline2\r\n\ttab\Z end', '😀 4-byte 𝄞 ✓', 'caf` + "\xe9" + `', '{"k": "v\\"q\\\\ 😀", "n": [1, 2.5, null]}')`,
	"INSERT INTO hard (id, vc, bl, bn) VALUES (5, CONCAT('nul', CHAR(0), 'byte'), UNHEX('00FF5C275C0A0D1A22'), UNHEX('000102030405060708090A0B0C0D0E0F'))",
	"INSERT INTO hard (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, f, d, dec1, dec2, b1, b64, yr) VALUES " +
		"(6, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, " +
		"-3.40282e38, -1.7976931348623157e308, '-99999999999999999999999999999999999.999999999999999999999999999999', 9999999999, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 2155)",
	"INSERT INTO hard (id, ti, tiu, i, bi, biu, f, d, dec1, b1, b64, yr) VALUES (7, 127, 0, 2147483647, 9223372036854775807, 0, 1.17549e-38, 2.2250738585072014e-308, '0.000000000000000000000000000001', b'0', b'0', 1901)",
	"INSERT INTO hard (id, f, d) VALUES (8, 0.1, 0.1), (9, 1.0000001, 0.30000000000000004), (10, -0, 123456789.123456789)",
	"INSERT INTO hard (id, dt, dtm, dtm6, ts, tm, tm6, yr) VALUES (11, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '1970-01-01 00:00:01.001', '-838:59:59', '838:59:59.000000', 0)",
	"INSERT INTO hard (id, dt, dtm, dtm6, ts, tm, tm6) VALUES (12, '9999-12-31', '9999-12-31 23:59:59', '1000-01-01 00:00:00.000001', '2038-01-19 03:14:07.999', '00:00:00', '-00:00:00.000001')",
	"INSERT INTO hard (id, e, st) VALUES (13, 'it''s', 'x,z'), (14, 'a', '')",
	"INSERT INTO hard (id, g, pt) VALUES (15, ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), POINT(1.5, -2.25))",
	"INSERT INTO hard (id, i, vc, inv) VALUES (16, 41, 'gen', 99)",
	"INSERT INTO hard (id, lb, lt) VALUES (17, REPEAT(UNHEX('00FF275C0A'), 700000), REPEAT('long text ''\\\\\n', 300000))",
}

// AllBytesRow inserts row id with a BLOB, VARBINARY and latin1 VARCHAR holding all 256 byte values.
func AllBytesRow(t testing.TB, d *sql.DB, id int) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 256; i++ {
		b.WriteByte(byte(i))
	}
	all := b.String()
	if _, err := d.Exec("INSERT INTO hard (id, bl, vb, l1) VALUES (?, ?, ?, ?)", id, []byte(all), []byte(all), []byte(all[32:127]+all[160:]+all[:32])); err != nil {
		t.Fatalf("all-bytes row: %v", err)
	}
}

// CreateHardValues creates the hard table in database db on d and fills it.
func CreateHardValues(t testing.TB, d *sql.DB, db string) {
	t.Helper()
	Exec(t, d, "CREATE DATABASE "+db, "USE "+db, "SET SESSION sql_mode = ''", HardValuesTable)
	Exec(t, d, HardValuesRows...)
	AllBytesRow(t, d, 100)
}
