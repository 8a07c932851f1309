package rawconn

import (
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// A Poller tells when parked connections have bytes to read, without a
// goroutine waiting on each: a connection that waits for its client's
// next request (or holds the connection open and says nothing) costs a
// goroutine's stack, 4-8 KiB, while HAProxy's costs nothing but its
// state. The Poller is an epoll instance of its own whose descriptor
// the Go network poller watches: one goroutine waits for all of them.
// Each ArmRead registers a connection for one event (EPOLLONESHOT): the
// first that comes calls the Poller's function with the connection's id,
// and the connection is armed again the next time it parks. Armed level-
// triggered, a connection whose bytes arrived before it was armed is
// reported at once, so no wake-up is lost between the read that found
// the socket empty and the arming.
type Poller struct {
	epfd int
	f    *os.File
	rc   syscall.RawConn
	fn   func(id uint64)
	evs  [128]syscall.EpollEvent
	wait func(uintptr) bool
}

var (
	pollerOnce sync.Once
	poller     *Poller
)

// SharedPoller returns the process's Poller, calling fn for each event
// (fn is taken from the first call), or nil where parking is not
// available.
func SharedPoller(fn func(id uint64)) *Poller {
	pollerOnce.Do(func() {
		p, err := newPoller(fn)
		if err == nil {
			poller = p
		}
	})
	return poller
}

func newPoller(fn func(id uint64)) (*Poller, error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	// Non-blocking, so that os.NewFile hands it to the network poller.
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "rawconn-epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	p := &Poller{epfd: fd, f: f, rc: rc, fn: fn}
	p.wait = p.drain
	go p.loop()
	return p, nil
}

// loop waits for events for as long as the process runs.
func (p *Poller) loop() {
	for p.rc.Read(p.wait) == nil {
	}
}

// drain hands every ready event to fn; false (the epoll instance holds
// nothing more) asks the network poller to wait until it does.
func (p *Poller) drain(uintptr) bool {
	for {
		// epoll_pwait with no signal mask: every architecture has it.
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(p.epfd),
			uintptr(unsafe.Pointer(&p.evs[0])), uintptr(len(p.evs)), 0, 0, 0)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno != 0:
			return true
		case n == 0:
			return false
		}
		for i := range int(n) {
			ev := &p.evs[i]
			p.fn(uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32)
		}
		if int(n) < len(p.evs) {
			// The ready list was empty: what comes after the call
			// wakes the network poller's wait (it is readied by
			// any event since this read began), no second call
			// needed to see it.
			return false
		}
	}
}

// ArmRead asks p to report id once c has bytes to read, or its peer
// closed it or it failed. It is an error when c is closed.
func (c *Conn) ArmRead(p *Poller, id uint64) error {
	// The connection's reader may arm it while the goroutine that armed
	// it last is still in this call (an event came in between): amu.
	c.amu.Lock()
	defer c.amu.Unlock()
	c.armP, c.armID, c.armErr = p, id, nil
	if err := c.rc.Control(c.armFn); err != nil {
		return err
	}
	return c.armErr
}

// arm is ArmRead's RawConn.Control callback (the descriptor is held open
// while it runs). A connection armed before is modified; one never armed
// is added.
func (c *Conn) arm(fd uintptr) {
	ev := syscall.EpollEvent{
		Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT,
		Fd:     int32(uint32(c.armID)),
		Pad:    int32(uint32(c.armID >> 32)),
	}
	p := c.armP
	op := syscall.EPOLL_CTL_MOD
	if !c.armed {
		op = syscall.EPOLL_CTL_ADD
	}
	for {
		_, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(p.epfd), uintptr(op), fd,
			uintptr(unsafe.Pointer(&ev)), 0, 0)
		switch {
		case errno == 0:
			c.armed = true
			return
		case errno == syscall.ENOENT && op == syscall.EPOLL_CTL_MOD:
			op = syscall.EPOLL_CTL_ADD
		case errno == syscall.EEXIST && op == syscall.EPOLL_CTL_ADD:
			op = syscall.EPOLL_CTL_MOD
		default:
			c.armErr = errno
			return
		}
	}
}
