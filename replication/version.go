package replication

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is the numeric prefix of @@version: "10.11.6-MariaDB-0+deb12u1" is {10, 11, 6}.
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion reads the leading "major.minor[.patch]" of a @@version string. It returns an
// error naming the string when there is no major.minor prefix.
func ParseVersion(s string) (Version, error) {
	end := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end < 0 {
		end = len(s)
	}
	parts := strings.Split(s[:end], ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("server version %q: want major.minor[.patch]", s)
	}
	var nums [3]int
	for i := 0; i < len(parts) && i < 3; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return Version{}, fmt.Errorf("server version %q: %w", s, err)
		}
		nums[i] = n
	}
	return Version{nums[0], nums[1], nums[2]}, nil
}

// AtLeast reports whether v >= major.minor.patch.
func (v Version) AtLeast(major, minor, patch int) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

// FlavorOf tells MariaDB from MySQL by @@version, which contains "MariaDB" on every MariaDB
// release since 5.1 (and on 10.x+ also when the server is configured with a version suffix).
func FlavorOf(version string) Flavor {
	if strings.Contains(strings.ToLower(version), "mariadb") {
		return MariaDB
	}
	return MySQL
}
