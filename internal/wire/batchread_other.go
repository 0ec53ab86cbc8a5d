//go:build !linux

package wire

import (
	"errors"
	"net"
)

// setRcvLowat is only used on Linux, where SO_RCVLOWAT also governs poll(2) and epoll(7).
func setRcvLowat(net.Conn, int) error { return errors.ErrUnsupported }
