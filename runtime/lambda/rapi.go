package lambda

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// The Lambda Runtime API, version 2018-06-01, as each instance serves it
// on its own loopback port. Status codes and error bodies follow the API's
// OpenAPI document and the Runtime Interface Emulator:
//
//	GET  /2018-06-01/runtime/invocation/next           200 event; headers below
//	POST /2018-06-01/runtime/invocation/{id}/response  202 {"status":"OK"}; 400 unknown id; 413 too large
//	POST /2018-06-01/runtime/invocation/{id}/error     202; 400 unknown id
//	POST /2018-06-01/runtime/init/error                202; 403 after init
//
// Errors are {"errorMessage": "...", "errorType": "..."}.
//
// The server is an HTTP/1.1 server of its own, made for the hot path of a
// warm invocation: a connection's reader goroutine never blocks on
// anything but its socket. A GET /next with no invocation to hand out
// leaves the connection registered as the instance's poller, and the
// invocation, when it comes, is written by whichever goroutine dispatches
// it (the caller of Invoke, or the one that freed the instance). Responses
// are buffered and written when the reader has no more input, so the 202
// to a runtime's answer and the next event go out in one write when the
// runtime pipelines /response and /next (as the embedded bootstraps do);
// the 202 to a pipelined answer is held until that next event, which the
// runtime waits for anyway. It speaks what Runtime API clients use:
// keep-alive and Connection: close, HTTP/1.0, Content-Length and chunked
// bodies with trailers (aws-lambda-go reports a failure while streaming in
// trailers), and Expect: 100-continue (libcurl's large POSTs).
const (
	apiPrefix = "/2018-06-01/runtime/"

	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrClientContext = "Lambda-Runtime-Client-Context"
	hdrCognito       = "Lambda-Runtime-Cognito-Identity"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody     = "Lambda-Runtime-Function-Error-Body"

	// cfnrun's extension for its own bootstraps (node, python): a GET
	// /next with hdrAhead: 1 may be answered, while the runtime still
	// runs an invocation, with the event of one it is to run after it
	// (an event "ahead"; up to aheadDepth of them), which carries
	// hdrAheadTimeout (the function's timeout in ms: its deadline is
	// counted from when the runtime starts it) in place of a deadline it
	// cannot know. See instance.ahead.
	hdrAhead        = "Cfnrun-Runtime-Ahead"
	hdrAheadTimeout = "Cfnrun-Runtime-Timeout-Ms"
	// hdrExiting: 1 on an invocation's /error says the runtime exits
	// after posting it (node's uncaught exception or unhandled rejection):
	// the event ahead it holds will not run there, so it is not started
	// (promote) but handed back when the process ends (unfetched), and
	// runs on another instance as Lambda runs it in a fresh environment.
	hdrExiting = "Cfnrun-Runtime-Exiting"
	// hdrStartBy, on an event ahead, is the CLOCK_MONOTONIC instant (ns)
	// by which the runtime must start it. A runtime that would start it
	// later (it read its clock after its answer to the invocation before
	// it was written) does not, and asks for another event in its place:
	// GET /next with hdrHandback: "ID START-BY". cfnrun runs the event
	// elsewhere (recall.go). (A GET, not a POST: the runtime's requests
	// and cfnrun's answers stay in step when the answer before went
	// through the pipe, which cfnrun may read after the handback.)
	hdrStartBy  = "Cfnrun-Runtime-Start-By"
	hdrHandback = "Cfnrun-Runtime-Handback"

	// maxHeaderBytes bounds a request's head (request line, headers and
	// trailers).
	maxHeaderBytes = 64 << 10
	// readBufSize is a connection's read buffer; longer bodies are read
	// past it.
	readBufSize = 16 << 10
	// keepWriteBuf is the largest write buffer a connection keeps between
	// writes; a larger one (a big event) is dropped after it is written.
	keepWriteBuf = 256 << 10
	// smallWrite is the largest write made with the connection's lock
	// held: a few events of that size fit in a Unix socket's buffer,
	// whether or not the runtime reads.
	smallWrite = 32 << 10
)

var acceptedResponse = []byte("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n")

// rapiConn is one connection to an instance's Runtime API.
type rapiConn struct {
	in *instance
	nc net.Conn
	// sc is the socket under nc, for answered's look at what waits
	// unread (rawconn's wrapper hides it), and rc its raw connection,
	// which the reader reads (read).
	sc syscall.Conn
	rc syscall.RawConn
	br *bufio.Reader

	// Under qmu: pending is set by each read that returns bytes, made
	// with qmu held, and cleared once the reader has handled every
	// request it read. A recall (recallLocked) that finds it clear and
	// the socket empty knows that nothing the runtime wrote has reached
	// cfnrun unanswered: the reader's read and its count are one step.
	qmu     sync.Mutex
	pending bool
	// The read callback's buffer and results (under the reader), made
	// once so that a read allocates nothing.
	rp     []byte
	rn     int
	rerr   error
	readFn func(uintptr) bool

	// Under wmu: the bytes not yet written, and whether the reader is
	// handling requests (it writes them when it runs out of input).
	wmu      sync.Mutex
	wbuf     []byte
	batching bool
	// writing: a goroutine writes a large buffer with wmu released
	// (flushLocked); it writes what is buffered meanwhile after it.
	writing bool
	// pumped: the pump is taking the answers it read from the pipe
	// (takeAnswers), and writes the events they bring when it has.
	pumped bool
	broken bool
	event  bool // wbuf holds an event: the instance is busy once it is written
	evbuf  bool // wbuf holds an event (ahead or not)
	// HTTP/1.1 answers requests in order. polls counts this connection's
	// GET /next waiting for an event; an answer to a request that came
	// after them waits in deferred until their events are written.
	polls    int
	deferred []deferredAnswer
}

// deferredAnswer is an answer written once polls more events are (after
// the deferred answer before it).
type deferredAnswer struct {
	polls int
	b     []byte
}

// serveRuntimeAPI accepts the instance's Runtime API connections until the
// listener is closed.
func (in *instance) serveRuntimeAPI() {
	for {
		nc, err := in.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return
		}
		c := in.newConn(nc)
		if !in.addConn(c) {
			nc.Close()
			return
		}
		go c.serve()
	}
}

// newConn makes a Runtime API connection of nc, whose reads and writes
// are then system calls the scheduler is not told about (rawconn).
func (in *instance) newConn(nc net.Conn) *rapiConn {
	sc, _ := nc.(syscall.Conn)
	c := &rapiConn{in: in, nc: rawconn.Wrap(nc), sc: sc}
	if recalls && sc != nil {
		if rc, err := sc.SyscallConn(); err == nil {
			c.rc = rc
			c.readFn = c.readRaw
		}
	}
	c.br = bufio.NewReaderSize(countingReader{c}, readBufSize)
	return c
}

// countingReader reads the connection and counts the reads that return
// bytes (instance.rx), each with its count under qmu (pending).
type countingReader struct{ c *rapiConn }

func (r countingReader) Read(p []byte) (int, error) {
	c := r.c
	if c.rc == nil {
		n, err := c.nc.Read(p)
		if n > 0 {
			c.qmu.Lock()
			c.got()
			c.qmu.Unlock()
		}
		return n, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	c.rp, c.rn, c.rerr = p, 0, nil
	err := c.rc.Read(c.readFn)
	n := c.rn
	c.rp = nil
	if err == nil {
		err = c.rerr
	}
	if err == nil && n == 0 {
		err = io.EOF
	}
	return n, err
}

// readRaw is the RawConn callback of a read: one raw system call (as
// runtime/internal/rawconn's), made with qmu held together with its
// count; false asks the poller to wait for the socket to be readable.
func (c *rapiConn) readRaw(fd uintptr) bool {
	for {
		c.qmu.Lock()
		n, errno := rawconn.RawRead(fd, c.rp)
		if errno == 0 && n > 0 {
			c.got()
		}
		c.qmu.Unlock()
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

// got counts a read that returned bytes (qmu held).
func (c *rapiConn) got() {
	c.pending = true
	c.in.rx.Add(1)
}

// runtimeAPIFDEnv names the file descriptor on which cfnrun's own
// bootstraps (node, python) find their Runtime API: one end of a Unix
// socket pair whose other end cfnrun serves like a connection to the
// loopback port. The protocol is the same HTTP/1.1; the transport skips
// TCP, which costs both processes several times more per write on
// loopback. AWS_LAMBDA_RUNTIME_API stays set and served, for anything in
// the function that uses it.
const runtimeAPIFDEnv = "_CFNRUN_RUNTIME_API_FD"

// answerPipeEnv, set to 1, tells cfnrun's Node.js bootstrap that it may
// answer invocations through its output pipe (answerPrefix).
const answerPipeEnv = "_CFNRUN_ANSWER_PIPE"

// privateAPI makes the instance's private Runtime API connection and
// returns the runtime's end, for the process to inherit.
func (in *instance) privateAPI() (*os.File, error) {
	fds, err := socketPair()
	if err != nil {
		return nil, err
	}
	ours := os.NewFile(uintptr(fds[0]), "runtime-api")
	nc, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		closeFD(fds[1])
		return nil, err
	}
	theirs := os.NewFile(uintptr(fds[1]), "runtime-api")
	c := in.newConn(nc) // a Unix socket
	if !in.addConn(c) {
		nc.Close()
		theirs.Close()
		return nil, ErrClosed
	}
	in.priv = c
	go c.serve()
	return theirs, nil
}

// request is what the server reads of a request.
type request struct {
	method, path string
	proto10      bool // HTTP/1.0
	close        bool // the client asked to close after this request
	contentLen   int64
	chunked      bool
	expect       bool // Expect: 100-continue
	ahead        bool // hdrAhead: 1 (GET /next)
	exiting      bool // hdrExiting: 1 (POST /error)
	// hdrHandback (GET /next): the event handed back, and its start-by
	// instant.
	handback   string
	handbackBy int64
	errType    string
	// From the trailers of a chunked body.
	trailerType, trailerBody string
}

var errBadRequest = errors.New("malformed HTTP request")

func (c *rapiConn) serve() {
	defer c.in.dropConn(c)
	defer c.nc.Close()
	for {
		req, err := c.readHead()
		if err != nil {
			if err == errBadRequest {
				c.wmu.Lock()
				c.wbuf = appendError(c.wbuf, 400, "InvalidRequest", "malformed HTTP request", true)
				c.flushLocked()
				c.wmu.Unlock()
			}
			return
		}
		c.wmu.Lock()
		c.batching = true
		c.wmu.Unlock()
		keep := c.handle(&req)
		c.wmu.Lock()
		if !keep {
			c.flushLocked()
			c.wmu.Unlock()
			return
		}
		handled := c.br.Buffered() == 0
		if handled {
			c.batching = false
			// Answers alone wait for the next event when the runtime
			// waits for one (they go out together).
			if c.polls == 0 || c.evbuf {
				c.flushLocked()
			}
		}
		broken := c.broken
		c.wmu.Unlock()
		if broken {
			return
		}
		if handled {
			// Every request read was handled (qmu is not taken under
			// wmu: recallLocked holds it while it takes in.mu).
			c.qmu.Lock()
			c.pending = false
			c.qmu.Unlock()
		}
	}
}

// handle serves one request. It reports false when the connection must
// close.
func (c *rapiConn) handle(r *request) bool {
	in := c.in
	keep := !r.close
	rest, ok := cutPrefix(r.path, apiPrefix)
	var body []byte
	var tooLarge bool
	if r.method == "POST" || r.contentLen > 0 || r.chunked {
		var err error
		body, tooLarge, err = c.readBody(r)
		if err != nil {
			return false
		}
		if tooLarge && (r.contentLen < 0 || r.contentLen > 4*MaxPayloadBytes) {
			keep = false // the rest was not drained
		}
	}
	switch {
	case !ok:
		c.apiError(404, "InvalidRequest", "cfnrun serves the Runtime API (/2018-06-01/runtime/...) only, not "+r.path, !keep)
	case rest == "invocation/next":
		if r.method != "GET" {
			c.apiError(405, "InvalidRequest", "invocation/next takes GET", !keep)
			break
		}
		in.answerMu.Lock()
		if r.handback != "" {
			in.handback(r.handback, r.handbackBy)
		}
		in.next(c, r.ahead, !keep)
		in.answerMu.Unlock()
	case rest == "init/error":
		if r.method != "POST" {
			c.apiError(405, "InvalidRequest", "init/error takes POST", !keep)
			break
		}
		in.initError(c, r, body, !keep)
	case len(rest) > len("invocation/") && rest[:len("invocation/")] == "invocation/":
		id, action, _ := cut(rest[len("invocation/"):], '/')
		if r.method != "POST" {
			c.apiError(405, "InvalidRequest", "invocation/{id}/"+action+" takes POST", !keep)
			break
		}
		switch action {
		case "response":
			in.awaitCurrent(id)
			in.answerMu.Lock()
			in.response(c, r, id, body, tooLarge, !keep)
			in.promote(id)
			in.answerMu.Unlock()
		case "error":
			in.awaitCurrent(id)
			in.answerMu.Lock()
			in.invocationError(c, r, id, body, !keep)
			if !r.exiting {
				in.promote(id)
			}
			in.answerMu.Unlock()
		default:
			c.apiError(404, "InvalidRequest", "unknown invocation action "+strconv.Quote(action), !keep)
		}
	default:
		c.apiError(404, "InvalidRequest", "unknown Runtime API path "+r.path, !keep)
	}
	return keep
}

// next hands the runtime its next invocation: the one waiting for it, or,
// when there is none, the next one dispatched (the connection becomes a
// poller). A runtime that opted in (ahead) may ask while it runs an
// invocation: its poll then waits for an event ahead (fn.prefetch).
func (in *instance) next(c *rapiConn, ahead, closing bool) {
	in.readyOnce.Do(func() {
		in.mu.Lock()
		in.initDur = time.Since(in.started)
		in.mu.Unlock()
		close(in.ready)
	})
	in.mu.Lock()
	cur := in.cur
	if cur != nil && cur.delivered && !ahead {
		in.mu.Unlock()
		c.apiError(403, "InvalidStateTransition",
			"State transition from Invoke to Ready failed for runtime. Error: the runtime asked for the next invocation before answering "+cur.id, closing)
		return
	}
	in.addPollLocked(c, ahead)
	in.polledLocked()
}

// addPollLocked registers a GET /next on c (in.mu held).
func (in *instance) addPollLocked(c *rapiConn, ahead bool) {
	c.wmu.Lock()
	c.polls++
	c.wmu.Unlock()
	in.pollers = append(in.pollers, poll{c, ahead})
}

// polledLocked hands the runtime, which polls, what it waits for (in.mu
// held; it unlocks): the invocation dispatched before it asked, events
// ahead, or, when it runs nothing, the next invocation (the instance
// frees up).
func (in *instance) polledLocked() {
	cur := in.cur
	switch {
	case cur != nil && cur.delivered:
		in.mu.Unlock()
		in.fn.prefetch(in)
		return
	case cur != nil && len(in.pollers) > 0:
		// The invocation dispatched before the runtime asked: this poll
		// takes it, and the instance is busy, not polling. (Marked
		// polling, it was freed as soon as that invocation settled, and
		// a runtime that exits after answering, as the bootstraps do
		// after an uncaught exception, was handed the next invocation.)
		c := in.deliverLocked(cur, false)
		in.mu.Unlock()
		c.flush()
		return
	case cur != nil:
		in.mu.Unlock() // delivered at the runtime's next poll
		return
	default:
		in.mu.Unlock()
	}
	in.markPolling()
}

// pipeAnswer takes an answer frame the runtime wrote to its output pipe
// (answerPrefix), on the pump's goroutine: POST /invocation/{id}/response
// with body, then GET /invocation/next with hdrAhead on the private
// connection. That poll counts among the connection's requests before
// the answer is taken: the runtime counts on its event before the answer
// to anything it sent on the connection after the frame (a request that
// waits meanwhile in awaitCurrent). id is only compared (the pump reuses
// its memory).
func (in *instance) pipeAnswer(id string, body []byte) {
	in.rx.Add(1)
	c := in.priv
	in.answerMu.Lock()
	defer in.answerMu.Unlock()
	in.mu.Lock()
	if c == nil || in.closed {
		in.mu.Unlock()
		return
	}
	in.addPollLocked(c, true)
	in.mu.Unlock()
	if inv := in.current(id); inv != nil && in.claim(inv) {
		in.fn.piped.Add(1)
		in.finish(inv, outcome{payload: body, piped: true})
	} else {
		in.fn.s.log.Warn("function answered an invocation that is not running (it timed out, or its answer came twice)",
			"function", in.fn.name, "requestId", strings.Clone(id))
	}
	in.promote(id)
	in.mu.Lock()
	in.polledLocked()
}

// poll is a GET /next waiting for an event.
type poll struct {
	c     *rapiConn
	ahead bool // the runtime takes events ahead (hdrAhead)
}

// deliverLocked answers the oldest poll with inv's event (in.mu held; the
// caller flushes the connection it returns after unlocking).
func (in *instance) deliverLocked(inv *invocation, ahead bool) *rapiConn {
	c := in.pollers[0].c
	in.pollers = append(in.pollers[:0], in.pollers[1:]...)
	inv.delivered = true
	c.appendEvent(inv, ahead)
	return c
}

// dispatch hands inv to the instance's runtime: at once when it is waiting
// in /next, else at its next /next.
func (in *instance) dispatch(inv *invocation) {
	fn := in.fn
	inv.start = time.Now()
	inv.deadline = inv.start.Add(fn.timeout)
	in.beginLog(inv, false)
	in.handed.Add(1)
	in.mu.Lock()
	in.cur = inv
	inv.on = in
	inv.startBy = 0
	in.polling, in.settled = false, false
	var c *rapiConn
	more := false
	if len(in.pollers) > 0 {
		c = in.deliverLocked(inv, false)
		more = len(in.pollers) > 0 && in.pollers[0].ahead
	}
	in.mu.Unlock()
	in.timer.Reset(fn.timeout)
	if c != nil {
		c.flush()
	}
	if more {
		fn.prefetch(in)
	}
}

// appendEvent buffers the 200 response to /next that carries inv, and the
// answers that waited for it; ahead when the runtime is to run it after
// the invocation it runs (the instance is busy already, and the deadline
// is counted from its start).
func (c *rapiConn) appendEvent(inv *invocation, ahead bool) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := c.wbuf
	b = append(b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"+hdrRequestID+": "...)
	b = append(b, inv.id...)
	b = append(b, "\r\n"+hdrDeadline+": "...)
	if ahead {
		// For runtimes that do not know the extension, a deadline as if
		// it started now.
		b = strconv.AppendInt(b, time.Now().Add(c.in.fn.timeout).UnixMilli(), 10)
		b = append(b, "\r\n"+hdrAheadTimeout+": "...)
		b = strconv.AppendInt(b, c.in.fn.timeout.Milliseconds(), 10)
		if inv.startBy != 0 {
			b = append(b, "\r\n"+hdrStartBy+": "...)
			b = strconv.AppendInt(b, inv.startBy, 10)
		}
	} else {
		b = strconv.AppendInt(b, inv.deadline.UnixMilli(), 10)
	}
	b = append(b, "\r\n"+hdrFunctionARN+": "...)
	b = append(b, inv.arn...)
	b = append(b, "\r\n"+hdrTraceID+": "...)
	b = append(b, inv.traceID...)
	if inv.clientCtx != "" {
		b = append(b, "\r\n"+hdrClientContext+": "...)
		b = appendHeaderValue(b, inv.clientCtx)
	}
	if inv.cognito != "" {
		b = append(b, "\r\n"+hdrCognito+": "...)
		b = appendHeaderValue(b, inv.cognito)
	}
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(inv.payload)), 10)
	b = append(b, "\r\n\r\n"...)
	c.wbuf = append(b, inv.payload...)
	c.event = c.event || !ahead
	c.evbuf = true
	c.polls--
	if len(c.deferred) > 0 {
		c.deferred[0].polls--
		for len(c.deferred) > 0 && c.deferred[0].polls == 0 {
			c.wbuf = append(c.wbuf, c.deferred[0].b...)
			c.deferred = c.deferred[1:]
		}
		if len(c.deferred) == 0 {
			c.deferred = nil
		}
	}
}

// flush writes the buffered bytes unless the connection's reader is
// handling requests (it writes them when it runs out of input).
func (c *rapiConn) flush() {
	c.wmu.Lock()
	if !c.batching && !c.pumped {
		c.flushLocked()
	}
	c.wmu.Unlock()
}

// busy records that the runtime is about to get its event: the instance
// is busy from when it was written (written) until its answer is read
// (claim) or waits in the socket, however long cfnrun's goroutines take
// to get to it. Until the write returns, busySince is writing: a goroutine
// preempted before its write must not make the runtime look slow, and a
// quick answer's claim (which zeroes busySince) must not be overwritten.
func (in *instance) busy() {
	in.eventRx.Store(in.rx.Load())
	in.busySince.Store(writing)
}

// written records that the event went out (unless the answer came first).
func (in *instance) written() {
	in.busySince.CompareAndSwap(writing, time.Now().UnixNano())
}

// writing is busySince while an event is being written.
const writing = -1

// appendHeaderValue appends v without the bytes a header value cannot
// hold (CR, LF, NUL), which would otherwise end the header early.
func appendHeaderValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch ch := v[i]; ch {
		case '\r', '\n', 0:
			b = append(b, ' ')
		default:
			b = append(b, ch)
		}
	}
	return b
}

// flushLocked writes the buffered bytes (c.wmu held).
//
// A write larger than smallWrite, which may wait for the runtime to read
// (a large event), is made with c.wmu released: the pump, which takes
// c.wmu for the events that answers through the pipe bring, must go on
// reading the pipe, or a runtime that writes output meanwhile would wait
// for it while cfnrun waits for the runtime. Bytes buffered meanwhile are
// written after it, by the same goroutine (writing).
func (c *rapiConn) flushLocked() {
	c.evbuf = false
	for len(c.wbuf) > 0 && !c.writing {
		event := c.event
		if event {
			c.event = false
			c.in.busy()
		}
		b := c.wbuf
		big := len(b) > smallWrite
		if big {
			c.writing, c.wbuf = true, nil
			c.wmu.Unlock()
		}
		var err error
		if !c.broken {
			_, err = c.nc.Write(b)
		}
		if big {
			c.wmu.Lock()
			c.writing = false
		}
		if err != nil {
			c.fail()
		}
		if event {
			c.in.written()
		}
		switch {
		case big:
			// c.wbuf holds what was buffered meanwhile, if anything.
		case cap(b) > keepWriteBuf:
			c.wbuf = nil
		default:
			c.wbuf = b[:0]
		}
		if c.broken {
			c.wbuf = c.wbuf[:0]
		}
	}
}

// fail marks the connection broken and closes it, which ends its reader.
func (c *rapiConn) fail() {
	c.broken = true
	c.nc.Close()
}

// current returns the invocation the runtime was handed, if its id is id.
func (in *instance) current(id string) *invocation {
	in.mu.Lock()
	defer in.mu.Unlock()
	if cur := in.cur; cur != nil && cur.delivered && cur.id == id {
		return cur
	}
	return nil
}

// awaitCurrent waits, before an answer read from a Runtime API connection
// is taken, while the invocation it answers is an event ahead, when the
// runtime answers through its pipe (pipeAnswers): it may post an answer
// (an error, one too large for the pipe) to an event ahead before the pump
// has taken the answer before it from the pipe. It returns once the pump
// has (promote), or the event was handed back.
func (in *instance) awaitCurrent(id string) {
	if !in.pipeAnswers {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for !in.closed && slices.ContainsFunc(in.ahead, func(a *invocation) bool { return a.id == id }) {
		in.moved.Wait()
	}
}

// response takes the function's result.
func (in *instance) response(c *rapiConn, r *request, id string, body []byte, tooLarge, closing bool) {
	inv := in.current(id)
	if inv == nil {
		c.apiError(400, "InvalidRequestID", "Invalid request ID", closing)
		return
	}
	if tooLarge {
		claimed := in.claim(inv)
		c.apiError(413, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size ("+strconv.Itoa(MaxPayloadBytes)+" bytes).", closing)
		if claimed {
			msg := "Response payload size exceeded maximum allowed payload size (" + strconv.Itoa(MaxPayloadBytes) + " bytes)."
			in.finish(inv, outcome{payload: errorDoc("Function.ResponseSizeTooLarge", msg), errType: "Function.ResponseSizeTooLarge", isErr: true})
		}
		return
	}
	o := outcome{payload: body}
	// aws-lambda-go reports a failure while streaming the response in
	// trailers.
	if t := r.trailerType; t != "" {
		o = outcome{errType: t, isErr: true}
		if b, err := base64.StdEncoding.DecodeString(r.trailerBody); err == nil && len(b) > 0 {
			o.payload = b
		} else {
			o.payload = errorDoc(t, "the function failed while streaming its response")
		}
	}
	if !in.claim(inv) {
		c.apiError(400, "InvalidRequestID", "Invalid request ID", closing)
		return
	}
	c.accepted(closing)
	in.finish(inv, o)
}

// invocationError takes the function's error.
func (in *instance) invocationError(c *rapiConn, r *request, id string, body []byte, closing bool) {
	inv := in.current(id)
	if inv == nil {
		c.apiError(400, "InvalidRequestID", "Invalid request ID", closing)
		return
	}
	o := errorOutcome(body, r.errType)
	if !in.claim(inv) {
		c.apiError(400, "InvalidRequestID", "Invalid request ID", closing)
		return
	}
	c.accepted(closing)
	in.finish(inv, o)
}

// initError takes the runtime's report that it could not start.
func (in *instance) initError(c *rapiConn, r *request, body []byte, closing bool) {
	select {
	case <-in.ready:
		c.apiError(403, "InvalidStateTransition",
			"State transition from Ready to InitError failed for runtime. Error: init/error after the runtime asked for an invocation", closing)
		return
	default:
	}
	o := errorOutcome(body, r.errType)
	o.fatal = true
	in.mu.Lock()
	first := in.initErr == nil
	if first {
		in.initErr = &o
	}
	in.mu.Unlock()
	if first {
		close(in.initFailed)
	}
	c.accepted(closing)
}

// errorOutcome makes the error document of a function error: the body the
// runtime posted when it is a JSON object, else one made from the
// Lambda-Runtime-Function-Error-Type header and the body's text.
func errorOutcome(body []byte, hdrType string) outcome {
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &doc) == nil {
		typ := doc.ErrorType
		if typ == "" {
			typ = hdrType
		}
		if typ == "" {
			typ = "Unhandled"
		}
		return outcome{payload: body, errType: typ, isErr: true}
	}
	typ := hdrType
	if typ == "" {
		typ = "Unhandled"
	}
	msg := string(t)
	if msg == "" {
		msg = typ
	}
	return outcome{payload: errorDoc(typ, msg), errType: typ, isErr: true}
}

func (c *rapiConn) accepted(closing bool) {
	c.wmu.Lock()
	if closing {
		c.answerLocked(appendResponse(nil, 202, []byte(`{"status":"OK"}`+"\n"), true))
	} else if c.polls == 0 {
		c.wbuf = append(c.wbuf, acceptedResponse...)
	} else {
		c.answerLocked(acceptedResponse)
	}
	c.wmu.Unlock()
}

func (c *rapiConn) apiError(status int, typ, msg string, closing bool) {
	c.wmu.Lock()
	c.answerLocked(appendError(nil, status, typ, msg, closing))
	c.wmu.Unlock()
}

// answerLocked buffers the answer to the request being handled, after the
// events of the polls before it (c.wmu held).
func (c *rapiConn) answerLocked(b []byte) {
	if c.polls == 0 {
		c.wbuf = append(c.wbuf, b...)
		return
	}
	// Each deferred answer counts the events to write after the previous
	// one's before it goes.
	gap := c.polls
	for _, d := range c.deferred {
		gap -= d.polls
	}
	if k := len(c.deferred); gap == 0 && k > 0 {
		d := &c.deferred[k-1]
		d.b = append(d.b[:len(d.b):len(d.b)], b...)
		return
	}
	c.deferred = append(c.deferred, deferredAnswer{gap, append([]byte(nil), b...)})
}

func appendError(b []byte, status int, typ, msg string, closing bool) []byte {
	body, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{msg, typ})
	return appendResponse(b, status, body, closing)
}

func appendResponse(b []byte, status int, body []byte, closing bool) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, statusText(status)...)
	b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	if closing {
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\n\r\n"...)
	return append(b, body...)
}

func statusText(status int) string {
	switch status {
	case 200:
		return "OK"
	case 202:
		return "Accepted"
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 413:
		return "Request Entity Too Large"
	}
	return "Error"
}

// readHead reads a request line and headers. io.EOF means the client
// closed between requests; errBadRequest a request the server answers
// with 400 before closing.
func (c *rapiConn) readHead() (request, error) {
	r := request{contentLen: -1}
	line, err := c.readLine()
	for err == nil && len(line) == 0 { // RFC 9112 2.2: ignore leading empty lines
		line, err = c.readLine()
	}
	if err != nil {
		return r, err
	}
	total := len(line)
	m, rest, ok1 := cutBytes(line, ' ')
	target, proto, ok2 := cutBytes(rest, ' ')
	if !ok1 || !ok2 || len(m) == 0 || len(target) == 0 {
		return r, errBadRequest
	}
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.proto10, r.close = true, true
	default:
		return r, errBadRequest
	}
	r.method = methodString(m)
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		target = target[:q]
	}
	if target[0] != '/' { // absolute form
		if i := bytes.Index(target, []byte("://")); i >= 0 {
			target = target[i+3:]
			if j := bytes.IndexByte(target, '/'); j >= 0 {
				target = target[j:]
			} else {
				target = []byte("/")
			}
		}
	}
	r.path = string(target)
	for {
		line, err := c.readLine()
		if err != nil {
			if err == io.EOF {
				err = errBadRequest
			}
			return r, err
		}
		if len(line) == 0 {
			break
		}
		total += len(line)
		if total > maxHeaderBytes {
			return r, errBadRequest
		}
		k, v, ok := cutBytes(line, ':')
		if !ok || len(k) == 0 {
			return r, errBadRequest
		}
		v = bytes.TrimSpace(v)
		switch {
		case asciiEqualFold(k, "Content-Length"):
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || n < 0 || (r.contentLen >= 0 && n != r.contentLen) {
				return r, errBadRequest
			}
			r.contentLen = n
		case asciiEqualFold(k, "Transfer-Encoding"):
			if !asciiEqualFold(v, "chunked") {
				return r, errBadRequest
			}
			r.chunked = true
		case asciiEqualFold(k, "Connection"):
			if asciiEqualFold(v, "close") {
				r.close = true
			} else if r.proto10 && asciiEqualFold(v, "keep-alive") {
				r.close = false
			}
		case asciiEqualFold(k, "Expect"):
			r.expect = asciiEqualFold(v, "100-continue")
		case asciiEqualFold(k, hdrErrorType):
			r.errType = string(v)
		case asciiEqualFold(k, hdrAhead):
			r.ahead = string(v) == "1"
		case asciiEqualFold(k, hdrExiting):
			r.exiting = string(v) == "1"
		case asciiEqualFold(k, hdrHandback):
			if id, by, ok := cutBytes(v, ' '); ok && len(id) > 0 {
				r.handback = string(id)
				r.handbackBy, _ = strconv.ParseInt(string(by), 10, 64)
			}
		}
	}
	if r.chunked {
		r.contentLen = -1
	}
	return r, nil
}

// readLine returns a line without its CRLF (or LF). The slice is valid
// until the next read.
func (c *rapiConn) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, errBadRequest
	}
	if err != nil {
		if len(line) > 0 && err == io.EOF {
			return nil, errBadRequest
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readBody reads a request body of at most MaxPayloadBytes. tooLarge is set
// (and the rest drained, up to a bound) when it is longer.
func (c *rapiConn) readBody(r *request) (body []byte, tooLarge bool, err error) {
	if r.expect && (r.chunked || r.contentLen > 0) {
		c.wmu.Lock()
		c.wbuf = append(c.wbuf, "HTTP/1.1 100 Continue\r\n\r\n"...)
		c.flushLocked()
		c.wmu.Unlock()
	}
	if !r.chunked {
		n := r.contentLen
		switch {
		case n <= 0:
			return []byte{}, false, nil
		case n > MaxPayloadBytes:
			_, err := io.CopyN(io.Discard, c.br, min(n, 4*MaxPayloadBytes))
			return nil, true, err
		}
		body = make([]byte, n)
		_, err = io.ReadFull(c.br, body)
		return body, false, err
	}
	// Chunked: chunk-size [; ext] CRLF data CRLF ... 0 CRLF trailers CRLF.
	var drained int64
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, false, err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || size < 0 {
			return nil, false, errBadRequest
		}
		if size == 0 {
			break
		}
		if tooLarge || int64(len(body))+size > MaxPayloadBytes {
			if !tooLarge {
				drained = int64(len(body))
				body, tooLarge = nil, true
			}
			drained += size
			if drained > 4*MaxPayloadBytes {
				return nil, true, errBadRequest
			}
			if _, err := io.CopyN(io.Discard, c.br, size); err != nil {
				return nil, false, err
			}
		} else {
			start := len(body)
			body = append(body, make([]byte, size)...)
			if _, err := io.ReadFull(c.br, body[start:]); err != nil {
				return nil, false, err
			}
		}
		if crlf, err := c.readLine(); err != nil || len(crlf) != 0 {
			return nil, false, errBadRequest
		}
	}
	for total := 0; ; {
		line, err := c.readLine()
		if err != nil {
			return nil, false, err
		}
		if len(line) == 0 {
			break
		}
		if total += len(line); total > maxHeaderBytes {
			return nil, false, errBadRequest
		}
		if k, v, ok := cutBytes(line, ':'); ok {
			switch {
			case asciiEqualFold(k, hdrErrorType):
				r.trailerType = string(bytes.TrimSpace(v))
			case asciiEqualFold(k, hdrErrorBody):
				r.trailerBody = string(bytes.TrimSpace(v))
			}
		}
	}
	if body == nil && !tooLarge {
		body = []byte{}
	}
	return body, tooLarge, nil
}

func methodString(m []byte) string {
	switch string(m) { // no allocation: the compiler matches the bytes
	case "GET":
		return "GET"
	case "POST":
		return "POST"
	}
	return string(m)
}

func asciiEqualFold[T []byte | string](a T, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func cutBytes(s []byte, sep byte) (before, after []byte, found bool) {
	if i := bytes.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, nil, false
}

func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}
