package loader

import (
	"io"
	"strings"
	"testing"
)

func TestRewriteLoadData(t *testing.T) {
	for _, c := range []struct{ in, want, file string }{
		{"LOAD DATA LOCAL INFILE 'sakila.actor.00000.dat' INTO TABLE `actor` FIELDS TERMINATED BY ',' ENCLOSED BY '\"' ESCAPED BY '\\\\' LINES STARTING BY '' TERMINATED BY '\\n' (`actor_id`,`first_name`)",
			"LOAD DATA LOCAL INFILE 'Reader::h' INTO TABLE `actor` CHARACTER SET binary FIELDS TERMINATED BY ',' ENCLOSED BY '\"' ESCAPED BY '\\\\' LINES STARTING BY '' TERMINATED BY '\\n' (`actor_id`,`first_name`)",
			"sakila.actor.00000.dat"},
		{"LOAD DATA INFILE '/backup/d.t.00001.dat.gz' REPLACE INTO TABLE `d`.`t``x` FIELDS TERMINATED BY '\\t'",
			"LOAD DATA LOCAL INFILE 'Reader::h' REPLACE INTO TABLE `d`.`t``x` CHARACTER SET binary FIELDS TERMINATED BY '\\t'",
			"d.t.00001.dat.gz"},
		{"LOAD DATA LOCAL INFILE 'x.dat' INTO TABLE t CHARACTER SET utf8mb4 (a)", "LOAD DATA LOCAL INFILE 'Reader::h' INTO TABLE t CHARACTER SET utf8mb4 (a)", "x.dat"},
	} {
		q, file, err := rewriteLoadData(c.in, "Reader::h")
		if err != nil || q != c.want || file != c.file {
			t.Errorf("%s:\n got %q %q %v\nwant %q %q", c.in, q, file, err, c.want, c.file)
		}
	}
	for _, bad := range []string{"LOAD DATA LOCAL INFILE x INTO TABLE t", "LOAD DATA LOCAL INFILE 'x", "LOAD DATA LOCAL INFILE 'x' t"} {
		if _, _, err := rewriteLoadData(bad, "Reader::h"); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestStmtReader(t *testing.T) {
	in := "/*!40101 SET NAMES binary*/;\nINSERT INTO `t` VALUES(1,\"a;\")\n,(2,\"b\");\nINSERT INTO `t` VALUES (3,'c');\n"
	sr := newStmtReader(strings.NewReader(in), "f")
	var got []string
	for {
		s, err := sr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(s))
	}
	want := []string{"/*!40101 SET NAMES binary*/", "INSERT INTO `t` VALUES(1,\"a;\")\n,(2,\"b\")", "INSERT INTO `t` VALUES (3,'c')"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	sr = newStmtReader(strings.NewReader("INSERT INTO `t` VALUES(1)\n,(2)\n"), "f")
	if _, err := sr.next(); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("a statement without its ';': %v", err)
	}
}
