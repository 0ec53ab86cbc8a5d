package binlog

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MySQL's GTIDs (MySQL manual "Replication with Global Transaction Identifiers"; log_event.h
// Gtid_log_event, Previous_gtids_log_event): a transaction is "source_uuid:gno", a set is
// "uuid:1-5:7,uuid2:1-3". The source logs a Gtid event before each transaction (then a BEGIN
// query event, unlike MariaDB), and a Previous_gtids event, the set logged before the file, at
// each file's start. Replay applies a transaction under its GTID with SET GTID_NEXT, as
// mysqlbinlog prints it.

// MySQL event types.
const (
	eventMySQLGTID          = 33 // GTID_LOG_EVENT
	eventMySQLAnonymousGTID = 34 // ANONYMOUS_GTID_LOG_EVENT: gtid_mode=OFF
	eventMySQLPreviousGTIDs = 35 // PREVIOUS_GTIDS_LOG_EVENT
	eventMySQLPartialUpdate = 39 // PARTIAL_UPDATE_ROWS_EVENT (binlog_row_value_options=PARTIAL_JSON)
	eventMySQLTrxPayload    = 40 // TRANSACTION_PAYLOAD_EVENT (binlog_transaction_compression=ON)
)

// formatUUID formats 16 bytes as a UUID's text.
func formatUUID(b []byte) string {
	h := hex.EncodeToString(b[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// parseMySQLGTID returns a Gtid (or Anonymous_gtid) event's source UUID and transaction
// number: the body starts with a flags byte, the 16-byte SID and the 8-byte GNO.
func parseMySQLGTID(ev []byte) (uuid string, gno int64, err error) {
	b := body(ev)
	if len(b) < 25 {
		return "", 0, fmt.Errorf("MySQL GTID event: body of %d bytes", len(b))
	}
	return formatUUID(b[1:17]), int64(binary.LittleEndian.Uint64(b[17:])), nil
}

// interval is a range of transaction numbers, Start to End inclusive.
type interval struct{ Start, End int64 }

// gtidSet is a MySQL GTID set: each source UUID's intervals, sorted and disjoint.
type gtidSet map[string][]interval

// parseGTIDSet parses "uuid:1-5:7,uuid2:3" (whitespace and newlines around the commas, as
// @@gtid_executed prints them, are allowed).
func parseGTIDSet(s string) (gtidSet, error) {
	set := gtidSet{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.Split(part, ":")
		uuid := strings.ToLower(f[0])
		if len(f) < 2 || len(strings.ReplaceAll(uuid, "-", "")) != 32 {
			return nil, fmt.Errorf("%q: want uuid:N[-M][:N[-M]...]", part)
		}
		for _, r := range f[1:] {
			lo, hi, found := strings.Cut(r, "-")
			a, err := strconv.ParseInt(lo, 10, 64)
			b := a
			if found && err == nil {
				b, err = strconv.ParseInt(hi, 10, 64)
			}
			if err != nil || a < 1 || b < a {
				return nil, fmt.Errorf("%q: interval %q: want N or N-M with 1 <= N <= M", part, r)
			}
			set[uuid] = append(set[uuid], interval{a, b})
		}
	}
	for u, iv := range set {
		set[u] = normalize(iv)
	}
	return set, nil
}

func normalize(iv []interval) []interval {
	sort.Slice(iv, func(i, j int) bool { return iv[i].Start < iv[j].Start })
	out := iv[:0]
	for _, x := range iv {
		if n := len(out); n > 0 && x.Start <= out[n-1].End+1 {
			out[n-1].End = max(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

// contains says whether the set holds transaction gno of source uuid.
func (s gtidSet) contains(uuid string, gno int64) bool {
	for _, x := range s[strings.ToLower(uuid)] {
		if gno >= x.Start && gno <= x.End {
			return true
		}
	}
	return false
}

// String formats the set as MySQL does: UUIDs sorted, "uuid:1-5:7".
func (s gtidSet) String() string {
	uuids := make([]string, 0, len(s))
	for u := range s {
		uuids = append(uuids, u)
	}
	sort.Strings(uuids)
	var b strings.Builder
	for i, u := range uuids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(u)
		for _, x := range s[u] {
			if x.Start == x.End {
				fmt.Fprintf(&b, ":%d", x.Start)
			} else {
				fmt.Fprintf(&b, ":%d-%d", x.Start, x.End)
			}
		}
	}
	return b.String()
}

// parsePreviousGTIDs decodes a Previous_gtids event's set: the number of SIDs (8 bytes), then
// each SID (16 bytes), its number of intervals (8 bytes) and the intervals, each a start and
// an exclusive end (8 bytes each).
func parsePreviousGTIDs(ev []byte) (gtidSet, error) {
	b := body(ev)
	short := fmt.Errorf("previous_gtids event: truncated body of %d bytes", len(b))
	if len(b) < 8 {
		return nil, short
	}
	n := binary.LittleEndian.Uint64(b)
	b = b[8:]
	set := gtidSet{}
	for range n {
		if len(b) < 24 {
			return nil, short
		}
		uuid, k := formatUUID(b), binary.LittleEndian.Uint64(b[16:])
		b = b[24:]
		if uint64(len(b)) < 16*k {
			return nil, short
		}
		for range k {
			start, end := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
			b = b[16:]
			if start < 1 || end <= start {
				return nil, fmt.Errorf("previous_gtids event: interval [%d, %d) of %s", start, end, uuid)
			}
			set[uuid] = append(set[uuid], interval{start, end - 1})
		}
		set[uuid] = normalize(set[uuid])
	}
	return set, nil
}
