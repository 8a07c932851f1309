package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

// logState is an instance's output pump and its log tail for the running
// invocation.
type logState struct {
	mu   sync.Mutex
	tail []byte // nil unless the running invocation asked for its tail

	pipe *os.File     // the read end of the process's stdout and stderr
	read atomic.Int64 // bytes read from the pipe
	// readMu is held by the pump from taking bytes out of the pipe until
	// it has counted them in read, and by syncLogs while it measures: so
	// syncLogs never finds the pipe drained by bytes read does not count
	// yet (the pump's goroutine or thread may be descheduled in between,
	// for milliseconds on a busy machine).
	readMu sync.Mutex
	// readHook, when set (tests), runs in that window.
	readHook func()
	// logged is the value of read once the pump has logged what it read
	// (all but a partial line): below read, the pump holds bytes it has
	// taken from the pipe and not logged yet.
	logged atomic.Int64
	// partial is set while the pump holds the start of a line it has not
	// seen the end of.
	partial atomic.Bool
	syncs   chan logSync
	// held is the request id of the invocation ahead while the pump holds
	// the output that follows its mark, until it begins (beginLog counts
	// begun and signals resume).
	held   atomic.Pointer[string]
	begun  atomic.Int64
	resume chan struct{}
	// The pump's: the id of the last mark it read, and begun then. Lines
	// after a mark are the marked invocation's until the next mark or
	// until another invocation begins (unmarked output is attributed by
	// time), however late the pump reads them.
	markID    string
	markBegun int64
}

// Invocation marks. cfnrun's bootstraps write one to the function's output
// before the first output of each invocation (in the same write):
//
//	\x1ecfnrun:REQUEST-ID\n
//
// An instance that takes events ahead starts an invocation before cfnrun
// has read the answer to the one before it, so the time at which output
// is read no longer tells which invocation wrote it; the mark does. The
// pump drops marks, and holds what follows the mark of the invocation
// ahead until cfnrun has logged the END and REPORT of the one before and
// the START of that one. Output written around the bootstrap's streams
// (a child process, a raw write to fd 1) is still attributed by time.
const (
	markByte    = 0x1e
	markPrefix  = "\x1ecfnrun:"
	maxMarkedID = 64
)

// parseMark reads a mark at the start of b: the request id and the mark's
// length; size 0 when b does not start with a mark, -1 when it may but is
// incomplete.
func parseMark(b []byte) (id string, size int) {
	if len(b) < len(markPrefix) {
		if bytes.HasPrefix([]byte(markPrefix), b) {
			return "", -1
		}
		return "", 0
	}
	if !bytes.HasPrefix(b, []byte(markPrefix)) {
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

// logSync asks the pump to log everything up to byte target of the output,
// a line without its newline included, and then to close done.
type logSync struct {
	target int64
	id     string // the invocation that ends
	done   chan struct{}
}

// maxSyncWait bounds how long an invocation's end waits for its output to
// be logged.
const maxSyncWait = 100 * time.Millisecond

// pump reads the process's output (stdout and stderr share one pipe, as
// they share one CloudWatch stream) and logs it line by line. Lines longer
// than maxLogLine are logged in pieces; memory stays bounded whatever the
// function prints.
func (in *instance) pump() {
	f := in.logs.pipe
	defer f.Close()
	buf := make([]byte, maxLogLine)
	n := 0
	var pending []logSync
	read := pipeReader(f, &in.logs.readMu, func(m int) {
		if in.logs.readHook != nil {
			in.logs.readHook()
		}
		in.logs.read.Add(int64(m))
	})
	for {
		m, err := read(buf[n:])
		if m > 0 {
			n += m
			var held *string
			var begun int64
			n, held, begun = in.logLines(buf, n)
			for held != nil {
				// Everything before the mark is logged: the invocations
				// before it may end.
				in.logs.held.Store(held)
				keep := pending[:0]
				for _, r := range pending {
					if r.id == *held {
						keep = append(keep, r)
					} else {
						close(r.done)
					}
				}
				pending = in.awaitBegin(*held, begun, keep)
				in.logs.held.Store(nil)
				in.logs.markID, in.logs.markBegun = *held, in.logs.begun.Load()
				n, held, begun = in.logLines(buf, n)
			}
			in.logs.logged.Store(in.logs.read.Load())
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// syncLogs interrupted the read: pick up its requests.
			f.SetReadDeadline(time.Time{})
			for more := true; more; {
				select {
				case r := <-in.logs.syncs:
					pending = append(pending, r)
				default:
					more = false
				}
			}
			err = nil
		}
		if len(pending) > 0 {
			read := in.logs.read.Load()
			keep := pending[:0]
			for _, r := range pending {
				if read >= r.target {
					if n > 0 {
						in.logLine(buf[:n])
						n = 0
						in.logs.partial.Store(false)
					}
					close(r.done)
					continue
				}
				keep = append(keep, r)
			}
			pending = keep
		}
		if err != nil {
			if n > 0 {
				in.logLine(buf[:n])
			}
			for _, r := range pending {
				close(r.done)
			}
			return
		}
	}
}

// plainPipeReader reads f and counts what it read under mu afterwards.
func plainPipeReader(f *os.File, mu *sync.Mutex, counted func(int)) func([]byte) (int, error) {
	return func(b []byte) (int, error) {
		n, err := f.Read(b)
		if n > 0 {
			mu.Lock()
			counted(n)
			mu.Unlock()
		}
		return n, err
	}
}

// awaitBegin waits until the invocation ahead whose mark the pump holds
// at (id) has begun, that is until an invocation has begun since begun
// (only it can be next), or the instance has ended. It answers syncLogs
// meanwhile: at once for the invocations before it, later (pending) for
// it.
func (in *instance) awaitBegin(id string, begun int64, pending []logSync) []logSync {
	for in.logs.begun.Load() == begun {
		select {
		case <-in.logs.resume:
		case r := <-in.logs.syncs:
			if r.id == id {
				pending = append(pending, r)
			} else {
				close(r.done)
			}
		case <-in.exited:
			return pending
		}
	}
	return pending
}

// logLines logs the complete lines of buf[:n] (and buf itself when it is
// full of one line), moves the rest to the front and returns its length.
// It drops invocation marks; at the mark of the invocation ahead, which
// has not begun, it stops and returns its id (held; the rest is that
// invocation's), and the count of invocations begun before it.
func (in *instance) logLines(buf []byte, n int) (int, *string, int64) {
	start, scan := 0, 0 // the line's start; where to look from
	var held *string
	var begun int64
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
			in.logLine(buf[start : scan+nl+1])
			scan += nl + 1
			start = scan
			continue
		}
		at := scan + mk
		id, size := parseMark(buf[at:n])
		if size == 0 {
			scan = at + 1
			continue
		}
		if size < 0 {
			break // the rest of the mark is still to come
		}
		if at > start {
			in.logLine(buf[start:at]) // the end of the previous invocation's output
		}
		scan = at + size
		start = scan
		// begun before isAhead: the invocation ahead begins after both.
		if begun = in.logs.begun.Load(); in.isAhead(id) {
			held = &id
			break
		}
		in.logs.markID, in.logs.markBegun = id, begun
	}
	if held == nil && start == 0 && n == len(buf) {
		in.logLine(buf[:n])
		start = n
	}
	copy(buf, buf[start:n])
	n -= start
	in.logs.partial.Store(n > 0 && held == nil)
	return n, held, begun
}

// isAhead reports whether id is the invocation ahead, not begun.
func (in *instance) isAhead(id string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.ahead != nil && in.ahead.id == id
}

// syncLogs waits (briefly) until the pump has logged everything the process
// wrote so far, so that an invocation's output comes before its END and
// REPORT lines and into its log tail.
func (in *instance) syncLogs(id string) {
	if h := in.logs.held.Load(); h != nil && *h != id {
		return // all output up to the mark of an invocation after it is logged
	}
	// In this order: bytes still in the pipe, then whether the pump has
	// logged all it took out of it (it may have read the last lines just
	// before avail was measured and not logged them yet), then a partial
	// line it holds.
	in.logs.readMu.Lock()
	avail := pipeAvailable(in.logs.pipe)
	read := in.logs.read.Load()
	done := avail == 0 && in.logs.logged.Load() == read && !in.logs.partial.Load()
	in.logs.readMu.Unlock()
	if avail < 0 || done {
		return
	}
	r := logSync{target: read + int64(avail), id: id, done: make(chan struct{})}
	select {
	case in.logs.syncs <- r:
	default:
		return
	}
	in.logs.pipe.SetReadDeadline(time.Now())
	t := time.NewTimer(maxSyncWait)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
	case <-in.exited:
	}
}

func (in *instance) logLine(line []byte) {
	line = bytes.TrimRight(line, "\r\n")
	in.logs.mu.Lock()
	if in.logs.tail != nil {
		in.logs.tail = appendTail(in.logs.tail, line)
	}
	in.logs.mu.Unlock()
	log := in.fn.s.log
	ctx := context.Background()
	if !log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	id := ""
	if in.logs.markID != "" && in.logs.begun.Load() == in.logs.markBegun {
		id = in.logs.markID
	} else if p := in.logID.Load(); p != nil {
		id = *p
	}
	log.LogAttrs(ctx, slog.LevelInfo, string(line), slog.String("function", in.fn.name), slog.String("requestId", id))
}

// appendTail appends a line to a tail, keeping its last logTailBytes.
func appendTail(tail, line []byte) []byte {
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
	if in.logs.tail != nil {
		in.logs.tail = appendTail(in.logs.tail, []byte(line))
	}
	in.logs.mu.Unlock()
	if w := in.fn.s.cfg.LogOutput; w != nil && in.logging() {
		bp := lineBufs.Get().(*[]byte)
		var b []byte
		var ok bool
		if in.fn.plainName {
			b, ok = appendPlainLogLine((*bp)[:0], in.fn.s.cfg.LogJSON, time.Now(), in.fn.name, id, line)
		} else {
			b, ok = appendLogLine((*bp)[:0], in.fn.s.cfg.LogJSON, time.Now(), in.fn.name, id, line)
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
	in.fn.s.log.LogAttrs(context.Background(), slog.LevelInfo, line,
		slog.String("function", in.fn.name), slog.String("requestId", id))
}

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
func appendLogLine(b []byte, json bool, t time.Time, function, id, msg string) ([]byte, bool) {
	if !plainLogText(function) || !plainLogText(id) {
		return b, false
	}
	return appendPlainLogLine(b, json, t, function, id, msg)
}

// appendPlainLogLine is appendLogLine for a function name and an id known
// to be plain text (the service's own ids; names checked once).
func appendPlainLogLine(b []byte, json bool, t time.Time, function, id, msg string) ([]byte, bool) {
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
	// slog's appendRFC3339Millis: RFC 3339 with exactly three decimals.
	n := len(b)
	b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
	const prefixLen = len("2006-01-02T15:04:05.000")
	b = append(b[:n+prefixLen], b[n+prefixLen+1:]...)
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
	if s != "" && !strings.ContainsAny(s, " =\"\t") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = appendLogEscaped(b, s)
	return append(b, '"')
}

func (in *instance) logging() bool {
	return in.fn.s.log.Enabled(context.Background(), slog.LevelInfo)
}

// beginLog attributes output to inv and writes START.
func (in *instance) beginLog(inv *invocation) {
	in.logID.Store(&inv.id)
	if inv.logTail {
		in.logs.mu.Lock()
		in.logs.tail = make([]byte, 0, logTailBytes+512)
		in.logs.mu.Unlock()
	}
	if inv.logTail || in.logging() {
		in.emit(inv.id, "START RequestId: "+inv.id+" Version: $LATEST")
	}
	// After START: the pump may log the invocation's output.
	in.logs.begun.Add(1)
	select {
	case in.logs.resume <- struct{}{}:
	default:
	}
}

// endLog writes END and REPORT, and hands the tail to the result.
func (in *instance) endLog(inv *invocation, res *Result, quiet bool) {
	if !inv.logTail && !in.logging() {
		return
	}
	if !quiet {
		in.syncLogs(inv.id)
	}
	in.emit(inv.id, "END RequestId: "+inv.id)
	in.emit(inv.id, in.report(inv.id, res))
	if inv.logTail {
		in.logs.mu.Lock()
		res.LogTail = in.logs.tail
		in.logs.tail = nil
		in.logs.mu.Unlock()
	}
}

// report formats a CloudWatch REPORT line.
func (in *instance) report(id string, res *Result) string {
	b := make([]byte, 0, 256)
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
	if kb := in.maxRSSKB(); kb > 0 {
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
	return string(b)
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
			if h := importHint(in.fn.kind, in.fn.cfg.CodeDir, in.fn.cfg.Handler, doc.ErrorMessage); h != "" {
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
func (in *instance) maxRSSKB() int64 {
	if now := time.Now(); in.hwmAt.IsZero() || now.Sub(in.hwmAt) >= hwmRefresh {
		if kb := maxRSSKB(in.status); kb > in.hwmKB {
			in.hwmKB = kb
		}
		in.hwmAt = now
	}
	return in.hwmKB
}
