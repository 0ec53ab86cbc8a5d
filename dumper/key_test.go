package dumper

import "testing"

func TestFindKey(t *testing.T) {
	col := func(name, dt string, nullable bool) catalogColumn {
		return catalogColumn{column: column{Name: name, DataType: dt}, nullable: nullable}
	}
	cols := map[string]catalogColumn{
		"id": col("id", "int", false), "u": col("u", "varchar", false), "v": col("v", "varchar", false),
		"n": col("n", "bigint", true), "f": col("f", "double", false), "e": col("e", "enum", false),
		"k": col("K", "int", false),
	}
	key := func(index string, colsAndParts ...string) []map[string]string {
		var rs []map[string]string
		for i := 0; i < len(colsAndParts); i += 2 {
			rs = append(rs, map[string]string{"INDEX_NAME": index, "COLUMN_NAME": colsAndParts[i], "SUB_PART": colsAndParts[i+1]})
		}
		return rs
	}
	hidden := func(rs []map[string]string, col, v string) []map[string]string {
		for _, r := range rs {
			r[col] = v
		}
		return rs
	}
	cat := func(parts ...[]map[string]string) []map[string]string {
		var rs []map[string]string
		for _, p := range parts {
			rs = append(rs, p...)
		}
		return rs
	}
	for _, c := range []struct {
		name     string
		rows     []map[string]string
		want     string // index name, "" for none
		nullable bool
	}{
		{"primary wins", cat(key("a_uv", "u", "", "v", ""), key("PRIMARY", "u", "", "v", "")), "PRIMARY", false},
		{"not-null integer before composite", cat(key("a_uv", "u", "", "v", ""), key("b_id", "id", "")), "b_id", false},
		{"fewest columns", cat(key("a_uvi", "u", "", "v", "", "id", ""), key("b_uv", "u", "", "v", "")), "b_uv", false},
		{"prefix skipped", cat(key("PRIMARY", "u", "10")), "", false},
		{"float and enum skipped", cat(key("PRIMARY", "f", ""), key("x", "e", "")), "", false},
		{"nullable single column last", cat(key("a_n", "n", ""), key("b_u", "u", "")), "b_u", false},
		{"nullable single column", cat(key("a_n", "n", "")), "a_n", true},
		{"nullable composite refused", cat(key("a_nu", "n", "", "u", "")), "", false},
		{"column name case differs", cat(key("PRIMARY", "k", "")), "PRIMARY", false},
		{"unknown column (functional key part)", cat(key("PRIMARY", "nope", "")), "", false},
		{"no unique key", nil, "", false},
		{"ignored index skipped (MariaDB)", cat(hidden(key("a_id", "id", ""), "IGNORED", "YES"), key("b_u", "u", "")), "b_u", false},
		{"invisible index skipped (MySQL 8)", cat(hidden(key("a_id", "id", ""), "IS_VISIBLE", "NO"), key("b_u", "u", "")), "b_u", false},
		{"visible index kept", cat(hidden(key("a_id", "id", ""), "IS_VISIBLE", "YES"), key("b_u", "u", "")), "a_id", false},
	} {
		k := findKey(c.rows, cols)
		got := ""
		if k != nil {
			got = k.Index
		}
		if got != c.want || (k != nil && k.Nullable != c.nullable) {
			t.Errorf("%s: key %q (%+v), want %q nullable %v", c.name, got, k, c.want, c.nullable)
		}
	}
}
