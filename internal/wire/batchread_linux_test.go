//go:build linux

package wire

import (
	"bytes"
	"context"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

func rcvLowat(t *testing.T, c net.Conn) int {
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) { v, gerr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVLOWAT) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return v
}

// TestBatchingDuringResultSet checks that SO_RCVLOWAT stays 1 for a small result set, becomes
// readBufferSize once a large one has passed that many bytes, and is 1 again afterwards.
func TestBatchingDuringResultSet(t *testing.T) {
	big := make([][][]byte, 200) // 200 rows of 4 KiB: 800 KiB
	for i := range big {
		big[i] = [][]byte{bytes.Repeat([]byte{'x'}, 4096)}
	}
	c := pipe(t, capProtocol41|capDeprecateEOF, func(s *fakeServer) {
		s.readQuery()
		s.resultSet(true, 1, [][][]byte{{[]byte("a")}, {[]byte("b")}})
		s.readQuery()
		s.resultSet(true, 1, big)
	})
	for _, want := range []struct {
		rows        int
		first, last int
	}{{2, 1, 1}, {200, 1, readBufferSize}} {
		var during []int
		err := c.QueryRows(context.Background(), "SELECT", 1, func([]byte, [][]byte) error {
			during = append(during, rcvLowat(t, c.Conn))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(during) != want.rows || during[0] != want.first || during[len(during)-1] != want.last {
			t.Errorf("%d rows: SO_RCVLOWAT first %d last %d, want %d and %d", len(during), during[0], during[len(during)-1], want.first, want.last)
		}
		if v := rcvLowat(t, c.Conn); v != 1 {
			t.Errorf("SO_RCVLOWAT after the result set: %d, want 1", v)
		}
	}
}
