package dumper

import (
	"regexp"
	"testing"

	"github.com/sluicedb/sluice/accounts"
)

func TestDumpsUsers(t *testing.T) {
	p, _ := accounts.ParsePattern("app")
	for _, c := range []struct {
		name string
		o    Options
		want bool
	}{
		{"whole instance", Options{}, true},
		{"whole instance, --no-users", Options{NoUsers: true}, false},
		{"-B", Options{Databases: []string{"d"}}, false},
		{"-T", Options{Tables: []string{"d.t"}}, false},
		{"--regex", Options{Regex: regexp.MustCompile("d")}, false},
		{"-B --users", Options{Databases: []string{"d"}, Users: true}, true},
		{"-B --include-users", Options{Databases: []string{"d"}, IncludeUsers: []accounts.Pattern{p}}, true},
		{"--users --no-users", Options{Users: true, NoUsers: true}, false},
	} {
		if got := c.o.dumpsUsers(); got != c.want {
			t.Errorf("%s: dumps accounts %v, want %v", c.name, got, c.want)
		}
	}
}
