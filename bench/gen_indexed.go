package bench

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// indexedTables returns tables indexed1..d.Tables: id INT UNSIGNED primary key 1..Rows and
// nine INT columns c1..c9, with 7 secondary indexes in the 2-3-2 layout (or d.Layout's subset)
// added after loading.
//
// Values: c1 and c9 are uniform over the whole signed INT range; c2..c8 are uniform over
// [0, 10^k) with k = 6, 2, 4, 3, 2, 3, 4 so that the composite indexes see both repeated and
// distinct prefixes.
func indexedTables(d Dataset) []genTable {
	keys := "ADD KEY k1 (c1), ADD KEY k2 (c2), ADD KEY k3 (c3, c4), ADD KEY k4 (c4, c5)," +
		" ADD KEY k5 (c5, c6), ADD KEY k6 (c6, c7, c8), ADD KEY k7 (c7, c8, c9)"
	if d.Layout != "" {
		n, _ := parseLayout(d.Layout) // checked by Validate
		groups := [3][]string{
			{"ADD KEY k1 (c1)", "ADD KEY k2 (c2)"},
			{"ADD KEY k3 (c3, c4)", "ADD KEY k4 (c4, c5)", "ADD KEY k5 (c5, c6)"},
			{"ADD KEY k6 (c6, c7, c8)", "ADD KEY k7 (c7, c8, c9)"},
		}
		var ks []string
		for i, g := range groups {
			ks = append(ks, g[:n[i]]...)
		}
		keys = strings.Join(ks, ", ")
	}
	ts := make([]genTable, d.Tables)
	for n := range ts {
		ts[n] = genTable{
			name: "indexed" + strconv.Itoa(n+1),
			rows: d.Rows,
			create: "(id INT UNSIGNED NOT NULL, c1 INT NOT NULL, c2 INT NOT NULL, c3 INT NOT NULL," +
				" c4 INT NOT NULL, c5 INT NOT NULL, c6 INT NOT NULL, c7 INT NOT NULL, c8 INT NOT NULL," +
				" c9 INT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: keys,
			load: "(id, c1, c2, c3, c4, c5, c6, c7, c8, c9)",
			row:  indexedRow,
		}
	}
	return ts
}

func indexedRow(r *rand.Rand, i int64, buf []byte) []byte {
	ranges := [7]int64{1e6, 1e2, 1e4, 1e3, 1e2, 1e3, 1e4} // exclusive upper bounds of c2..c8
	buf = strconv.AppendInt(buf, i+1, 10)
	buf = append(buf, '\t')
	buf = strconv.AppendInt(buf, int64(int32(r.Uint32())), 10)
	for _, n := range ranges {
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, r.Int64N(n), 10)
	}
	buf = append(buf, '\t')
	buf = strconv.AppendInt(buf, int64(int32(r.Uint32())), 10)
	return append(buf, '\n')
}
