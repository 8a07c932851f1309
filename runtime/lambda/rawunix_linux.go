package lambda

import (
	"io"
	"net"
	"sync"
	"syscall"
	"unsafe"
)

// rawUnixConn is the private Runtime API connection (a Unix socket, see
// privateAPI) with reads and writes that are plain system calls the Go
// scheduler is not told about, as runtime/internal/rawconn does for TCP:
// a net.Conn's Read and Write enter the runtime's system-call state, and
// while a goroutine is in it the monitor thread (sysmon) may hand its P to
// another thread — context switches that on the 2-core PVM machine these
// figures come from cost more than the system call. The socket is
// non-blocking, so a read or write never sleeps in the kernel; waiting for
// readiness goes through the poller as net.Conn's does.
type rawUnixConn struct {
	*net.UnixConn
	rc syscall.RawConn

	rmu    sync.Mutex
	rp     []byte
	rn     int
	rerr   error
	readFn func(uintptr) bool

	wmu     sync.Mutex
	wp      []byte
	wn      int
	werr    error
	writeFn func(uintptr) bool
}

// rawUnix returns c with raw reads and writes when it is a Unix socket,
// otherwise c.
func rawUnix(c net.Conn) net.Conn {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return c
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return c
	}
	r := &rawUnixConn{UnixConn: uc, rc: rc}
	r.readFn, r.writeFn = r.read, r.write
	return r
}

func (c *rawUnixConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	c.rp, c.rn, c.rerr = p, 0, nil
	err := c.rc.Read(c.readFn)
	n, rerr := c.rn, c.rerr
	c.rp = nil
	c.rmu.Unlock()
	switch {
	case err != nil:
		return n, c.opError("read", err)
	case rerr != nil:
		return n, c.opError("read", rerr)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (c *rawUnixConn) read(fd uintptr) bool {
	for {
		n, errno := rawSyscallRW(syscall.SYS_READ, fd, c.rp)
		switch errno {
		case 0:
			c.rn = n
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		c.rerr = errno
		return true
	}
}

func (c *rawUnixConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	c.wp, c.wn, c.werr = p, 0, nil
	var err error
	if len(p) > 0 {
		err = c.rc.Write(c.writeFn)
	}
	n, werr := c.wn, c.werr
	c.wp = nil
	c.wmu.Unlock()
	switch {
	case err != nil:
		return n, c.opError("write", err)
	case werr != nil:
		return n, c.opError("write", werr)
	}
	return n, nil
}

func (c *rawUnixConn) write(fd uintptr) bool {
	for c.wn < len(c.wp) {
		n, errno := rawSyscallRW(syscall.SYS_WRITE, fd, c.wp[c.wn:])
		switch errno {
		case 0:
			c.wn += n
			continue
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		c.werr = errno
		return true
	}
	return true
}

func (c *rawUnixConn) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		oe.Op = op
		return oe
	}
	return &net.OpError{Op: op, Net: "unix", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

// rawSyscallRW is read(2) or write(2) on fd, as a raw system call.
func rawSyscallRW(trap, fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), errno
}
