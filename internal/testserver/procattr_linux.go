package testserver

import "syscall"

// procAttr puts mariadbd in its own process group (so Stop can kill the whole
// group) and asks Linux to send it SIGTERM, a clean shutdown, if the test
// process dies without calling Stop.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
