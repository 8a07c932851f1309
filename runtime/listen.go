//lint:file-ignore SA1019 the stock engine (Config.StockHTTP2) is golang.org/x/net/http2's server by design, kept for comparison and as a fallback

package runtime

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/internal/gcfloor"
	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// heapFloor is how far the heap grows past the live heap before a
// collection, at least, while the gateway serves. With GOGC=100 and 2-8
// MiB live, MOCK requests at 40k/s set off ~18 collections a second
// (docs/performance.md, "The request path, second pass"). The floor
// trades collections for peak RSS (h2load -c 16 -m 10, fresh process):
// with 10 MiB, MOCK runs 9.7-10 collections per 100k requests at a peak
// of 30-31 MB, HTTP_PROXY ~13-18 at 34 MB; 14 MiB took MOCK to 7.0 and
// 34-35 MB but HTTP_PROXY to 36-39 MB. (Before gcfloor counted the
// runtime's heap minimum, an 8 MiB floor gave MOCK goals of 21-23 MiB:
// 6.0-6.7 collections, 46-51 MB, for no CPU per request measurably
// less than now.)
const heapFloor = 10 << 20

// Listeners are a gateway's listen sockets, bound ahead of Serve by
// Listen: a client that connects while the template still resolves waits
// in the kernel's accept queue for the first answer instead of being
// refused, and its request is read as soon as the gateway serves.
type Listeners struct {
	addr, tlsAddr string
	raws          []net.Listener // the cleartext one first
	names         []string       // "http", "https"
}

// Listen binds addr (cleartext) and tlsAddr (TLS), those not empty, as
// Serve does with Config.Addr and Config.TLSAddr, and with the errors
// Serve returns. Give the result to Config.Listeners; Serve closes them
// when it ends, and a caller that does not serve closes them with Close.
func Listen(addr, tlsAddr string) (*Listeners, error) {
	ls := &Listeners{addr: addr, tlsAddr: tlsAddr}
	for _, l := range []struct {
		name, addr string
		tls        bool
	}{{"http", addr, false}, {"https", tlsAddr, true}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			ls.Close()
			return nil, fmt.Errorf("listen on %s: %w (use --%s to pick another address)", l.addr, err, map[bool]string{false: "addr", true: "tls-addr"}[l.tls])
		}
		ls.raws = append(ls.raws, ln)
		ls.names = append(ls.names, l.name)
	}
	if len(ls.raws) == 0 {
		return nil, errors.New("no listen address configured")
	}
	return ls, nil
}

// Close closes the listeners (again: closing twice is harmless).
func (ls *Listeners) Close() {
	for _, l := range ls.raws {
		l.Close()
	}
}

// serve runs the listeners until ctx is done, then drains.
func (g *Gateway) serve(ctx context.Context, ready func(map[string]string)) error {
	// While serving, collections come heapFloor apart at least: the
	// live heap is a few MiB and requests allocate fast (gcfloor).
	defer gcfloor.Start(heapFloor)()
	cfg := g.cfg
	h1 := &http.Server{
		Handler:           g.handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(g.log.Handler(), slog.LevelDebug),
	}
	h2s := &http2.Server{
		MaxConcurrentStreams:         cfg.MaxConcurrentStreams,
		IdleTimeout:                  cfg.IdleTimeout,
		MaxReadFrameSize:             1 << 20,
		MaxUploadBufferPerConnection: 8 << 20,
		MaxUploadBufferPerStream:     1 << 20,
		ReadIdleTimeout:              cfg.IdleTimeout,
		PingTimeout:                  15 * time.Second,
		MaxDecoderHeaderTableSize:    4096,
	}
	if err := http2.ConfigureServer(h1, h2s); err != nil {
		return err
	}
	nofile := raiseNofile()
	maxConns := cfg.MaxConns
	if maxConns == 0 {
		maxConns = DefaultMaxConns(nofile)
	}
	s := &servers{g: g, h1: h1, h2: h2s, conns: map[net.Conn]struct{}{}, track: newConnTracker(maxConns, g.log)}
	h1.ConnState = s.track.setState
	// h1n serves the HTTP/1.1 connections that keep their requests'
	// header names (h1names.go): those of a gateway running functions.
	h1n := &http.Server{
		Handler:           namesHandler{g.handler},
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          h1.ErrorLog,
		ConnContext:       nameConnContext,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateIdle {
				if nc, ok := c.(*nameConn); ok {
					nc.done()
				}
			}
			s.track.setState(c, st)
		},
	}
	s.h1n = h1n
	if !cfg.StockHTTP2 {
		s.eng = &h2.Server{
			Handler:              g.handler,
			Inline:               g.inlineOK,
			MaxConcurrentStreams: cfg.MaxConcurrentStreams,
			MaxHeaderBytes:       uint32(cfg.MaxHeaderBytes),
			IdleTimeout:          cfg.IdleTimeout,
			PrefaceTimeout:       cfg.ReadHeaderTimeout,
			WriteStallTimeout:    cfg.StallTimeout,
			Logger:               g.log,
			ConnState:            s.track.setState,
			ParkBusyAbove:        cfg.ParkBusyAbove,
		}
	}
	g.log.Debug("connection limits", slog.Uint64("descriptors", nofile), slog.Int("maxConns", maxConns))
	ls := cfg.Listeners
	if ls == nil || ls.addr != cfg.Addr || ls.tlsAddr != cfg.TLSAddr {
		var err error
		if ls, err = Listen(cfg.Addr, cfg.TLSAddr); err != nil {
			return err
		}
	}
	raws := ls.raws
	closeAll := ls.Close
	bound := map[string]string{}
	for i, ln := range raws {
		bound[ls.names[i]] = ln.Addr().String()
	}
	s.h1ln = &chanListener{addr: raws[0].Addr(), ch: make(chan net.Conn), done: make(chan struct{})}
	s.h1nln = &chanListener{addr: raws[0].Addr(), ch: make(chan net.Conn), done: make(chan struct{})}
	h1done, h1ndone := make(chan struct{}), make(chan struct{})
	go func() { h1.Serve(s.h1ln); close(h1done) }()
	go func() { h1n.Serve(s.h1nln); close(h1ndone) }()
	var acceptWG sync.WaitGroup
	for i, ln := range raws {
		isTLS := cfg.Addr == "" || i == 1
		acceptWG.Add(1)
		go func() { defer acceptWG.Done(); s.accept(ctx, ln, isTLS) }()
	}
	ports := map[int]string{}
	for _, ln := range raws {
		if a, ok := ln.Addr().(*net.TCPAddr); ok {
			ports[a.Port] = strconv.Itoa(a.Port)
		}
	}
	g.ports.Store(&ports)
	g.mu.Lock()
	g.addrs = bound
	g.listeners = raws
	g.mu.Unlock()
	if ready != nil {
		ready(bound)
	}

	<-ctx.Done()
	closeAll()
	acceptWG.Wait()
	g.ws.closeAll(websocket.StatusGoingAway, "Going away")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if s.eng != nil {
		s.eng.Shutdown()
	}
	var nerr error
	nwait := make(chan struct{})
	go func() { nerr = h1n.Shutdown(sctx); close(nwait) }()
	err := h1.Shutdown(sctx) // also sends GOAWAY on every HTTP/2 connection of the stock server
	if err := s.waitH2(sctx); err != nil {
		s.closeH2()
	}
	<-nwait
	if err == nil {
		err = nerr
	}
	<-h1done
	<-h1ndone
	g.backends.closeIdle()
	if errors.Is(err, context.DeadlineExceeded) {
		g.log.Warn("shutdown deadline passed; remaining connections were closed", slog.Duration("after", cfg.ShutdownTimeout))
		h1.Close()
		h1n.Close()
		return nil
	}
	return err
}

// portString formats a local port number, without allocating for the
// listeners' own.
func (g *Gateway) portString(port int) string {
	if m := g.ports.Load(); m != nil {
		if s, ok := (*m)[port]; ok {
			return s
		}
	}
	return strconv.Itoa(port)
}

// Addrs returns the bound addresses ("http", "https") once serving.
func (g *Gateway) Addrs() map[string]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]string, len(g.addrs))
	for k, v := range g.addrs {
		out[k] = v
	}
	return out
}

type servers struct {
	g    *Gateway
	h1   *http.Server
	h2   *http2.Server
	eng  *h2.Server // nil with Config.StockHTTP2
	h1ln *chanListener
	// h1n and h1nln: the HTTP/1.1 server of connections that keep
	// header names (nameConn).
	h1n   *http.Server
	h1nln *chanListener

	h2wg  sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	track *connTracker
}

// accept admits connections from ln until it is closed. Errors other than
// the listener's closing (EMFILE, ENFILE, ECONNABORTED...) are retried
// with a backoff, as net/http does, and logged (see conns.go): a port
// must not stop accepting because descriptors ran out for a moment.
func (s *servers) accept(ctx context.Context, ln net.Listener, isTLS bool) {
	var delay time.Duration
	for {
		if !s.track.admit(ctx) {
			return
		}
		c, err := ln.Accept()
		if err != nil {
			s.track.giveBack()
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.track.noteAcceptError(ln.Addr().String(), err, delay)
			if outOfDescriptors(err) {
				s.track.closeIdle()
			}
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return
			}
			continue
		}
		delay = 0
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		// Reads and writes without the scheduler's system-call
		// bookkeeping (see package rawconn).
		c = rawconn.Wrap(c)
		go s.handle(ctx, c, isTLS)
	}
}

// handle decides each connection's protocol: TLS by ALPN, cleartext by
// looking for the HTTP/2 client preface (h2c with prior knowledge).
func (s *servers) handle(ctx context.Context, c net.Conn, isTLS bool) {
	tr := s.track.add(c)
	// h1: the slot is released by whoever took the connection, the
	// HTTP/1.1 server (ConnState) or the HTTP/2 engine (Serve's done).
	h1 := false
	defer func() {
		if !h1 {
			s.track.release(tr)
		}
	}()
	deadline := time.Now().Add(s.g.cfg.ReadHeaderTimeout)
	c.SetDeadline(deadline)
	if isTLS {
		h1 = s.serveTLS(ctx, c, c, tr, deadline)
		return
	}
	bc := newBufConn(c)
	isH2, err := bc.sniffPreface()
	if err != nil {
		c.Close()
		return
	}
	if !isH2 && bc.pn > 0 && bc.pre[0] == tlsHandshakeRecord {
		// TLS on the cleartext port: https://127.0.0.1:8080 works too (a
		// WebSocket handler's https://{domainName}/{stage} endpoint for
		// @connections names the port the client connected to).
		h1 = s.serveTLS(ctx, bc, c, tr, deadline)
		return
	}
	if isH2 {
		c.SetDeadline(time.Time{})
		if s.eng != nil {
			s.track.alias(tr, bc)
			// The engine may serve on after this goroutine returns
			// (a parked connection, h2/park.go): it frees the slot.
			h1 = true
			s.serveEngine(bc, nil, func() { s.track.release(tr) })
			return
		}
		hc := &h2Conn{Conn: bc}
		s.track.alias(tr, hc)
		s.serveH2(ctx, hc)
		return
	}
	sc := &stallConn{Conn: bc, d: s.g.cfg.StallTimeout}
	if s.g.keepsNames() {
		nc := newNameConn(sc)
		s.track.alias(tr, nc)
		h1 = s.h1nln.push(nc)
		return
	}
	s.track.alias(tr, sc)
	h1 = s.h1ln.push(sc)
}

// tlsHandshakeRecord is the first byte of a TLS connection (a handshake
// record: the ClientHello), which no HTTP/1.1 request line or HTTP/2
// preface starts with.
const tlsHandshakeRecord = 0x16

// serveTLS runs the TLS handshake on c (raw is the accepted connection,
// for deadlines and closing) and serves what ALPN chose: HTTP/2, or
// HTTP/1.1. It reports whether the HTTP/1.1 server or the HTTP/2 engine
// took the connection (and with it the tracker's slot).
func (s *servers) serveTLS(ctx context.Context, c, raw net.Conn, tr *trackedConn, deadline time.Time) bool {
	// Every write has a deadline, whatever the protocol inside.
	tc := tls.Server(&stallConn{Conn: c, d: s.g.cfg.StallTimeout}, s.g.tlsCfg)
	hctx, cancel := context.WithDeadline(ctx, deadline)
	err := tc.HandshakeContext(hctx)
	cancel()
	if err != nil {
		raw.Close()
		return false
	}
	if cs := tc.ConnectionState(); cs.NegotiatedProtocol == "h2" {
		raw.SetDeadline(time.Time{})
		if s.eng != nil {
			s.track.alias(tr, tc)
			s.serveEngine(tc, &cs, func() { s.track.release(tr) })
			return true
		}
		hc := &h2TLSConn{h2Conn: h2Conn{Conn: tc}, tc: tc}
		s.track.alias(tr, hc)
		s.serveH2(ctx, hc)
		return false
	}
	if s.g.keepsNames() {
		nc := newNameConn(tc)
		st := tc.ConnectionState()
		nc.tls = &st
		s.track.alias(tr, nc)
		return s.h1nln.push(nc)
	}
	s.track.alias(tr, tc)
	return s.h1ln.push(tc)
}

// stallConn gives every write a deadline of d from its start: a client
// that stops reading its socket (an HTTP/1.1 response the handler is
// streaming, with no flow control but TCP's) makes the write fail after
// d, which ends the handler and cancels its backend request. net/http
// sets no write deadline of its own without a WriteTimeout, which would
// cut long downloads; the HTTP/2 engine sets the same deadline itself.
type stallConn struct {
	net.Conn
	d time.Duration
}

// SendRoom is the wrapped connection's (rawconn.Conn.SendRoom), or false.
func (c *stallConn) SendRoom(n int) bool {
	if sr, ok := c.Conn.(interface{ SendRoom(int) bool }); ok {
		return sr.SendRoom(n)
	}
	return false
}

func (c *stallConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.d))
	return c.Conn.Write(p)
}

func (s *servers) serveH2(ctx context.Context, c h2ConnIface) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.h2wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.h2wg.Done()
	}()
	base := context.WithValue(context.Background(), h2ConnKey{}, c.rewriter())
	s.h2.ServeConn(c, &http2.ServeConnOpts{Context: base, BaseConfig: s.h1, Handler: s.g.handler})
}

// serveEngine serves an HTTP/2 connection with runtime/internal/h2, and
// calls done when it ends (perhaps on another goroutine, after this one
// returned: h2.Server.Serve).
func (s *servers) serveEngine(c net.Conn, cs *tls.ConnectionState, done func()) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.h2wg.Add(1)
	s.mu.Unlock()
	s.eng.Serve(c, cs, func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.h2wg.Done()
		done()
	})
}

func (s *servers) waitH2(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.h2wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *servers) closeH2() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

const clientPreface = http2.ClientPreface

// bufConn is a net.Conn whose first bytes, read to tell the protocol
// (sniffPreface), are read again from pre. They are at most the HTTP/2
// preface's 24: a bufio.Reader of 4 KiB for each, until its bytes were
// read, was the largest part of the heap with 10,000 connections opened
// at once.
type bufConn struct {
	net.Conn
	pre    [len(clientPreface)]byte
	pn, po int // pre[po:pn] are unread
	lazy   interface {
		ReadLazy(rawconn.LazyBuffer) (int, error)
	} // Conn's ReadLazy, or nil
	raw *rawconn.Conn // Conn, when it is one
}

func newBufConn(c net.Conn) *bufConn {
	bc := &bufConn{Conn: c}
	bc.raw, _ = c.(*rawconn.Conn)
	bc.lazy, _ = c.(interface {
		ReadLazy(rawconn.LazyBuffer) (int, error)
	})
	return bc
}

// sniffPreface reads just enough to tell the HTTP/2 client preface from an
// HTTP/1.1 request line: up to the first byte that differs, or the whole
// preface. What it read is read again.
func (c *bufConn) sniffPreface() (bool, error) {
	for c.pn < len(c.pre) {
		n, err := c.Conn.Read(c.pre[c.pn:])
		for i := c.pn; i < c.pn+n; i++ {
			if c.pre[i] != clientPreface[i] {
				c.pn += n
				return false, nil
			}
		}
		c.pn += n
		if err != nil && c.pn < len(c.pre) {
			return false, err
		}
	}
	return true, nil
}

// unread copies the sniffed bytes not yet read into p.
func (c *bufConn) unread(p []byte) int {
	n := copy(p, c.pre[c.po:c.pn])
	c.po += n
	return n
}

func (c *bufConn) Read(p []byte) (int, error) {
	if c.po < c.pn && len(p) > 0 {
		return c.unread(p), nil
	}
	return c.Conn.Read(p)
}

// ReadLazy is the wrapped connection's (rawconn.Conn.ReadLazy: the HTTP/2
// engine's reader takes a buffer only when there are bytes), after the
// sniffed bytes; a connection without it reads into b.Buf() as Read.
func (c *bufConn) ReadLazy(b rawconn.LazyBuffer) (int, error) {
	if c.po < c.pn {
		return c.unread(b.Buf()), nil
	}
	if c.lazy != nil {
		return c.lazy.ReadLazy(b)
	}
	return c.Conn.Read(b.Buf())
}

// The wrapped connection's parking (h2/park.go), for the HTTP/2 engine:
// a cleartext connection waiting for its client holds no goroutine.

// CanPark reports whether the connection can park: the wrapped one is a
// rawconn.Conn that can.
func (c *bufConn) CanPark() bool { return c.raw != nil && c.raw.CanPark() }

// TryReadLazy is ReadLazy without the wait (rawconn.Conn.TryReadLazy).
func (c *bufConn) TryReadLazy(b rawconn.LazyBuffer) (int, bool, error) {
	if c.po < c.pn {
		return c.unread(b.Buf()), false, nil
	}
	if c.raw == nil {
		return 0, false, nil
	}
	return c.raw.TryReadLazy(b)
}

// ArmRead is rawconn.Conn.ArmRead.
func (c *bufConn) ArmRead(p *rawconn.Poller, id uint64) error {
	if c.raw == nil {
		return net.ErrClosed
	}
	return c.raw.ArmRead(p, id)
}

// OnClose is rawconn.Conn.OnClose (Close reaches it through the embedded
// connection).
func (c *bufConn) OnClose(f func()) {
	if c.raw != nil {
		c.raw.OnClose(f)
	}
}

// TryWrite is the wrapped connection's, when it has one
// (rawconn.Conn.TryWrite: the HTTP/2 engine flushes with it from other
// goroutines); otherwise it writes nothing, and the caller waits as usual.
func (c *bufConn) TryWrite(p []byte) (int, error) {
	if tw, ok := c.Conn.(interface{ TryWrite([]byte) (int, error) }); ok {
		return tw.TryWrite(p)
	}
	return 0, nil
}

// chanListener hands connections whose protocol was decided to be
// HTTP/1.1 to the http.Server.
type chanListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

// push hands c to the HTTP/1.1 server; false means the listener was
// closed and so was c.
func (l *chanListener) push(c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		c.Close()
		return false
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *chanListener) Addr() net.Addr { return l.addr }

// HTTP_1_1_REQUIRED support with the stock server (Config.StockHTTP2; the
// default engine, runtime/internal/h2, has h2.Reset). Go's HTTP/2 server resets the stream of a
// handler that panics with http.ErrAbortHandler with INTERNAL_ERROR and
// has no API for another code. h2Conn sits under the server, follows the
// frames it writes, and turns the next such reset into HTTP_1_1_REQUIRED
// (RFC 9113 §8.1.1) once a handler has asked for it — which tells clients
// such as curl to retry the request over HTTP/1.1.
type h2Conn struct {
	net.Conn
	need11 atomic.Int32

	// Frame tracking state; the server never writes concurrently.
	hdr  [9]byte
	hn   int
	left int
	typ  byte
}

type h2ConnKey struct{}

type h2ConnIface interface {
	net.Conn
	rewriter() *h2Conn
}

func (c *h2Conn) rewriter() *h2Conn { return c }

const (
	frameRSTStream        = 0x3
	errCodeInternal       = 0x2
	errCodeHTTP11Required = 0xd
)

func (c *h2Conn) Write(p []byte) (int, error) {
	for i := 0; i < len(p); {
		if c.left == 0 {
			n := copy(c.hdr[c.hn:], p[i:])
			c.hn += n
			i += n
			if c.hn == 9 {
				c.hn = 0
				c.left = int(c.hdr[0])<<16 | int(c.hdr[1])<<8 | int(c.hdr[2])
				c.typ = c.hdr[3]
			}
			continue
		}
		if c.typ == frameRSTStream && c.left == 4 && len(p)-i >= 4 &&
			binary.BigEndian.Uint32(p[i:]) == errCodeInternal && c.need11.Load() > 0 {
			c.need11.Add(-1)
			binary.BigEndian.PutUint32(p[i:], errCodeHTTP11Required)
		}
		skip := min(c.left, len(p)-i)
		i += skip
		c.left -= skip
	}
	return c.Conn.Write(p)
}

// h2TLSConn exposes the TLS state to the HTTP/2 server (r.TLS).
type h2TLSConn struct {
	h2Conn
	tc *tls.Conn
}

func (c *h2TLSConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }
func (c *h2TLSConn) rewriter() *h2Conn                    { return &c.h2Conn }

// refuseHTTP2 answers an HTTP/2 request to a stage with Http2Enabled:
// false by resetting the stream with HTTP_1_1_REQUIRED.
func refuseHTTP2(r *http.Request, rs *reqState) error {
	if !h2.Reset(r, http2.ErrCodeHTTP11Required) {
		if c, ok := r.Context().Value(h2ConnKey{}).(*h2Conn); ok {
			c.need11.Add(1)
		}
	}
	return rs.abort("HTTP/2 refused with HTTP_1_1_REQUIRED: the stage has Http2Enabled: false")
}
