package roundtrip

import (
	"database/sql"
	"fmt"
	"testing"
)

// KeyShapes are CREATE TABLE and fill statements for one table of each key shape the dumper
// chunks differently: integer PK, sparse BIGINT UNSIGNED PK (up to its maximum), composite PK,
// case-insensitive utf8mb4 VARCHAR PK, BINARY(16) PK, DATETIME(6) unique key, nullable unique
// key (a third of the keys NULL), and no key at all. Each holds rows rows (rows >= 10).
func KeyShapes(rows int) []string {
	seq := fmt.Sprintf("seq_1_to_%d", rows)
	return []string{
		"CREATE TABLE k_int (id INT PRIMARY KEY, v VARCHAR(20), n INT)",
		"INSERT INTO k_int SELECT seq, CONCAT('v', seq), seq * 3 FROM " + seq,
		"CREATE TABLE k_sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
		"INSERT INTO k_sparse SELECT seq * 1000000007, seq FROM " + seq + " UNION ALL SELECT 18446744073709551615, 0",
		"CREATE TABLE k_composite (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
		"INSERT INTO k_composite SELECT seq % 7, CONCAT('k', seq), seq FROM " + seq,
		"CREATE TABLE k_varchar (k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, v INT)",
		"INSERT INTO k_varchar SELECT CONCAT(IF(seq % 2, 'a', 'B'), seq, ' ''\\\\ \\t😀'), seq FROM " + seq,
		"CREATE TABLE k_uuid (id BINARY(16) PRIMARY KEY, v BLOB)",
		"INSERT INTO k_uuid SELECT UNHEX(MD5(seq)), UNHEX(SHA1(seq)) FROM " + seq,
		"CREATE TABLE k_datetime (t DATETIME(6) NOT NULL, v INT, UNIQUE KEY t (t))",
		"INSERT INTO k_datetime SELECT '2020-01-01' + INTERVAL seq * 1001 MICROSECOND + INTERVAL seq HOUR, seq FROM " + seq,
		"CREATE TABLE k_nullable (u INT NULL, v INT, UNIQUE KEY u (u))",
		"INSERT INTO k_nullable SELECT IF(seq % 3 = 0, NULL, seq * 11), seq FROM " + seq,
		"CREATE TABLE k_none (v INT, w TEXT)",
		"INSERT INTO k_none SELECT seq % 10, REPEAT('x', seq % 50) FROM " + seq,
	}
}

// KeyShapeTables are the names of the tables KeyShapes creates.
var KeyShapeTables = []string{"k_int", "k_sparse", "k_composite", "k_varchar", "k_uuid", "k_datetime", "k_nullable", "k_none"}

// CreateKeyShapes creates the KeyShapes tables with rows rows each in database db on d (which
// must exist) and runs ANALYZE TABLE so their row estimates are current.
func CreateKeyShapes(t testing.TB, d *sql.DB, db string, rows int) {
	t.Helper()
	Exec(t, d, "USE "+db)
	Exec(t, d, KeyShapes(rows)...)
	for _, n := range KeyShapeTables {
		Exec(t, d, "ANALYZE TABLE "+n)
	}
}
