package h2

import (
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// Parking: a connection whose socket holds nothing to read, at a frame
// boundary, gives up its goroutine. Its reader would otherwise wait in
// the network poller with a stack of 4-8 KiB (more after an inline
// handler grew it), and the collector scans every such stack and counts
// it in its heap goal: with 10,000 connections, stacks were 32-86 MB and
// the goal rose with them. Parked, the connection is armed on the
// process's rawconn.Poller (one event, EPOLLONESHOT); the event, a Close
// of the connection, a wake (GOAWAY) or the sweeper (idle timeout, the
// release of an idle connection's buffers) resumes it on a pooled worker
// goroutine (workers.go), whose stack has already grown. Only cleartext
// connections through rawconn park (TLS keeps its goroutine: crypto/tls
// may hold decrypted bytes the socket no longer shows).
//
// pstate is running or parked. Whoever moves it from parked to running
// (an event, Close, wake, the sweeper) runs the connection next; the
// goroutine that parks touches nothing of the connection after it
// stores parked but the arming of its descriptor.

const (
	running int32 = iota
	parkedState
)

// parker is what a connection needs to park: rawconn.Conn's reads
// without waiting, arming, and a hook on Close.
type parker interface {
	CanPark() bool
	TryReadLazy(rawconn.LazyBuffer) (n int, again bool, err error)
	ArmRead(*rawconn.Poller, uint64) error
	OnClose(func())
}

// Parking busy connections is Server.ParkBusyAbove (off by default): a
// park and the resume after it cost an epoll call and a hand-off to a
// worker each time — 8% more CPU per proxied request at 16 busy
// connections; at 10,000 busy h2c connections on 2 cores, 12-25% more CPU
// per request and 4-14% fewer requests a second on a quiet machine, for
// 17% less memory per connection.

// maxIdleResumers is how many goroutines that ran parked connections
// wait for the next (Server.resumers).
const maxIdleResumers = 1024

// noIdleTimeout is the idle deadline of a connection with open streams:
// none (armIdle's release point only).
var noIdleTimeout = time.Unix(1<<40, 0)

// sweepEvery is how often parked connections are looked at for an idle
// timeout or the release of their buffers.
const sweepEvery = 250 * time.Millisecond

// parking holds the parked-capable connections by slot: the Poller
// reports a slot and its generation.
var parking struct {
	mu       sync.Mutex
	conns    []*conn
	gens     []uint32
	free     []uint32
	due      int // connections with a due time set (sweep while > 0)
	sweeping bool
	poller   *rawconn.Poller
	once     sync.Once
}

func sharedPoller() *rawconn.Poller {
	parking.once.Do(func() { parking.poller = rawconn.SharedPoller(pollerEvent) })
	return parking.poller
}

// pollerEvent resumes the connection an event is for (the Poller's
// goroutine). An event for a slot since reused resumes a connection for
// nothing: it reads, finds nothing and parks again.
func pollerEvent(id uint64) {
	slot, gen := uint32(id), uint32(id>>32)
	var c *conn
	parking.mu.Lock()
	if int(slot) < len(parking.conns) && parking.gens[slot] == gen {
		c = parking.conns[slot]
	}
	parking.mu.Unlock()
	if c != nil {
		c.kick()
	}
}

// addSlot gives c a slot (once, at its first park).
func (c *conn) addSlot() {
	parking.mu.Lock()
	var s uint32
	if n := len(parking.free); n > 0 {
		s = parking.free[n-1]
		parking.free = parking.free[:n-1]
	} else {
		s = uint32(len(parking.conns))
		parking.conns = append(parking.conns, nil)
		parking.gens = append(parking.gens, 0)
	}
	parking.gens[s]++
	parking.conns[s] = c
	c.slot, c.slotGen, c.hasSlot = s, parking.gens[s], true
	parking.mu.Unlock()
}

// dropSlot frees c's slot (the connection ended).
func (c *conn) dropSlot() {
	if !c.hasSlot {
		return
	}
	parking.mu.Lock()
	parking.conns[c.slot] = nil
	parking.gens[c.slot]++
	parking.free = append(parking.free, c.slot)
	if c.dueSet {
		parking.due--
	}
	parking.mu.Unlock()
	c.hasSlot = false
}

// kick resumes c if it is parked (any goroutine).
func (c *conn) kick() {
	if c.pstate.CompareAndSwap(parkedState, running) {
		c.srv.resumers.run(c)
	}
}

// work is a resumed connection's run on a worker (job).
func (c *conn) work() { c.loopOrClose() }

// tryPark's outcomes.
const (
	readOn   = iota // bytes (or an error) to read: go on
	parked          // the connection parked: leave it alone
	timedOut        // idle past its timeout, nothing to read
)

// tryPark is called at a frame boundary with nothing buffered. It reads
// what the socket holds without waiting; when that is nothing, an idle
// connection past its idle timeout is timedOut, and any other parks:
// the goroutine must then leave the connection alone. due is when the
// sweeper should resume the parked connection (zero: never).
func (c *conn) tryPark(due time.Time, idle bool) int {
	n, again, err := c.rd.tryFill(c.parker)
	if !again || n > 0 || err != nil {
		c.quiet = false
		return readOn
	}
	if idle && c.idleSet && !time.Now().Before(c.idleAt) {
		return timedOut
	}
	if !c.hasSlot {
		c.addSlot()
	}
	c.setDue(due)
	c.quiet = true
	p := sharedPoller()
	c.pstate.Store(parkedState)
	if c.rd.woken.Load() {
		// wake came before parked was stored: its read deadline ends
		// the connection (Read), unless it resumed it already.
		if c.pstate.CompareAndSwap(parkedState, running) {
			return readOn
		}
		return parked
	}
	if c.parker.ArmRead(p, uint64(c.slot)|uint64(c.slotGen)<<32) != nil {
		// Closed meanwhile: read on to see it, unless Close's kick
		// resumed it already.
		if c.pstate.CompareAndSwap(parkedState, running) {
			return readOn
		}
	}
	return parked
}

// setDue records when the sweeper should resume c while it is parked.
func (c *conn) setDue(t time.Time) {
	var ns int64
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	if c.due.Load() == ns {
		return
	}
	c.due.Store(ns)
	if set := ns != 0; set != c.dueSet {
		c.dueSet = set
		parking.mu.Lock()
		if set {
			parking.due++
			if !parking.sweeping {
				parking.sweeping = true
				go sweep()
			}
		} else {
			parking.due--
		}
		parking.mu.Unlock()
	}
}

// sweep resumes parked connections whose due time passed, while any
// connection has one.
func sweep() {
	var kick []*conn
	for {
		time.Sleep(sweepEvery)
		now := time.Now().UnixNano()
		parking.mu.Lock()
		if parking.due == 0 {
			parking.sweeping = false
			parking.mu.Unlock()
			return
		}
		for _, c := range parking.conns {
			if c == nil || c.pstate.Load() != parkedState {
				continue
			}
			if d := c.due.Load(); d != 0 && d <= now {
				kick = append(kick, c)
			}
		}
		parking.mu.Unlock()
		for i, c := range kick {
			c.kick()
			kick[i] = nil
		}
		kick = kick[:0]
	}
}

// parkingFor reports whether nc can park.
func parkingFor(nc any) parker {
	p, ok := nc.(parker)
	if !ok || !p.CanPark() || sharedPoller() == nil {
		return nil
	}
	return p
}
