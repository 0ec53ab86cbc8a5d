package schema

import (
	"context"
	"database/sql"
	"github.com/sluicedb/sluice/internal/sqltext"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/internal/testserver"
)

// serverExtraTables are created in the source database next to sakila; each exercises one
// rule of SplitCreateTable on a real MariaDB.
var serverExtraTables = []string{
	"CREATE TABLE geo (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, g geometry NOT NULL, p point NOT NULL, " +
		"t text, u text, KEY k1 (id, t(5)), SPATIAL KEY sg (g), KEY k2 (u(3)), SPATIAL KEY sp (p), " +
		"FULLTEXT KEY ft (t), FULLTEXT KEY fu (u, t)) ENGINE=InnoDB",
	"CREATE TABLE nopk (a int NOT NULL, b int NOT NULL, c int, UNIQUE KEY uc (c), UNIQUE KEY uab (a, b), " +
		"UNIQUE KEY ub (b), KEY kc (c)) ENGINE=InnoDB",
	"CREATE TABLE nopk_nullable (a int, b int NOT NULL, UNIQUE KEY ua (a, b), KEY kb (b)) ENGINE=InnoDB",
	"CREATE TABLE ai_not_first (grp int NOT NULL, id bigint unsigned NOT NULL AUTO_INCREMENT, v int, " +
		"PRIMARY KEY (grp, id), UNIQUE KEY uv (v), KEY kv (v), KEY kid (id), KEY kid2 (id, v), KEY kz (v, id)) ENGINE=InnoDB",
	"INSERT INTO ai_not_first (grp, v) VALUES (1, 1), (1, 2), (2, 3)",
	"CREATE TABLE ai_unique (id int NOT NULL AUTO_INCREMENT, v int, UNIQUE KEY uid (id), KEY kv (v)) ENGINE=InnoDB",
	"CREATE TABLE myisam_ai (grp int NOT NULL, id int NOT NULL AUTO_INCREMENT, v int, PRIMARY KEY (grp, id), " +
		"KEY kv (v), FULLTEXT KEY f (v2), v2 text) ENGINE=MyISAM",
	"CREATE TABLE aria_t (id int NOT NULL, v varchar(10), PRIMARY KEY (id), UNIQUE KEY uv (v), KEY kv (v, id)) ENGINE=Aria",
	"CREATE TABLE mem_t (id int NOT NULL, v int, PRIMARY KEY (id), KEY kv (v) USING BTREE, KEY kh (v) USING HASH) ENGINE=MEMORY",
	"CREATE TABLE part (id int NOT NULL, d date NOT NULL, v int, PRIMARY KEY (id, d), UNIQUE KEY u (v, d), KEY kv (v)) " +
		"ENGINE=InnoDB PARTITION BY RANGE (year(d)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION pmax VALUES LESS THAN MAXVALUE)",
	"CREATE TABLE `o.ther` (`i d` int NOT NULL PRIMARY KEY)",
	"CREATE TABLE `tä b``le` (`i``d` int NOT NULL AUTO_INCREMENT, `a.b c` varchar(10) NOT NULL, `new\nline` int, `日本` int, " +
		"`par` varchar(10), PRIMARY KEY (`a.b c`), KEY `i``d` (`i``d`), KEY `k,\n(x)` (`new\nline`), " +
		"CONSTRAINT `f``k` FOREIGN KEY (`日本`) REFERENCES `o.ther` (`i d`) ON DELETE SET NULL, " +
		"CONSTRAINT `self` FOREIGN KEY (`par`) REFERENCES `tä b``le` (`a.b c`) ON DELETE CASCADE ON UPDATE NO ACTION, " +
		"CONSTRAINT `cross` FOREIGN KEY (`new\nline`) REFERENCES `schema other`.`x` (`id`)) " +
		"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='KEY (a), b\\nc'",
	"CREATE TABLE cols (id int NOT NULL PRIMARY KEY, u uuid, ip inet6 INVISIBLE, g int AS (id * 2) VIRTUAL, " +
		"s int AS (id + 1) PERSISTENT, c text COMPRESSED CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'a,b\\nKEY `x` (y)', " +
		"j json, e enum('a','b''c') NOT NULL DEFAULT 'a' COMMENT 'x, KEY (y)', df int DEFAULT (id + 1), " +
		"ts timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6), " +
		"KEY kg (g), KEY ks (s), KEY ign (u) IGNORED, KEY kd (df DESC, e) COMMENT 'it''s, (x)', " +
		"CONSTRAINT chk CHECK (id > 0)) ENGINE=InnoDB",
}

func TestServerRoundTrip(t *testing.T) {
	srv := testserver.ForTest(t, testserver.Options{NoBinlog: true})
	ctx := context.Background()
	pool, err := srv.DB("")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("SET SESSION foreign_key_checks = 0")
	exec("CREATE DATABASE src")
	exec("CREATE DATABASE `schema other`")
	exec("CREATE TABLE `schema other`.x (id int NOT NULL PRIMARY KEY)")
	exec("USE src")
	var names []string
	for name, stmt := range sakilaStatements(t) {
		exec(stmt)
		names = append(names, name)
	}
	for _, q := range serverExtraTables {
		exec(q)
	}
	rows, err := conn.QueryContext(ctx, "SHOW FULL TABLES FROM src WHERE Table_type = 'BASE TABLE'")
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)

	for _, mode := range []DeferMode{DeferAll, DeferFulltext, DeferNone} {
		t.Run(mode.String(), func(t *testing.T) {
			dst := "dst_" + mode.String()
			exec("CREATE DATABASE " + dst)
			exec("USE " + dst)
			src := map[string]string{}
			splits := map[string]Split{}
			for _, n := range names {
				src[n] = showCreate(ctx, t, conn, "src", n)
				s, err := SplitCreateTable(dst, n, src[n], mode)
				if err != nil || s.Warning != "" {
					t.Fatalf("%s: %v %s", n, err, s.Warning)
				}
				splits[n] = s
				exec(s.Create)
			}
			for _, n := range names {
				for _, q := range splits[n].Indexes {
					exec(q)
				}
			}
			// Another current database: unqualified REFERENCES must still resolve to dst.
			exec("USE `schema other`")
			deferred := 0
			for _, n := range names {
				for _, q := range splits[n].ForeignKeys {
					exec(q)
				}
				deferred += len(splits[n].Indexes)
			}
			if (mode == DeferNone) != (deferred == 0) {
				t.Errorf("%d index statements deferred in mode %v", deferred, mode)
			}
			for _, n := range names {
				if got := showCreate(ctx, t, conn, dst, n); got != src[n] {
					t.Errorf("%s: SHOW CREATE TABLE differs after restore\nsource:\n%s\nrestored:\n%s\nsplit: %+v", n, src[n], got, splits[n])
				}
			}
		})
	}
}

func showCreate(ctx context.Context, t *testing.T, conn *sql.Conn, db, table string) string {
	t.Helper()
	var name, stmt string
	q := "SHOW CREATE TABLE " + sqltext.QuoteIdent(db) + "." + sqltext.QuoteIdent(table)
	if err := conn.QueryRowContext(ctx, q).Scan(&name, &stmt); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if strings.TrimSpace(stmt) == "" {
		t.Fatalf("%s: empty", q)
	}
	return stmt
}
