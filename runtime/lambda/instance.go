package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// instance is one execution environment: a process, the Runtime API server
// it polls, and the state of the invocation it serves.
type instance struct {
	fn      *function
	gen     int
	ln      net.Listener
	cmd     *exec.Cmd
	stream  string
	started time.Time

	// timer enforces the running invocation's timeout (onTimeout).
	timer *time.Timer

	ready      chan struct{} // closed on the first /next
	readyOnce  sync.Once
	initFailed chan struct{} // closed by /init/error
	exited     chan struct{} // closed once the process is reaped
	stopCh     chan struct{} // closed by stop
	stopOnce   sync.Once

	mu      sync.Mutex
	cur     *invocation // dispatched and not yet answered
	pollers []poll      // GET /next waiting for an event, oldest first
	// ahead holds the invocations whose events the runtime was handed
	// while it runs cur, in order, at most aheadDepth: ahead[0] starts as
	// soon as the runtime has posted its answer to the invocation
	// aheadAfter names, each next one when the one before is answered
	// (cfnrun's bootstraps take events ahead: a warm invocation then costs
	// no wait for the next event, even when cfnrun's reply to the last
	// answer is late). ahead[0] becomes cur (promote) when that answer is
	// read. Until then an invocation ahead has not run: an instance that
	// ends first hands it back (unfetched).
	ahead      []*invocation
	aheadAfter string
	// recallT takes back the events ahead whose startBy has passed while
	// the runtime has not answered the invocation it runs (recall);
	// recallAt is when it fires (monoNow), 0 when it is not armed.
	recallT  *time.Timer
	recallAt int64
	// moved is broadcast when ahead loses its head or an element, or the
	// API closes (awaitCurrent).
	moved *sync.Cond
	// answerMu serializes taking an answer (claim, finish, promote) and
	// a poll for the next event (next): the pump takes answers from the
	// pipe while connections' readers take them from the Runtime API, and
	// the instance's state between the two steps (no invocation current,
	// an event ahead not yet promoted) must not be seen by the other.
	answerMu sync.Mutex
	conns    map[*rapiConn]struct{}
	// priv is the private Runtime API connection (runtimeAPIFDEnv), set
	// before the process starts.
	priv *rapiConn
	// pipeAnswers: the runtime may answer through its output pipe
	// (answerPrefix, answerPipeEnv), which the pump reads until pumpDone.
	pipeAnswers bool
	pumpDone    chan struct{}
	// connsGone, once set (reap), is closed when the last connection ends.
	connsGone chan struct{}
	closed    bool     // no more connections
	initErr   *outcome // what /init/error posted
	exitErr   error    // how the process ended
	initDur   time.Duration
	cold      bool // the next invocation follows the init phase
	// An instance rejoins the pool only when both its last invocation is
	// settled (the Result made) and its runtime has asked for the next
	// one: Lambda hands work only to a runtime waiting in /next, so an
	// instance whose runtime exits after answering is never given a new
	// invocation.
	polling bool
	settled bool

	idleSince time.Time // under fn.mu
	// busySince is when the running invocation's event was written (Unix
	// nanoseconds), 0 between invocations and while starting; the pool
	// reads it to tell slow handlers from busy CPUs.
	busySince atomic.Int64
	// rx counts the reads from the runtime's Runtime API connections that
	// returned bytes (counted with the read system call, under the
	// connection's qmu) and the answer frames taken from the pipe
	// (pipeAnswer; taking covers a frame read and not yet counted), and
	// eventRx is rx when the running invocation's event was written: a
	// runtime that sent anything since has answered (or is answering),
	// however long cfnrun's goroutines take to handle it.
	rx, eventRx atomic.Int64
	// taking is set from before the pump reads the output pipe until what
	// it read holds no answer frame, or the frame's answer is counted in
	// rx (pipeAnswer): the answer has left the pipe but the pool must
	// not take the instance for slow meanwhile (answered).
	taking atomic.Bool
	// lastDur is how long the last invocation ran (ns); events are sent
	// ahead only to an instance whose invocations are quick (aheadMax).
	lastDur atomic.Int64
	handed  atomic.Int64 // invocations handed to the instance (Config.RecycleAfter)

	logs   logState
	status *os.File // /proc/{pid}/status, for Max Memory Used
	// The peak resident set size last read from status, and when. It only
	// grows, so REPORT reuses a reading younger than hwmRefresh rather than
	// have the kernel format the process's status for every invocation.
	// Used by the invocation in progress only.
	hwmKB int64
	hwmAt time.Time
}

// invocation is one call of a function.
type invocation struct {
	id        string
	payload   []byte
	traceID   string
	clientCtx string
	cognito   string
	logTail   bool
	arn       string
	start     time.Time // dispatched
	deadline  time.Time
	// delivered is set (under the instance's mu) once /next handed the
	// invocation to the runtime.
	delivered bool
	// on is the instance the invocation was last dispatched to (set by
	// dispatch before the invocation's caller hears of the instance).
	on *instance
	// done receives the Result from whichever goroutine settles the
	// invocation (finish); cap 1. refetch is set before an instance that
	// ended before its runtime fetched the invocation sends on done.
	done    chan Result
	refetch bool
	// ahead is set while the invocation's event waits in a runtime behind
	// the invocation it runs (instance.ahead).
	ahead bool
	// det is set for an invocation started with Service.Start while no
	// goroutine waits for it: settle hands its outcome on (done is nil).
	det *detached
	// startBy is the CLOCK_MONOTONIC instant (ns) by which the runtime
	// must have started the event it was handed ahead, else it hands it
	// back (hdrStartBy; 0: none). recalled is set when cfnrun took the
	// event back (recall) or the runtime handed it back (handback): it
	// runs elsewhere, first in the queue.
	startBy  int64
	recalled bool
}

// settle hands the invocation's outcome to its caller.
func (inv *invocation) settle(r Result) {
	if inv.det != nil {
		inv.det.settled(r)
		return
	}
	inv.done <- r
}

// outcome is how an invocation ended.
type outcome struct {
	payload []byte
	errType string // set for function errors
	isErr   bool
	timeout bool
	fatal   bool // the instance cannot serve again
	// piped: the answer came through the output pipe, after all of the
	// invocation's output (answerPrefix): END has none left to read. The
	// payload is then the pump's buffer (logs.answerBody), reused for the
	// next answer: a detached invocation's done reads it before returning,
	// and finish copies it for a caller that waits.
	piped bool
}

func newInvocation(fn *function, payload []byte, opts InvokeOptions) *invocation {
	inv := newDetachedInvocation(fn, payload, opts)
	inv.done = make(chan Result, 1)
	return inv
}

// startInstance starts a process for generation gen. A function that
// cannot start because of its code (no bootstrap) gives a Result (the
// init error); a problem of cfnrun's (no node on PATH) an error.
func (fn *function) startInstance(inv *invocation, gen int) (*instance, *Result, error) {
	code := fn.codeFor(gen)
	if code.err != nil {
		return nil, nil, code.err
	}
	if code.entrypoint != "" {
		res := functionError(inv.id, "Runtime.InvalidEntrypoint", "RequestId: "+inv.id+" Error: "+code.entrypoint)
		fn.s.log.Warn("function cannot start", "function", fn.name, "requestId", inv.id,
			"errorType", "Runtime.InvalidEntrypoint", "error", code.entrypoint)
		return nil, &res, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, asServiceError(fn.name, err)
	}
	now := fn.s.cfg.Now()
	in := &instance{
		fn:         fn,
		gen:        gen,
		ln:         ln,
		stream:     newLogStream(now),
		started:    time.Now(),
		ready:      make(chan struct{}),
		initFailed: make(chan struct{}),
		exited:     make(chan struct{}),
		stopCh:     make(chan struct{}),
		cold:       true,
	}
	in.moved = sync.NewCond(&in.mu)
	in.lastDur.Store(math.MaxInt64)
	in.timer = time.AfterFunc(time.Hour, in.onTimeout)
	in.timer.Stop()
	go in.serveRuntimeAPI()

	pr, pw, err := os.Pipe()
	if err != nil {
		in.closeAPI()
		return nil, nil, asServiceError(fn.name, err)
	}
	in.logs.pipe = pr
	cmd := exec.Command(code.argv[0], code.argv[1:]...)
	cmd.Env = append(code.env[:len(code.env):len(code.env)],
		"AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(),
		"AWS_LAMBDA_LOG_STREAM_NAME="+in.stream)
	var private *os.File // the runtime's end of the private Runtime API socket
	if code.private {
		var err error
		if private, err = in.privateAPI(); err != nil {
			pr.Close()
			pw.Close()
			in.closeAPI()
			return nil, nil, asServiceError(fn.name, err)
		}
		cmd.ExtraFiles = []*os.File{private}
		cmd.Env = append(cmd.Env, runtimeAPIFDEnv+"=3")
	}
	rc, pfd, raw := rawPipe(pr)
	if !raw {
		rc, pfd = nil, -1
	}
	if in.priv != nil && raw && (fn.kind == kindNode || fn.kind == kindPython) {
		in.pipeAnswers = true
		cmd.Env = append(cmd.Env, answerPipeEnv+"=1")
	}
	if code.bootstrap {
		tok := newToken()
		in.logs.markPre = []byte("\x1ecfnrun" + tok + ":")
		in.logs.framePre = []byte("\x1ecfnrun" + tok + ">")
		cmd.Env = append(cmd.Env, tokenEnv+"="+tok)
	}
	cmd.Dir = code.taskRoot
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = sysProcAttr()
	in.cmd = cmd

	fn.mu.Lock()
	if fn.closed {
		fn.mu.Unlock()
		pr.Close()
		pw.Close()
		if private != nil {
			private.Close()
		}
		in.closeAPI()
		return nil, nil, ErrClosed
	}
	err = cmd.Start()
	if err == nil {
		fn.all[in] = struct{}{}
		fn.procs.Add(1)
	}
	fn.mu.Unlock()
	pw.Close()
	if private != nil {
		private.Close()
	}
	if err != nil {
		pr.Close()
		in.closeAPI()
		return nil, nil, asServiceError(fn.name, err)
	}
	fn.s.processes(1)
	in.status = openStatus(cmd.Process.Pid)
	in.startPump(rc, pfd)
	go in.reap()
	return in, nil, nil
}

// reap waits for the process, then tears the instance down. Before it
// closes the Runtime API, it reads what the runtime wrote to it before it
// ended (up to drainWait): an answer the runtime posted counts, and so
// does the start of an event it was handed ahead.
func (in *instance) reap() {
	err := in.cmd.Wait()
	in.mu.Lock()
	in.exitErr = err
	in.mu.Unlock()
	in.stop()
	in.mu.Lock()
	in.connsGone = make(chan struct{})
	if len(in.conns) == 0 {
		close(in.connsGone)
	}
	gone := in.connsGone
	in.mu.Unlock()
	// An answer the runtime wrote to its pipe counts too: the pump reads
	// the pipe to its end.
	var pumped chan struct{}
	if in.pipeAnswers {
		pumped = in.pumpDone
	}
	t := time.NewTimer(drainWait)
	for gone != nil || pumped != nil {
		select {
		case <-gone:
			gone = nil
			continue
		case <-pumped:
			pumped = nil
			continue
		case <-t.C:
		}
		break
	}
	t.Stop()
	in.closeAPI()
	close(in.exited)
	in.endDetached()
	if in.status != nil {
		in.status.Close()
	}
	in.fn.exited(in)
	in.fn.s.processes(-1)
	in.fn.procs.Done()
}

// drainWait bounds how long an ended instance's Runtime API connections
// are read before they are closed (a process outside the instance's group
// may hold the runtime's end).
const drainWait = 250 * time.Millisecond

// stop kills the instance's process group and stops accepting Runtime API
// connections; reap closes the connections once the process has ended. It
// is idempotent.
func (in *instance) stop() {
	in.stopOnce.Do(func() {
		if in.stopCh == nil {
			return
		}
		close(in.stopCh)
		if in.cmd != nil && in.cmd.Process != nil {
			killGroup(in.cmd.Process.Pid)
			in.ln.Close()
			return
		}
		in.closeAPI()
	})
}

// closeAPI closes the Runtime API: its listener and connections.
func (in *instance) closeAPI() {
	in.mu.Lock()
	in.closed = true
	conns := in.conns
	in.conns = nil
	in.pollers = nil
	if in.moved != nil {
		in.moved.Broadcast()
	}
	in.mu.Unlock()
	if in.ln != nil {
		in.ln.Close()
	}
	for c := range conns {
		c.nc.Close()
	}
}

// addConn registers a Runtime API connection; false when the API is
// closed.
func (in *instance) addConn(c *rapiConn) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return false
	}
	if in.conns == nil {
		in.conns = map[*rapiConn]struct{}{}
	}
	in.conns[c] = struct{}{}
	return true
}

// dropConn forgets a connection that ended.
func (in *instance) dropConn(c *rapiConn) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.conns, c)
	in.pollers = slices.DeleteFunc(in.pollers, func(p poll) bool { return p.c == c })
	if in.connsGone != nil && len(in.conns) == 0 {
		select {
		case <-in.connsGone:
		default:
			close(in.connsGone)
		}
	}
}

// dead reports whether the instance was stopped or its process exited.
func (in *instance) dead() bool {
	select {
	case <-in.stopCh:
		return true
	default:
		return false
	}
}

// initBound is how long a new instance may take to ask for its first
// invocation.
func (fn *function) initBound() time.Duration {
	return max(InitTimeout, fn.timeout)
}

// waitReady waits until the runtime asks for its first invocation. res is
// set when the init phase failed; the instance is then stopped.
func (in *instance) waitReady(ctx context.Context, inv *invocation) (res *Result, err error) {
	bound := in.fn.initBound()
	t := time.NewTimer(bound)
	defer t.Stop()
	var o outcome
	select {
	case <-in.ready:
		return nil, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-in.initFailed:
		in.mu.Lock()
		o = *in.initErr
		in.mu.Unlock()
	case <-in.exited:
		in.mu.Lock()
		if in.initErr != nil {
			o = *in.initErr
		} else {
			o = exitOutcome(inv.id, in.exitErr)
		}
		in.mu.Unlock()
	case <-t.C:
		o = timeoutOutcome(inv.id, bound)
	}
	in.stop()
	r := Result{Status: 200, Payload: o.payload, FunctionError: "Unhandled", ErrorType: o.errType,
		TimedOut: o.timeout, RequestID: inv.id, InitDuration: time.Since(in.started)}
	in.logInitFailure(inv, &r)
	return &r, nil
}

// run hands inv to the instance's runtime (unless the pool already did,
// when it handed the instance over) and waits for its answer, the
// timeout, or the process's end.
func (in *instance) run(ctx context.Context, inv *invocation) (Result, error) {
	if inv.on != in {
		in.dispatch(inv)
	}
	return in.await(ctx, inv)
}

// await waits for the Result of the invocation dispatched to the
// instance. The goroutine that settles it (finish) is the Runtime API
// connection's reader (an answer), the timer's (a timeout), or this one
// (the process ended). When ctx ends first, the invocation runs on in the
// background, as on Lambda.
func (in *instance) await(ctx context.Context, inv *invocation) (Result, error) {
	select {
	case r := <-inv.done:
		return in.result(inv, r)
	case <-in.exited:
		in.ended(inv)
		return in.result(inv, <-inv.done)
	case <-ctx.Done():
	}
	// The caller gave up; the invocation runs on, as on Lambda.
	go func() {
		select {
		case <-inv.done:
		case <-in.exited:
			in.ended(inv)
		}
	}()
	return Result{}, ctx.Err()
}

// abandon lets inv, dispatched to the instance, run on in the background
// after its caller gave up; it returns ctx's error.
func (in *instance) abandon(ctx context.Context, inv *invocation) error {
	_, err := in.await(ctx, inv)
	if err == nil || err == errUnfetched {
		err = ctx.Err()
	}
	return err
}

func (in *instance) result(inv *invocation, r Result) (Result, error) {
	if inv.refetch {
		return Result{}, errUnfetched
	}
	return r, nil
}

// ended settles inv after the instance's process ended: as not fetched
// (it runs elsewhere) or as crashed, unless it was settled already.
func (in *instance) ended(inv *invocation) {
	if in.unfetched(inv) {
		inv.refetch = true
		inv.settle(Result{})
		return
	}
	if in.claim(inv) {
		in.mu.Lock()
		err := in.exitErr
		in.mu.Unlock()
		in.finish(inv, exitOutcome(inv.id, err))
	}
}

// onTimeout ends the running invocation when it has outlived its
// deadline (a stale timer, of an invocation already settled, finds none).
func (in *instance) onTimeout() {
	in.mu.Lock()
	inv := in.cur
	in.mu.Unlock()
	if inv == nil || time.Now().Before(inv.deadline) || !in.claim(inv) {
		return
	}
	in.stop()
	in.finish(inv, timeoutOutcome(inv.id, in.fn.timeout))
}

// errUnfetched is await's error for an invocation whose instance ended
// before its runtime fetched it (no GET /next delivered it): the
// invocation did not run, and runs on another instance.
var errUnfetched = errors.New("the instance ended before its runtime fetched the invocation")

// unfetched takes inv back when the runtime never fetched it, or never
// started it (an event ahead), and drops the instance, which ended.
func (in *instance) unfetched(inv *invocation) bool {
	in.mu.Lock()
	ok := in.cur == inv && !inv.delivered
	if ok {
		in.cur = nil
	}
	i := slices.Index(in.ahead, inv)
	ahead := i >= 0
	if ahead {
		in.ahead = slices.Delete(in.ahead, i, i+1)
		if in.moved != nil {
			in.moved.Broadcast()
		}
	}
	in.mu.Unlock()
	if ok {
		in.timer.Stop()
		in.busySince.Store(0)
	}
	if ok || ahead {
		in.fn.discard(in)
	}
	return ok || ahead
}

// promote starts the event ahead once the runtime has answered the
// invocation it followed (id): the runtime starts it as soon as it has
// posted that answer, whatever cfnrun made of it.
//
// The log's lock is held from before the event stops being the one ahead
// until its START is written: the pump, reading the event's mark in
// between, would otherwise find it neither ahead nor begun and log its
// output before its START.
func (in *instance) promote(id string) bool {
	in.mu.Lock()
	ok := len(in.ahead) > 0 && in.aheadAfter == id
	in.mu.Unlock()
	if !ok {
		return false // no event ahead: the common answer takes no log lock
	}
	in.logs.mu.Lock()
	defer in.logs.mu.Unlock()
	in.mu.Lock()
	if len(in.ahead) == 0 || in.aheadAfter != id {
		in.mu.Unlock()
		return false
	}
	a := in.ahead[0]
	in.ahead = slices.Delete(in.ahead, 0, 1)
	in.aheadAfter = "" // the next one ahead starts after a's answer
	if len(in.ahead) > 0 {
		in.aheadAfter = a.id
	}
	a.ahead = false
	a.start = time.Now()
	a.deadline = a.start.Add(in.fn.timeout)
	in.cur = a
	in.polling, in.settled = false, false
	if in.pipeAnswers {
		in.moved.Broadcast()
	}
	in.mu.Unlock()
	in.eventRx.Store(in.rx.Load())
	in.busySince.Store(a.start.UnixNano())
	in.timer.Reset(in.fn.timeout)
	in.beginLogLocked(a, true)
	return true
}

// claim takes inv from the runtime, for the caller to settle it (finish):
// a late /response is then refused. It reports false when inv was
// claimed already (or is not the instance's).
//
// The instance is no longer busy from then on (busySince): its runtime
// waits for work even if the caller has not had the result yet.
func (in *instance) claim(inv *invocation) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cur != inv {
		return false
	}
	in.cur = nil
	in.busySince.Store(0)
	return true
}

// finish settles the invocation its caller claimed: it makes the Result,
// logs END and REPORT, hands the Result to the invocation's caller and
// gives the instance back to the pool (or drops it). In the common case
// it runs on the connection's reader goroutine, which then hands the
// instance the next waiting invocation itself: a warm invocation costs no
// goroutine switch in cfnrun between the runtime's answer and its next
// event.
func (in *instance) finish(inv *invocation, o outcome) {
	in.timer.Stop()
	now := time.Now()
	d := now.Sub(inv.start)
	p := o.payload
	if o.piped && inv.det == nil {
		p = bytes.Clone(p)
	}
	res := Result{Status: 200, Payload: p, RequestID: inv.id, Duration: d, TimedOut: o.timeout}
	if o.isErr {
		res.FunctionError = "Unhandled"
		res.ErrorType = o.errType
	}
	in.mu.Lock()
	if in.cold {
		in.cold = false
		res.InitDuration = in.initDur
	}
	in.mu.Unlock()
	in.lastDur.Store(int64(d))
	in.busySince.Store(0)
	in.endLog(inv, &res, !o.piped, now)
	if inv.det != nil {
		// No goroutine waits for the Result: the instance goes back
		// first (its next invocation is dispatched), then the caller
		// hears of this one, on this goroutine.
		in.giveBack(o)
		inv.det.settled(res)
		return
	}
	inv.done <- res
	in.giveBack(o)
}

// giveBack returns the instance to the pool after finish, or drops it.
func (in *instance) giveBack(o outcome) {
	if o.fatal || in.dead() {
		in.stop()
		in.fn.discard(in)
	} else {
		in.markSettled()
	}
}

// markSettled records that the last invocation's Result is made, and
// releases the instance if its runtime is already waiting for work.
func (in *instance) markSettled() {
	in.mu.Lock()
	free := in.polling
	if free {
		in.polling = false
	} else {
		in.settled = true
	}
	in.mu.Unlock()
	if free {
		in.fn.release(in)
	}
}

// markPolling records that the runtime asked for its next invocation, and
// releases the instance if its last invocation is settled.
func (in *instance) markPolling() {
	in.mu.Lock()
	free := in.settled
	if free {
		in.settled = false
	} else {
		in.polling = true
	}
	in.mu.Unlock()
	if free {
		in.fn.release(in)
	}
}

func timeoutOutcome(id string, d time.Duration) outcome {
	msg := "RequestId: " + id + " Error: Task timed out after " + strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " seconds"
	return outcome{payload: errorDoc("Sandbox.Timedout", msg), errType: "Sandbox.Timedout", isErr: true, timeout: true, fatal: true}
}

func exitOutcome(id string, err error) outcome {
	msg := "RequestId: " + id + " Error: Runtime exited without providing a reason"
	if err != nil {
		msg = "RequestId: " + id + " Error: Runtime exited with error: " + err.Error()
	}
	return outcome{payload: errorDoc("Runtime.ExitError", msg), errType: "Runtime.ExitError", isErr: true, fatal: true}
}

// functionError is the Result of a function that failed before it ran.
func functionError(id, typ, msg string) Result {
	return Result{Status: 200, Payload: errorDoc(typ, msg), FunctionError: "Unhandled", ErrorType: typ, RequestID: id}
}

// errorDoc is Lambda's error document.
func errorDoc(typ, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, msg})
	return b
}
