package binlog

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"
)

// Event types the archive looks at (MariaDB KB, "Replication Protocol": log event types).
const (
	eventRotate            = 4
	eventFormatDescription = 15
	eventHeartbeat         = 27
	eventMariaGTID         = 162
)

// headerLen is the size of a v4 event header: timestamp, type, server_id, event_size,
// log_pos, flags.
const headerLen = 19

// flagArtificial marks events the dump thread makes up (the first Rotate, a Gtid_list): they
// are not in the source's file and are not archived.
const flagArtificial = 0x20

// header is a v4 event header.
type header struct {
	Timestamp uint32
	Type      byte
	ServerID  uint32
	Size      uint32
	LogPos    uint32 // position just after the event in the source's file; 0 for a made-up one
	Flags     uint16
}

func parseHeader(ev []byte) (header, error) {
	if len(ev) < headerLen {
		return header{}, fmt.Errorf("binlog event of %d bytes: shorter than its header", len(ev))
	}
	h := header{
		Timestamp: binary.LittleEndian.Uint32(ev[0:]),
		Type:      ev[4],
		ServerID:  binary.LittleEndian.Uint32(ev[5:]),
		Size:      binary.LittleEndian.Uint32(ev[9:]),
		LogPos:    binary.LittleEndian.Uint32(ev[13:]),
		Flags:     binary.LittleEndian.Uint16(ev[17:]),
	}
	if int(h.Size) != len(ev) {
		return h, fmt.Errorf("binlog event type %d: header says %d bytes, packet has %d", h.Type, h.Size, len(ev))
	}
	return h, nil
}

func (h header) time() time.Time { return time.Unix(int64(h.Timestamp), 0).UTC() }

// body returns the event's body without its header and, when the last four bytes are the
// CRC32 of the rest (binlog_checksum=CRC32), without them.
func body(ev []byte) []byte {
	if n := len(ev); n >= headerLen+4 && crc32.ChecksumIEEE(ev[:n-4]) == binary.LittleEndian.Uint32(ev[n-4:]) {
		return ev[headerLen : n-4]
	}
	return ev[headerLen:]
}

// parseRotate returns a Rotate event's next file and position.
func parseRotate(ev []byte) (string, uint64, error) {
	b := body(ev)
	if len(b) < 8 {
		return "", 0, fmt.Errorf("rotate event: body of %d bytes", len(b))
	}
	return string(b[8:]), binary.LittleEndian.Uint64(b), nil
}

// parseMariaGTID returns a MariaDB GTID event's GTID as "domain-server-seq".
func parseMariaGTID(ev []byte, h header) (string, error) {
	b := body(ev)
	if len(b) < 12 {
		return "", fmt.Errorf("GTID event: body of %d bytes", len(b))
	}
	seq := binary.LittleEndian.Uint64(b)
	domain := binary.LittleEndian.Uint32(b[8:])
	return fmt.Sprintf("%d-%d-%d", domain, h.ServerID, seq), nil
}
