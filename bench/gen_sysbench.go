package bench

import (
	"math/rand/v2"
	"strconv"
)

// sysbenchTables returns tables sbtest1..d.Tables as sysbench's oltp_common.lua creates them
// (sysbench 1.0): id INTEGER AUTO_INCREMENT primary key, k INTEGER, c CHAR(120), pad CHAR(60),
// and the secondary index k_N (N the table number, as sysbench names it) on k, added after loading.
//
// Values follow sysbench's prepare step: id 1..Rows, k uniform in [1, Rows], c ten groups of
// 11 random digits joined by '-' (119 characters), pad five such groups (59 characters).
func sysbenchTables(d Dataset) []genTable {
	ts := make([]genTable, d.Tables)
	for n := range ts {
		num := strconv.Itoa(n + 1)
		rows := d.Rows
		ts[n] = genTable{
			name: "sbtest" + num,
			rows: rows,
			create: "(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL," +
				" c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL," +
				" PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD KEY k_" + num + " (k)",
			load: "(id, k, c, pad)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				buf = strconv.AppendInt(buf, i+1, 10)
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, 1+r.Int64N(rows), 10)
				buf = append(buf, '\t')
				buf = appendDigitGroups(r, buf, 10)
				buf = append(buf, '\t')
				buf = appendDigitGroups(r, buf, 5)
				return append(buf, '\n')
			},
		}
	}
	return ts
}

// appendDigitGroups appends n groups of 11 random decimal digits joined by '-', sysbench's
// "###########-..." template.
func appendDigitGroups(r *rand.Rand, buf []byte, n int) []byte {
	for g := range n {
		if g > 0 {
			buf = append(buf, '-')
		}
		for range 11 {
			buf = append(buf, byte('0'+r.IntN(10)))
		}
	}
	return buf
}
