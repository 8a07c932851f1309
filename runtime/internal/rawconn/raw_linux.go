package rawconn

import (
	"syscall"
	"unsafe"
)

const supported = true

// RawRead reads fd once, as a raw system call (the scheduler is not told):
// EAGAIN when a non-blocking socket holds nothing.
func RawRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), errno
}

func rawWrite(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), errno
}

// sendQueued returns the socket's send buffer size (SO_SNDBUF) and the
// bytes in its send queue, not yet acknowledged (SIOCOUTQ).
func sendQueued(fd uintptr) (sndbuf, queued int, ok bool) {
	v, ok := sendBuffer(fd)
	if !ok {
		return 0, 0, false
	}
	var q int32
	if _, _, e := syscall.RawSyscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&q))); e != 0 {
		return 0, 0, false
	}
	return int(v), int(q), true
}
