// Package rawconn wraps TCP and Unix-socket connections so that their
// reads and writes are system calls the Go scheduler is not told about.
//
// A net.Conn's Read and Write enter the runtime's system-call state
// (entersyscall/exitsyscall). While a goroutine is in that state, the
// runtime's monitor thread (sysmon) may hand its P to another thread,
// and the first system call after the process idled wakes sysmon from
// its deep sleep. On the 2-core PVM machine this gateway is measured on,
// sysmon's wake-ups and the thread hand-offs that follow were ~15% of a
// proxied request's CPU: every wake-up is a context switch. Reads and
// writes on a non-blocking socket never sleep in the kernel — they copy
// what is there and return EAGAIN otherwise — so they need none of that
// bookkeeping: the connection's syscall.RawConn runs them as plain
// system calls, and waits for readiness through the network poller as
// net.Conn does. Deadlines, Close and everything else are the wrapped
// connection's.
package rawconn

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
)

// Conn is a TCP or Unix-socket connection whose Read and Write are raw
// system calls.
type Conn struct {
	net.Conn
	rc   syscall.RawConn
	netw string // "tcp" or "unix", for errors

	// The RawConn callbacks are method values made once, and their
	// arguments and results live here (guarded by rmu / wmu), so a
	// Read or Write allocates nothing.
	rmu    sync.Mutex
	rp     []byte
	rn     int
	rerr   error
	readFn func(uintptr) bool
	lb     LazyBuffer
	lazyFn func(uintptr) bool
	// TryReadLazy's result and callback.
	again     bool
	tryLazyFn func(uintptr)

	// ArmRead's arguments and result (guarded by amu); armed: the
	// descriptor was added to the Poller.
	amu    sync.Mutex
	armP   *Poller
	armID  uint64
	armErr error
	armed  bool
	armFn  func(uintptr)
	// onClose is told when Close is called (OnClose).
	onClose atomic.Pointer[func()]

	wmu     sync.Mutex
	wp      []byte
	wn      int
	werr    error
	writeFn func(uintptr) bool
	tryFn   func(uintptr)
	roomFn  func(uintptr)
	room    struct {
		sndbuf, queued int
		ok             bool
	}
}

// Wrap returns c with raw reads and writes when it is a TCP or Unix-socket
// connection on a platform that supports them; otherwise c itself.
func Wrap(c net.Conn) net.Conn {
	if !supported {
		return c
	}
	var netw string
	switch c.(type) {
	case *net.TCPConn:
		netw = "tcp"
	case *net.UnixConn:
		netw = "unix"
	default:
		return c
	}
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		return c
	}
	rw := &Conn{Conn: c, rc: rc, netw: netw}
	rw.readFn = rw.read
	rw.lazyFn = rw.readLazy
	rw.tryLazyFn = func(fd uintptr) { rw.again = !rw.readLazy(fd) }
	rw.armFn = rw.arm
	rw.writeFn = rw.write
	rw.tryFn = func(fd uintptr) { rw.write(fd) }
	rw.roomFn = func(fd uintptr) { rw.room.sndbuf, rw.room.queued, rw.room.ok = sendQueued(fd) }
	return rw
}

// Read reads as net.Conn does: what the socket holds, at least one byte,
// or it waits until there is some, the deadline passes or the connection
// closes.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	c.rp, c.rn, c.rerr = p, 0, nil
	err := c.rc.Read(c.readFn)
	n, rerr := c.rn, c.rerr
	c.rp = nil
	c.rmu.Unlock()
	return c.readResult(n, err, rerr)
}

// readResult is what Read and ReadLazy return after the RawConn read: the
// poller's error or the read's, io.EOF for a read of nothing, else n.
func (c *Conn) readResult(n int, err, rerr error) (int, error) {
	if err != nil {
		return n, c.opError("read", err)
	}
	if rerr != nil {
		return n, c.opError("read", rerr)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// read is the RawConn callback: false asks the poller to wait for the
// socket to become readable.
func (c *Conn) read(fd uintptr) bool { return c.readInto(fd, c.rp) }

// readInto reads once into p (again after EINTR): true with c.rn or
// c.rerr set, false when the socket is empty and the poller should wait.
func (c *Conn) readInto(fd uintptr, p []byte) bool {
	for {
		n, errno := RawRead(fd, p)
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

// LazyBuffer is where ReadLazy reads. Buf returns the space to read into,
// taking a buffer (from a pool) if the reader holds none at the moment;
// Empty is told that a read found nothing, before the wait for more, so
// that a buffer holding no unread bytes can go back meanwhile.
type LazyBuffer interface {
	Buf() []byte
	Empty()
}

// ReadLazy is Read into a buffer the reader takes only when the socket has
// bytes for it: a connection that waits for its peer holds none (HAProxy
// allocates its buffers so, per read that brings data). Each attempt reads
// into b.Buf(); one that finds the socket empty calls b.Empty() and waits.
// b.Buf() must not return an empty slice.
func (c *Conn) ReadLazy(b LazyBuffer) (int, error) {
	c.rmu.Lock()
	c.lb, c.rn, c.rerr = b, 0, nil
	err := c.rc.Read(c.lazyFn)
	n, rerr := c.rn, c.rerr
	c.lb = nil
	c.rmu.Unlock()
	return c.readResult(n, err, rerr)
}

// readLazy is ReadLazy's RawConn callback.
func (c *Conn) readLazy(fd uintptr) bool {
	if c.readInto(fd, c.lb.Buf()) {
		return true
	}
	c.lb.Empty()
	return false
}

// TryReadLazy is ReadLazy without the wait: again reports that the socket
// was empty (b.Empty() was called, nothing read). It does not look at the
// read deadline.
func (c *Conn) TryReadLazy(b LazyBuffer) (n int, again bool, err error) {
	c.rmu.Lock()
	c.lb, c.rn, c.rerr, c.again = b, 0, nil, false
	err = c.rc.Control(c.tryLazyFn)
	n, rerr := c.rn, c.rerr
	again = c.again && err == nil
	c.lb = nil
	c.rmu.Unlock()
	if again {
		return 0, true, nil
	}
	n, err = c.readResult(n, err, rerr)
	return n, false, err
}

// CanPark reports whether the connection can be armed on a Poller.
func (c *Conn) CanPark() bool { return supported }

// OnClose has f called (once per Close, after the descriptor is closed)
// whenever Close is called: a connection parked on a Poller has no
// reader waiting to see it closed, and closing a descriptor takes it out
// of the epoll instance without an event. f must not block.
func (c *Conn) OnClose(f func()) { c.onClose.Store(&f) }

// Close closes the connection and tells OnClose's function.
func (c *Conn) Close() error {
	err := c.Conn.Close()
	if f := c.onClose.Load(); f != nil {
		(*f)()
	}
	return err
}

// Write writes all of p, waiting for room in the socket as needed.
func (c *Conn) Write(p []byte) (int, error) { return c.writeAll(p, false) }

// writeAll runs write over p under wmu: through RawConn.Write (waiting
// for room) or, for TryWrite (now), through RawConn.Control once.
func (c *Conn) writeAll(p []byte, now bool) (int, error) {
	c.wmu.Lock()
	c.wp, c.wn, c.werr = p, 0, nil
	var err error
	switch {
	case len(p) == 0:
	case now:
		err = c.rc.Control(c.tryFn)
	default:
		err = c.rc.Write(c.writeFn)
	}
	n, werr := c.wn, c.werr
	c.wp = nil
	c.wmu.Unlock()
	if err != nil {
		return n, c.opError("write", err)
	}
	if werr != nil {
		return n, c.opError("write", werr)
	}
	return n, nil
}

// write is the RawConn callback: false asks the poller to wait until
// the socket can take more.
func (c *Conn) write(fd uintptr) bool {
	for c.wn < len(c.wp) {
		n, errno := rawWrite(fd, c.wp[c.wn:])
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

// TryWrite writes what of p the socket takes now, without waiting for
// room: n < len(p) with a nil error means the socket is full. It goes
// through RawConn.Control, which neither waits nor looks at the write
// deadline (a deadline a past Write set may have passed); c.wmu keeps
// it apart from Write.
func (c *Conn) TryWrite(p []byte) (int, error) { return c.writeAll(p, true) }

// SendRoom reports whether n more bytes fit in the socket's send buffer
// with room to spare — the queue, n included, under a quarter of the
// buffer (the kernel counts its own overhead per segment against it) — so
// that a Write of them will not wait for the peer to read. It is for a
// writer that goes through another layer (TLS) and cannot use TryWrite.
func (c *Conn) SendRoom(n int) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.room.ok = false
	if c.rc.Control(c.roomFn) != nil || !c.room.ok {
		return false
	}
	return c.room.queued+n <= c.room.sndbuf/4
}

// opError words an error as net.Conn's Read and Write do. The poller's
// errors (a passed deadline, a closed connection) arrive already wrapped
// by RawConn ("raw-read"): their cause is kept, the operation renamed.
func (c *Conn) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		oe.Op = op
		return oe
	}
	return &net.OpError{Op: op, Net: c.netw, Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

// CloseWrite shuts down the writing side of the wrapped connection (both
// *net.TCPConn and *net.UnixConn have it; the HTTP/2 server uses it for a
// graceful close).
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
