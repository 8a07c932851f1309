package rawconn

import "syscall"

// sendBuffer is the socket's SO_SNDBUF. linux/386 has no getsockopt system
// call number in package syscall (it goes through socketcall), so this
// one is an ordinary system call.
func sendBuffer(fd uintptr) (int32, bool) {
	v, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF)
	return int32(v), err == nil
}
