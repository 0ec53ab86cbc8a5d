package schema

import (
	"slices"
	"strings"
	"testing"
)

// joinLines joins lines with "\n", the way SHOW CREATE TABLE prints them.
func joinLines(lines ...string) string { return strings.Join(lines, "\n") }

type splitCase struct {
	name    string
	db, tbl string
	mode    DeferMode
	in      string
	create  string // "" means: same as in
	indexes []string
	fks     []string
	refs    []TableRef
	warning string // substring expected in Warning; "" means no warning
}

func runSplitCases(t *testing.T, cases []splitCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, tbl := tc.db, tc.tbl
			if db == "" {
				db = "d"
			}
			if tbl == "" {
				tbl = "t"
			}
			got, err := SplitCreateTable(db, tbl, tc.in, tc.mode)
			if err != nil {
				t.Fatalf("SplitCreateTable: %v", err)
			}
			want := tc.create
			if want == "" {
				want = tc.in
			}
			if got.Create != want {
				t.Errorf("Create:\n%s\nwant:\n%s", got.Create, want)
			}
			if !slices.Equal(got.Indexes, tc.indexes) {
				t.Errorf("Indexes:\n%q\nwant:\n%q", got.Indexes, tc.indexes)
			}
			if !slices.Equal(got.ForeignKeys, tc.fks) {
				t.Errorf("ForeignKeys:\n%q\nwant:\n%q", got.ForeignKeys, tc.fks)
			}
			if !slices.Equal(got.References, tc.refs) {
				t.Errorf("References: %q, want %q", got.References, tc.refs)
			}
			switch {
			case tc.warning == "" && got.Warning != "":
				t.Errorf("unexpected Warning %q", got.Warning)
			case tc.warning != "" && !strings.Contains(got.Warning, tc.warning):
				t.Errorf("Warning %q does not contain %q", got.Warning, tc.warning)
			}
			if got.Warning == "" {
				reparse(t, got.Create, tc.in)
			}
		})
	}
}

func TestSplitBasics(t *testing.T) {
	filmText := joinLines(
		"CREATE TABLE `film_text` (",
		"  `film_id` smallint(6) NOT NULL,",
		"  `title` varchar(255) NOT NULL,",
		"  `description` text DEFAULT NULL,",
		"  `x` int(11) DEFAULT NULL,",
		"  PRIMARY KEY (`film_id`),",
		"  KEY `idx_x` (`title`(10),`film_id` DESC),",
		"  FULLTEXT KEY `idx_title_description` (`title`,`description`),",
		"  CONSTRAINT `fk_a` FOREIGN KEY (`x`) REFERENCES `other` (`id`) ON DELETE CASCADE ON UPDATE CASCADE",
		") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='KEY (a), b'",
	)
	filmTextCreate := joinLines(
		"CREATE TABLE `film_text` (",
		"  `film_id` smallint(6) NOT NULL,",
		"  `title` varchar(255) NOT NULL,",
		"  `description` text DEFAULT NULL,",
		"  `x` int(11) DEFAULT NULL,",
		"  PRIMARY KEY (`film_id`)",
		") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='KEY (a), b'",
	)
	fk := "ALTER TABLE `sakila`.`film_text` ADD CONSTRAINT `fk_a` FOREIGN KEY (`x`) REFERENCES `other` (`id`) ON DELETE CASCADE ON UPDATE CASCADE"
	runSplitCases(t, []splitCase{
		{
			name: "defer all", db: "sakila", tbl: "film_text", in: filmText,
			create: filmTextCreate,
			indexes: []string{
				"ALTER TABLE `sakila`.`film_text` ADD KEY `idx_x` (`title`(10),`film_id` DESC)",
				"ALTER TABLE `sakila`.`film_text` ADD FULLTEXT KEY `idx_title_description` (`title`,`description`)",
			},
			fks:  []string{fk},
			refs: []TableRef{{"sakila", "other"}},
		},
		{
			name: "defer fulltext", db: "sakila", tbl: "film_text", in: filmText, mode: DeferFulltext,
			create: joinLines(
				"CREATE TABLE `film_text` (",
				"  `film_id` smallint(6) NOT NULL,",
				"  `title` varchar(255) NOT NULL,",
				"  `description` text DEFAULT NULL,",
				"  `x` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`film_id`),",
				"  KEY `idx_x` (`title`(10),`film_id` DESC)",
				") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='KEY (a), b'",
			),
			indexes: []string{"ALTER TABLE `sakila`.`film_text` ADD FULLTEXT KEY `idx_title_description` (`title`,`description`)"},
			fks:     []string{fk},
			refs:    []TableRef{{"sakila", "other"}},
		},
		{
			name: "defer none still defers foreign keys", db: "sakila", tbl: "film_text", in: filmText, mode: DeferNone,
			create: joinLines(
				"CREATE TABLE `film_text` (",
				"  `film_id` smallint(6) NOT NULL,",
				"  `title` varchar(255) NOT NULL,",
				"  `description` text DEFAULT NULL,",
				"  `x` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`film_id`),",
				"  KEY `idx_x` (`title`(10),`film_id` DESC),",
				"  FULLTEXT KEY `idx_title_description` (`title`,`description`)",
				") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='KEY (a), b'",
			),
			fks:  []string{fk},
			refs: []TableRef{{"sakila", "other"}},
		},
		{
			name: "nothing to defer is unchanged",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL,",
				"  PRIMARY KEY (`a`)",
				") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci",
			),
		},
		{
			name: "trailing semicolon and newline are dropped",
			in:   "CREATE TABLE `t` (\n  `a` int(11) NOT NULL,\n  KEY `k` (`a`)\n) ENGINE=MyISAM;\n",
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL",
				") ENGINE=MyISAM",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `k` (`a`)"},
		},
		{
			name: "unique and ordinary keys in one ALTER, line order, options kept verbatim",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL,",
				"  `b` varchar(100) DEFAULT NULL,",
				"  `c` blob DEFAULT NULL,",
				"  PRIMARY KEY (`a`) USING BTREE,",
				"  UNIQUE KEY `ub` (`b`) COMMENT 'one, two (three) KEY `x`',",
				"  UNIQUE KEY `uc` (`c`) USING HASH,",
				"  KEY `kb` (`b`(10) DESC,`a`) USING BTREE KEY_BLOCK_SIZE=8 COMMENT 'it''s \\n fine',",
				"  KEY `ignored` (`a`,`b`) IGNORED,",
				"  KEY `expr` ((`a` + 1))",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL,",
				"  `b` varchar(100) DEFAULT NULL,",
				"  `c` blob DEFAULT NULL,",
				"  PRIMARY KEY (`a`) USING BTREE",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci",
			),
			indexes: []string{"ALTER TABLE `d`.`t` " +
				"ADD UNIQUE KEY `ub` (`b`) COMMENT 'one, two (three) KEY `x`', " +
				"ADD UNIQUE KEY `uc` (`c`) USING HASH, " +
				"ADD KEY `kb` (`b`(10) DESC,`a`) USING BTREE KEY_BLOCK_SIZE=8 COMMENT 'it''s \\n fine', " +
				"ADD KEY `ignored` (`a`,`b`) IGNORED, " +
				"ADD KEY `expr` ((`a` + 1))"},
		},
		{
			name: "fulltext and spatial: spatial stays in the main ALTER in line order, one ALTER per fulltext",
			in: joinLines(
				"CREATE TABLE `geo` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `g` geometry NOT NULL,",
				"  `p` point NOT NULL,",
				"  `t` text DEFAULT NULL,",
				"  `u` text DEFAULT NULL,",
				"  PRIMARY KEY (`id`),",
				"  KEY `k1` (`id`,`t`(5)),",
				"  SPATIAL KEY `sg` (`g`),",
				"  KEY `k2` (`u`(3)),",
				"  SPATIAL KEY `sp` (`p`),",
				"  FULLTEXT KEY `ft` (`t`),",
				"  FULLTEXT KEY `fu` (`u`,`t`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `geo` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `g` geometry NOT NULL,",
				"  `p` point NOT NULL,",
				"  `t` text DEFAULT NULL,",
				"  `u` text DEFAULT NULL,",
				"  PRIMARY KEY (`id`)",
				") ENGINE=InnoDB",
			),
			indexes: []string{
				"ALTER TABLE `d`.`t` ADD KEY `k1` (`id`,`t`(5)), ADD SPATIAL KEY `sg` (`g`), ADD KEY `k2` (`u`(3)), ADD SPATIAL KEY `sp` (`p`)",
				"ALTER TABLE `d`.`t` ADD FULLTEXT KEY `ft` (`t`)",
				"ALTER TABLE `d`.`t` ADD FULLTEXT KEY `fu` (`u`,`t`)",
			},
		},
		{
			name: "defer fulltext keeps spatial keys before a kept key, defers trailing ones",
			mode: DeferFulltext,
			in: joinLines(
				"CREATE TABLE `geo` (",
				"  `g` geometry NOT NULL,",
				"  `p` point NOT NULL,",
				"  `t` text DEFAULT NULL,",
				"  SPATIAL KEY `sg` (`g`),",
				"  KEY `k` (`t`(5)),",
				"  SPATIAL KEY `sp` (`p`),",
				"  FULLTEXT KEY `ft` (`t`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `geo` (",
				"  `g` geometry NOT NULL,",
				"  `p` point NOT NULL,",
				"  `t` text DEFAULT NULL,",
				"  SPATIAL KEY `sg` (`g`),",
				"  KEY `k` (`t`(5))",
				") ENGINE=InnoDB",
			),
			indexes: []string{
				"ALTER TABLE `d`.`t` ADD SPATIAL KEY `sp` (`p`)",
				"ALTER TABLE `d`.`t` ADD FULLTEXT KEY `ft` (`t`)",
			},
		},
	})
}

func TestSplitKeptIndexes(t *testing.T) {
	runSplitCases(t, []splitCase{
		{
			name: "auto-increment not first in primary key keeps the first index starting with it and those before",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `grp` int(11) NOT NULL,",
				"  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,",
				"  `v` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`grp`,`id`),",
				"  UNIQUE KEY `uv` (`v`),",
				"  KEY `kv` (`v`),",
				"  KEY `kid` (`id`),",
				"  KEY `kid2` (`id`,`v`),",
				"  KEY `kz` (`v`,`id`)",
				") ENGINE=InnoDB AUTO_INCREMENT=42",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `grp` int(11) NOT NULL,",
				"  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,",
				"  `v` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`grp`,`id`),",
				"  UNIQUE KEY `uv` (`v`),",
				"  KEY `kv` (`v`),",
				"  KEY `kid` (`id`)",
				") ENGINE=InnoDB AUTO_INCREMENT=42",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kid2` (`id`,`v`), ADD KEY `kz` (`v`,`id`)"},
		},
		{
			name: "auto-increment first in primary key keeps nothing extra",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  PRIMARY KEY (`id`),",
				"  KEY `kid` (`id`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  PRIMARY KEY (`id`)",
				") ENGINE=InnoDB",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kid` (`id`)"},
		},
		{
			name: "MyISAM auto-increment second in primary key needs no other index",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `grp` int(11) NOT NULL,",
				"  `ID` int(11) NOT NULL AUTO_INCREMENT,",
				"  PRIMARY KEY (`grp`,`id`),",
				"  KEY `k` (`grp`)",
				") ENGINE=MyISAM",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `grp` int(11) NOT NULL,",
				"  `ID` int(11) NOT NULL AUTO_INCREMENT,",
				"  PRIMARY KEY (`grp`,`id`)",
				") ENGINE=MyISAM",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `k` (`grp`)"},
		},
		{
			name: "auto-increment without primary key keeps its unique key",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `v` int(11) DEFAULT NULL,",
				"  UNIQUE KEY `uid` (`id`),",
				"  KEY `kv` (`v`)",
				") ENGINE=Aria",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `v` int(11) DEFAULT NULL,",
				"  UNIQUE KEY `uid` (`id`)",
				") ENGINE=Aria",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kv` (`v`)"},
		},
		{
			name: "no primary key: first unique NOT NULL key stays (clustered index)",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL,",
				"  `b` int(11) NOT NULL,",
				"  `c` int(11) DEFAULT NULL,",
				"  UNIQUE KEY `uab` (`a`,`b`),",
				"  UNIQUE KEY `ub` (`b`),",
				"  UNIQUE KEY `uc` (`c`),",
				"  KEY `kc` (`c`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) NOT NULL,",
				"  `b` int(11) NOT NULL,",
				"  `c` int(11) DEFAULT NULL,",
				"  UNIQUE KEY `uab` (`a`,`b`)",
				") ENGINE=InnoDB",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD UNIQUE KEY `ub` (`b`), ADD UNIQUE KEY `uc` (`c`), ADD KEY `kc` (`c`)"},
		},
		{
			name: "no primary key and only nullable unique keys: everything deferred",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) DEFAULT NULL,",
				"  `b` int(11) NOT NULL,",
				"  UNIQUE KEY `ua` (`a`,`b`),",
				"  KEY `kb` (`b`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `a` int(11) DEFAULT NULL,",
				"  `b` int(11) NOT NULL",
				") ENGINE=InnoDB",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD UNIQUE KEY `ua` (`a`,`b`), ADD KEY `kb` (`b`)"},
		},
		{
			name: "partitioned: unique keys stay, others deferred",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  `d` date NOT NULL,",
				"  `v` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`id`,`d`),",
				"  UNIQUE KEY `u` (`v`,`d`),",
				"  KEY `kv` (`v`)",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
				" PARTITION BY RANGE (year(`d`))",
				"(PARTITION `p2020` VALUES LESS THAN (2021) ENGINE = InnoDB,",
				" PARTITION `pmax` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  `d` date NOT NULL,",
				"  `v` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`id`,`d`),",
				"  UNIQUE KEY `u` (`v`,`d`)",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
				" PARTITION BY RANGE (year(`d`))",
				"(PARTITION `p2020` VALUES LESS THAN (2021) ENGINE = InnoDB,",
				" PARTITION `pmax` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kv` (`v`)"},
		},
		{
			name: "MySQL 8 partition comment",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int NOT NULL,",
				"  `v` int DEFAULT NULL,",
				"  UNIQUE KEY `u` (`id`,`v`),",
				"  KEY `kv` (`v`) /*!80000 INVISIBLE */",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
				"/*!50100 PARTITION BY HASH (`id`)",
				"PARTITIONS 4 */",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int NOT NULL,",
				"  `v` int DEFAULT NULL,",
				"  UNIQUE KEY `u` (`id`,`v`)",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
				"/*!50100 PARTITION BY HASH (`id`)",
				"PARTITIONS 4 */",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kv` (`v`) /*!80000 INVISIBLE */"},
		},
		{
			name: "PARTITION BY inside a table comment is not partitioning",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  PRIMARY KEY (`id`),",
				"  UNIQUE KEY `u` (`id`)",
				") ENGINE=InnoDB COMMENT='PARTITION BY nothing'",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  PRIMARY KEY (`id`)",
				") ENGINE=InnoDB COMMENT='PARTITION BY nothing'",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD UNIQUE KEY `u` (`id`)"},
		},
	})
}

func TestSplitColumnsAndNames(t *testing.T) {
	runSplitCases(t, []splitCase{
		{
			name: "MariaDB column syntax survives untouched",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `u` uuid DEFAULT NULL,",
				"  `ip` inet6 DEFAULT NULL INVISIBLE,",
				"  `g` int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL,",
				"  `s` int(11) AS (`id` + 1) PERSISTENT,",
				"  `c` text /*M!100301 COMPRESSED*/ CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'a,b\\nKEY `x` (y)',",
				"  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),",
				"  `e` enum('a','b''c','d\\'e') NOT NULL DEFAULT 'a' COMMENT 'x, KEY (y)',",
				"  `ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),",
				"  `df` int(11) DEFAULT (`id` + 1),",
				"  PRIMARY KEY (`id`),",
				"  KEY `kg` (`g`),",
				"  KEY `ks` (`s`),",
				"  CONSTRAINT `chk` CHECK (`id` > 0),",
				"  CONSTRAINT `CONSTRAINT_1` CHECK (`df` is null or `df` > 1)",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci WITH SYSTEM VERSIONING",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL AUTO_INCREMENT,",
				"  `u` uuid DEFAULT NULL,",
				"  `ip` inet6 DEFAULT NULL INVISIBLE,",
				"  `g` int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL,",
				"  `s` int(11) AS (`id` + 1) PERSISTENT,",
				"  `c` text /*M!100301 COMPRESSED*/ CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'a,b\\nKEY `x` (y)',",
				"  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),",
				"  `e` enum('a','b''c','d\\'e') NOT NULL DEFAULT 'a' COMMENT 'x, KEY (y)',",
				"  `ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),",
				"  `df` int(11) DEFAULT (`id` + 1),",
				"  PRIMARY KEY (`id`),",
				"  CONSTRAINT `chk` CHECK (`id` > 0),",
				"  CONSTRAINT `CONSTRAINT_1` CHECK (`df` is null or `df` > 1)",
				") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci WITH SYSTEM VERSIONING",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `kg` (`g`), ADD KEY `ks` (`s`)"},
		},
		{
			name: "identifiers with backticks, spaces, dots, newlines and Unicode",
			db:   "my`db.x", tbl: "tä b`le",
			in: joinLines(
				"CREATE TABLE `tä b``le` (",
				"  `i``d` int(11) NOT NULL AUTO_INCREMENT,",
				"  `a.b c` varchar(10) NOT NULL,",
				"  `new\nline` int(11) DEFAULT NULL,",
				"  `日本` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`a.b c`),",
				"  KEY `i``d` (`i``d`),",
				"  KEY `k,\n(x)` (`new\nline`),",
				"  CONSTRAINT `f``k` FOREIGN KEY (`日本`) REFERENCES `o.ther` (`i d`),",
				"  CONSTRAINT `f2` FOREIGN KEY (`日本`) REFERENCES `ot``her db`.`tä b``le` (`x`) ON DELETE SET NULL",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `tä b``le` (",
				"  `i``d` int(11) NOT NULL AUTO_INCREMENT,",
				"  `a.b c` varchar(10) NOT NULL,",
				"  `new\nline` int(11) DEFAULT NULL,",
				"  `日本` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`a.b c`),",
				"  KEY `i``d` (`i``d`)",
				") ENGINE=InnoDB",
			),
			indexes: []string{"ALTER TABLE `my``db.x`.`tä b``le` ADD KEY `k,\n(x)` (`new\nline`)"},
			fks: []string{"ALTER TABLE `my``db.x`.`tä b``le` " +
				"ADD CONSTRAINT `f``k` FOREIGN KEY (`日本`) REFERENCES `o.ther` (`i d`), " +
				"ADD CONSTRAINT `f2` FOREIGN KEY (`日本`) REFERENCES `ot``her db`.`tä b``le` (`x`) ON DELETE SET NULL"},
			refs: []TableRef{{"my`db.x", "o.ther"}, {"ot`her db", "tä b`le"}},
		},
		{
			name: "self reference and repeated references",
			in: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  `parent` int(11) DEFAULT NULL,",
				"  `o` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`id`),",
				"  KEY `fk_p` (`parent`),",
				"  KEY `fk_o` (`o`),",
				"  CONSTRAINT `fk_o` FOREIGN KEY (`o`) REFERENCES `o` (`id`) ON DELETE NO ACTION ON UPDATE RESTRICT,",
				"  CONSTRAINT `fk_o2` FOREIGN KEY (`o`) REFERENCES `o` (`id`),",
				"  CONSTRAINT `fk_p` FOREIGN KEY (`parent`) REFERENCES `t` (`id`) ON DELETE CASCADE,",
				"  CONSTRAINT `fk_q` FOREIGN KEY (`parent`) REFERENCES `d`.`t` (`id`)",
				") ENGINE=InnoDB",
			),
			create: joinLines(
				"CREATE TABLE `t` (",
				"  `id` int(11) NOT NULL,",
				"  `parent` int(11) DEFAULT NULL,",
				"  `o` int(11) DEFAULT NULL,",
				"  PRIMARY KEY (`id`)",
				") ENGINE=InnoDB",
			),
			indexes: []string{"ALTER TABLE `d`.`t` ADD KEY `fk_p` (`parent`), ADD KEY `fk_o` (`o`)"},
			fks: []string{"ALTER TABLE `d`.`t` " +
				"ADD CONSTRAINT `fk_o` FOREIGN KEY (`o`) REFERENCES `o` (`id`) ON DELETE NO ACTION ON UPDATE RESTRICT, " +
				"ADD CONSTRAINT `fk_o2` FOREIGN KEY (`o`) REFERENCES `o` (`id`), " +
				"ADD CONSTRAINT `fk_p` FOREIGN KEY (`parent`) REFERENCES `t` (`id`) ON DELETE CASCADE, " +
				"ADD CONSTRAINT `fk_q` FOREIGN KEY (`parent`) REFERENCES `d`.`t` (`id`)"},
			refs: []TableRef{{"d", "o"}},
		},
	})
}

func TestSplitFallback(t *testing.T) {
	vector := joinLines(
		"CREATE TABLE `t` (",
		"  `id` int(11) NOT NULL,",
		"  `v` vector(3) NOT NULL,",
		"  PRIMARY KEY (`id`),",
		"  VECTOR KEY `vk` (`v`)",
		") ENGINE=InnoDB",
	)
	runSplitCases(t, []splitCase{
		{name: "unknown index kind", db: "sakila", tbl: "t", in: vector, warning: "sakila.t: cannot split"},
		{name: "garbage line", in: joinLines(
			"CREATE TABLE `t` (",
			"  `id` int(11) NOT NULL,",
			"  KEY `k` (`id`) FROBNICATE",
			") ENGINE=InnoDB",
		), warning: "d.t: cannot split"},
		{name: "one line", in: "CREATE TABLE `t` (`id` int, KEY (`id`)) ENGINE=InnoDB", warning: "not in SHOW CREATE TABLE form"},
		{name: "definition split over two lines", in: joinLines(
			"CREATE TABLE `t` (",
			"  `id` int(11) NOT NULL,",
			"  KEY `k`",
			"    (`id`)",
			") ENGINE=InnoDB",
		), warning: "cannot split"},
		{name: "missing comma", in: joinLines(
			"CREATE TABLE `t` (",
			"  `id` int(11) NOT NULL",
			"  KEY `k` (`id`)",
			") ENGINE=InnoDB",
		), warning: "comma"},
		{name: "no closing line", in: joinLines(
			"CREATE TABLE `t` (",
			"  `id` int(11) NOT NULL,",
			"  KEY `k` (`id`)) ENGINE=InnoDB",
		), warning: "cannot split"},
		{name: "two primary keys", in: joinLines(
			"CREATE TABLE `t` (",
			"  `id` int(11) NOT NULL,",
			"  PRIMARY KEY (`id`),",
			"  PRIMARY KEY (`id`)",
			") ENGINE=InnoDB",
		), warning: "two PRIMARY KEY"},
	})
}

func TestSplitErrors(t *testing.T) {
	for _, in := range []string{"", "  ", "CREATE VIEW `v` AS select 1", "CREATE SEQUENCE `s` start with 1", "SELECT 1"} {
		if _, err := SplitCreateTable("d", "t", in, DeferAll); err == nil || !strings.Contains(err.Error(), "d.t: not a CREATE TABLE") {
			t.Errorf("SplitCreateTable(%q) error = %v, want not a CREATE TABLE", in, err)
		}
	}
	ok := "CREATE TABLE `t` (\n  `a` int\n)"
	if _, err := SplitCreateTable("d", "t", ok, DeferMode(7)); err == nil {
		t.Errorf("invalid mode accepted")
	}
}

func TestParseDeferMode(t *testing.T) {
	for _, m := range []DeferMode{DeferAll, DeferFulltext, DeferNone} {
		got, err := ParseDeferMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseDeferMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	for _, s := range []string{"", "ALL", "some"} {
		if _, err := ParseDeferMode(s); err == nil || !strings.Contains(err.Error(), "--defer-indexes") {
			t.Errorf("ParseDeferMode(%q) error = %v", s, err)
		}
	}
}
