package h2

import (
	"context"
	"sync"
	"time"
)

// A stream is its handler's request context. A context.WithCancel and a
// context.WithValue per stream, the child entry WithCancel puts in the
// connection context's map (under that context's lock, shared by every
// stream of the connection), and the Done channel made when a handler or
// the Client first waits on it were ~5% of the gateway's CPU and four
// allocations on a proxied request; the stream already knows when it
// ends. The context:
//
//   - is done when the stream is aborted (the handler returned, the client
//     reset the stream, or the connection closed) with context.Canceled;
//   - makes its Done channel only when someone asks for it (Client.Do does
//     not: it is told through the stream's peer pointer);
//   - has the connection context as parent for values and the deadline;
//     the connection context ends only when the connection closes, which
//     aborts every open stream first (or, with a Server.BaseContext that
//     can end, through one context.AfterFunc per connection);
//   - implements AfterFunc, which the context package uses for contexts
//     derived from it, so that WithCancel(r.Context()) costs no goroutine
//     per request.

// streamCtx is the context part of a stream.
type streamCtx struct {
	parent context.Context // the connection's context
	mu     sync.Mutex
	done   chan struct{} // made on demand; closed on cancel
	err    error         // context.Canceled once aborted
	afters []*afterFunc
}

type afterFunc struct {
	f       func()
	stopped bool // guarded by streamCtx.mu
}

// closedChan is the Done channel of a context canceled before anyone
// asked for its channel.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (st *stream) Deadline() (time.Time, bool) { return st.ctxs.parent.Deadline() }

func (st *stream) Done() <-chan struct{} {
	s := &st.ctxs
	s.mu.Lock()
	if s.done == nil {
		if s.err != nil {
			s.done = closedChan
		} else {
			s.done = make(chan struct{})
		}
	}
	d := s.done
	s.mu.Unlock()
	return d
}

func (st *stream) Err() error {
	s := &st.ctxs
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	return err
}

func (st *stream) Value(key any) any {
	if _, ok := key.(streamKey); ok {
		return st
	}
	return st.ctxs.parent.Value(key)
}

// AfterFunc arranges for f to run once the stream's context is done (at
// once, on this goroutine, if it is done already). The context package
// calls it for contexts derived from the stream with f canceling the
// child, which takes only the child's own locks; f runs on the goroutine
// that cancels, which may hold the connection's locks, so f must not take
// them (context.AfterFunc's callers are safe: the package starts their
// function on a goroutine of its own).
func (st *stream) AfterFunc(f func()) (stop func() bool) {
	s := &st.ctxs
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		f()
		return func() bool { return false }
	}
	a := &afterFunc{f: f}
	s.afters = append(s.afters, a)
	s.mu.Unlock()
	return func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if a.stopped {
			return false
		}
		a.stopped = true
		for i, x := range s.afters {
			if x == a {
				s.afters = append(s.afters[:i], s.afters[i+1:]...)
				break
			}
		}
		return s.err == nil
	}
}

// String is what fmt prints for the context.
func (st *stream) String() string { return "h2.stream" }

// cancelCtx ends the stream's context (any goroutine; idempotent).
func (st *stream) cancelCtx() {
	s := &st.ctxs
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = context.Canceled
	if s.done != nil {
		close(s.done)
	}
	afters := s.afters
	s.afters = nil
	for _, a := range afters {
		a.stopped = true
	}
	s.mu.Unlock()
	for _, a := range afters {
		a.f()
	}
}
