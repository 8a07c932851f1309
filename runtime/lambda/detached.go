package lambda

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/uuid4"
)

// Start runs a synchronous invocation as Invoke does, without a goroutine
// of the caller's waiting for it: done is called once, with what Invoke
// would return, by whichever goroutine learns the outcome — most often the
// Runtime API connection's reader or the output pipe's pump that read the
// answer, else a timer, or a goroutine of the service's for what may
// wait (a cold start, an invocation run again because its instance ended
// before fetching it, one that follows a reload). done must not block.
//
// timeout bounds the wait as Invoke's ctx does: when it passes first, done
// gets context.DeadlineExceeded and the invocation, if it was handed to
// an instance, runs on, as on Lambda. done may be called before Start
// returns (a throttled invocation, an unknown function). The Result's
// Payload is only valid until done returns (it may be the buffer the
// answer was read into): done copies what it keeps.
func (s *Service) Start(name string, payload []byte, opts InvokeOptions, timeout time.Duration, done func(Result, error)) {
	fn := s.lookup(name)
	if fn == nil || fn.remote != nil || fn.unserved != nil || opts.Async || len(payload) > MaxRequestBytes {
		// Not a local synchronous invocation: as Invoke (which
		// answers these at once, but for a remote function's).
		if fn == nil || fn.remote == nil {
			ctx, cancel := context.WithTimeout(s.ctx, timeout)
			defer cancel()
			done(s.Invoke(ctx, name, payload, opts))
			return
		}
		go func() {
			ctx, cancel := context.WithTimeout(s.ctx, timeout)
			defer cancel()
			done(s.Invoke(ctx, name, payload, opts))
		}()
		return
	}
	// The invocation, its detached state and its place in the queue
	// are one allocation, its request id in it.
	c := &detachedCall{}
	inv, d := &c.inv, &c.d
	uuid4.Format(&c.id, rand.Uint64(), rand.Uint64())
	fillInvocation(inv, fn, unsafe.String(&c.id[0], len(c.id)), payload, opts)
	d.s, d.name, d.fn, d.inv, d.done = s, name, fn, inv, done
	inv.det = d
	s.deadlines(timeout).add(d)
	fn.startDetached(d)
}

// detachedCall is what Start allocates for an invocation.
type detachedCall struct {
	inv invocation
	d   detached
	id  [36]byte
}

// detached is an invocation started with Start: its state beside the
// invocation's, and how its caller hears of the outcome.
type detached struct {
	s        *Service
	name     string
	inv      *invocation
	done     func(Result, error)
	deadline time.Time
	// fn is the function Start found; w the invocation's waiter while
	// it is queued there (under fn.mu), wait its storage.
	fn       *function
	w        *waiter
	wait     waiter
	answered atomic.Bool
	// dl holds the invocation until it is answered or its deadline
	// passes (prev, next and linked under dl.mu).
	dl         *deadlineList
	prev, next *detached
	linked     bool
}

// newDetachedInvocation is newInvocation without the channel a waiting
// caller reads (Start's invocations are settled through det).
func newDetachedInvocation(fn *function, payload []byte, opts InvokeOptions) *invocation {
	inv := &invocation{}
	fillInvocation(inv, fn, newRequestID(), payload, opts)
	return inv
}

// fillInvocation sets a new invocation's fields.
func fillInvocation(inv *invocation, fn *function, id string, payload []byte, opts InvokeOptions) {
	inv.id = id
	inv.payload = payload
	inv.traceID = opts.TraceID
	inv.clientCtx = opts.ClientContext
	inv.cognito = opts.CognitoIdentity
	inv.logTail = opts.LogTail
	inv.arn = fn.arn
	if inv.traceID == "" {
		inv.traceID = newTraceID(fn.s.cfg.Now())
	}
}

// answer hands the outcome to the caller, once.
func (d *detached) answer(r Result, err error) {
	if d.answered.Swap(true) {
		return
	}
	d.dl.remove(d)
	d.done(r, err)
}

// expire is the timeout: a queued invocation leaves the queue; one handed
// to an instance runs on.
func (d *detached) expire() {
	fn := d.fn
	fn.mu.Lock()
	if d.w != nil {
		fn.dropWaiterLocked(d.w)
	}
	fn.mu.Unlock()
	d.answer(Result{}, context.DeadlineExceeded)
}

// settled receives the invocation's Result from finish, or an empty one
// with inv.refetch set when its instance ended before fetching it.
func (d *detached) settled(r Result) {
	if d.inv.refetch {
		d.block(d.inv.on.fn, blockRetry)
		return
	}
	d.answer(r, nil)
}

// granted is a queued detached invocation's turn: in is the instance it
// was dispatched or handed ahead to (its Result comes through settled),
// nil (a slot to start an instance in), or closedInstance. Called with or
// without fn.mu held: it does not block.
func (d *detached) granted(fn *function, in *instance) {
	switch in {
	case nil:
		d.block(fn, blockStart)
	case closedInstance:
		d.block(fn, blockClosed)
	}
}

// What a detached invocation goes on with on a goroutine (block).
const (
	blockStart  = iota // a slot was reserved for it: start an instance
	blockRetry         // its instance ended before fetching it: run it elsewhere
	blockClosed        // the function was closed (a reload): run it on the new one
)

// block goes on with the invocation as Invoke does, on a goroutine: the
// paths that wait (a cold start, a retry, a reload) are the uncommon ones.
func (d *detached) block(fn *function, how int) {
	inv := d.inv
	// From now on the invocation is an ordinary one, settled through
	// its channel (no other goroutine holds it: it is not queued, and
	// no instance has it).
	inv.det = nil
	inv.done = make(chan Result, 1)
	s := d.s
	// Not counted in s.wg (Close may be waiting on it): like a caller
	// of Invoke, the goroutine ends with the deadline or the service.
	go func() {
		ctx, cancel := context.WithDeadline(s.ctx, d.deadline)
		defer cancel()
		var r Result
		var err error
		switch how {
		case blockStart:
			var in *instance
			var res *Result
			in, res, err = fn.granted(ctx, inv, nil)
			switch {
			case res != nil:
				r = *res
			case err == nil:
				if r, err = in.run(ctx, inv); err == errUnfetched {
					inv.ahead, inv.delivered, inv.refetch, inv.on = false, false, false, nil
					r, err = fn.call(ctx, inv)
				}
			}
		case blockRetry:
			// Its instance ended before fetching it, or took it back
			// (recall: the instance lives on, so on is cleared, and
			// fn.call queues it first).
			inv.ahead, inv.delivered, inv.refetch, inv.on = false, false, false, nil
			r, err = fn.call(ctx, inv)
		case blockClosed:
			err = ErrClosed
		}
		for err == ErrClosed {
			// As in Service.Invoke: a reload replaced fn before a
			// runtime fetched the invocation.
			next := s.lookup(d.name)
			if next == nil || next == fn {
				break
			}
			fn = next
			inv.arn, inv.on, inv.delivered, inv.refetch, inv.ahead = fn.arn, nil, false, false, false
			r, err = fn.call(ctx, inv)
		}
		d.answer(r, err)
	}()
}

// startDetached is acquire and call for a detached invocation: it hands
// the invocation to a warm instance, to a busy one as an event ahead, or
// queues it; what would wait (a cold start) goes on a goroutine.
func (fn *function) startDetached(d *detached) {
	inv := d.inv
	fn.mu.Lock()
	p, in, c, err := fn.placeLocked(inv, false)
	switch p {
	case placeClosed:
		fn.mu.Unlock()
		d.block(fn, blockClosed)
		return
	case placeRefused:
		fn.mu.Unlock()
		d.answer(Result{}, err)
		return
	case placeIdle:
		fn.mu.Unlock()
		in.dispatch(inv)
		return
	case placeCold:
		fn.mu.Unlock()
		d.block(fn, blockStart)
		return
	case placeAhead:
		fn.mu.Unlock()
		c.flush()
		in.checkExited(inv)
		return
	}
	d.wait = waiter{inv: inv, det: d}
	w := &d.wait
	d.w = w
	fn.waiters.push(w)
	fn.armScalerLocked()
	fn.mu.Unlock()
}

// checkExited settles a detached invocation dispatched, or handed ahead,
// to an instance whose process has ended already (reap's look at the
// instance's invocations may have come first).
func (in *instance) checkExited(inv *invocation) {
	select {
	case <-in.exited:
		in.ended(inv)
	default:
	}
}

// endDetached settles the detached invocations an ended instance holds
// (reap, once exited is closed): ordinary ones are settled by the
// goroutines that wait for them.
func (in *instance) endDetached() {
	var dets []*invocation
	in.mu.Lock()
	if in.cur != nil && in.cur.det != nil {
		dets = append(dets, in.cur)
	}
	for _, a := range in.ahead {
		if a.det != nil {
			dets = append(dets, a)
		}
	}
	in.mu.Unlock()
	for _, inv := range dets {
		in.ended(inv)
	}
}

// deadlineList holds the detached invocations started with one timeout
// until they are answered, in the order of their deadlines, which is the
// order they were added in: one runtime timer per list, armed for the
// first deadline, instead of a timer per invocation (its allocation, its
// start and its stop on every request). An invocation answered leaves the
// list at once; the timer, when it fires early because the one it was
// armed for has left, is armed again for the next.
type deadlineList struct {
	timeout    time.Duration
	mu         sync.Mutex
	head, tail *detached
	timer      *time.Timer
	armed      bool
}

// deadlines is the list of the detached invocations started with timeout.
func (s *Service) deadlines(timeout time.Duration) *deadlineList {
	if l := s.lastDeadlines.Load(); l != nil && l.timeout == timeout {
		return l
	}
	v, ok := s.deadlineLists.Load(timeout)
	if !ok {
		v, _ = s.deadlineLists.LoadOrStore(timeout, &deadlineList{timeout: timeout})
	}
	l := v.(*deadlineList)
	s.lastDeadlines.Store(l)
	return l
}

// add sets d's deadline and puts it last.
func (l *deadlineList) add(d *detached) {
	l.mu.Lock()
	d.deadline = time.Now().Add(l.timeout)
	d.dl, d.linked, d.prev, d.next = l, true, l.tail, nil
	if l.tail != nil {
		l.tail.next = d
	} else {
		l.head = d
	}
	l.tail = d
	if !l.armed {
		l.armed = true
		if l.timer == nil {
			l.timer = time.AfterFunc(l.timeout, l.fire)
		} else {
			l.timer.Reset(l.timeout)
		}
	}
	l.mu.Unlock()
}

// remove takes d out of the list, if it is there.
func (l *deadlineList) remove(d *detached) {
	l.mu.Lock()
	if d.linked {
		l.unlinkLocked(d)
	}
	l.mu.Unlock()
}

func (l *deadlineList) unlinkLocked(d *detached) {
	if d.prev != nil {
		d.prev.next = d.next
	} else {
		l.head = d.next
	}
	if d.next != nil {
		d.next.prev = d.prev
	} else {
		l.tail = d.prev
	}
	d.prev, d.next, d.linked = nil, nil, false
}

// fire expires the invocations whose deadline has passed and arms the
// timer for the next one.
func (l *deadlineList) fire() {
	var due []*detached
	l.mu.Lock()
	now := time.Now()
	for l.head != nil && !l.head.deadline.After(now) {
		d := l.head
		l.unlinkLocked(d)
		due = append(due, d)
	}
	l.armed = l.head != nil
	if l.armed {
		l.timer.Reset(l.head.deadline.Sub(now))
	}
	l.mu.Unlock()
	for _, d := range due {
		d.expire()
	}
}
