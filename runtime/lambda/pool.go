package lambda

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// function is one loaded function: its configuration and its pool of
// instances.
//
// Pool invariants (under mu): live counts the instances running or being
// started and never exceeds limit; every live instance is either in idle
// (free, most recently used last) or owned by exactly one goroutine (an
// invocation, or a cold start); waiters are served first come, first served
// whenever an instance frees up or a slot opens.
//
// Scaling: below base instances (Config.ScaleBase: the machine's CPU
// count, at least 2), an invocation that finds every instance busy starts
// another, as on Lambda. Beyond base, invocations wait for the first
// instance to free up, and a timer starts one more (for the oldest) every
// Config.ScaleAfter while they wait, if every instance is slow for want of
// something other than a CPU (mayScaleLocked): its handler waits for I/O.
// Nothing else starts instances beyond base (not an instance's end, not
// the janitor). A handler that answers in a millisecond, or one that
// computes, is thus served by as many hot instances as there are cores
// instead of --lambda-concurrency processes contending for them, which on
// a 2-core machine is several times faster (docs/performance.md, Lambda).
type function struct {
	s        *Service
	cfg      Function
	name     string
	arn      string
	region   string
	kind     runtimeKind
	timeout  time.Duration
	memoryMB int
	limit    int
	// plainName: name is plain text (plainLogText), so that log lines
	// need not check it.
	plainName bool
	aheadMax  time.Duration // aheadMax, or another bound in tests
	// recallAfter is how long after it is handed an event ahead must
	// start (startBy): recallAfter, or another bound in tests.
	recallAfter time.Duration
	base        int           // instances started without waiting for ScaleAfter
	scale       time.Duration // Config.ScaleAfter; < 0: start up to limit at once
	remote      *remote
	unserved    error // set when invocations cannot run at all

	mu     sync.Mutex
	idle   []*instance
	live   int
	peak   int // the most instances live at once, for tests
	aheads int // events handed ahead, for tests
	// For tests: events ahead cfnrun took back (recall), that runtimes
	// handed back (handback), and of those, ones cfnrun had promoted.
	recalls, handbacks, unpromoted int
	deepest                        int // the most events ahead one instance held, for tests
	// piped counts the answers taken from the output pipe, for tests.
	piped   atomic.Int64
	waiters waitQueue
	gen     int // bumped when the code changes
	all     map[*instance]struct{}
	closed  bool
	// scaler looks again at waiting invocations after ScaleAfter; set
	// while armed.
	scaler *time.Timer

	codeMu sync.Mutex
	code   *codeState

	procs sync.WaitGroup // one per started process, done when it is reaped
}

// waiter is an invocation queued for an instance. It receives a free
// instance, nil (a slot is reserved for it: start an instance), or
// closedInstance.
type waiter struct {
	ch  chan *instance
	inv *invocation
	// det is set for a detached invocation (Start), which has no ch and
	// no goroutine waiting: grant goes on with it.
	det *detached
}

// grant gives the waiter its turn (see waiter). It does not block.
func (w *waiter) grant(fn *function, in *instance) {
	if w.det == nil {
		w.ch <- in
		return
	}
	w.det.granted(fn, in)
}

// dropWaiterLocked takes w out of the queue, if it is still there.
func (fn *function) dropWaiterLocked(w *waiter) bool {
	return fn.waiters.remove(w)
}

// closedInstance tells a waiter that the function was closed.
var closedInstance = &instance{}

func newFunction(s *Service, f Function) *function {
	fn := &function{
		s:           s,
		cfg:         f,
		name:        f.Name,
		region:      f.Region,
		timeout:     f.Timeout,
		memoryMB:    f.MemoryMB,
		limit:       s.cfg.Concurrency,
		aheadMax:    aheadMax,
		recallAfter: recallAfter,
		base:        s.cfg.ScaleBase,
		scale:       s.cfg.ScaleAfter,
		all:         map[*instance]struct{}{},
	}
	if fn.region == "" {
		fn.region = s.cfg.Region
	}
	fn.plainName = plainLogText(fn.name)
	if fn.timeout <= 0 {
		fn.timeout = DefaultTimeout
	}
	if fn.memoryMB <= 0 {
		fn.memoryMB = DefaultMemoryMB
	}
	if r := f.ReservedConcurrency; r != nil && *r < fn.limit {
		fn.limit = max(*r, 0)
	}
	fn.arn = f.arn(fn.region)
	fn.kind = classify(f.Runtime)
	switch {
	case f.InvokeURL != "":
		fn.remote = newRemote(s.cfg.HTTPClient, f.InvokeURL, f.Name)
	case len(f.Command) > 0:
		// runs whatever the runtime
	case fn.kind == kindNotServed:
		fn.unserved = notServed(f.Name, "the runtime "+f.Runtime+" is not run locally")
	case fn.kind == kindUnknown && f.Runtime == "":
		fn.unserved = notServed(f.Name, "the function names no Runtime (a container image function?)")
	case fn.kind == kindUnknown:
		fn.unserved = notServed(f.Name, "the runtime "+f.Runtime+" is not one cfnrun knows")
	}
	return fn
}

func (fn *function) invoke(ctx context.Context, payload []byte, opts InvokeOptions) (Result, error) {
	if fn.remote != nil {
		return fn.remote.invoke(ctx, payload, opts)
	}
	if fn.unserved != nil {
		return Result{}, fn.unserved
	}
	if opts.Async {
		if len(payload) > MaxAsyncRequestBytes {
			return Result{}, errTooLarge(fn.name, len(payload), MaxAsyncRequestBytes)
		}
		return fn.invokeAsync(payload, opts)
	}
	if len(payload) > MaxRequestBytes {
		return Result{}, errTooLarge(fn.name, len(payload), MaxRequestBytes)
	}
	return fn.call(ctx, newInvocation(fn, payload, opts))
}

// maxUnfetched bounds how many instances an invocation is tried on when
// each ends before its runtime fetches the invocation.
const maxUnfetched = 3

// call runs inv on an instance: a warm one, a new one, or the first to
// free up. An invocation whose instance ends before the runtime fetched it
// did not run, and runs on another instance (as on Lambda: only an
// invocation the runtime took fails with Runtime.ExitError).
func (fn *function) call(ctx context.Context, inv *invocation) (Result, error) {
	// Taken back (recalled, here or, for a detached invocation, before
	// it came here): first in the queue.
	first := inv.recalled
	inv.recalled = false
	for attempt := 1; ; attempt++ {
		in, res, err := fn.acquire(ctx, inv, first)
		if err != nil || res != nil {
			if res != nil {
				return *res, nil
			}
			return Result{}, err
		}
		r, err := in.run(ctx, inv)
		if err != errUnfetched {
			return r, err
		}
		first = inv.recalled
		if inv.ahead || inv.recalled {
			// Handed back from behind an invocation that ended its
			// instance, or that turned slow (recall): not the
			// invocation's doing. A recalled one goes first in the
			// queue.
			inv.ahead = false
			attempt--
		} else if attempt == maxUnfetched {
			return functionError(inv.id, "Runtime.ExitError", "RequestId: "+inv.id+
				" Error: Runtime exited before fetching the invocation, on "+strconv.Itoa(attempt)+" instances in a row"), nil
		}
		inv.delivered, inv.refetch, inv.on, inv.recalled = false, false, nil, false
	}
}

// invokeAsync runs an Event invocation in the background and returns 202.
func (fn *function) invokeAsync(payload []byte, opts InvokeOptions) (Result, error) {
	s := fn.s
	select {
	case s.async <- struct{}{}:
	default:
		return Result{}, errThrottled(fn.name, "too many asynchronous invocations in flight")
	}
	opts.Async = false
	inv := newInvocation(fn, payload, opts)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { <-s.async }()
		res, err := fn.call(s.ctx, inv)
		for f := fn; err == ErrClosed; {
			// As in Service.Invoke: f was replaced by a reload before a
			// runtime fetched the invocation, which runs on the version
			// loaded now.
			next := s.lookup(f.name)
			if next == nil || next == f {
				break
			}
			f = next
			inv.arn, inv.on, inv.delivered, inv.refetch, inv.ahead = f.arn, nil, false, false, false
			res, err = f.call(s.ctx, inv)
		}
		switch {
		case err != nil:
			s.log.Warn("asynchronous invocation failed", "function", fn.name, "requestId", inv.id, "err", err)
		case res.FunctionError != "":
			s.log.Warn("asynchronous invocation failed", "function", fn.name, "requestId", inv.id,
				"errorType", res.ErrorType, "error", string(res.Payload))
		}
	}()
	return Result{Status: 202, RequestID: inv.id}, nil
}

// popIdleLocked takes the most recently idle instance of the current
// generation that is alive, retiring the others it passes; nil when none
// is left (fn.mu held).
func (fn *function) popIdleLocked() *instance {
	for len(fn.idle) > 0 {
		in := fn.idle[len(fn.idle)-1]
		fn.idle = fn.idle[:len(fn.idle)-1]
		if in.gen != fn.gen || in.dead() {
			fn.retireLocked(in)
			continue
		}
		return in
	}
	return nil
}

// placement is where placeLocked puts an invocation.
type placement int

const (
	placeQueue   placement = iota // to the queue, which the caller joins
	placeClosed                   // nowhere: the function is closed
	placeRefused                  // nowhere: throttled (the error says why)
	placeIdle                     // to a warm instance, popped from idle
	placeCold                     // to a new instance, whose slot is taken
	placeAhead                    // to a busy instance as an event ahead: flush c once fn.mu is released
)

// placeLocked decides where inv goes, for acquire and startDetached alike:
// a warm instance, a new one while the function may scale, a busy one as
// an event ahead, or the queue (first: ahead of the others, and never
// refused for its length). fn.mu is held, and still held on return.
func (fn *function) placeLocked(inv *invocation, first bool) (p placement, in *instance, c *rapiConn, err error) {
	if fn.closed {
		return placeClosed, nil, nil, nil
	}
	if fn.limit == 0 {
		return placeRefused, nil, nil, errThrottled(fn.name, "ReservedConcurrentExecutions is 0")
	}
	if in := fn.popIdleLocked(); in != nil {
		return placeIdle, in, nil, nil
	}
	if fn.live < fn.limit && fn.waiters.len() == 0 && (fn.live < fn.base || fn.scale < 0) {
		fn.startedLocked()
		return placeCold, nil, nil, nil
	}
	if fn.waiters.len() == 0 {
		// An instance waiting for an event ahead takes it.
		now := time.Now()
		for in := range fn.all {
			if c := fn.aheadLocked(in, inv, now); c != nil {
				return placeAhead, in, c, nil
			}
		}
	}
	if fn.waiters.len() >= fn.s.cfg.QueueLength && !first {
		return placeRefused, nil, nil, errThrottled(fn.name, "all instances are busy and the queue is full")
	}
	return placeQueue, nil, nil, nil
}

// acquire returns an instance ready for inv: a warm one, a new one, or one
// freed while inv waited in the queue. When a new instance fails to
// start, res is the invocation's result (the init error).
func (fn *function) acquire(ctx context.Context, inv *invocation, first bool) (in *instance, res *Result, err error) {
	fn.mu.Lock()
	p, in, c, err := fn.placeLocked(inv, first)
	switch p {
	case placeClosed:
		fn.mu.Unlock()
		return nil, nil, ErrClosed
	case placeRefused:
		fn.mu.Unlock()
		return nil, nil, err
	case placeIdle:
		fn.mu.Unlock()
		return in, nil, nil
	case placeCold:
		gen := fn.gen
		fn.mu.Unlock()
		return fn.coldStart(ctx, inv, gen)
	case placeAhead:
		fn.mu.Unlock()
		c.flush()
		return in, nil, nil
	}
	w := &waiter{ch: make(chan *instance, 1), inv: inv}
	if first {
		// Taken back from a slow instance: it came before the others.
		fn.waiters.pushFront(w)
	} else {
		fn.waiters.push(w)
	}
	fn.armScalerLocked()
	fn.mu.Unlock()

	select {
	case in := <-w.ch:
		return fn.granted(ctx, inv, in)
	case <-ctx.Done():
	}
	fn.mu.Lock()
	if fn.waiters.remove(w) {
		fn.mu.Unlock()
		return nil, nil, ctx.Err()
	}
	fn.mu.Unlock()
	// Granted while ctx ended: pass the grant on.
	switch in := <-w.ch; in {
	case closedInstance:
	case nil:
		fn.mu.Lock()
		fn.live--
		fn.grantLocked()
		fn.mu.Unlock()
	default:
		if inv.on == in {
			// release dispatched inv to it: the invocation runs on, as
			// on Lambda.
			return nil, nil, in.abandon(ctx, inv)
		}
		fn.release(in)
	}
	return nil, nil, ctx.Err()
}

func (fn *function) granted(ctx context.Context, inv *invocation, in *instance) (*instance, *Result, error) {
	switch in {
	case closedInstance:
		return nil, nil, ErrClosed
	case nil:
		fn.mu.Lock()
		gen := fn.gen
		fn.mu.Unlock()
		return fn.coldStart(ctx, inv, gen)
	}
	return in, nil, nil
}

// coldStart starts an instance in the slot the caller reserved and waits
// until its runtime asks for the first invocation.
func (fn *function) coldStart(ctx context.Context, inv *invocation, gen int) (*instance, *Result, error) {
	// The code may need a build first (go build): the caller waits for it
	// no longer than ctx.
	if err := fn.awaitCode(ctx, gen); err != nil {
		fn.mu.Lock()
		fn.live--
		fn.grantLocked()
		fn.mu.Unlock()
		return nil, nil, err
	}
	in, res, err := fn.startInstance(inv, gen)
	if err != nil || res != nil {
		fn.mu.Lock()
		fn.live--
		fn.grantLocked()
		fn.mu.Unlock()
		return nil, res, err
	}
	res, err = in.waitReady(ctx, inv)
	if err != nil {
		// ctx ended: let the instance finish starting and join the pool.
		go func() {
			if r, _ := in.waitReady(context.Background(), inv); r == nil {
				fn.release(in)
			} else {
				fn.discard(in)
			}
		}()
		return nil, nil, err
	}
	if res != nil {
		fn.discard(in)
		return nil, res, nil
	}
	return in, nil, nil
}

// release returns an instance after an invocation it survived: to the
// oldest waiter, whose invocation it dispatches first (the waiter's
// goroutine only waits for the result), or to the idle list.
func (fn *function) release(in *instance) {
	fn.mu.Lock()
	if fn.closed || in.gen != fn.gen || in.dead() || fn.worn(in) {
		fn.retireLocked(in)
		fn.grantLocked()
		fn.mu.Unlock()
		return
	}
	if fn.waiters.len() > 0 {
		w := fn.waiters.pop()
		fn.mu.Unlock()
		in.dispatch(w.inv)
		if w.det != nil {
			in.checkExited(w.inv)
		} else {
			w.ch <- in
		}
		return
	}
	in.idleSince = fn.s.cfg.Now()
	fn.idle = append(fn.idle, in)
	fn.mu.Unlock()
}

// aheadMax is how quick an instance's last invocation must have been for
// the instance to be handed an event ahead, and how long at most its
// current invocation may have run by then: an event ahead waits for the
// invocation in progress, where a slow handler would keep it from an
// instance that frees up first (or that the scaler starts).
//
// An instance that has run its invocation longer than aheadMax is handed
// no more events (they wait in the queue for the first instance that
// frees up, or one the scaler starts, as on Lambda each gets its own
// instance). Events handed in the first aheadMax of an invocation that
// then turns slow are taken back after recallAfter (recall.go), which is
// longer, so that they are not handed to the same instance again.
const aheadMax = 5 * time.Millisecond

// aheadDepth is how many events ahead an instance holds at most; the
// runtime takes as many as it keeps requests for them outstanding (the
// Node bootstrap two, the Python one one). With one, a runtime that
// answers before cfnrun has handed it the next event (cfnrun is starved
// of CPU, or busy with the other instances' answers) waits for it,
// asleep; a second one covers that delay: Node's context switches per
// invocation fell by about a third, and both sides' CPU per invocation
// by 12-17% (docs/performance.md, Lambda, item 20). The Python
// bootstrap, whose invocations cost more of its own CPU, served fewer
// requests/s with two (5 of 6 rounds), so it asks for one.
const aheadDepth = 2

// prefetch hands the oldest waiting invocations to a busy instance whose
// runtime waits for events ahead (hdrAhead), when its invocations are
// quick: the runtime starts each as soon as it has answered the one
// before, without waiting for cfnrun.
func (fn *function) prefetch(in *instance) {
	if in.lastDur.Load() > int64(fn.aheadMax) {
		return
	}
	var granted [aheadDepth]*waiter
	var c *rapiConn
	n := 0
	now := time.Now()
	fn.mu.Lock()
	for n < aheadDepth && fn.waiters.len() > 0 {
		w := fn.waiters.front()
		cc := fn.aheadLocked(in, w.inv, now)
		if cc == nil {
			break
		}
		c = cc
		fn.waiters.pop()
		granted[n] = w
		n++
	}
	fn.mu.Unlock()
	if c != nil {
		c.flush() // the events go out in one write
	}
	for _, w := range granted[:n] {
		if w.det != nil {
			in.checkExited(w.inv)
		} else {
			w.ch <- in
		}
	}
}

// aheadLocked hands inv ahead to in when it can take it (fn.mu held): a
// quick instance, not to be replaced (new code) or recycled, whose runtime
// runs an invocation that started less than aheadMax before now, holds
// fewer than aheadDepth events ahead and waits for another. It returns
// the connection to flush.
func (fn *function) aheadLocked(in *instance, inv *invocation, now time.Time) *rapiConn {
	if fn.closed || in.gen != fn.gen || in.lastDur.Load() > int64(fn.aheadMax) || fn.worn(in) || in.dead() {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	cur := in.cur
	if in.closed || len(in.ahead) >= aheadDepth || cur == nil || !cur.delivered || len(in.pollers) == 0 || !in.pollers[0].ahead ||
		now.Sub(cur.start) > fn.aheadMax {
		return nil
	}
	inv.on, inv.ahead = in, true
	if len(in.ahead) == 0 {
		in.aheadAfter = cur.id
	}
	in.ahead = append(in.ahead, inv)
	fn.deepest = max(fn.deepest, len(in.ahead))
	fn.aheads++
	in.handed.Add(1)
	inv.startBy = 0
	if recalls && in.pollers[0].c == in.priv && in.priv != nil {
		inv.startBy = monoAt(now) + int64(fn.recallAfter)
		in.armRecallLocked(inv.startBy)
	}
	return in.deliverLocked(inv, true)
}

// worn reports whether an instance has been handed its
// Config.RecycleAfter invocations: it is replaced when it frees up.
func (fn *function) worn(in *instance) bool {
	n := fn.s.cfg.RecycleAfter
	return n > 0 && in.handed.Load() >= int64(n)
}

// discard drops an instance that died or was killed.
func (fn *function) discard(in *instance) {
	fn.mu.Lock()
	fn.retireLocked(in)
	fn.grantLocked()
	fn.mu.Unlock()
}

// retireLocked stops an instance and frees its slot. It is idempotent.
func (fn *function) retireLocked(in *instance) {
	if _, ok := fn.all[in]; !ok {
		return
	}
	delete(fn.all, in)
	fn.live--
	in.stop()
}

// mayScaleLocked reports whether waiting invocations may start another
// instance (below the limit): below base, or when every instance is slow
// for want of something other than a CPU. An instance is slow when its
// runtime has had its event for ScaleAfter, has sent nothing back since
// (no answer read nor waiting in the socket) and none of its threads is
// running or waiting for a CPU: it waits on I/O or a timer, and another
// instance would run beside it. A CPU-bound or CPU-starved one would only
// compete for the same cores; an instance that is starting, or between
// invocations, is not slow.
func (fn *function) mayScaleLocked() bool {
	if fn.live < fn.base || fn.scale < 0 {
		return true
	}
	if fn.live > len(fn.all) {
		return false // a slot is reserved for an instance about to start
	}
	type sample struct {
		in       *instance
		busy, rx int64
	}
	cutoff := time.Now().Add(-fn.scale).UnixNano()
	samples := make([]sample, 0, len(fn.all))
	for in := range fn.all {
		b, rx := in.busySince.Load(), in.rx.Load()
		if b <= 0 || b > cutoff || rx != in.eventRx.Load() {
			return false
		}
		samples = append(samples, sample{in, b, rx})
	}
	for _, s := range samples {
		if s.in.cmd == nil || s.in.cmd.Process == nil || anyRunnable(s.in.cmd.Process.Pid) || s.in.answered() {
			return false
		}
	}
	// Reading the processes' states takes time: a runtime that answered
	// meanwhile (it was starved of CPU, and now sleeps) is not slow.
	for _, s := range samples {
		if s.in.busySince.Load() != s.busy || s.in.rx.Load() != s.rx {
			return false
		}
	}
	return true
}

// armScalerLocked makes sure waiting invocations are looked at again after
// ScaleAfter, in case the busy instances turn out to be slow.
func (fn *function) armScalerLocked() {
	if fn.scaler != nil || fn.live >= fn.limit || fn.live < fn.base || fn.scale < 0 {
		return
	}
	fn.scaler = time.AfterFunc(max(fn.scale, time.Millisecond), fn.rescale)
}

// rescale starts an instance for the oldest waiting invocation when the
// busy ones are slow, and looks again later while invocations wait.
func (fn *function) rescale() {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	fn.scaler = nil
	if fn.closed || fn.waiters.len() == 0 {
		return
	}
	if fn.live < fn.limit && fn.mayScaleLocked() {
		w := fn.waiters.pop()
		fn.startedLocked()
		w.grant(fn, nil)
	}
	if fn.waiters.len() > 0 {
		fn.armScalerLocked()
	}
}

// grantLocked gives free slots to waiters, oldest first, up to base
// instances (beyond base, the scaler decides: an instance that ended, or a
// janitor's pass, is no reason to start instances for a fast handler).
func (fn *function) grantLocked() {
	for fn.waiters.len() > 0 && fn.live < fn.limit && !fn.closed && (fn.live < fn.base || fn.scale < 0) {
		w := fn.waiters.pop()
		fn.startedLocked()
		w.grant(fn, nil)
	}
	if fn.waiters.len() > 0 && !fn.closed {
		fn.armScalerLocked()
	}
}

// startedLocked takes a slot for an instance about to start.
func (fn *function) startedLocked() {
	fn.live++
	fn.peak = max(fn.peak, fn.live)
}

// exited is called when an instance's process has been reaped: it leaves
// the pool (an owner still holding it drops it too, which is a no-op).
func (fn *function) exited(in *instance) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if i := slices.Index(fn.idle, in); i >= 0 {
		fn.idle = slices.Delete(fn.idle, i, i+1)
	}
	fn.retireLocked(in)
	fn.grantLocked()
}

// reapIdle stops instances idle since before cutoff.
func (fn *function) reapIdle(cutoff time.Time) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	keep := fn.idle[:0]
	for _, in := range fn.idle {
		if in.idleSince.Before(cutoff) {
			fn.retireLocked(in)
			continue
		}
		keep = append(keep, in)
	}
	clear(fn.idle[len(keep):])
	fn.idle = keep
	fn.grantLocked()
}

// codeChanged makes the next invocation run on fresh instances: idle ones
// stop now, busy ones when their invocation ends.
func (fn *function) codeChanged() {
	fn.mu.Lock()
	fn.gen++
	for _, in := range fn.idle {
		fn.retireLocked(in)
	}
	clear(fn.idle)
	fn.idle = fn.idle[:0]
	fn.grantLocked()
	fn.mu.Unlock()
	fn.s.log.Info("code changed; new instances will run it", "function", fn.name)
}

// close stops every instance and fails every waiter (Service.Close).
func (fn *function) close() { fn.shut(true) }

// drain closes the function to new invocations and stops its instances
// once they have nothing left to run (a reload replaced the function):
// idle ones now, busy ones when they have answered the invocation they
// run and the events they were handed ahead, starting ones after the
// invocation they start for. Waiters, and invocations that would start
// an instance, get ErrClosed before any runtime fetched them, and
// Service.Invoke runs them on the function loaded in its place. The
// function's Timeout still bounds what runs.
func (fn *function) drain() { fn.shut(false) }

func (fn *function) shut(kill bool) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if !fn.closed {
		fn.closed = true
		if fn.scaler != nil {
			fn.scaler.Stop()
			fn.scaler = nil
		}
		for _, w := range fn.waiters.drain() {
			w.grant(fn, closedInstance)
		}
		for _, in := range fn.idle {
			fn.retireLocked(in)
		}
		fn.idle = nil
	}
	if kill {
		for in := range fn.all {
			in.stop()
		}
	}
}

// wait waits until every process of the function has been reaped.
func (fn *function) wait() { fn.procs.Wait() }

// stats is a snapshot of the pool, for tests and the start-up table.
type stats struct {
	live, idle, waiting, peak, aheads, deepest int
	recalls, handbacks, unpromoted             int
}

func (fn *function) stats() stats {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return stats{fn.live, len(fn.idle), fn.waiters.len(), fn.peak, fn.aheads, fn.deepest,
		fn.recalls, fn.handbacks, fn.unpromoted}
}

// pids returns the process ids of the function's live instances.
func (fn *function) pids() []int {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	var p []int
	for in := range fn.all {
		if in.cmd != nil && in.cmd.Process != nil {
			p = append(p, in.cmd.Process.Pid)
		}
	}
	return p
}

// answered reports whether bytes from the runtime wait on one of the
// instance's Runtime API connections: it has answered (or is answering),
// and only cfnrun's own goroutines have yet to read it.
func (in *instance) answered() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for c := range in.conns {
		if c.sc != nil && unread(c.sc) > 0 {
			return true
		}
	}
	// The answer, or output, in the pipe (the pump has yet to read it),
	// or read and not yet counted in rx (taking: looked at after the
	// pipe, as the pump sets it before it reads).
	return in.pipeAnswers && in.logs.pipe != nil && (unread(in.logs.pipe) > 0 || in.taking.Load())
}
