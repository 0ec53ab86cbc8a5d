//go:build unix && !linux

package testserver

import "syscall"

// procAttr puts mariadbd in its own process group so Stop can kill the group.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
