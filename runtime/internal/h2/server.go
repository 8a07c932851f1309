// Package h2 is a small HTTP/2 server (RFC 9113) for an http.Handler, built
// on golang.org/x/net/http2's Framer and hpack. It exists for the gateway's
// hot path, where Go's stock server costs too much:
//
//   - no serve-loop goroutine: the connection's reader goroutine parses
//     frames, and handlers write frames themselves under one lock, so a
//     response is not handed between goroutines frame by frame;
//   - handlers that cannot block (Server.Inline) run on the reader
//     goroutine itself, and their output is flushed once per batch of
//     frames read — many responses per write system call under load;
//   - an inline handler may detach its stream (Detach) and return while
//     a backend answers: the Client's reader then writes the response
//     (Client.Start, Finish), so a proxied request costs no goroutine and
//     no hand-off between goroutines, and each side flushes once per
//     batch of frames read;
//   - other handlers have a short-lived goroutine flush, one at a time
//     per connection, which coalesces concurrent responses;
//   - a handler can end its stream with any error code (Reset), which is
//     how the gateway sends HTTP_1_1_REQUIRED.
//
// Not implemented (not needed by the gateway): server push, trailers,
// priorities (frames are accepted and ignored), the HTTP/1.1 Upgrade to
// h2c, and Expect: 100-continue.
package h2

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

// Server serves HTTP/2 connections whose preface has not been read yet.
type Server struct {
	Handler http.Handler
	// Inline reports whether a request without a body may run on the
	// connection's reader goroutine: the handler must not block and must
	// not read the body. Nil: never.
	Inline func(*http.Request) bool
	// MaxConcurrentStreams per connection. Default 250.
	MaxConcurrentStreams uint32
	// StreamWindow and ConnWindow are the receive windows advertised to
	// clients: how much request body may be buffered. Default 1 MiB and
	// 8 MiB.
	StreamWindow, ConnWindow int32
	// MaxHeaderBytes bounds the decoded request header list. Default 64 KiB.
	MaxHeaderBytes uint32
	// IdleTimeout closes connections without open streams. Default 120s.
	IdleTimeout time.Duration
	// PrefaceTimeout bounds the wait for the client preface. Default 10s.
	PrefaceTimeout time.Duration
	// WriteStallTimeout resets a stream whose client grants no
	// flow-control window, or sends no request body while the handler
	// waits for it, for this long; and closes a connection whose socket
	// accepts no write for this long. Default 30s.
	WriteStallTimeout time.Duration
	// DrainTimeout and DrainBytes bound how long, and how much of, a
	// request body is read and dropped after the response is complete
	// (an early 413 or 401 while the upload goes on), so that the client
	// can finish sending and see a clean end of stream rather than a
	// reset, which some clients (curl before 8.x) report as a failure.
	// Past either bound the stream is reset with NO_ERROR (RFC 9113
	// §8.1). Default 5s and 32 MiB.
	DrainTimeout time.Duration
	DrainBytes   int64
	// BaseContext is the parent of every request context; default
	// context.Background(). Request contexts also carry
	// http.LocalAddrContextKey, as net/http's do.
	BaseContext context.Context
	// Logger receives one warning per connection closed for abuse (see
	// abuse.go). Nil: none.
	Logger *slog.Logger
	// ConnState, if not nil, is told when a connection turns active (its
	// first open stream) and idle again (no open stream), as
	// http.Server.ConnState is; c is the net.Conn given to ServeConn.
	// It is called on the connection's goroutines and must not block.
	ConnState func(c net.Conn, state http.ConnState)
	// ParkBusyAbove, when positive, is how many open connections make
	// every h2c connection park whenever it waits for its client, busy
	// or not (park.go): less memory per connection for more CPU per
	// request. Zero: only idle connections park.
	ParkBusyAbove int

	mu      sync.Mutex
	workers workers
	// resumers run parked connections again (park.go).
	resumers workers
	conns    map[*conn]struct{}
	open     atomic.Int32 // len(conns), read without mu (park.go)
	shutdown bool
	date     atomic.Pointer[dateValue]
}

type dateValue struct {
	sec int64
	s   string
}

// httpDate is the Date header, formatted once per second.
func (s *Server) httpDate() string { return s.httpDateAt(time.Now()) }

// httpDateAt is the Date header for now.
func (s *Server) httpDateAt(now time.Time) string {
	sec := now.Unix()
	old := s.date.Load()
	if old != nil && old.sec == sec {
		return old.s
	}
	d := &dateValue{sec, now.UTC().Format(http.TimeFormat)}
	if old == nil || sec > old.sec {
		// An answer of a batch read in the second before does not
		// turn the kept value back.
		s.date.Store(d)
	}
	return d.s
}

func (s *Server) defaults() {
	// Parked connections resume in bursts of hundreds with thousands
	// open; a goroutine made for each grew its stack from the start
	// (runtime.newstack was 13% of the gateway's CPU at 9,000). Only
	// as many as a burst needed wait.
	s.resumers.max = maxIdleResumers
	if s.MaxConcurrentStreams == 0 {
		s.MaxConcurrentStreams = 250
	}
	if s.StreamWindow == 0 {
		s.StreamWindow = 1 << 20
	}
	if s.ConnWindow == 0 {
		s.ConnWindow = 8 << 20
	}
	if s.MaxHeaderBytes == 0 {
		s.MaxHeaderBytes = 64 << 10
	}
	if s.IdleTimeout == 0 {
		s.IdleTimeout = 120 * time.Second
	}
	if s.PrefaceTimeout == 0 {
		s.PrefaceTimeout = 10 * time.Second
	}
	if s.WriteStallTimeout == 0 {
		s.WriteStallTimeout = 30 * time.Second
	}
	if s.DrainTimeout == 0 {
		s.DrainTimeout = 5 * time.Second
	}
	if s.DrainBytes == 0 {
		s.DrainBytes = 32 << 20
	}
	if s.BaseContext == nil {
		s.BaseContext = context.Background()
	}
}

// ServeConn serves c until it closes. tlsState is the connection's TLS
// state, or nil for h2c. It returns when the connection is done.
func (s *Server) ServeConn(c net.Conn, tlsState *tls.ConnectionState) {
	done := make(chan struct{})
	s.Serve(c, tlsState, func() { close(done) })
	<-done
}

// Serve serves c until it closes, and then calls done. It may return
// before: a cleartext connection through rawconn that waits for its
// client gives up its goroutine (park.go) and is served on others when
// bytes come; done is called on whichever goroutine ends it.
func (s *Server) Serve(c net.Conn, tlsState *tls.ConnectionState, done func()) {
	s.mu.Lock()
	if s.conns == nil {
		s.defaults()
		s.conns = map[*conn]struct{}{}
	}
	if s.shutdown {
		s.mu.Unlock()
		c.Close()
		if done != nil {
			done()
		}
		return
	}
	cc := newConn(s, c, tlsState)
	cc.done = done
	s.conns[cc] = struct{}{}
	s.open.Add(1)
	s.mu.Unlock()
	cc.serve()
}

// finish is the end of a connection, after close: the server forgets it
// and Serve's caller is told.
func (c *conn) finish() {
	c.dropSlot()
	c.srv.mu.Lock()
	delete(c.srv.conns, c)
	c.srv.open.Add(-1)
	c.srv.mu.Unlock()
	if c.done != nil {
		c.done()
	}
}

// Shutdown sends GOAWAY on every connection; each closes once its open
// streams finish. It does not wait.
func (s *Server) Shutdown() {
	s.mu.Lock()
	s.shutdown = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.goAway(http2.ErrCodeNo)
	}
}

type streamKey struct{}

// Reset makes the handler serving r end its stream with RST_STREAM(code)
// when it returns or panics with http.ErrAbortHandler, instead of
// completing the response. It reports false when r is not served by this
// package.
func Reset(r *http.Request, code http2.ErrCode) bool {
	st, ok := r.Context().(*stream)
	if !ok {
		st, ok = r.Context().Value(streamKey{}).(*stream)
	}
	if !ok {
		return false
	}
	st.resetCode.Store(uint32(code) | 1<<31)
	return true
}

type conn struct {
	srv    *Server
	nc     net.Conn
	tls    *tls.ConnectionState
	remote string
	start  time.Time
	rd     connReader
	fr     *http2.Framer // reading only; frames are written by wire.go
	// bigFrame is set when a frame over 4 KiB was read: the Framer keeps
	// a buffer that large, so it is replaced when the connection idles.
	bigFrame    bool
	freshFramer bool // replace fr at the next idle moment
	hdec        *hdecoder
	hb          fieldBlock
	hf          headersFrame // readFrame's HEADERS frame
	ab          abuse
	ctx         context.Context
	cancel      context.CancelFunc
	// baseCancels: Server.BaseContext can end, and with it ctx before
	// the connection closes (streamctx.go).
	baseCancels bool
	canon       map[string]string // request header names, lower → canonical

	// wmu guards everything written: the framer's write side, the
	// encoder, send windows, and the per-stream write state.
	wmu   sync.Mutex
	wcond *sync.Cond
	wb    writeBuf
	// hblock is the header block being encoded (see hpackenc.go);
	// tableSized: the dynamic table size update to 0 was sent.
	hblock []byte
	// spareHdr is the response header map of the last inline stream,
	// reused by the next (reader goroutine only); spareReqHdr is its
	// request header map, which newRequest reuses.
	spareHdr    http.Header
	spareReqHdr http.Header
	// slots are the inline stream's response header slots (slots.go).
	slots      respSlots
	tableSized bool
	names      fieldNames
	sendWindow int64
	peerInit   int64 // peer's SETTINGS_INITIAL_WINDOW_SIZE
	peerFrame  int   // peer's SETTINGS_MAX_FRAME_SIZE
	dirty      bool
	werr       error
	// flushing: a flushSoon goroutine was started and has not begun
	// its write yet. flushFn is c.flushSoon.
	flushing atomic.Bool
	flushFn  func()

	// mu guards the stream table.
	mu      sync.Mutex
	streams map[uint32]*stream
	// settled counts the streams of the table that the client may
	// already see closed (stream.settle): they stay in the table until
	// their bookkeeping is done, but no longer count against
	// MaxConcurrentStreams.
	settled   atomic.Int32
	maxID     uint32
	goingAway bool
	closed    bool
	// active: ConnState was last told StateActive; opened: a stream was
	// opened (reader goroutine).
	active, opened bool
	// recent remembers the last streams that closed, and whether we
	// reset them: frames a client sent before it saw our RST_STREAM are
	// ignored, frames on a stream it closed itself are errors.
	recent [16]closedStream
	nextRc int

	recvConn     atomic.Int64 // receive window left
	connCredit   atomic.Int64
	handlersDone sync.WaitGroup
	// backends are the Client connections detached handlers wrote
	// requests to in this batch (Client.Start): flushed with this
	// connection's own frames (reader goroutine).
	backends []*cconn
	// seq numbers the server's connections (Client.Spread's key).
	seq uint32

	// done is Serve's; the reader loop's state between frames (kept
	// here: a parked connection resumes on another goroutine).
	done                 func()
	idleSet, sawSettings bool
	idleAt               time.Time
	// idleSince is when the connection last had no open stream (zero
	// while it has one); released: releaseIdle ran since.
	idleSince time.Time
	released  bool
	// Parking (park.go): parker is nc when it can park, else nil.
	parker          parker
	pstate          atomic.Int32
	due             atomic.Int64 // when the sweeper resumes it, Unix ns; 0: never
	dueSet, hasSlot bool
	slot, slotGen   uint32
	// quiet: resumed from a park, and nothing read since; parkNext:
	// the read waited idleRelease (errParkNow).
	quiet, parkNext bool
}

var connSeq atomic.Uint32

type closedStream struct {
	id               uint32
	sentRST, peerRST bool
}

// stream is one request: its state, its handler's context (streamctx.go),
// and, in the same allocation, its request, URL and response writer.
type stream struct {
	c  *conn
	id uint32
	// settle: settleLocal, settleRemote and settleGone (c.settle).
	// (Here, beside id, so that the struct stays in the 768-byte size
	// class with its request: streams are allocated per request.)
	settle atomic.Uint32
	// ctxs makes the stream the handler's request context.
	ctxs streamCtx
	// peer is the backend stream the Client relays for a handler that
	// passed its request context to Client.Do: abort cancels it
	// without a context watcher.
	peer atomic.Pointer[cstream]
	// req is what a worker runs (stream.work): Server.Handler, or
	// headersTooLarge when hdrTooLarge. It points at reqv, the request
	// itself, in the stream's allocation (a request of its own was one
	// more allocation per request, of 320 bytes; together they take the
	// 768-byte size class that the two took).
	req  *http.Request
	reqv http.Request
	// rw and url are the stream's response writer and request URL.
	rw        responseWriter
	url       url.URL
	body      *body        // nil when the request had no body
	recv      atomic.Int64 // stream receive window left
	resetCode atomic.Uint32
	sentRST   atomic.Bool // we sent RST_STREAM
	peerRST   atomic.Bool // the client sent RST_STREAM
	// declLen is the request's content-length, -1 without one; gotLen
	// counts the DATA received. Reader goroutine only.
	declLen, gotLen int64
	// detached: the inline handler returned before its response was
	// complete (Detach); finished: Finish (or the handler's panic)
	// completed it; flushOwed: Finish wrote frames and nobody has
	// flushed them yet (Client.Start's delivery does).
	detached, finished, flushOwed atomic.Bool
	// flushByCaller: a Client delivery is running the callback that
	// may Finish this stream, and flushes after it.
	flushByCaller atomic.Bool
	// reqHdr is the request's header map (pooled after a detached
	// stream's Finish).
	reqHdr http.Header
	// hint is what Server.Inline left for the handler (SetHint).
	hint any

	// guarded by c.wmu
	sendWindow int64
	reset      bool // RST_STREAM sent or received
	ended      bool // END_STREAM sent
	stalled    bool // the client granted no window for WriteStallTimeout
	// guarded by c.mu
	remoteDone  bool
	handlerDone bool
	// draining: the response is complete and the rest of the request
	// body is being read and dropped; drainLeft is how much more may be.
	draining bool
	// hdrTooLarge: the request's header list was over the limit (set
	// before the stream runs).
	hdrTooLarge bool
	// guarded by c.mu
	drainLeft int64
	// drainCredit is stream window owed to a draining client (reader
	// goroutine).
	drainCredit int64
	// arrived is when the read that brought the request's HEADERS
	// ended, in Unix nanoseconds (Arrived).
	arrived int64
}

func newConn(s *Server, nc net.Conn, tlsState *tls.ConnectionState) *conn {
	c := &conn{
		srv: s, nc: nc, tls: tlsState, remote: nc.RemoteAddr().String(), start: time.Now(),
		wb:         writeBuf{nc: nc, stall: s.WriteStallTimeout},
		sendWindow: 65535, peerInit: 65535, peerFrame: 16384,
		seq: connSeq.Add(1),
	}
	c.rd.init(nc)
	c.recvConn.Store(65535)
	c.flushFn = c.flushSoon
	c.wcond = sync.NewCond(&c.wmu)
	c.ctx, c.cancel = context.WithCancel(context.WithValue(s.BaseContext, http.LocalAddrContextKey, nc.LocalAddr()))
	if s.BaseContext.Done() != nil {
		c.baseCancels = true
		context.AfterFunc(c.ctx, c.abortStreams)
	}
	c.newFramer()
	c.rd.onIdle = c.releaseIdle
	if c.parker = parkingFor(nc); c.parker != nil {
		c.rd.parks = true
		// A Close from another goroutine (the connection limit's
		// eviction, shutdown) resumes a parked connection to end it.
		c.parker.OnClose(c.kick)
	}
	// The HPACK decoder and the maps are made when the first request
	// comes (newDecoder, open): a connection that stays idle holds
	// none of them.
	return c
}

// newDecoder makes the connection's HPACK decoder.
func (c *conn) newDecoder() { c.hdec = newHdecoder() }

// newFramer makes the frame reader (the writer side is unused).
func (c *conn) newFramer() {
	c.fr = http2.NewFramer(nil, &c.rd)
	c.fr.SetMaxReadFrameSize(maxReadFrame)
	c.fr.SetReuseFrames()
	c.bigFrame, c.freshFramer = false, false
}

// releaseIdle hands back what an idle connection need not hold (reader
// goroutine, from connReader.Read).
func (c *conn) releaseIdle() {
	if c.wmu.TryLock() {
		if !c.dirty {
			c.wb.release()
		}
		c.hblock = nil
		c.wmu.Unlock()
	}
	c.freshFramer = c.bigFrame
	c.spareHdr, c.spareReqHdr = nil, nil
}

// maxReadFrame is the SETTINGS_MAX_FRAME_SIZE we accept: the protocol's
// default, which every client honours without being told; larger frames
// would only make each connection's read buffer larger.
const maxReadFrame = minFrameSize

// serve reads the preface and serves the connection until it ends or
// parks.
func (c *conn) serve() {
	c.nc.SetReadDeadline(time.Now().Add(c.srv.PrefaceTimeout))
	var pre [len(http2.ClientPreface)]byte
	if _, err := io.ReadFull(&c.rd, pre[:]); err != nil || string(pre[:]) != http2.ClientPreface {
		c.close()
		c.finish()
		return
	}
	c.nc.SetReadDeadline(time.Time{})
	c.wmu.Lock()
	c.writeSettings(
		http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: c.srv.MaxConcurrentStreams},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: uint32(c.srv.StreamWindow)},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: c.srv.maxHeaderList()},
	)
	if d := int64(c.srv.ConnWindow) - 65535; d > 0 {
		c.writeWindowUpdate(0, uint32(d))
		c.recvConn.Add(d)
	}
	c.writeNow()
	c.wmu.Unlock()
	c.loopOrClose()
}

// loopOrClose runs the reader loop; unless the connection parked, it
// ends the connection.
func (c *conn) loopOrClose() {
	parked := false
	defer func() {
		if !parked {
			c.close()
			c.finish()
		}
	}()
	parked = c.loop()
}

// loop reads and handles frames until the connection ends (false) or
// parks (true).
func (c *conn) loop() bool {
	for {
		if c.rd.buffered() == 0 {
			// Nothing unread: the read buffer goes back before the
			// flushes and the yield below, which under load can wait
			// long (thousands of connections runnable at once each
			// held 8 KiB).
			c.rd.release()
			if len(c.backends) > 0 {
				// Readers of other connections the poller woke
				// run first and add their requests to the same
				// backend writes: one write carries more.
				runtime.Gosched()
			}
			c.flushBackends()
			c.flush()
			if c.quiet && c.rd.woken.Load() {
				// Parked when wake came (GOAWAY, Shutdown): end as
				// a read waiting then does, its deadline passed
				// (readFailed), not with lingerClose's wait for the
				// client to close.
				c.goAwayNow(http2.ErrCodeNo)
				return false
			}
			c.mu.Lock()
			idle := len(c.streams) == 0
			done := c.goingAway && idle
			c.mu.Unlock()
			if done {
				// Frames the client sent meanwhile (a PING after its
				// GOAWAY) must not turn the close into a reset.
				c.lingerClose()
				return false
			}
			// due: when a parked connection is to be resumed (its
			// idle timeout, or the release of its buffers). eager: it
			// parks whenever its socket is empty (park.go, with
			// ParkBusyAbove reached). Its read deadlines are set all
			// the same: a read that waits mid-frame is not parked, and
			// only the deadline ends it (a22e730 left them alone, 7% of
			// the gateway's CPU at 9,000 connections, and a client
			// that stopped mid-frame kept its connection forever).
			var due time.Time
			eager := c.parker != nil && c.srv.ParkBusyAbove > 0 && int(c.srv.open.Load()) >= c.srv.ParkBusyAbove
			if idle {
				// Re-arm only when half the timeout has passed: inline
				// answers leave the connection idle after every batch.
				// (Not when the connection was resumed from a park
				// and read nothing since: the sweeper resumes it
				// when its idle timeout is due.)
				now := time.Now()
				if !c.idleSet || !c.quiet && c.idleAt.Sub(now) < c.srv.IdleTimeout/2 {
					c.idleAt = now.Add(c.srv.IdleTimeout)
					c.idleSet = true
				}
				if c.freshFramer {
					// The Framer keeps a buffer as large as the
					// largest frame read: start afresh.
					c.newFramer()
				}
				// A connection that never had a stream (an idle
				// client, or one holding connections open) hands
				// its buffers back at once: thousands of them must
				// not each hold 96 KiB for a second.
				release := idleRelease
				if !c.opened {
					release = 0
				}
				c.rd.armIdle(now, c.idleAt, release)
				if c.parker != nil {
					// Parked, no read waits for these deadlines:
					// the sweeper resumes the connection.
					if c.idleSince.IsZero() {
						c.idleSince = now
					}
					due = c.idleAt
					if !c.released {
						if at := c.idleSince.Add(release); now.Before(at) {
							due = at
						} else {
							c.releaseIdle()
							c.released = true
						}
					}
				}
			} else if c.parker == nil {
				if c.idleSet {
					c.rd.disarm()
					c.idleSet = false
				}
			} else {
				c.idleSet = false
				c.idleSince, c.released = time.Time{}, false
				// Its streams may end on other goroutines (a
				// detached proxied request's Finish), leaving it
				// idle: a read that waits without a deadline does
				// not see that before the client sends something.
				// After idleRelease of silence the read ends
				// (errParkNow) and the connection parks; looked at
				// again an idle timeout later, it starts its own.
				now := time.Now()
				c.rd.armIdle(now, noIdleTimeout, idleRelease)
				due = now.Add(c.srv.IdleTimeout)
			}
			if idle {
				c.reportState(false)
			}
			// Park at once with many connections open; with few, a
			// connection silent for idleRelease (the read below ends
			// with errParkNow then), or an idle one that never had a
			// stream (a client holding connections open) at once.
			if c.parker != nil && !c.rd.woken.Load() &&
				(c.parkNext || eager || idle && !c.opened ||
					time.Now().UnixNano()-c.rd.at >= int64(idleRelease)) {
				c.parkNext = false
				switch c.tryPark(due, idle) {
				case parked:
					return true
				case timedOut:
					// The idle timeout, as a read past the deadline
					// ends a waiting reader (readFailed).
					c.goAwayNow(http2.ErrCodeNo)
					return false
				}
			}
		}
		c.rd.frameStart = c.rd.buffered() == 0
		f, hf, err := c.readFrame()
		if err == nil && f != nil && f.Header().Length > 4<<10 {
			c.bigFrame = true
		}
		if hf != nil && err == nil {
			var hb *fieldBlock
			hb, err = c.readHeaders(hf)
			if err == nil {
				f = nil
				if !c.sawSettings {
					c.goAwayNow(http2.ErrCodeProtocol)
					c.lingerClose()
					return false
				}
				if code, fatal := c.onHeaders(hb); fatal {
					c.goAwayNow(code)
					c.lingerClose()
					return false
				}
				continue
			}
		}
		if err != nil {
			if err == errParkNow {
				c.parkNext = true
				continue
			}
			if c.readFailed(err) {
				continue
			}
			return false
		}
		if !c.sawSettings {
			// The preface ends with a SETTINGS frame (RFC 9113 §3.4).
			if sf, ok := f.(*http2.SettingsFrame); !ok || sf.IsAck() {
				c.goAwayNow(http2.ErrCodeProtocol)
				c.lingerClose()
				return false
			}
			c.sawSettings = true
		}
		if code, fatal := c.handle(f); fatal {
			c.goAwayNow(code)
			c.lingerClose()
			return false
		}
	}
}

// readFailed handles an error from ReadFrame: a stream error resets that
// stream and reading goes on (true); anything else ends the connection,
// with GOAWAY when the client broke the protocol.
func (c *conn) readFailed(err error) bool {
	var se http2.StreamError
	if errors.As(err, &se) {
		// A malformed HEADERS still opens (and closes) its
		// stream: later frames on it are for a closed stream.
		if se.StreamID%2 == 1 && se.StreamID > c.maxID {
			c.mu.Lock()
			c.maxID = se.StreamID
			c.mu.Unlock()
		}
		c.resetStream(se.StreamID, se.Code)
		// A malformed request costs decoding and a reset, and earns
		// nothing: a glitch (abuse.go).
		if c.noteAbuse(abuseControl) {
			c.goAwayNow(http2.ErrCodeEnhanceYourCalm)
			c.lingerClose()
			return false
		}
		return true
	}
	var ce http2.ConnectionError
	if errors.Is(err, http2.ErrFrameTooLarge) {
		// Larger than the SETTINGS_MAX_FRAME_SIZE we
		// advertised (RFC 9113 §4.2).
		c.goAwayNow(http2.ErrCodeFrameSize)
		c.lingerClose()
	} else if errors.As(err, &ce) {
		c.goAwayNow(http2.ErrCode(ce))
		c.lingerClose()
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		c.goAwayNow(http2.ErrCodeNo)
	}
	return false
}

// handle processes one frame; fatal means a connection error. Each frame
// type has its own method.
func (c *conn) handle(f http2.Frame) (http2.ErrCode, bool) {
	switch f := f.(type) {
	case *http2.DataFrame:
		return c.onData(f)
	case *http2.WindowUpdateFrame:
		return c.onWindowUpdate(f)
	case *http2.SettingsFrame:
		return c.onSettings(f)
	case *http2.PingFrame:
		return c.onPing(f)
	case *http2.RSTStreamFrame:
		return c.onRSTStream(f)
	case *http2.GoAwayFrame:
		return c.onGoAway(f)
	case *http2.PriorityFrame:
		return c.onPriority(f)
	case *http2.PushPromiseFrame:
		return http2.ErrCodeProtocol, true // clients never push (RFC 9113 §8.4)
	}
	// Unknown frame types are ignored (RFC 9113 §4.1), but counted.
	return c.glitch(abuseControl)
}

// glitch counts a frame that did no useful work; past the connection's
// allowance it is a connection error ENHANCE_YOUR_CALM (see abuse.go).
func (c *conn) glitch(k abuseKind) (http2.ErrCode, bool) {
	if c.noteAbuse(k) {
		return http2.ErrCodeEnhanceYourCalm, true
	}
	return 0, false
}

// onWindowUpdate adds to the connection's or a stream's send window.
func (c *conn) onWindowUpdate(f *http2.WindowUpdateFrame) (http2.ErrCode, bool) {
	if c.idle(f.StreamID) {
		return http2.ErrCodeProtocol, true // RFC 9113 §5.1
	}
	if code, fatal := c.glitch(abuseControl); fatal {
		return code, fatal
	}
	inc := int64(f.Increment)
	if f.StreamID == 0 {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		if c.sendWindow+inc > 1<<31-1 {
			return http2.ErrCodeFlowControl, true
		}
		c.sendWindow += inc
		c.wcond.Broadcast()
		return 0, false
	}
	st := c.stream(f.StreamID)
	if st == nil {
		return 0, false // closed: a WINDOW_UPDATE may still be in flight
	}
	c.wmu.Lock()
	overflow := st.sendWindow+inc > 1<<31-1
	if !overflow {
		st.sendWindow += inc
		c.wcond.Broadcast()
	}
	c.wmu.Unlock()
	if overflow {
		// A stream error (RFC 9113 §6.9.1), also once our END_STREAM
		// is out: the client's side may still be open (streamError).
		c.resetStream(st.id, http2.ErrCodeFlowControl)
	}
	return 0, false
}

// onSettings validates and applies the client's settings and acknowledges
// them.
func (c *conn) onSettings(f *http2.SettingsFrame) (http2.ErrCode, bool) {
	if f.IsAck() {
		return 0, false
	}
	if code, fatal := c.glitch(abuseControl); fatal {
		return code, fatal
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	// Validate every value before applying any (RFC 9113 §6.5.2).
	if err := f.ForeachSetting(checkSetting); err != nil {
		return http2.ErrCode(err.(http2.ConnectionError)), true
	}
	f.ForeachSetting(func(s http2.Setting) error {
		switch s.ID {
		case http2.SettingInitialWindowSize:
			d := int64(s.Val) - c.peerInit
			c.peerInit = int64(s.Val)
			c.mu.Lock()
			for _, st := range c.streams {
				st.sendWindow += d
			}
			c.mu.Unlock()
		case http2.SettingMaxFrameSize:
			c.peerFrame = int(s.Val)
		}
		// SETTINGS_HEADER_TABLE_SIZE needs nothing: responses never
		// use the dynamic table (hpackenc.go).
		return nil
	})
	c.writeSettingsAck()
	c.dirty = true
	c.wcond.Broadcast()
	return 0, false
}

// onPing answers a PING.
func (c *conn) onPing(f *http2.PingFrame) (http2.ErrCode, bool) {
	if code, fatal := c.glitch(abuseControl); fatal {
		return code, fatal
	}
	if !f.IsAck() {
		c.wmu.Lock()
		c.writePing(true, f.Data)
		c.dirty = true
		c.wmu.Unlock()
	}
	return 0, false
}

// onRSTStream ends a stream the client reset: its handler's context is
// canceled and its body reads fail.
func (c *conn) onRSTStream(f *http2.RSTStreamFrame) (http2.ErrCode, bool) {
	if c.idle(f.StreamID) {
		return http2.ErrCodeProtocol, true // RFC 9113 §5.1
	}
	// Under c.mu, so that the mark reaches the stream or, if it
	// was just removed, its entry in recent.
	c.mu.Lock()
	st := c.streams[f.StreamID]
	answered := false
	if st != nil {
		st.peerRST.Store(true)
		answered = st.handlerDone
	} else {
		for i := range c.recent {
			if c.recent[i].id == f.StreamID {
				c.recent[i].peerRST = true
			}
		}
	}
	c.mu.Unlock()
	if st == nil {
		// Most often a stream we refused or reset: what a client
		// that resets every stream it opens does.
		return c.glitch(abuseReset)
	}
	// Mark the stream reset before the handler can see its
	// context canceled and answer on it.
	c.wmu.Lock()
	st.reset = true
	c.wcond.Broadcast()
	c.wmu.Unlock()
	st.abort()
	if st.body != nil {
		st.body.closeWithError(errors.New("h2: stream reset by client"))
	}
	c.mu.Lock()
	st.remoteDone = true
	c.settle(st, settleRemote)
	c.mu.Unlock()
	c.maybeRemove(st)
	if answered {
		return c.glitch(abuseControl)
	}
	// A stream reset before its answer cost a handler (and perhaps a
	// backend request) for nothing: rapid reset, when it is all a
	// client does.
	return c.glitch(abuseReset)
}

// onGoAway notes that the client is going away: the connection closes
// once its open streams are done.
func (c *conn) onGoAway(*http2.GoAwayFrame) (http2.ErrCode, bool) {
	c.mu.Lock()
	c.goingAway = true
	c.mu.Unlock()
	return 0, false
}

// onPriority ignores priorities (RFC 9113 §5.3.2 deprecates the scheme)
// but still rejects a stream that depends on itself.
func (c *conn) onPriority(f *http2.PriorityFrame) (http2.ErrCode, bool) {
	if f.StreamDep == f.StreamID {
		// A stream cannot depend on itself (RFC 9113 §5.3.1).
		c.resetStream(f.StreamID, http2.ErrCodeProtocol)
	}
	return c.glitch(abuseControl)
}

// checkSetting reports a SETTINGS value RFC 9113 §6.5.2 forbids, as the
// connection error it calls for.
func checkSetting(s http2.Setting) error {
	switch s.ID {
	case http2.SettingEnablePush:
		if s.Val > 1 {
			return http2.ConnectionError(http2.ErrCodeProtocol)
		}
	case http2.SettingInitialWindowSize:
		if s.Val > 1<<31-1 {
			return http2.ConnectionError(http2.ErrCodeFlowControl)
		}
	case http2.SettingMaxFrameSize:
		if s.Val < minFrameSize || s.Val > 1<<24-1 {
			return http2.ConnectionError(http2.ErrCodeProtocol)
		}
	}
	return nil
}

// minFrameSize is the smallest SETTINGS_MAX_FRAME_SIZE a peer may set.
const minFrameSize = 1 << 14

// idle reports whether the client has not opened stream id yet (reader
// goroutine). Even streams are ours, and we open none.
func (c *conn) idle(id uint32) bool {
	return id != 0 && (id%2 == 0 || id > c.maxID)
}

// closedBy looks up a recently closed stream: known is false when it is
// not remembered. ignore is true when frames on it are to be ignored: we
// reset it, and the client did not — its frames may have been sent
// before it saw our RST_STREAM. c.mu is held.
func (c *conn) closedBy(id uint32) (known, ignore bool) {
	for _, r := range c.recent {
		if r.id == id {
			return true, r.sentRST && !r.peerRST
		}
	}
	return false, false
}

// remember records a closed stream once. c.mu is held.
func (c *conn) remember(id uint32, sentRST, peerRST bool) {
	if known, _ := c.closedBy(id); known {
		return
	}
	c.recent[c.nextRc] = closedStream{id, sentRST, peerRST}
	c.nextRc = (c.nextRc + 1) % len(c.recent)
}

// ignoring reports whether frames on st are to be ignored (see closedBy).
func (st *stream) ignoring() bool {
	return st.sentRST.Load() && !st.peerRST.Load()
}

// streamClosed answers a frame on a stream the client already ended
// (half-closed remote, or reset by it) with RST_STREAM(STREAM_CLOSED)
// (RFC 9113 §5.1).
func (c *conn) streamClosed(st *stream) {
	c.wmu.Lock()
	c.queueRST(st, http2.ErrCodeStreamClosed)
	c.wmu.Unlock()
	st.abort()
	if st.body != nil {
		st.body.closeWithError(errors.New("h2: stream closed"))
	}
}

func (c *conn) stream(id uint32) *stream {
	c.mu.Lock()
	st := c.streams[id]
	c.mu.Unlock()
	return st
}

// onTrailers handles a HEADERS frame on an open stream: trailers, which
// are accepted and dropped; they end the body.
func (c *conn) onTrailers(st *stream, f *fieldBlock) (http2.ErrCode, bool) {
	if st.peerRST.Load() {
		// The client reset the stream: it is closed, whether or not
		// its handler has returned yet (RFC 9113 §5.1).
		return http2.ErrCodeStreamClosed, true
	}
	c.mu.Lock()
	remoteDone := st.remoteDone
	c.mu.Unlock()
	if remoteDone {
		c.wmu.Lock()
		closed := st.ended && !st.reset
		c.wmu.Unlock()
		if closed {
			// Our END_STREAM is out too: the stream is closed, as when
			// it is already forgotten, whether or not its handler has
			// returned yet (RFC 9113 §5.1).
			return http2.ErrCodeStreamClosed, true
		}
		if !st.ignoring() {
			c.streamClosed(st)
		}
		return 0, false
	}
	if !f.endStream {
		return http2.ErrCodeProtocol, true
	}
	if f.nPseudo > 0 {
		// Trailers carry no pseudo-headers (RFC 9113 §8.1).
		c.resetStream(st.id, http2.ErrCodeProtocol)
		return 0, false
	}
	if f.tooLarge {
		if c.noteAbuse(abuseHeaderBlock) {
			return http2.ErrCodeEnhanceYourCalm, true
		}
		c.resetStream(st.id, http2.ErrCodeEnhanceYourCalm)
		return 0, false
	}
	if st.body != nil {
		if st.declLen >= 0 && st.gotLen != st.declLen {
			c.badContentLength(st)
			return 0, false
		}
		st.body.closeWithError(io.EOF)
	}
	c.mu.Lock()
	st.remoteDone = true
	c.settle(st, settleRemote)
	c.mu.Unlock()
	c.maybeRemove(st)
	return 0, false
}

// onHeaders opens a stream, or ends one with trailers.
func (c *conn) onHeaders(f *fieldBlock) (http2.ErrCode, bool) {
	id := f.streamID
	if id%2 == 0 {
		return http2.ErrCodeProtocol, true
	}
	c.mu.Lock()
	if st := c.streams[id]; st != nil {
		c.mu.Unlock()
		return c.onTrailers(st, f)
	}
	if id <= c.maxID {
		known, ignore := c.closedBy(id)
		c.mu.Unlock()
		switch {
		case ignore:
			return 0, false // sent before the client saw our RST_STREAM
		case known:
			return http2.ErrCodeStreamClosed, true // RFC 9113 §5.1
		}
		return http2.ErrCodeProtocol, true // RFC 9113 §5.1.1
	}
	c.maxID = id
	// A stream whose end the client may have seen is closed for it
	// (RFC 9113 §5.1.2), though its bookkeeping may not be done yet.
	refuse := c.goingAway || len(c.streams)-int(c.settled.Load()) >= int(c.srv.MaxConcurrentStreams)
	c.mu.Unlock()
	if refuse {
		c.writeRSTID(id, http2.ErrCodeRefusedStream)
		if c.noteAbuse(abuseRefused) {
			return http2.ErrCodeEnhanceYourCalm, true
		}
		return 0, false
	}
	if f.hasPriority && f.priority.StreamDep == id {
		// A stream cannot depend on itself (RFC 9113 §5.3.1).
		c.writeRSTID(id, http2.ErrCodeProtocol)
		return 0, false
	}
	if f.tooLarge {
		// Over the header-list limit: answered 431 like HTTP/1.1; the
		// block was decoded in full, so the connection goes on.
		if c.noteAbuse(abuseHeaderBlock) {
			return http2.ErrCodeEnhanceYourCalm, true
		}
		st := c.newStream(id)
		st.hdrTooLarge = true
		tmp := http.Request{Method: f.pseudo("method"), Header: http.Header{}, ContentLength: -1}
		st.reqv = *tmp.WithContext(st)
		c.open(st, f.endStream, &st.reqv, headersTooLarge, false)
		return 0, false
	}
	var tmp http.Request
	st := c.newStream(id)
	if err := c.newRequest(f, &tmp, &st.url); err != nil {
		c.writeRSTID(id, http2.ErrCodeProtocol)
		return 0, false
	}
	if f.endStream && tmp.ContentLength > 0 {
		// A content-length the body does not match: malformed
		// (RFC 9113 §8.1.1).
		c.writeRSTID(id, http2.ErrCodeProtocol)
		return 0, false
	}
	st.reqHdr = tmp.Header
	// The stream is the request's context, and holds the request
	// (built on the stack, then copied in: WithContext's copy is
	// inlined and does not escape).
	st.reqv = *tmp.WithContext(st)
	req := &st.reqv
	inline := f.endStream && c.srv.Inline != nil && c.srv.Inline(req)
	c.open(st, f.endStream, req, c.srv.Handler, inline)
	return 0, false
}

func (c *conn) newStream(id uint32) *stream {
	st := &stream{c: c, id: id, arrived: c.rd.at}
	st.ctxs.parent = c.ctx
	return st
}

// open starts stream st for req and runs h on it: inline on the reader
// goroutine, or on a pooled goroutine (workers.go).
func (c *conn) open(st *stream, ended bool, req *http.Request, h http.Handler, inline bool) {
	id := st.id
	st.declLen = req.ContentLength
	st.recv.Store(int64(c.srv.StreamWindow))
	if ended {
		req.Body = http.NoBody
		req.ContentLength = 0
		st.remoteDone = true
		c.settle(st, settleRemote)
	} else {
		st.body = &body{st: st}
		st.body.init()
		req.Body = st.body
	}
	c.wmu.Lock()
	st.sendWindow = c.peerInit
	c.wmu.Unlock()
	c.mu.Lock()
	if c.streams == nil {
		c.streams = map[uint32]*stream{}
	}
	c.streams[id] = st
	c.mu.Unlock()
	if c.baseCancels && c.ctx.Err() != nil {
		st.abort() // the connection's context ended: so did the stream's
	}
	c.opened = true
	c.reportState(true)
	var hdr http.Header
	if inline && c.spareHdr != nil {
		// The last inline stream's header map, cleared.
		hdr, c.spareHdr = c.spareHdr, nil
		clear(hdr)
	} else if v, ok := detachedHdrs.Get().(http.Header); ok {
		hdr = v
		clear(hdr)
	} else {
		hdr = make(http.Header, 8)
	}
	st.rw = responseWriter{st: st, h: hdr, head: req.Method == "HEAD", inline: inline}
	if inline {
		if !c.run(st, &st.rw, req, h) {
			// The handler has returned and the response is complete:
			// its maps serve the next inline stream, as a detached
			// stream's do once Finish has answered it (complete).
			c.spareHdr = hdr
			if len(st.reqHdr) <= 32 {
				c.spareReqHdr = st.reqHdr
			}
		}
		return
	}
	st.req = req
	c.handlersDone.Add(1)
	c.srv.workers.run(st)
}

// SetHint keeps v with r's stream for the handler of the same request.
// Called from Server.Inline when it returns true, it spares the handler,
// which runs next on the same goroutine, work the hook has done (the
// gateway's route). It reports false when r is not this server's.
func SetHint(r *http.Request, v any) bool {
	st, ok := r.Context().(*stream)
	if !ok {
		return false
	}
	st.hint = v
	return true
}

// Hint returns what SetHint kept for r, once; nil without one.
func Hint(r *http.Request) any {
	st, ok := r.Context().(*stream)
	if !ok || st.hint == nil {
		return nil
	}
	v := st.hint
	st.hint = nil
	return v
}

// Arrived returns when the read that brought r's HEADERS ended: the
// request's arrival, for a handler that would read the clock as it starts
// (the clock is read once per read of the connection, which under load
// carries several requests). ok is false when r is not this server's.
// The time has no monotonic reading.
func Arrived(r *http.Request) (t time.Time, ok bool) {
	st, ok := r.Context().(*stream)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, st.arrived), true
}

// Detach lets a handler running inline (Server.Inline) return before its
// response is complete, so that the reader goroutine goes on while a
// backend answers (Client.Start). It reports false when w is not such a
// handler's writer. After a true, the handler returns without touching w
// again, and Finish must be called once, from any goroutine, after the
// response was written to w; until Blocking is called, w buffers the
// whole body and Flush does nothing.
func Detach(w http.ResponseWriter) bool {
	rw, ok := w.(*responseWriter)
	if !ok || !rw.inline || rw.st.detached.Load() {
		return false
	}
	rw.unslot()
	rw.st.c.handlersDone.Add(1)
	rw.st.detached.Store(true)
	return true
}

// Abort makes a detached stream end with RST_STREAM(INTERNAL_ERROR) at
// Finish, unless Reset chose a code already: what a handler's panic does
// to a stream that is not detached.
func Abort(w http.ResponseWriter) {
	if rw, ok := w.(*responseWriter); ok {
		rw.st.resetCode.CompareAndSwap(0, uint32(http2.ErrCodeInternal)|1<<31)
	}
}

// Retract forgets the status and body written to w when nothing of the
// response has been sent yet (a body that small is buffered until the
// handler returns or flushes), so that the handler can answer otherwise:
// a proxy whose backend's body failed before any of it reached the
// client answers 502 instead of resetting the stream. It reports false,
// changing nothing, when the headers went out or w is not this package's.
// The header map is the caller's to put right.
func Retract(w http.ResponseWriter) bool {
	rw, ok := w.(*responseWriter)
	if !ok {
		return false
	}
	c := rw.st.c
	c.wmu.Lock()
	sent := rw.sentHeader
	c.wmu.Unlock()
	if sent {
		return false
	}
	rw.wroteHeader, rw.status = false, 0
	if rw.pending != nil {
		rw.dropPending()
	}
	return true
}

// Blocking makes a detached stream's writer an ordinary one, for a
// goroutine that may block writing (a large or streamed body): Write
// sends as the window allows, Flush flushes. Call it before handing w to
// that goroutine.
func Blocking(w http.ResponseWriter) {
	if rw, ok := w.(*responseWriter); ok {
		rw.inline = false
	}
}

// Finish completes a detached stream's response (see Detach). Called
// from Client.Start's callback, it writes without waiting for anything
// and leaves the flush to the Client's reader, which flushes each
// connection once per batch; when the connection's writer is busy or its
// buffer full, a goroutine finishes instead.
func Finish(w http.ResponseWriter) {
	rw := w.(*responseWriter)
	st, c := rw.st, rw.st.c
	if !st.finished.CompareAndSwap(false, true) {
		return
	}
	rw.finished = true // this goroutine, or one it starts, completes st
	if v := st.resetCode.Load(); v != 0 {
		c.wmu.Lock()
		c.writeRST(st, http2.ErrCode(v&^(1<<31)))
		c.settle(st, settleLocal|settleRemote) // the handler is done
		c.wmu.Unlock()
		c.signalFlush()
		c.complete(st)
		c.handlersDone.Done()
		return
	}
	if !rw.inline {
		if !rw.finish() {
			c.complete(st)
		}
		c.handlersDone.Done()
		return
	}
	if !rw.wroteHeader {
		rw.WriteHeader(http.StatusOK)
	}
	if c.wmu.TryLock() {
		// Room for the headers and the body, so that no write to
		// the socket (which may wait on a slow client) happens here.
		// (The buffer grows to writeBufSize before it is flushed.)
		if len(c.wb.b)+len(rw.pending)+4<<10 <= writeBufSize {
			if !rw.finishLocked() {
				c.complete(st)
			}
			st.c.owedFlush(st)
			c.handlersDone.Done()
			return
		}
		c.wmu.Unlock()
	}
	go func() {
		rw.inline = false
		if !rw.finish() {
			c.complete(st)
		}
		c.handlersDone.Done()
	}()
}

// owedFlush has the frames a detached stream's Finish wrote flushed: by
// the Client's delivery that is calling it, if any (flushByCaller), else
// by a flusher. The second look at flushByCaller closes the race with a
// delivery that ended meanwhile.
func (c *conn) owedFlush(st *stream) {
	if !st.flushByCaller.Load() {
		c.signalFlush()
		return
	}
	st.flushOwed.Store(true)
	if !st.flushByCaller.Load() && st.flushOwed.Swap(false) {
		c.signalFlush()
	}
}

// noteBackend remembers a Client connection to flush after this batch
// (reader goroutine).
func (c *conn) noteBackend(cc *cconn) {
	if !slices.Contains(c.backends, cc) {
		c.backends = append(c.backends, cc)
	}
}

// flushBackends flushes the Client connections written to in this batch
// (reader goroutine).
func (c *conn) flushBackends() {
	for i, cc := range c.backends {
		c.backends[i] = nil
		cc.flushFromPeer()
	}
	c.backends = c.backends[:0]
}

// flushFromPeer sends the frames a Client's reader wrote here (Finish)
// once its batch is read: at once if the socket takes them all without
// waiting, else through a flusher, so that a client that does not read
// cannot stall the backend connection's other streams.
func (c *conn) flushFromPeer() {
	if c.wmu.TryLock() {
		done := c.tryWriteNow()
		c.wmu.Unlock()
		if done {
			return
		}
	}
	c.signalFlush()
}

// work runs the stream's handler on a worker goroutine.
func (st *stream) work() {
	defer st.c.handlersDone.Done()
	h := st.c.srv.Handler
	if st.hdrTooLarge {
		h = headersTooLarge
	}
	st.c.run(st, &st.rw, st.req, h)
}

// abortStreams aborts every open stream: the connection's context ended
// while it still serves.
func (c *conn) abortStreams() {
	c.mu.Lock()
	streams := make([]*stream, 0, len(c.streams))
	for _, st := range c.streams {
		streams = append(streams, st)
	}
	c.mu.Unlock()
	for _, st := range streams {
		st.abort()
	}
}

// abort cancels the stream's context and the backend stream relayed for
// it, if any (from a goroutine, as context.AfterFunc would: the caller may
// hold this connection's locks).
func (st *stream) abort() {
	st.cancelCtx()
	if p := st.peer.Swap(nil); p != nil {
		go p.cancel(context.Canceled)
	}
}

// reportState tells Server.ConnState that the connection turned active or
// idle (reader goroutine).
func (c *conn) reportState(active bool) {
	if c.srv.ConnState == nil || c.active == active {
		return
	}
	c.active = active
	if active {
		c.srv.ConnState(c.nc, http.StateActive)
	} else {
		c.srv.ConnState(c.nc, http.StateIdle)
	}
}

// newRequest fills req, and u as its URL, from a request's header block.
func (c *conn) newRequest(f *fieldBlock, req *http.Request, u *url.URL) error {
	method, path, authority, scheme := f.requestPseudos()
	if method == "" || path == "" || scheme == "" || method == "CONNECT" || !strings.HasPrefix(path, "/") && path != "*" {
		return errors.New("bad pseudo headers")
	}
	fields := f.regular()
	h := c.spareReqHdr
	c.spareReqHdr = nil
	if h == nil {
		h, _ = detachedReqHdrs.Get().(http.Header)
	}
	if h != nil {
		clear(h)
	} else {
		h = make(http.Header, len(fields))
	}
	vals := make([]string, len(fields)) // one backing array for single values
	var cookies []string
	// Content-Length's values, read here rather than looked up in h after
	// (the decoder lets only lower-case names through: no other spelling
	// maps to it): the first, how many, whether another differs.
	var cl0 string
	cln, clDiffer := 0, false
	for i, hf := range fields {
		switch hf.name {
		case "content-length":
			if cln == 0 {
				cl0 = hf.value
			} else if hf.value != cl0 {
				clDiffer = true
			}
			cln++
		case "cookie":
			cookies = append(cookies, hf.value)
			continue
		case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
			// Connection-specific fields are malformed in HTTP/2
			// (RFC 9113 §8.2.2).
			return errors.New("connection-specific header field")
		case "te":
			if hf.value != "trailers" {
				return errors.New(`te other than "trailers"`)
			}
		}
		if hf.name == "host" && authority == "" {
			authority = hf.value
		}
		k := hf.canon
		if k == "" {
			k = c.canonical(hf.name)
		}
		if seenBeforeReq(fields, i, h, k) {
			h[k] = append(h[k], hf.value)
			continue
		}
		vals[i] = hf.value
		h[k] = vals[i : i+1 : i+1]
	}
	if len(cookies) > 0 {
		h["Cookie"] = []string{strings.Join(cookies, "; ")}
	}
	if err := parseRequestURI(u, path); err != nil {
		return err
	}
	*req = http.Request{
		Method: method, URL: u, Proto: "HTTP/2.0", ProtoMajor: 2, Header: h,
		Host: authority, RemoteAddr: c.remote, RequestURI: path, TLS: c.tls, ContentLength: -1,
	}
	if cln > 0 {
		n, err := strconv.ParseUint(cl0, 10, 63)
		if err != nil {
			return errors.New("bad content-length")
		}
		if clDiffer {
			return errors.New("conflicting content-length")
		}
		req.ContentLength = int64(n)
	}
	return nil
}

// parseRequestURI sets u to url.ParseRequestURI(path). A path of the
// characters a URL path keeps as they are (no query, no escapes) is the
// URL's Path alone, without the parse and its allocation.
func parseRequestURI(u *url.URL, path string) error {
	if plainPath(path) {
		*u = url.URL{Path: path}
		return nil
	}
	p, err := url.ParseRequestURI(path)
	if err != nil {
		return err
	}
	*u = *p
	return nil
}

// plainPath reports whether path starts with "/" and holds only bytes that
// url.URL.EscapedPath writes unescaped: then ParseRequestURI's result is
// URL{Path: path}.
func plainPath(path string) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	for i := 0; i < len(path); i++ {
		if !plainPathByte[path[i]] {
			return false
		}
	}
	return true
}

var plainPathByte = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-_.~$&+,/:;=@" {
		t[c] = true
	}
	return t
}()

func (c *conn) onData(f *http2.DataFrame) (http2.ErrCode, bool) {
	n := int64(f.Length)
	if c.recvConn.Add(-n) < 0 {
		return http2.ErrCodeFlowControl, true
	}
	id := f.StreamID
	data := f.Data()
	if len(data) > 0 {
		c.ab.useful.Add(1)
	} else if !f.StreamEnded() {
		// Empty DATA without END_STREAM carries nothing.
		if code, fatal := c.glitch(abuseControl); fatal {
			return code, fatal
		}
	}
	c.mu.Lock()
	st := c.streams[id]
	var remoteDone, ignore bool
	if st != nil {
		remoteDone = st.remoteDone
	} else {
		_, ignore = c.closedBy(id)
	}
	c.mu.Unlock()
	if st == nil || remoteDone {
		// Not open for the client to send on: give the connection
		// window back.
		c.creditConn(n)
		switch {
		case c.idle(id):
			return http2.ErrCodeProtocol, true // RFC 9113 §5.1
		case st != nil && st.ignoring(), ignore:
			// Sent before the client saw our RST_STREAM.
		case st != nil:
			c.streamClosed(st)
		default:
			c.writeRSTID(id, http2.ErrCodeStreamClosed)
		}
		return 0, false
	}
	if st.body == nil {
		// A body we stopped reading.
		c.creditConn(n)
		return 0, false
	}
	if st.recv.Add(-n) < 0 {
		c.resetStream(st.id, http2.ErrCodeFlowControl)
		c.creditConn(n)
		return 0, false
	}
	if pad := n - int64(len(data)); pad > 0 {
		c.creditConn(pad)
		st.recv.Add(pad)
	}
	st.gotLen += int64(len(data))
	if st.declLen >= 0 && (st.gotLen > st.declLen || f.StreamEnded() && st.gotLen != st.declLen) {
		// The body disagrees with its content-length: malformed
		// (RFC 9113 §8.1.1).
		c.badContentLength(st)
		c.creditConn(int64(len(data)))
		return 0, false
	}
	if !st.body.write(data) {
		c.creditConn(int64(len(data)))
		if c.drained(st, int64(len(data))) {
			return 0, false
		}
	}
	if f.StreamEnded() {
		st.body.closeWithError(io.EOF)
		c.mu.Lock()
		st.remoteDone = true
		c.settle(st, settleRemote)
		c.mu.Unlock()
		c.maybeRemove(st)
	}
	return 0, false
}

// drained accounts for n bytes dropped on a stream that may be draining:
// it gives the stream its window back so the client can go on, or ends
// the drain past DrainBytes (true: the stream was reset).
func (c *conn) drained(st *stream, n int64) bool {
	c.mu.Lock()
	draining := st.draining
	if draining {
		st.drainLeft -= n
	}
	over := draining && st.drainLeft < 0
	c.mu.Unlock()
	if !draining {
		return false
	}
	if over {
		c.endDrain(st)
		return true
	}
	st.drainCredit += n
	if st.drainCredit >= min(creditBatch, int64(c.srv.StreamWindow)/4) {
		st.recv.Add(st.drainCredit)
		c.wmu.Lock()
		if !st.reset {
			c.writeWindowUpdate(st.id, uint32(st.drainCredit))
		}
		c.wmu.Unlock()
		st.drainCredit = 0
	}
	return false
}

// creditConn returns n bytes of connection window, in WINDOW_UPDATEs of at
// least a quarter window.
func (c *conn) creditConn(n int64) {
	if c.connCredit.Add(n) < int64(c.srv.ConnWindow)/4 {
		return
	}
	c.wmu.Lock()
	if v := c.connCredit.Swap(0); v > 0 {
		c.recvConn.Add(v)
		c.writeWindowUpdate(0, uint32(v))
		c.dirty = true
		c.signalFlush()
	}
	c.wmu.Unlock()
}

// badContentLength ends st, whose body disagrees with its
// content-length (RFC 9113 §8.1.1), and fails the handler's Read instead
// of returning a short or long body. Both the DATA and the trailers path
// come here. The reset goes out first, so that the handler, woken by the
// failed read, cannot answer on the stream: closing the body first let
// it write its response between the two (a CI failure of
// TestContentLengthMismatch/trailers_end_short_body). After an early
// answer (END_STREAM sent, the handler did not need the body) the stream
// is half-closed on our side, and the malformed body still ends it with
// PROTOCOL_ERROR rather than a drain that ends in NO_ERROR.
func (c *conn) badContentLength(st *stream) {
	c.wmu.Lock()
	c.streamError(st, http2.ErrCodeProtocol)
	c.wmu.Unlock()
	st.body.closeWithError(errBadContentLength)
	c.resetStream(st.id, http2.ErrCodeProtocol)
}

// resetStream sends RST_STREAM and forgets the stream.
func (c *conn) resetStream(id uint32, code http2.ErrCode) {
	st := c.stream(id)
	if st == nil {
		c.writeRSTID(id, code)
		return
	}
	c.wmu.Lock()
	c.streamError(st, code)
	c.wmu.Unlock()
	st.abort()
	if st.body != nil {
		st.body.closeWithError(errors.New("h2: stream reset"))
	}
	c.mu.Lock()
	st.remoteDone = true
	c.settle(st, settleRemote)
	c.mu.Unlock()
	c.maybeRemove(st)
}

// writeRSTID resets a stream that is not in the table.
func (c *conn) writeRSTID(id uint32, code http2.ErrCode) {
	c.mu.Lock()
	c.remember(id, true, false)
	c.mu.Unlock()
	c.wmu.Lock()
	c.writeRSTStream(id, code)
	c.dirty = true
	c.wmu.Unlock()
}

// streamError resets st for an error in what the client sent (a frame, or
// a body that stalled), unless st is already closed for the client:
// reset by either side, or ended by both. Our END_STREAM alone does not
// close it: after an early answer the stream is half-closed (local) and
// the client's side is open, so every check of what it sends still
// applies and ends the stream with RST_STREAM (RFC 9113 §5.1, §5.4.2) —
// a WINDOW_UPDATE that overflows the window, one of 0, malformed
// trailers, a PRIORITY on itself. writeRST, for the handler's side, does
// nothing once the answer is complete. wmu is held.
func (c *conn) streamError(st *stream, code http2.ErrCode) {
	if st.reset || st.ended && st.settle.Load()&settleRemote != 0 {
		return
	}
	c.queueRST(st, code)
}

// queueRST marks st reset and queues RST_STREAM(code) for the writer.
// wmu is held.
func (c *conn) queueRST(st *stream, code http2.ErrCode) {
	st.reset = true
	st.sentRST.Store(true)
	c.writeRSTStream(st.id, code)
	c.dirty = true
	c.wcond.Broadcast()
}

// writeRST resets st for the handler's side: a reset it asked for, a
// panic, a client that stopped reading. A complete answer is left as it
// is (what remains of the request body drains, see complete). wmu is
// held.
func (c *conn) writeRST(st *stream, code http2.ErrCode) {
	if st.reset || st.ended {
		return
	}
	c.queueRST(st, code)
}

// writeRSTAfterEnd asks a client to stop sending the body of a request
// whose response is complete: RST_STREAM(NO_ERROR) (RFC 9113 §8.1). wmu is
// held.
func (c *conn) writeRSTAfterEnd(st *stream) {
	if st.reset {
		return
	}
	if st.peerRST.Load() {
		// The client reset the stream itself (onRSTStream marks
		// peerRST before it sets reset): no RST_STREAM in answer to
		// one (RFC 9113 §5.4.2). Settled as the frame would have.
		st.reset = true
		c.settle(st, settleLocal|settleRemote)
		return
	}
	st.reset = true
	st.sentRST.Store(true)
	c.settle(st, settleLocal|settleRemote)
	c.writeRSTStream(st.id, http2.ErrCodeNo)
}

// The stream.settle bits: settleLocal, the response's END_STREAM or its
// final RST_STREAM is queued (the handler is done); settleRemote, the
// client's side is done; settleGone, the stream left the table. A stream
// with settleLocal and settleRemote is closed as far as the client may
// know, so c.settled counts it while it is in the table. The bits are set
// under wmu as the frame is queued, hence before it can be written; only
// the reader goroutine compares the count with the limit.
const (
	settleLocal uint32 = 1 << iota
	settleRemote
	settleGone
	settleClosed = settleLocal | settleRemote
)

// settle sets bits on st and counts it in c.settled if that closes it.
// The count goes up before the bits are published, so that a concurrent
// unsettle can make it too low only for a moment, never too high: the
// limit is then lenient by one, never stricter than the client's view.
func (c *conn) settle(st *stream, bits uint32) {
	for {
		old := st.settle.Load()
		nw := old | bits
		if nw == old {
			return
		}
		closes := old&settleGone == 0 && old&settleClosed != settleClosed && nw&settleClosed == settleClosed
		if closes {
			c.settled.Add(1)
		}
		if st.settle.CompareAndSwap(old, nw) {
			return
		}
		if closes {
			c.settled.Add(-1)
		}
	}
}

// unsettle marks st gone from the table (c.mu held) and takes it out of
// c.settled if it was counted there.
func (c *conn) unsettle(st *stream) {
	for {
		old := st.settle.Load()
		if st.settle.CompareAndSwap(old, old|settleGone) {
			if old&settleGone == 0 && old&settleClosed == settleClosed {
				c.settled.Add(-1)
			}
			return
		}
	}
}

// wake makes the reader see the connection's state now: a blocked read
// returns (connReader.wake), a parked connection resumes.
func (c *conn) wake() {
	c.rd.wake()
	c.kick()
}

// maybeRemove drops a stream both sides are done with.
func (c *conn) maybeRemove(st *stream) {
	c.mu.Lock()
	if _, ok := c.streams[st.id]; ok && st.remoteDone && st.handlerDone {
		delete(c.streams, st.id)
		c.unsettle(st)
		c.remember(st.id, st.sentRST.Load(), st.peerRST.Load())
		if c.goingAway && len(c.streams) == 0 {
			// Wake the reader: the connection can close now.
			c.wake()
		}
	}
	c.mu.Unlock()
}

// run calls the handler and completes or resets the stream. It reports
// whether a goroutine still writes the response with rw.
func (c *conn) run(st *stream, rw *responseWriter, req *http.Request, h http.Handler) (async bool) {
	defer func() {
		if e := recover(); e != nil {
			if st.detached.Load() {
				// Whoever was to finish it will find it finished.
				if !st.finished.CompareAndSwap(false, true) {
					async = true
					return
				}
				c.handlersDone.Done()
			}
			code := http2.ErrCodeInternal
			if v := st.resetCode.Load(); v != 0 {
				code = http2.ErrCode(v &^ (1 << 31))
			}
			c.wmu.Lock()
			c.writeRST(st, code)
			c.settle(st, settleLocal|settleRemote) // the handler is done
			c.wmu.Unlock()
			c.signalFlush()
		}
		if !async {
			c.complete(st)
		}
	}()
	h.ServeHTTP(rw, req)
	if st.detached.Load() {
		return true // Finish completes it; rw is no longer ours
	}
	if v := st.resetCode.Load(); v != 0 {
		c.wmu.Lock()
		c.writeRST(st, http2.ErrCode(v&^(1<<31)))
		c.settle(st, settleLocal|settleRemote) // the handler is done
		c.wmu.Unlock()
		c.signalFlush()
		return false
	}
	async = rw.finish()
	return async
}

// detachedHdrs are the response header maps of detached streams, whose
// handlers cannot give them back to the reader as inline ones do
// (conn.spareHdr); open clears one before use.
var detachedHdrs sync.Pool

// detachedReqHdrs are the request header maps of those streams
// (stream.reqHdr); newRequest clears one before use.
var detachedReqHdrs sync.Pool

// testHookComplete, when set by a test, runs as complete begins. Atomic:
// connections a previous test left closing may be completing streams.
var testHookComplete atomic.Pointer[func(*stream)]

// complete is called once the response is fully written or reset.
func (c *conn) complete(st *stream) {
	if hook := testHookComplete.Load(); hook != nil {
		(*hook)(st)
	}
	if st.rw.finished {
		// A detached stream that Finish answered: its caller is done
		// with the request and with w, and the response headers are
		// written; the maps serve next streams.
		if len(st.rw.h) <= 32 {
			detachedHdrs.Put(st.rw.h)
		}
		if st.reqHdr != nil && len(st.reqHdr) <= 32 {
			detachedReqHdrs.Put(st.reqHdr)
		}
	}
	{
		st.abort()
		c.mu.Lock()
		st.handlerDone = true
		remoteDone := st.remoteDone
		c.mu.Unlock()
		if !remoteDone && st.body != nil && !st.peerRST.Load() && c.startDrain(st) {
			// The response is complete while the client is still
			// sending: let it finish, within bounds, dropping what
			// arrives (onData), so it sees a clean end.
		} else if !remoteDone {
			// The handler is done but the client is still sending:
			// tell it to stop (RFC 9113 §8.1) and drop what arrives.
			if st.body != nil {
				st.body.discard()
			}
			c.wmu.Lock()
			c.writeRSTAfterEnd(st)
			c.wmu.Unlock()
			// The reader may be blocked reading: without a flush the
			// client would not learn to stop until something else
			// is written.
			c.signalFlush()
			c.mu.Lock()
			st.remoteDone = true
			c.settle(st, settleRemote)
			c.mu.Unlock()
		} else if st.body != nil {
			st.body.discard()
		}
		c.maybeRemove(st)
	}
}

// startDrain puts a stream whose handler is done into the draining
// state, unless the response did not end cleanly; it reports whether it
// did.
func (c *conn) startDrain(st *stream) bool {
	c.wmu.Lock()
	ok := st.ended && !st.reset && c.werr == nil
	c.wmu.Unlock()
	if !ok {
		return false
	}
	st.body.discard()
	c.mu.Lock()
	if st.remoteDone {
		c.mu.Unlock()
		return true // ended meanwhile; maybeRemove follows
	}
	st.draining, st.drainLeft = true, c.srv.DrainBytes
	c.mu.Unlock()
	time.AfterFunc(c.srv.DrainTimeout, func() { c.endDrain(st) })
	c.signalFlush()
	return true
}

// endDrain resets a stream still draining with NO_ERROR: the client has
// had its chance to finish.
func (c *conn) endDrain(st *stream) {
	c.mu.Lock()
	if !st.draining || st.remoteDone {
		c.mu.Unlock()
		return
	}
	st.draining = false
	c.mu.Unlock()
	c.wmu.Lock()
	c.writeRSTAfterEnd(st)
	c.wmu.Unlock()
	c.signalFlush()
	c.mu.Lock()
	st.remoteDone = true
	c.settle(st, settleRemote)
	c.mu.Unlock()
	c.maybeRemove(st)
}

// flush writes buffered frames (reader goroutine, between batches).
func (c *conn) flush() {
	c.wmu.Lock()
	c.writeNow()
	c.wmu.Unlock()
}

// signalFlush has a goroutine flush soon; concurrent responses coalesce
// into one write. The goroutine lives for one flush, so that a
// connection holds no flusher (and its stack) while it waits. A signal
// that finds one started leaves its frames to it: they were buffered
// before the signal, and the flusher clears the flag before it writes.
func (c *conn) signalFlush() {
	if c.flushing.CompareAndSwap(false, true) {
		go c.flushFn() // a bound method value: no closure per flush
	}
}

func (c *conn) flushSoon() {
	// Let handlers that are about to write run first, so one write
	// carries many responses.
	runtime.Gosched()
	c.flushing.Store(false)
	c.flush()
}

// goAway starts a graceful close: no new streams; the reader closes the
// connection once the open ones are done.
func (c *conn) goAway(code http2.ErrCode) {
	c.mu.Lock()
	if c.goingAway || c.closed {
		c.mu.Unlock()
		return
	}
	c.goingAway = true
	maxID := c.maxID
	idle := len(c.streams) == 0
	c.mu.Unlock()
	c.wmu.Lock()
	c.writeGoAway(maxID, code)
	c.dirty = true
	c.wmu.Unlock()
	c.flush()
	if idle {
		// Wake the reader so it notices.
		c.wake()
	}
}

func (c *conn) goAwayNow(code http2.ErrCode) {
	c.mu.Lock()
	maxID := c.maxID
	c.goingAway = true
	c.mu.Unlock()
	c.wmu.Lock()
	c.writeGoAway(maxID, code)
	c.writeNow()
	c.wmu.Unlock()
}

// lingerClose follows a GOAWAY for a connection error: it half-closes
// the connection and drains what the peer is still sending for a moment,
// so that closing with unread bytes does not reset the connection and
// make the peer lose the GOAWAY before reading it.
func (c *conn) lingerClose() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(time.Second))
	io.CopyN(io.Discard, c.nc, 16<<20)
}

func (c *conn) close() {
	c.flushBackends()
	c.mu.Lock()
	c.closed = true
	streams := make([]*stream, 0, len(c.streams))
	for _, st := range c.streams {
		streams = append(streams, st)
	}
	c.mu.Unlock()
	c.cancel()
	for _, st := range streams {
		st.abort()
		if st.body != nil {
			st.body.closeWithError(errors.New("h2: connection closed"))
		}
	}
	c.wmu.Lock()
	if c.werr == nil {
		c.werr = errors.New("h2: connection closed")
	}
	c.wcond.Broadcast()
	c.wmu.Unlock()
	c.nc.Close()
	c.handlersDone.Wait()
}

// body is a stream's request body: bytes the reader goroutine received,
// bounded by the stream window.
type body struct {
	recvBuf
	st *stream
	// stalled is set when the client sent nothing for WriteStallTimeout
	// while the handler waited.
	stalled bool
}

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	var stall *time.Timer
	for b.emptyLocked() {
		// A client that stops sending must not pin the handler.
		if b.stalled {
			b.mu.Unlock()
			b.st.c.resetStream(b.st.id, http2.ErrCodeCancel)
			b.st.c.noteAbuseAsync(abuseStall)
			return 0, errReadStalled
		}
		if stall == nil {
			stall = time.AfterFunc(b.st.c.srv.WriteStallTimeout, func() {
				b.mu.Lock()
				b.stalled = true
				b.cond.Broadcast()
				b.mu.Unlock()
			})
			defer stall.Stop()
		}
		b.cond.Wait()
	}
	n, credit, err := b.takeLocked(p, min(creditBatch, int64(b.st.c.srv.StreamWindow)/4))
	if n == 0 {
		return 0, err
	}
	// The connection window comes back as soon as bytes are read (in
	// batches of its own); the stream's in batches of creditBatch.
	b.st.c.creditConn(int64(n))
	if credit > 0 {
		b.st.c.creditStream(b.st, credit)
	}
	return n, nil
}

// creditStream returns window to a stream whose body was read.
func (c *conn) creditStream(st *stream, n int64) {
	// Count the window before the client can see it and use it.
	st.recv.Add(n)
	c.wmu.Lock()
	if !st.reset && st.body != nil {
		c.writeWindowUpdate(st.id, uint32(n))
		c.dirty = true
	}
	c.wmu.Unlock()
	c.signalFlush()
}

func (b *body) Close() error {
	b.discard()
	return nil
}

// discard drops buffered and future data, returning its window.
func (b *body) discard() {
	n, wasClosed, _ := b.drop()
	if wasClosed {
		return
	}
	if n > 0 {
		b.st.c.creditConn(n)
	}
}

// responseWriter writes a stream's response.
type responseWriter struct {
	st          *stream
	h           http.Header
	status      int
	wroteHeader bool
	sentHeader  bool
	head        bool
	inline      bool
	// slotted: some of the response's headers are in the connection's
	// slots (slots.go); kept: in slots of its own, since Detach.
	slotted bool
	kept    *respSlots
	pending []byte
	pbox    *[]byte // the pool's box of pending's buffer
	// finished: Finish was called (a detached stream), so w is no
	// longer its caller's (complete pools the header map).
	finished bool
}

// maxPending is how much body is held back so that a small response goes
// out as HEADERS + one DATA frame with END_STREAM.
const maxPending = 16 << 10

func (w *responseWriter) Header() http.Header { return w.h }

func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader || code < 200 {
		return
	}
	w.wroteHeader = true
	w.status = code
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.head {
		return len(p), nil
	}
	if !w.sentHeader && (w.inline || len(w.pending)+len(p) <= maxPending) {
		if w.pending == nil {
			w.pbox = getBuf()
			w.pending = (*w.pbox)[:0]
		}
		w.pending = append(w.pending, p...)
		return len(p), nil
	}
	c := w.st.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := w.sendHeaderLocked(false); err != nil {
		return 0, err
	}
	if len(w.pending) > 0 {
		if err := w.writeDataLocked(w.pending, false); err != nil {
			return 0, err
		}
		w.dropPending()
	}
	if err := w.writeDataLocked(p, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush sends what is buffered now.
func (w *responseWriter) Flush() {
	if w.inline {
		return // written when the handler returns; the reader must not block
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	c := w.st.c
	c.wmu.Lock()
	if w.sendHeaderLocked(false) == nil && len(w.pending) > 0 {
		w.writeDataLocked(w.pending, false)
		w.dropPending()
	}
	c.wmu.Unlock()
	c.signalFlush()
}

// finish ends the response after the handler returned. It reports true
// when a goroutine writes the rest (and calls complete).
func (w *responseWriter) finish() bool {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.st.c.wmu.Lock()
	return w.finishLocked()
}

// finishLocked is finish with wmu held; it unlocks it.
func (w *responseWriter) finishLocked() bool {
	c := w.st.c
	if !w.sentHeader && !w.head && !w.hasSlot(SlotContentLength) {
		if _, ok := w.h["Content-Length"]; !ok {
			if !SetContentLength(w, int64(len(w.pending))) {
				w.h["Content-Length"] = []string{strconv.Itoa(len(w.pending))}
			}
		}
	}
	if w.inline && len(w.pending) > 0 && !w.fitsLocked(len(w.pending)) {
		// Not enough flow-control window to write it all now: do not
		// block the reader; write the rest from a goroutine.
		w.sendHeaderLocked(false)
		c.wmu.Unlock()
		c.handlersDone.Add(1)
		go func() {
			defer c.handlersDone.Done()
			w.inline = false
			c.wmu.Lock()
			w.writeDataLocked(w.pending, true)
			c.wmu.Unlock()
			w.dropPending()
			c.signalFlush()
			c.complete(w.st)
		}()
		return true
	}
	if !w.sentHeader && len(w.pending) == 0 {
		w.sendHeaderLocked(true)
	} else {
		w.sendHeaderLocked(false)
		w.writeDataLocked(w.pending, true)
	}
	c.wmu.Unlock()
	if w.pending != nil {
		w.dropPending()
	}
	if !w.inline {
		c.signalFlush()
	}
	return false
}

// date is the Date header's value. A handler that runs inline answers
// within the batch of frames its request came in, on the reader
// goroutine: its Date is the time that batch was read, with no clock
// read of its own. Any other (a worker, a detached stream's Finish on a
// Client's reader) reads the clock.
func (w *responseWriter) date() string {
	if w.inline && !w.st.detached.Load() {
		return w.st.c.srv.httpDateAt(time.Unix(0, w.st.arrived))
	}
	return w.st.c.srv.httpDate()
}

func (w *responseWriter) fitsLocked(n int) bool {
	c := w.st.c
	return int64(n) <= c.sendWindow && int64(n) <= w.st.sendWindow
}

var (
	errStreamClosed     = errors.New("h2: stream closed")
	errStalled          = errors.New("h2: client stopped reading (no flow-control window)")
	errReadStalled      = errors.New("h2: client stopped sending the request body")
	errBadContentLength = errors.New("h2: request body length does not match its content-length")
)

// sendHeaderLocked writes HEADERS once (wmu held).
func (w *responseWriter) sendHeaderLocked(endStream bool) error {
	c, st := w.st.c, w.st
	if c.werr != nil {
		return c.werr
	}
	if st.reset {
		return errStreamClosed
	}
	if w.sentHeader {
		return nil
	}
	w.sentHeader = true
	hb := c.hblock[:0]
	if !c.tableSized {
		hb = append(hb, 0x20) // dynamic table size update: 0
		c.tableSized = true
	}
	hb = appendStatus(hb, w.status)
	hasDate := false
	hasCT := false
	var mapped uint8 // the slots whose names the map has
	if c.names == nil {
		c.names = fieldNames{}
	}
	for k, vv := range w.h {
		fn := c.names.responseName(k)
		if fn.skip {
			continue
		}
		hasDate = hasDate || fn.date
		hasCT = hasCT || fn.ctype
		mapped |= fn.slotBit
		hb = fn.appendValues(hb, vv)
	}
	if sl := w.slotsOf(); sl != nil {
		var ct bool
		hb, ct = appendSlots(sl, hb, mapped)
		hasCT = hasCT || ct
	}
	if !hasCT && len(w.pending) > 0 && !w.head {
		hb = appendField(hb, "content-type", http.DetectContentType(w.pending))
	}
	if !hasDate {
		hb = append(hb, fnDate.prefix...)
		hb = appendString(hb, w.date())
	}
	c.hblock = hb
	if endStream {
		st.ended = true
		c.settle(st, settleLocal)
	}
	block := hb
	first := true
	for len(block) > 0 || first {
		n := min(len(block), c.frameSize())
		frag := block[:n]
		block = block[n:]
		var err error
		if first {
			err = c.writeHeaders(st.id, endStream, len(block) == 0, frag)
			first = false
		} else {
			err = c.writeContinuation(st.id, len(block) == 0, frag)
		}
		if err != nil {
			return err
		}
	}
	c.ab.useful.Add(1)
	return nil
}

// writeDataLocked writes p as DATA frames within the flow-control windows,
// waiting (and releasing wmu) for WINDOW_UPDATEs.
func (w *responseWriter) writeDataLocked(p []byte, endStream bool) error {
	c, st := w.st.c, w.st
	var stall *time.Timer
	for {
		if c.werr != nil {
			return c.werr
		}
		if st.reset || st.ended {
			return errStreamClosed
		}
		if len(p) == 0 {
			if endStream {
				st.ended = true
				c.settle(st, settleLocal)
				c.dirty = true
				return c.writeData(st.id, true, nil)
			}
			return nil
		}
		avail := min(c.sendWindow, st.sendWindow)
		if avail <= 0 {
			// Out of window: send what is buffered so the client can
			// consume it and grant more, then wait for WINDOW_UPDATE —
			// but not forever: a client that stops reading must not
			// pin the handler.
			if c.writeNow(); c.werr != nil {
				return c.werr
			}
			if st.stalled {
				c.writeRST(st, http2.ErrCodeCancel)
				st.abort()
				c.noteAbuseAsyncLocked(abuseStall)
				return errStalled
			}
			if stall == nil {
				stall = time.AfterFunc(c.srv.WriteStallTimeout, func() {
					c.wmu.Lock()
					st.stalled = true
					c.wcond.Broadcast()
					c.wmu.Unlock()
				})
				defer stall.Stop()
			}
			c.wcond.Wait()
			continue
		}
		n := int(min(avail, int64(len(p)), int64(c.frameSize())))
		end := endStream && n == len(p)
		if err := c.writeData(st.id, end, p[:n]); err != nil {
			return err
		}
		c.ab.useful.Add(1)
		c.sendWindow -= int64(n)
		st.sendWindow -= int64(n)
		p = p[n:]
		if end {
			st.ended = true
			c.settle(st, settleLocal)
			return nil
		}
	}
}

// frameSize is the largest frame payload written (wmu held): what the
// peer accepts, at most maxWriteFrame. SETTINGS validation keeps peerFrame
// in range; the floor makes a zero impossible to loop on regardless.
func (c *conn) frameSize() int {
	return min(max(c.peerFrame, minFrameSize), maxWriteFrame)
}

// statusDigits is every status code from 100 to 599, three digits each:
// statusText slices it, so the :status field costs no allocation and no
// table built at start.
const statusDigits = "" +
	"100101102103104105106107108109110111112113114115116117118119120121122123124125126127128129130131" +
	"132133134135136137138139140141142143144145146147148149150151152153154155156157158159160161162163" +
	"164165166167168169170171172173174175176177178179180181182183184185186187188189190191192193194195" +
	"196197198199200201202203204205206207208209210211212213214215216217218219220221222223224225226227" +
	"228229230231232233234235236237238239240241242243244245246247248249250251252253254255256257258259" +
	"260261262263264265266267268269270271272273274275276277278279280281282283284285286287288289290291" +
	"292293294295296297298299300301302303304305306307308309310311312313314315316317318319320321322323" +
	"324325326327328329330331332333334335336337338339340341342343344345346347348349350351352353354355" +
	"356357358359360361362363364365366367368369370371372373374375376377378379380381382383384385386387" +
	"388389390391392393394395396397398399400401402403404405406407408409410411412413414415416417418419" +
	"420421422423424425426427428429430431432433434435436437438439440441442443444445446447448449450451" +
	"452453454455456457458459460461462463464465466467468469470471472473474475476477478479480481482483" +
	"484485486487488489490491492493494495496497498499500501502503504505506507508509510511512513514515" +
	"516517518519520521522523524525526527528529530531532533534535536537538539540541542543544545546547" +
	"548549550551552553554555556557558559560561562563564565566567568569570571572573574575576577578579" +
	"580581582583584585586587588589590591592593594595596597598599"

// statusLines are http.Response.Status for 100-599, built on the first
// response the client reads (not in the package's init: every cfnrun
// command links this package).
var statusLines = lazy.Value[*[600]string]{New: func() *[600]string {
	var t [600]string
	for i := 100; i < 600; i++ {
		t[i] = statusText(i) + " " + http.StatusText(i)
	}
	return &t
}}

// statusLine is http.Response.Status for code ("200 OK").
func statusLine(code int) string {
	if code >= 100 && code < 600 {
		return statusLines.Get()[code]
	}
	return statusText(code) + " " + http.StatusText(code)
}

func statusText(code int) string {
	if code >= 100 && code < 600 {
		i := (code - 100) * 3
		return statusDigits[i : i+3]
	}
	return strconv.Itoa(code)
}

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// getBuf and putBuf pass the pool's own *[]byte around: a slice put
// back through a new pointer would cost an allocation each time.
func getBuf() *[]byte { return bufs.Get().(*[]byte) }

// putBuf returns p to the pool holding b, which grew from *p.
func putBuf(p *[]byte, b []byte) {
	if p == nil || cap(b) > 64<<10 {
		return
	}
	*p = b[:0]
	bufs.Put(p)
}

// dropPending returns the pending body's buffer to the pool.
func (w *responseWriter) dropPending() {
	putBuf(w.pbox, w.pending)
	w.pbox, w.pending = nil, nil
}
