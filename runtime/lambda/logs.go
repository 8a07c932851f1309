package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

const (
	// maxLogLine bounds one output line; longer lines are logged in pieces
	// of this size, so a function that prints without newlines cannot grow
	// cfnrun's memory.
	maxLogLine = 64 << 10
	// logTailBytes is how much of an invocation's log a LogTail result
	// carries (the Invoke API's 4 KB).
	logTailBytes = 4 << 10
)

// logState is an instance's output: the pipe its process writes to
// (stdout and stderr share it, as they share one CloudWatch stream), what
// has been read of it and not logged yet, and which invocation the output
// belongs to.
//
// Everything the instance logs — its output lines and the service's
// START, END and REPORT lines — is logged under mu, so an instance's log
// is one ordered stream. The pipe is read under mu too: by the pump's
// goroutine whenever the pipe has bytes, and by END itself, which reads
// what the pipe holds before it logs (the runtime wrote all of an
// invocation's output before its answer, so the output comes before END,
// whatever the pump's goroutine is doing).
type logState struct {
	mu sync.Mutex

	// stamp is the time of the last line written (emitLocked).
	stamp logStamp

	pipe *os.File // the read end of the process's stdout and stderr
	rc   syscall.RawConn
	fd   int // the pipe's descriptor (non-blocking); -1 when not read directly
	buf  []byte
	n    int  // bytes of buf not logged yet: a partial line, or what follows a held mark
	eof  bool // the pipe's writers are gone (or it failed)
	shut bool // the pipe is closed

	// readFn is in.pumpRead, the function rc.Read calls, bound once (a
	// closure per read was two allocations per invocation); readSt is
	// what it found. The pump's goroutine only.
	readFn func(uintptr) bool
	readSt int
	// answerID and answerBody are the request id and the payload of the
	// answer frame the pump is taking (see outcome.piped).
	answerID   [maxMarkedID]byte
	answerBody []byte

	// attr is the request id unmarked output belongs to. It moves to an
	// invocation when the invocation begins (its event is written after
	// that), or, for one that began ahead (the runtime started it before
	// cfnrun read the answer to the one before it), at its mark, which the
	// bootstrap writes before anything else the invocation does.
	attr string
	// aheadBegun is an invocation begun ahead whose mark is still to be
	// read.
	aheadBegun string
	// held is set when the pump read the mark of an invocation ahead that
	// has not begun: what follows it waits in buf until it begins, after
	// the END and REPORT of the invocation before it.
	held   string
	resume chan struct{} // signalled when a hold ends, or a frame waits
	// frame is set when buf starts with an answer frame (answerPrefix)
	// that the pump is to take: nothing after it is logged until it has.
	frame bool
	// handing is set while takeAnswers hands a frame it took from buf to
	// the Runtime API side (pipeAnswer), outside of mu.
	handing bool
	// pumping is set while the pump's goroutine processes the output: an
	// answer frame that another goroutine finds (END's read, a hold's end)
	// wakes the pump (wakePumpLocked).
	pumping bool

	// markPre and framePre are the instance's mark and answer frame
	// prefixes, with its token; nil when it has none (no marks, no
	// frames).
	markPre, framePre []byte

	tail   []byte // the log tail of the invocation tailID, when it asked for one
	tailID string
	msg    []byte // where START, END and REPORT are put together
}

// Invocation marks. cfnrun's bootstraps write one to the function's output
// before the first output of each invocation (in the same write), and for
// an invocation handed ahead before anything else it does:
//
//	\x1ecfnrunTOKEN:REQUEST-ID\n
//
// TOKEN is the instance's own (startInstance makes it, tokenEnv: 16 random hex
// digits the bootstrap takes from its environment and removes before the
// handler loads), so a handler that prints what looks like a mark or an
// answer frame, with its own request id, is logged as output: it cannot
// move the attribution of output, hold the log, or answer in place of its
// return value. Instances of other runtimes have no token: their output
// holds no marks.
//
// An instance that takes events ahead starts an invocation before cfnrun
// has read the answer to the one before it, so the time at which output
// is read no longer tells which invocation wrote it; the mark does: what
// comes after it in the pipe, marked or not (a child process, a write
// straight to file descriptor 1), is that invocation's. The pump drops
// marks, and holds what follows the mark of the invocation ahead until
// cfnrun has logged the END and REPORT of the one before and the START of
// that one.
const (
	markByte    = 0x1e
	maxMarkedID = 64
)

// tokenEnv passes an instance of cfnrun's bootstraps its token.
const tokenEnv = "_CFNRUN_TOKEN"

// newToken returns an instance token: 16 random hex digits.
func newToken() string {
	var b [16]byte
	putHex(b[:], rand.Uint64(), 16)
	return string(b[:])
}

// Answer frames. cfnrun's Node.js bootstrap writes the answer to an
// invocation to its output pipe, not to the Runtime API, when the whole
// write fits in PIPE_BUF (atomic: a child process's output cannot land in
// the middle of it) and the instance was started with answerPipeEnv:
//
//	\x1ecfnrunTOKEN>REQUEST-ID LENGTH\n BODY
//
// (no space before BODY, whose LENGTH is in bytes). It stands for POST
// /invocation/REQUEST-ID/response with BODY followed by GET
// /invocation/next (with hdrAhead) on the private Runtime API connection:
// the function writes once per invocation where it wrote twice, and
// cfnrun reads the pipe once where it read the pipe, the socket and the
// pipe again at END (the answer comes after all of the invocation's
// output, so END has nothing left to read). Errors, and answers too large
// for one atomic write, still go to the Runtime API.
//
// A frame is also the boundary between two invocations' output: it stands
// for the mark of the event ahead the runtime starts after it (the first
// of instance.ahead, if it follows the invocation answered), which the
// bootstrap then does not write, whether it had that event when it
// answered or gets it after. A bootstrap that hands back that event
// (hdrHandback) writes the mark of the one it starts instead, as it does
// for an event ahead started after an answer it posted to the Runtime API.
const (
	// maxPipeAnswer bounds a frame: PIPE_BUF, what Linux writes to a pipe
	// atomically.
	maxPipeAnswer = 4096
)

// parseAnswer reads an answer frame at the start of b: the request id,
// where the body starts and the frame's whole length; size 0 when b does
// not start with a frame, -1 when it may but is incomplete.
func parseAnswer(b, answerPrefix []byte) (id []byte, body, size int) {
	if len(answerPrefix) == 0 {
		return nil, 0, 0
	}
	if len(b) < len(answerPrefix) {
		if bytes.HasPrefix(answerPrefix, b) {
			return nil, 0, -1
		}
		return nil, 0, 0
	}
	if !bytes.HasPrefix(b, answerPrefix) {
		return nil, 0, 0
	}
	rest := b[len(answerPrefix):]
	if len(rest) > maxMarkedID+8 {
		rest = rest[:maxMarkedID+8]
	}
	j := bytes.IndexByte(rest, '\n')
	if j < 0 {
		if len(rest) >= maxMarkedID+8 {
			return nil, 0, 0
		}
		return nil, 0, -1
	}
	sp := bytes.LastIndexByte(rest[:j], ' ')
	if sp <= 0 || sp > maxMarkedID || j-sp-1 < 1 || j-sp-1 > 4 {
		return nil, 0, 0
	}
	n := 0
	for _, c := range rest[sp+1 : j] {
		if c < '0' || c > '9' {
			return nil, 0, 0
		}
		n = n*10 + int(c-'0')
	}
	body = len(answerPrefix) + j + 1
	if body+n > maxPipeAnswer {
		return nil, 0, 0
	}
	if len(b) < body+n {
		return nil, 0, -1
	}
	return rest[:sp], body, body + n
}

// parseMark reads a mark at the start of b: the request id and the mark's
// length; size 0 when b does not start with a mark, -1 when it may but is
// incomplete.
func parseMark(b, markPrefix []byte) (id string, size int) {
	if len(markPrefix) == 0 {
		return "", 0
	}
	if len(b) < len(markPrefix) {
		if bytes.HasPrefix(markPrefix, b) {
			return "", -1
		}
		return "", 0
	}
	if !bytes.HasPrefix(b, markPrefix) {
		return "", 0
	}
	rest := b[len(markPrefix):]
	if len(rest) > maxMarkedID+1 {
		rest = rest[:maxMarkedID+1]
	}
	j := bytes.IndexByte(rest, '\n')
	switch {
	case j > 0:
		return string(rest[:j]), len(markPrefix) + j + 1
	case j == 0 || len(rest) > maxMarkedID:
		return "", 0
	}
	return "", -1
}

// What drainLocked found.
const (
	pipeEmpty = iota // it read what the pipe held
	pipeMore         // it stopped after maxReads reads
	pipeHeld         // at the mark of an invocation ahead that has not begun
	pipeEOF          // the writers are gone, or the pipe failed or is closed
	pipeFrame        // at an answer frame, for the pump to take
)

// errPipeEmpty is readPipe's error when the pipe holds nothing.
var errPipeEmpty = errors.New("the pipe is empty")

// endReads bounds how many reads END makes (64 KiB each): the pipe holds
// 64 KiB, and the pump's goroutine reads while an invocation runs.
const endReads = 8

// startPump sets up the reading of the instance's output pipe (logs.pipe)
// and starts its pump; rc and fd are rawPipe's (fd -1 when the pipe is
// read with blocking reads).
func (in *instance) startPump(rc syscall.RawConn, fd int) {
	in.logs.buf = make([]byte, maxLogLine)
	in.logs.resume = make(chan struct{}, 1)
	in.logs.rc, in.logs.fd = rc, fd
	in.logs.readFn = in.pumpRead
	in.pumpDone = make(chan struct{})
	go in.pump()
}

// pump logs the process's output as it comes, line by line. Lines longer
// than maxLogLine are logged in pieces; memory stays bounded whatever the
// function prints.
func (in *instance) pump() {
	defer func() {
		in.logs.mu.Lock()
		in.logs.shut = true
		in.logs.pipe.Close()
		in.logs.mu.Unlock()
		close(in.pumpDone)
	}()
	for {
		if in.takeAnswers() {
			continue
		}
		st := pipeEOF
		if rc := in.logs.rc; rc != nil {
			in.logs.readSt = pipeEOF
			err := rc.Read(in.logs.readFn)
			st = in.logs.readSt
			if errors.Is(err, os.ErrDeadlineExceeded) {
				// wakePumpLocked: a frame waits.
				in.logs.pipe.SetReadDeadline(time.Time{})
				continue
			}
			if err != nil {
				st = pipeEOF
			}
		} else {
			st = in.readPlain()
		}
		switch st {
		case pipeEOF:
			in.logs.mu.Lock()
			in.flushPartialLocked()
			in.logs.mu.Unlock()
			return
		case pipeHeld:
			select {
			case <-in.logs.resume: // the hold ended, or a frame waits
			case <-in.exited:
				// The invocation ahead never began: what follows its
				// mark is its own all the same.
				in.logs.mu.Lock()
				if h := in.logs.held; h != "" && h != frameHold {
					in.logs.held, in.logs.attr = "", h
					in.processLocked()
				}
				in.logs.mu.Unlock()
			}
		}
	}
}

// pumpRead is the pump's look at the pipe, called by rc.Read: it reads
// and logs what the pipe holds (drainLocked) and reports whether to
// return (else rc.Read waits until the pipe is readable).
func (in *instance) pumpRead(uintptr) bool {
	l := &in.logs
	l.mu.Lock()
	l.pumping = true
	l.readSt = in.drainLocked(4)
	in.settleTakingLocked()
	l.pumping = false
	l.mu.Unlock()
	return l.readSt != pipeEmpty
}

// readPlain reads the pipe with a blocking read (where it cannot be read
// directly), then logs what it read.
func (in *instance) readPlain() int {
	in.logs.mu.Lock()
	held, n := in.logs.held != "", in.logs.n
	in.logs.mu.Unlock()
	if held {
		return pipeHeld
	}
	// Only this goroutine reads or moves buf[n:] outside of mu.
	m, err := in.logs.pipe.Read(in.logs.buf[n:])
	in.logs.mu.Lock()
	defer in.logs.mu.Unlock()
	in.logs.n += m
	in.processLocked()
	if err != nil {
		in.logs.eof = true
		return pipeEOF
	}
	return pipeMore
}

// drainLocked reads what the pipe holds, at most maxReads times, and logs
// it, until it reaches the mark of an invocation ahead that has not begun
// (logs.mu held).
func (in *instance) drainLocked(maxReads int) int {
	l := &in.logs
	for i := 0; ; i++ {
		switch {
		case l.eof || l.shut || l.fd < 0:
			return pipeEOF
		case l.frame:
			return pipeFrame
		case l.held != "":
			return pipeHeld
		case i == maxReads:
			return pipeMore
		}
		space := len(l.buf) - l.n
		in.taking.Store(true) // before the read: see answered
		m, err := readPipe(l.fd, l.buf[l.n:])
		switch {
		case err == errPipeEmpty:
			return pipeEmpty
		case m <= 0 || err != nil:
			l.eof = true
			return pipeEOF
		}
		l.n += m
		in.processLocked()
		if l.frame {
			return pipeFrame
		}
		if m < space {
			return pipeEmpty // that read emptied the pipe
		}
	}
}

// takeAnswers hands the answer frames at the start of buf, if any, to the
// Runtime API side (pipeAnswer), each followed by logging the output that
// follows it up to the next frame or hold (the output of the event ahead
// the answer promoted, after its START, or output as before the frame when
// there was none), and then writes the events they brought in one write,
// as a connection's reader does with the requests it read at once. It runs
// on the pump's goroutine.
func (in *instance) takeAnswers() bool {
	l := &in.logs
	c := in.priv
	took := false
	for {
		l.mu.Lock()
		var idb []byte
		body, size := 0, 0
		if l.frame {
			l.frame = false
			idb, body, size = parseAnswer(l.buf[:l.n], l.framePre)
		}
		if size <= 0 {
			l.pumping, l.handing = false, false
			in.taking.Store(false) // every frame taken was counted
			l.mu.Unlock()
			break
		}
		// The id, in l.answerID until the next frame: pipeAnswer only
		// compares it (a string of its own was an allocation per answer).
		id := bytesView(l.answerID[:copy(l.answerID[:], idb)])
		l.answerBody = append(l.answerBody[:0], l.buf[body:size]...)
		payload := l.answerBody
		copy(l.buf, l.buf[size:l.n])
		l.n -= size
		// The frame is the boundary between the invocation it answers
		// and the event ahead that follows it, if any: it stands for that
		// event's mark (the bootstrap writes none). What follows is held
		// until pipeAnswer has promoted that event (beginLogLocked), or
		// found none (endFrameHold): an event may be handed ahead until
		// the answer is claimed.
		if l.held == "" {
			l.held = frameHold
		}
		// Until the pump looks at the frames again, a frame found by
		// another goroutine (promote's) waits for it.
		l.pumping, l.handing = true, true
		in.processLocked()
		l.mu.Unlock()
		if testHookTakeAnswer != nil {
			testHookTakeAnswer()
		}
		if !took && c != nil {
			c.wmu.Lock()
			c.pumped = true
			c.wmu.Unlock()
		}
		took = true
		in.pipeAnswer(id, payload)
		in.endFrameHold()
	}
	if took && c != nil {
		c.wmu.Lock()
		c.pumped = false
		switch {
		case c.batching || !c.evbuf:
		case len(c.wbuf) > smallWrite:
			// A large event: the pump must not wait for the runtime to
			// read it (see flushLocked).
			go c.flush()
		default:
			c.flushLocked()
		}
		c.wmu.Unlock()
	}
	return took
}

// frameHold is logs.held while the pump hands an answer frame over: the
// output after the frame belongs to the event ahead that the answer
// promotes, if any. It is no request id.
const frameHold = "\x00frame"

// endFrameHold ends the hold at an answer frame if no event ahead took it
// (pipeAnswer promoted none): what follows the frame is logged as output
// was before it, until the next invocation begins.
func (in *instance) endFrameHold() {
	l := &in.logs
	l.mu.Lock()
	if l.held == frameHold {
		l.held = ""
		in.processLocked()
	}
	l.mu.Unlock()
}

// testHookTakeAnswer, when set by a test, runs on the pump's goroutine
// between taking an answer frame from buf and pipeAnswer.
var testHookTakeAnswer func()

// settleTakingLocked clears taking after drainLocked unless a frame waits
// in buf or the pump is handing one over (logs.mu held).
func (in *instance) settleTakingLocked() {
	if !in.logs.frame && !in.logs.handing {
		in.taking.Store(false)
	}
}

// wakePumpLocked has the pump take the answer frame another goroutine
// found (logs.mu held): the pump may be waiting for a hold to end, or for
// the pipe to be readable, which it no longer will be for that frame.
func (in *instance) wakePumpLocked() {
	select {
	case in.logs.resume <- struct{}{}:
	default:
	}
	in.logs.pipe.SetReadDeadline(time.Now())
}

// processLocked logs the complete lines of buf (and buf itself when it is
// full of one line), drops invocation marks and keeps the rest. At the
// mark of the invocation ahead, which has not begun, it stops (held): the
// rest is that invocation's.
func (in *instance) processLocked() {
	l := &in.logs
	if l.held != "" || l.frame {
		return
	}
	buf, n := l.buf, l.n
	start, scan := 0, 0 // the line's start; where to look from
	for scan < n {
		rest := buf[scan:n]
		nl := bytes.IndexByte(rest, '\n')
		upto := rest
		if nl >= 0 {
			upto = rest[:nl]
		}
		mk := bytes.IndexByte(upto, markByte)
		if mk < 0 {
			if nl < 0 {
				break
			}
			in.logLineLocked(buf[start : scan+nl+1])
			scan += nl + 1
			start = scan
			continue
		}
		at := scan + mk
		if in.pipeAnswers {
			_, _, fsize := parseAnswer(buf[at:n], l.framePre)
			if fsize < 0 {
				break // the rest of the frame is still to come
			}
			if fsize > 0 {
				if at > start {
					in.logLineLocked(buf[start:at])
				}
				start = at // the frame waits at the start of buf
				l.frame = true
				in.taking.Store(true) // until the pump has taken it
				if !l.pumping {
					in.wakePumpLocked()
				}
				break
			}
		}
		id, size := parseMark(buf[at:n], l.markPre)
		if size == 0 {
			scan = at + 1
			continue
		}
		if size < 0 {
			break // the rest of the mark is still to come
		}
		if at > start {
			in.logLineLocked(buf[start:at]) // the end of the previous invocation's output
		}
		scan = at + size
		start = scan
		if !in.markLocked(id) {
			break
		}
	}
	if l.held == "" && !l.frame && start == 0 && n == len(buf) {
		in.logLineLocked(buf[:n])
		start = n
	}
	copy(buf, buf[start:n])
	l.n = n - start
}

// markLocked moves the output's attribution to the invocation whose mark
// was read, or holds the output at the mark of the invocation ahead,
// which has not begun (false).
func (in *instance) markLocked(id string) bool {
	l := &in.logs
	switch {
	case id == l.aheadBegun:
		l.aheadBegun = ""
	case in.isAhead(id):
		l.held = id
		return false
	}
	l.attr = id
	return true
}

// flushPartialLocked logs a line the pump holds without its newline (at
// END, and when the pipe ends), unless it is held or may be the start of
// a mark.
func (in *instance) flushPartialLocked() {
	l := &in.logs
	if l.n == 0 || l.held != "" || l.frame {
		return
	}
	if _, size := parseMark(l.buf[:l.n], l.markPre); size < 0 && !l.eof {
		return
	}
	in.logLineLocked(l.buf[:l.n])
	l.n = 0
}

// isAhead reports whether id is an invocation ahead, not begun.
func (in *instance) isAhead(id string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, a := range in.ahead {
		if a.id == id {
			return true
		}
	}
	return false
}

// logLineLocked logs one line of the function's output under the
// invocation it belongs to (logs.mu held).
func (in *instance) logLineLocked(line []byte) {
	line = bytes.TrimRight(line, "\r\n")
	l := &in.logs
	if l.tail != nil && l.attr == l.tailID {
		l.tail = appendTail(l.tail, line)
	}
	log := in.fn.s.log
	ctx := context.Background()
	if !log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	log.LogAttrs(ctx, slog.LevelInfo, string(line), slog.String("function", in.fn.name), slog.String("requestId", l.attr))
}

// appendTail appends a line to a tail, keeping its last logTailBytes.
func appendTail[T string | []byte](tail []byte, line T) []byte {
	tail = append(tail, line...)
	tail = append(tail, '\n')
	if n := len(tail) - logTailBytes; n > 0 {
		tail = append(tail[:0], tail[n:]...)
	}
	return tail
}

// emit logs one of the service's own lines (START, END, REPORT) for an
// invocation, and adds it to the tail when one is kept.
func (in *instance) emit(id, line string) {
	in.logs.mu.Lock()
	in.emitLocked(id, []byte(line), nil, time.Now())
	in.logs.mu.Unlock()
}

// emitLocked logs line and then, unless it is empty, second (END and
// REPORT go out in one write), with logs.mu held, at time now (a clock
// the caller read anyway: the invocation's start or end). line and second
// are only read: the caller may reuse them.
func (in *instance) emitLocked(id string, line, second []byte, now time.Time) {
	if l := &in.logs; l.tail != nil && id == l.tailID {
		l.tail = appendTail(l.tail, line)
		if len(second) > 0 {
			l.tail = appendTail(l.tail, second)
		}
	}
	if w := in.fn.s.cfg.LogOutput; w != nil && in.logging() {
		bp := lineBufs.Get().(*[]byte)
		json := in.fn.s.cfg.LogJSON
		format := appendLogLine
		if in.fn.plainName {
			format = appendPlainLogLine
		}
		b, ok := format((*bp)[:0], json, now, in.fn.name, id, bytesView(line), &in.logs.stamp)
		if ok && len(second) > 0 {
			b, ok = format(b, json, now, in.fn.name, id, bytesView(second), &in.logs.stamp)
		}
		if ok {
			_, _ = w.Write(b)
		}
		*bp = b[:0]
		lineBufs.Put(bp)
		if ok {
			return
		}
	}
	for _, m := range [2][]byte{line, second} {
		if len(m) > 0 {
			in.fn.s.log.LogAttrs(context.Background(), slog.LevelInfo, string(m),
				slog.String("function", in.fn.name), slog.String("requestId", id))
		}
	}
}

// bytesView is b as a string, without a copy, for functions that only
// read it.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// lineBufs holds the buffers appendLogLine formats into.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// appendLogLine appends msg as an INFO record with the function and
// requestId attributes, formatted exactly as slog's TextHandler (or
// JSONHandler) with default options formats it at time t, and reports
// whether it could: it formats only printable ASCII and tabs, which the
// START, END and REPORT lines are made of; anything else goes through the
// handler. Through the handler, a record costs a few µs of quoting
// (strconv, rune by rune) and finding its caller's program counter, three
// times per invocation (TestAppendLogLine holds the two formats equal).
//
// st, when not nil, keeps the text format's time of the last line: lines
// written within one millisecond (an invocation's three, and other
// instances' under load) share its formatting.
func appendLogLine(b []byte, json bool, t time.Time, function, id, msg string, st *logStamp) ([]byte, bool) {
	if !plainLogText(function) || !plainLogText(id) {
		return b, false
	}
	return appendPlainLogLine(b, json, t, function, id, msg, st)
}

// logStamp is a line's time as the text format writes it, and the
// millisecond (Unix) it stands for.
type logStamp struct {
	ms  int64
	n   int
	buf [48]byte
}

// appendPlainLogLine is appendLogLine for a function name and an id known
// to be plain text (the service's own ids; names checked once).
func appendPlainLogLine(b []byte, json bool, t time.Time, function, id, msg string, st *logStamp) ([]byte, bool) {
	if !plainLogText(msg) {
		return b, false
	}
	if json {
		if y := t.Year(); y < 0 || y >= 10000 {
			return b, false
		}
		b = append(b, `{"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"`...)
		b = appendLogEscaped(b, msg)
		b = append(b, `","function":"`...)
		b = appendLogEscaped(b, function)
		b = append(b, `","requestId":"`...)
		b = appendLogEscaped(b, id)
		return append(b, "\"}\n"...), true
	}
	b = append(b, "time="...)
	if ms := t.UnixMilli(); st != nil && st.n > 0 && st.ms == ms {
		b = append(b, st.buf[:st.n]...)
	} else {
		// slog's appendRFC3339Millis: RFC 3339 with exactly three
		// decimals.
		n := len(b)
		b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
		const prefixLen = len("2006-01-02T15:04:05.000")
		b = append(b[:n+prefixLen], b[n+prefixLen+1:]...)
		if st != nil && len(b)-n <= len(st.buf) {
			st.ms, st.n = ms, copy(st.buf[:], b[n:])
		}
	}
	b = append(b, " level=INFO msg="...)
	b = appendLogValue(b, msg)
	b = append(b, " function="...)
	b = appendLogValue(b, function)
	b = append(b, " requestId="...)
	b = appendLogValue(b, id)
	return append(b, '\n'), true
}

// plainLogText reports whether s is printable ASCII and tabs only.
func plainLogText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c > '~' {
			return false
		}
	}
	return true
}

// appendLogEscaped appends plain text (plainLogText) as the inside of a
// quoted string: strconv.Quote and slog's JSON escaping agree on it.
func appendLogEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\t':
			esc = `\t`
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// appendLogValue appends plain text as slog's TextHandler writes a string:
// quoted when it is empty or holds a space, '=', '"' or a tab.
func appendLogValue(b []byte, s string) []byte {
	if s != "" && !needsLogQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = appendLogEscaped(b, s)
	return append(b, '"')
}

// needsLogQuotes reports whether plain text holds a space, '=', '"' or a
// tab (a byte loop: strings.ContainsAny builds its set on every call).
func needsLogQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '=', '"', '\t':
			return true
		}
	}
	return false
}

func (in *instance) logging() bool {
	return in.fn.s.log.Enabled(context.Background(), slog.LevelInfo)
}

// beginLog writes START for inv and attributes output to it: from now
// on, or, for an invocation handed ahead (ahead: the runtime started it
// when it answered the one before), from its mark on.
func (in *instance) beginLog(inv *invocation, ahead bool) {
	in.logs.mu.Lock()
	defer in.logs.mu.Unlock()
	in.beginLogLocked(inv, ahead)
}

// beginLogLocked is beginLog with logs.mu held.
func (in *instance) beginLogLocked(inv *invocation, ahead bool) {
	l := &in.logs
	if inv.logTail {
		l.tail = make([]byte, 0, logTailBytes+512)
		l.tailID = inv.id
	}
	if inv.logTail || in.logging() {
		m := append(append(append(l.msg[:0], "START RequestId: "...), inv.id...), " Version: $LATEST"...)
		in.emitLocked(inv.id, m, nil, inv.start)
		l.msg = m
	}
	switch {
	case !ahead:
		l.attr, l.aheadBegun = inv.id, ""
		if l.held == "" {
			return
		}
	case l.attr == inv.id:
		return // its mark was read (before isAhead saw it promoted)
	case l.held != inv.id && l.held != frameHold:
		l.aheadBegun = inv.id
		return
	}
	// The output the pump held at the invocation's mark, or at the answer
	// frame before it, is its own.
	l.held, l.attr = "", inv.id
	in.processLocked()
	select {
	case l.resume <- struct{}{}:
	default:
	}
}

// endLog writes END and REPORT after the invocation's output, and hands
// the tail to the result. The runtime wrote that output before it
// answered: END reads what the pipe holds first (drain), unless the answer
// came through the pipe, after it. now is the invocation's end (finish
// read the clock for its duration), the lines' time unless END drains.
func (in *instance) endLog(inv *invocation, res *Result, drain bool, now time.Time) {
	if !inv.logTail && !in.logging() {
		return
	}
	l := &in.logs
	l.mu.Lock()
	defer l.mu.Unlock()
	st := pipeEmpty
	if drain {
		st = in.drainLocked(endReads)
		in.settleTakingLocked()
		now = time.Now() // after the output lines the drain logged
	}
	if st != pipeHeld {
		in.flushPartialLocked()
	}
	m := append(append(l.msg[:0], "END RequestId: "...), inv.id...)
	k := len(m)
	m = in.appendReport(m, inv.id, res, now)
	in.emitLocked(inv.id, m[:k], m[k:], now)
	l.msg = m
	if inv.logTail && l.tailID == inv.id {
		res.LogTail = l.tail
		l.tail, l.tailID = nil, ""
	}
}

// appendReport appends a CloudWatch REPORT line.
func (in *instance) appendReport(b []byte, id string, res *Result, now time.Time) []byte {
	b = append(b, "REPORT RequestId: "...)
	b = append(b, id...)
	b = append(b, "\tDuration: "...)
	ms := float64(res.Duration) / float64(time.Millisecond)
	b = strconv.AppendFloat(b, ms, 'f', 2, 64)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, int64(math.Ceil(ms)), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(in.fn.memoryMB), 10)
	b = append(b, " MB"...)
	if kb := in.maxRSSKB(now); kb > 0 {
		b = append(b, "\tMax Memory Used: "...)
		b = strconv.AppendInt(b, (kb+1023)/1024, 10)
		b = append(b, " MB"...)
	}
	if res.InitDuration > 0 {
		b = append(b, "\tInit Duration: "...)
		b = strconv.AppendFloat(b, float64(res.InitDuration)/float64(time.Millisecond), 'f', 2, 64)
		b = append(b, " ms"...)
	}
	switch {
	case res.TimedOut:
		b = append(b, "\tStatus: timeout"...)
	case res.FunctionError != "" && (strings.HasPrefix(res.ErrorType, "Runtime.") || strings.HasPrefix(res.ErrorType, "Function.")):
		b = append(b, "\tStatus: error\tError Type: "...)
		b = append(b, res.ErrorType...)
	}
	return b
}

// logInitFailure writes Lambda's INIT_REPORT line for an init phase that
// failed, and the error.
func (in *instance) logInitFailure(inv *invocation, res *Result) {
	status := "error"
	if res.TimedOut {
		status = "timeout"
	}
	line := "INIT_REPORT Init Duration: " + strconv.FormatFloat(float64(res.InitDuration)/float64(time.Millisecond), 'f', 2, 64) +
		" ms\tPhase: init\tStatus: " + status + "\tError Type: " + res.ErrorType
	in.emit(inv.id, line)
	attrs := []slog.Attr{slog.String("function", in.fn.name), slog.String("requestId", inv.id),
		slog.String("errorType", res.ErrorType)}
	if res.ErrorType == "Runtime.ImportModuleError" {
		var doc struct{ ErrorMessage string }
		if json.Unmarshal(res.Payload, &doc) == nil {
			if h := importHint(in.fn.kind, in.fn.cfg.Runtime, in.fn.cfg.CodeDir, in.fn.cfg.Handler, doc.ErrorMessage); h != "" {
				attrs = append(attrs, slog.String("hint", h))
			}
		}
	}
	attrs = append(attrs, slog.String("error", string(res.Payload)))
	in.fn.s.log.LogAttrs(context.Background(), slog.LevelWarn, "function failed to initialise", attrs...)
}

// hwmRefresh is how old a reading of the peak memory REPORT may reuse.
const hwmRefresh = time.Second

// maxRSSKB is the process's peak resident set size in KiB (0 when not
// known), read at most every hwmRefresh.
func (in *instance) maxRSSKB(now time.Time) int64 {
	if in.hwmAt.IsZero() || now.Sub(in.hwmAt) >= hwmRefresh {
		if kb := maxRSSKB(in.status); kb > in.hwmKB {
			in.hwmKB = kb
		}
		in.hwmAt = now
	}
	return in.hwmKB
}
