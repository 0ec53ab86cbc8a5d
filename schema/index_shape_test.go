package schema

import "testing"

// TestIndexShape checks the secondary index estimate SplitCreateTable fills whatever the mode.
func TestIndexShape(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want IndexShape
	}{
		{"sysbench", joinLines(
			"CREATE TABLE `sbtest1` (",
			"  `id` int(11) NOT NULL AUTO_INCREMENT,",
			"  `k` int(11) NOT NULL DEFAULT 0,",
			"  `c` char(120) NOT NULL DEFAULT '',",
			"  `pad` char(60) NOT NULL DEFAULT '',",
			"  PRIMARY KEY (`id`),",
			"  KEY `k_1` (`k`)",
			") ENGINE=InnoDB"),
			IndexShape{Count: 1, EntryBytes: 4 + 4 + 7}},
		{"composite, prefix, bigint pk, fulltext", joinLines(
			"CREATE TABLE `t` (",
			"  `id` bigint(20) NOT NULL,",
			"  `a` varchar(200) DEFAULT NULL,",
			"  `b` datetime NOT NULL,",
			"  `c` text,",
			"  PRIMARY KEY (`id`),",
			"  UNIQUE KEY `ua` (`a`,`b`),",
			"  KEY `ac` (`a`(10)),",
			"  FULLTEXT KEY `fc` (`c`)",
			") ENGINE=InnoDB"),
			// ua: varchar(200) counts min(200/2,128)+2 = 102, datetime 8; ac: prefix 10.
			IndexShape{Count: 3, Fulltext: 1, EntryBytes: (102 + 8 + 8 + 7) + (10 + 8 + 7)}},
		{"no primary key", joinLines(
			"CREATE TABLE `t` (",
			"  `a` smallint(6) DEFAULT NULL,",
			"  KEY `a` (`a`)",
			") ENGINE=InnoDB"),
			IndexShape{Count: 1, EntryBytes: 2 + 6 + 7}},
		{"none", joinLines(
			"CREATE TABLE `t` (",
			"  `a` int(11) NOT NULL,",
			"  PRIMARY KEY (`a`)",
			") ENGINE=InnoDB"),
			IndexShape{}},
	}
	for _, tc := range cases {
		for _, mode := range []DeferMode{DeferAll, DeferFulltext, DeferNone} {
			sp, err := SplitCreateTable("d", "t", tc.in, mode)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, mode, err)
			}
			if sp.Shape != tc.want {
				t.Errorf("%s %s: Shape = %+v, want %+v", tc.name, mode, sp.Shape, tc.want)
			}
		}
	}
}

// TestDeferAutoNotForSplit checks that SplitCreateTable refuses DeferAuto (the loader decides)
// and that ParseDeferMode reads "auto".
func TestDeferAutoNotForSplit(t *testing.T) {
	m, err := ParseDeferMode("auto")
	if err != nil || m != DeferAuto || m.String() != "auto" {
		t.Fatalf("ParseDeferMode(auto) = %v, %v", m, err)
	}
	if _, err := SplitCreateTable("d", "t", "CREATE TABLE `t` (\n  `a` int(11)\n)", DeferAuto); err == nil {
		t.Errorf("SplitCreateTable with DeferAuto: no error")
	}
}
