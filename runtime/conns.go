package runtime

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Client connections are admitted by a connTracker, which keeps the
// gateway alive when clients open more connections than it can hold:
//
//   - At most Config.MaxConns client connections are open at once (by
//     default half the process's descriptor limit, so that the other half
//     stays free for backend connections, files and Lambda processes).
//   - When a new connection arrives at the limit, the connection that has
//     been idle the longest (no request in flight, or still in its TLS
//     handshake or preface) is closed to make room: a client holding
//     thousands of idle connections cannot lock others out. When every
//     connection is busy, accepting waits until one ends (the kernel's
//     listen backlog queues the newcomers), so admission stays first come,
//     first served.
//   - Accept errors (EMFILE, ENFILE, ECONNABORTED, ENOBUFS...) are retried
//     with a backoff of 5 ms doubling to 1 s, as net/http does; running out
//     of descriptors also closes the longest-idle connection.
//
// Each of these is logged, at most once per logEvery, with counts.

// connState is a tracked connection's state.
type connState int32

const (
	connIdle   connState = iota // no request in flight (or not yet decided)
	connActive                  // serving a request
	connClosed                  // released
)

// logEvery bounds how often the tracker logs the same kind of event.
const logEvery = 10 * time.Second

type connTracker struct {
	max int
	log *slog.Logger

	mu      sync.Mutex
	open    int
	conns   map[*trackedConn]struct{}
	waiting atomic.Bool
	free    chan struct{} // signalled when a slot frees while waiting
	// by finds a connection by the net.Conn a server reports state for.
	by sync.Map // net.Conn → *trackedConn

	// rate-limited log state
	lmu                      sync.Mutex
	lastFull, lastErr        time.Time
	evicted, waited, errSeen int
}

type trackedConn struct {
	raw   net.Conn
	keys  []net.Conn // keys in connTracker.by
	state atomic.Int32
	since atomic.Int64 // when it became idle (unix ns)
}

func newConnTracker(max int, log *slog.Logger) *connTracker {
	return &connTracker{max: max, log: log, conns: map[*trackedConn]struct{}{}, free: make(chan struct{}, 1)}
}

// admit waits for a free slot (closing the longest-idle connection if
// there is none); it returns false when ctx ends first.
func (t *connTracker) admit(ctx context.Context) bool {
	if t.max <= 0 {
		return true
	}
	for {
		t.mu.Lock()
		if t.open < t.max {
			t.open++
			t.waiting.Store(false)
			t.mu.Unlock()
			return true
		}
		if victim := t.oldestIdleLocked(); victim != nil {
			t.releaseLocked(victim)
			t.open++
			t.mu.Unlock()
			victim.raw.Close()
			t.noteFull(true)
			return true
		}
		t.waiting.Store(true)
		t.mu.Unlock()
		t.noteFull(false)
		// Busy connections end by themselves (stall, idle and header
		// timeouts); one that turns idle can be closed: look again now
		// and then.
		select {
		case <-t.free:
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return false
		}
	}
}

// add tracks an admitted connection.
func (t *connTracker) add(c net.Conn) *trackedConn {
	tc := &trackedConn{raw: c}
	tc.since.Store(time.Now().UnixNano())
	t.mu.Lock()
	t.conns[tc] = struct{}{}
	t.mu.Unlock()
	return tc
}

// alias lets servers report state for tc under the net.Conn they see.
func (t *connTracker) alias(tc *trackedConn, c net.Conn) {
	if c == nil || c == tc.raw && len(tc.keys) > 0 {
		return
	}
	t.mu.Lock()
	if tc.state.Load() != int32(connClosed) {
		tc.keys = append(tc.keys, c)
		t.by.Store(c, tc)
	}
	t.mu.Unlock()
}

// release frees tc's slot; it may be called more than once.
func (t *connTracker) release(tc *trackedConn) {
	t.mu.Lock()
	t.releaseLocked(tc)
	t.mu.Unlock()
}

func (t *connTracker) releaseLocked(tc *trackedConn) {
	if tc.state.Swap(int32(connClosed)) == int32(connClosed) {
		return
	}
	delete(t.conns, tc)
	for _, k := range tc.keys {
		t.by.Delete(k)
	}
	tc.keys = nil
	t.giveBackLocked()
}

// giveBack returns a slot admit handed out for a connection that never
// came (Accept failed).
func (t *connTracker) giveBack() {
	t.mu.Lock()
	t.giveBackLocked()
	t.mu.Unlock()
}

func (t *connTracker) giveBackLocked() {
	if t.max > 0 {
		t.open--
	}
	t.wake()
}

// wake tells a waiting admit to look again.
func (t *connTracker) wake() {
	if t.waiting.Load() {
		select {
		case t.free <- struct{}{}:
		default:
		}
	}
}

// oldestIdleLocked returns the connection idle the longest, or nil.
func (t *connTracker) oldestIdleLocked() *trackedConn {
	var best *trackedConn
	var bestAt int64
	for tc := range t.conns {
		if tc.state.Load() != int32(connIdle) {
			continue
		}
		if at := tc.since.Load(); best == nil || at < bestAt {
			best, bestAt = tc, at
		}
	}
	return best
}

// setState records a server's report for the connection it knows as c
// (http.Server.ConnState and the HTTP/2 engine's hook).
func (t *connTracker) setState(c net.Conn, s http.ConnState) {
	v, ok := t.by.Load(c)
	if !ok {
		return
	}
	tc := v.(*trackedConn)
	switch s {
	case http.StateIdle, http.StateNew:
		tc.since.Store(time.Now().UnixNano())
		if tc.state.CompareAndSwap(int32(connActive), int32(connIdle)) {
			t.wake()
		}
	case http.StateActive:
		tc.state.CompareAndSwap(int32(connIdle), int32(connActive))
	case http.StateClosed, http.StateHijacked:
		t.release(tc)
	}
}

// closeIdle closes the longest-idle connection, to free a descriptor
// (accept failed with EMFILE/ENFILE). It reports whether it closed one.
func (t *connTracker) closeIdle() bool {
	t.mu.Lock()
	victim := t.oldestIdleLocked()
	if victim != nil {
		t.releaseLocked(victim)
	}
	t.mu.Unlock()
	if victim == nil {
		return false
	}
	victim.raw.Close()
	return true
}

// noteFull logs, at most once per logEvery, that the limit was reached.
func (t *connTracker) noteFull(evicted bool) {
	t.lmu.Lock()
	if evicted {
		t.evicted++
	} else {
		t.waited++
	}
	now := time.Now()
	if now.Sub(t.lastFull) < logEvery {
		t.lmu.Unlock()
		return
	}
	t.lastFull = now
	ev, wt := t.evicted, t.waited
	t.evicted, t.waited = 0, 0
	t.lmu.Unlock()
	t.log.Warn("client connection limit reached (--max-conns): closing the longest-idle connections to admit new ones, waiting when all are busy",
		slog.Int("maxConns", t.max), slog.Int("idleClosed", ev), slog.Int("waits", wt))
}

// noteAcceptError logs an accept failure, at most once per logEvery.
func (t *connTracker) noteAcceptError(addr string, err error, retryIn time.Duration) {
	t.lmu.Lock()
	t.errSeen++
	now := time.Now()
	if now.Sub(t.lastErr) < logEvery {
		t.lmu.Unlock()
		return
	}
	t.lastErr = now
	n := t.errSeen
	t.errSeen = 0
	t.lmu.Unlock()
	attrs := []slog.Attr{slog.String("addr", addr), slog.String("error", err.Error()),
		slog.Int("failures", n), slog.Duration("retryIn", retryIn)}
	if outOfDescriptors(err) {
		attrs = append(attrs, slog.String("hint", "the process is out of file descriptors: raise `ulimit -n` or lower --max-conns"))
	}
	t.log.LogAttrs(context.Background(), slog.LevelWarn, "accepting a connection failed; retrying", attrs...)
}

// outOfDescriptors reports EMFILE or ENFILE.
func outOfDescriptors(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// DefaultMaxConns is the default of Config.MaxConns for a process whose
// descriptor limit is nofile: half of it (the other half is for backend
// connections, files and Lambda processes), at least 32 and at most 16384.
func DefaultMaxConns(nofile uint64) int {
	return int(min(max(nofile/2, 32), 16384))
}
