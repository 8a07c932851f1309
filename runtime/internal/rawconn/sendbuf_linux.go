//go:build linux && !386

package rawconn

import (
	"syscall"
	"unsafe"
)

// sendBuffer is the socket's SO_SNDBUF, read as a raw system call.
func sendBuffer(fd uintptr) (int32, bool) {
	var v int32
	l := uint32(4)
	_, _, e := syscall.RawSyscall6(syscall.SYS_GETSOCKOPT, fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF,
		uintptr(unsafe.Pointer(&v)), uintptr(unsafe.Pointer(&l)), 0)
	return v, e == 0
}
