package replication

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// mariaPos is a MariaDB GTID position (@@gtid_binlog_pos, @@gtid_slave_pos): for each
// replication domain, the highest sequence number seen. Server ids do not order GTIDs and are
// dropped (MariaDB KB "GTID": a position holds one GTID per domain).
type mariaPos map[uint32]uint64

// parseMariaPos parses "domain-server-seq[,domain-server-seq...]"; "" is the empty position.
func parseMariaPos(s string) (mariaPos, error) {
	p := mariaPos{}
	s = normalizeGTIDSet(s)
	if s == "" {
		return p, nil
	}
	for _, g := range strings.Split(s, ",") {
		parts := strings.Split(g, "-")
		if len(parts) != 3 {
			return nil, fmt.Errorf("MariaDB GTID %q in %q: want domain-server-sequence", g, s)
		}
		d, err := strconv.ParseUint(parts[0], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("MariaDB GTID %q: domain: %w", g, err)
		}
		if _, err := strconv.ParseUint(parts[1], 10, 32); err != nil {
			return nil, fmt.Errorf("MariaDB GTID %q: server id: %w", g, err)
		}
		n, err := strconv.ParseUint(parts[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("MariaDB GTID %q: sequence: %w", g, err)
		}
		if n > p[uint32(d)] {
			p[uint32(d)] = n
		}
	}
	return p, nil
}

// aheadIn returns the domains, in ascending order, where p has a higher sequence number than
// other and other has the domain at all ("for the same domains").
func (p mariaPos) aheadIn(other mariaPos) []uint32 {
	var out []uint32
	for d, n := range p {
		if m, ok := other[d]; ok && n > m {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// covers reports whether p has reached other in every domain of other.
func (p mariaPos) covers(other mariaPos) bool {
	for d, n := range other {
		if p[d] < n {
			return false
		}
	}
	return true
}
