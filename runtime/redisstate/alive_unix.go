//go:build linux || darwin

package redisstate

import (
	"crypto/tls"
	"net"
	"syscall"
	"time"
)

// alive reports whether the peer has not closed nc: a peek at the socket
// without blocking sees neither the end of the stream nor an error.
// Bytes waiting (a TLS record) count as alive.
func alive(nc net.Conn) bool {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	// The deadline of the connection's last command has passed: the
	// poller would refuse the read before the peek.
	if nc.SetReadDeadline(time.Time{}) != nil {
		return false
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = true
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		ok = n > 0 || err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR
		return true
	})
	return err == nil && ok
}
