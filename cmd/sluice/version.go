package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// versionString is `sluice --version`: the module version and the VCS commit (with
// "+dirty" for a modified tree) from the build information (runtime/debug.ReadBuildInfo),
// and the Go version. A `go build` in a checkout has version "(devel)"; `go install
// ...@v1.2.3` has v1.2.3.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sluice (unknown version) " + runtime.Version()
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	out := fmt.Sprintf("sluice %s", v)
	if rev != "" {
		out += fmt.Sprintf(" commit %s%s", rev, dirty)
		if when != "" {
			out += " (" + when + ")"
		}
	}
	return out + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
