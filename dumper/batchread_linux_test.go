//go:build linux

package dumper

import (
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

// TestBatchingDuringResultSet checks that SO_RCVLOWAT is readBufferSize while rows stream and
// back to 1 afterwards, and that a result set smaller than that still ends (batchWait).
func TestBatchingDuringResultSet(t *testing.T) {
	c := pipe(t, capProtocol41|capDeprecateEOF, func(s *fakeServer) {
		s.readQuery()
		s.resultSet(true, 1, [][][]byte{{[]byte("a")}, {[]byte("b")}})
	})
	var during []int
	err := c.queryRows(context.Background(), "SELECT", 1, func([][]byte) error {
		during = append(during, rcvLowat(t, c.Conn))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(during) != 2 || during[0] != readBufferSize {
		t.Errorf("SO_RCVLOWAT while streaming: %v, want %d for both rows", during, readBufferSize)
	}
	if v := rcvLowat(t, c.Conn); v != 1 {
		t.Errorf("SO_RCVLOWAT after the result set: %d, want 1", v)
	}
}
