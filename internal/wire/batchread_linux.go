//go:build linux

package wire

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// setRcvLowat sets SO_RCVLOWAT on c's socket: bytes that must be buffered before the socket
// reports readable (socket(7)). Linux grows the receive buffer to fit (since 4.18).
func setRcvLowat(c net.Conn, n int) error {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return errors.ErrUnsupported
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVLOWAT, n)
	}); err != nil {
		return err
	}
	return serr
}
