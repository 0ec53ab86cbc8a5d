package testserver

import (
	"fmt"
	"net"
)

// freePort asks the kernel for a free TCP port on 127.0.0.1. The port is free
// when this returns, but another process may take it before mariadbd binds it;
// Start retries on a bind failure.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testserver: find a free port on 127.0.0.1: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("testserver: release probe port %d: %w", port, err)
	}
	return port, nil
}
