package h2

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Client speaks HTTP/2 with prior knowledge (h2c) to one backend address.
// It keeps few connections (Spread, and more only when those are at the
// server's stream limit), writes a request's HEADERS from the calling
// goroutine, and coalesces flushes of concurrent requests — the gateway's
// backend leg. Request headers whose values are unique per request
// (X-Amzn-Trace-Id) are never indexed, so they do not churn the HPACK
// table.
type Client struct {
	// Dial opens a connection to the backend.
	Dial func(ctx context.Context) (net.Conn, error)

	// Spread is how many connections requests are spread over (0 or
	// 1: one; more are dialed only at a connection's stream limit). A
	// request from this package's Server keeps to the connection its
	// server connection's number picks (spreadSlot), so that one client
	// connection's batch goes out, and comes back, on one backend
	// connection; the others take the first that has room. The first
	// connection is dialed by the first request, the next ones in the
	// background when a request's slot has none yet while the first
	// has a request in flight.
	Spread int

	mu     sync.Mutex
	conns  []*cconn
	dialMu sync.Mutex
	// dialing: a background dial for Spread runs; dialAfter (Unix
	// nanoseconds) holds the next one back after a failed dial.
	dialing   atomic.Bool
	dialAfter atomic.Int64
}

// ErrConnClosed is returned for requests on a connection that died before
// they were answered.
var ErrConnClosed = errors.New("h2: backend connection closed")

const (
	// creditBatch is how much body is read before its window is given
	// back: small enough never to stall a sender, large enough to keep
	// WINDOW_UPDATE frames rare.
	creditBatch = 64 << 10
	// clientStreamWindow bounds what one backend response can have
	// buffered in the gateway while its client does not read: a stream
	// is the unit of memory, and 250 stalled streams of one client
	// connection hold at most 16 MiB here. It is HTTP/2's default
	// window; given back in quarters, it keeps a loopback backend
	// streaming at hundreds of MB/s. The connection window is given back
	// as soon as data arrives, so streams whose readers stall (a slow
	// client) cannot starve the others sharing the backend connection.
	clientStreamWindow = 64 << 10
	clientConnWindow   = 32 << 20
)

// errUnprocessed marks a request the backend never processed: the
// connection was already closing, or its GOAWAY excluded the stream. Such
// a request is retried once on a fresh connection when it has no body.
var errUnprocessed = errors.New("h2: request not processed by the backend (connection closing)")

// errFull is roundTrip's error, before it sent anything, when the
// connection has as many streams open as the backend allows: requests
// that picked it at once found room, but only some of them fit (a stream
// past the backend's SETTINGS_MAX_CONCURRENT_STREAMS is an error there:
// Go's server resets it with PROTOCOL_ERROR). Do picks again.
var errFull = errors.New("h2: backend connection at its stream limit")

// ErrTimeout is Do's error when the response headers did not arrive
// within its timeout.
var ErrTimeout = errors.New("h2: no response headers within the timeout")

// RoundTrip sends req and returns the response once its headers arrive.
func (cl *Client) RoundTrip(req *http.Request) (*http.Response, error) {
	return cl.Do(req.Context(), req, 0)
}

// Do is RoundTrip governed by ctx instead of req's context: ctx's end
// resets the stream at any time, also while the body is read, and a
// timeout > 0 bounds the wait for the response headers (ErrTimeout). It
// spares the caller a context and a timer of its own per request, and
// when ctx is the request context this package's Server gave a handler,
// the stream is canceled with the handler's without a context watcher.
func (cl *Client) Do(ctx context.Context, req *http.Request, timeout time.Duration) (*http.Response, error) {
	for attempt := 0; ; {
		cc, err := cl.conn(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := cc.roundTrip(ctx, req, timeout)
		if err == errFull {
			continue // nothing sent: another connection, or a new one
		}
		attempt++
		noBody := req.Body == nil || req.Body == http.NoBody || req.ContentLength == 0
		if err != nil && errors.Is(err, errUnprocessed) && noBody && attempt == 1 {
			continue
		}
		if errors.Is(err, errUnprocessed) {
			err = ErrConnClosed
		}
		return resp, err
	}
}

// Start is Do for a caller that must not block: a handler running on a
// server connection's reader goroutine (Server.Inline) that has detached
// its stream (Detach). It sends req's headers on a connection that has
// room, without waiting for a response, and reports false — having sent
// nothing, and with done never to be called — when it cannot: a request
// with a body, or no connection ready (the first request dials). It
// waits only for the connection's write lock, which writers hold for a
// copy into its buffer or a write to its socket. Otherwise done is called once, on the goroutine that
// learns the outcome, with the response or an error (IsUnprocessed: the
// backend never saw the request, which Do would have retried once).
// Responses are delivered at the end of the reader's batch; one whose
// body has a known length of at most holdBodyMax waits for the rest of it
// for up to holdBody, so a small body comes with its headers
// (BodyBuffered) even when the backend writes them apart. done must not block. ctx is the handler's request
// context; when it is this package's stream, the server connection is
// flushed after done by whoever called it.
func (cl *Client) Start(ctx context.Context, req *http.Request, timeout time.Duration, done func(*http.Response, error)) bool {
	if req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0 {
		return false
	}
	cc := cl.pick(keyOf(ctx))
	if cc == nil {
		return false
	}
	st := &cstream{cc: cc, req: req, cb: done}
	st.origin, _ = ctx.(*stream)
	switch cc.start(ctx, st, timeout) {
	case errFull, errUnprocessed:
		return false // nothing sent, nothing delivered
	}
	return true // sent, or failed and delivered (cc.fail)
}

// respHdrs are response header maps given back by ReleaseHeader.
var respHdrs sync.Pool

// ReleaseHeader gives the header map of resp, a response this package
// made, back for a next response, once its caller is done with the map
// (the value slices it held stay valid). resp.Header is nil after.
func ReleaseHeader(resp *http.Response) {
	if h := resp.Header; h != nil && len(h) <= 32 {
		resp.Header = nil
		respHdrs.Put(h)
	}
}

// IsUnprocessed reports whether a request failed before the backend
// processed it (its connection was closing): safe to send again.
func IsUnprocessed(err error) bool { return errors.Is(err, errUnprocessed) }

// BodyBuffered reports whether resp, from Start, has its whole body
// buffered: reading it to the end does not block.
func BodyBuffered(resp *http.Response) bool {
	b, ok := resp.Body.(*cbody)
	if !ok {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err == io.EOF && !b.closed
}

// Buffered returns the unread rest of a response body that has all
// arrived (as BodyBuffered reports), as one slice that stays valid until
// the body is closed, and counts it read; false for any other body. A
// relay writes it as it is, without a copy buffer of its own (32 KiB per
// proxied request in flight was the gateway's largest use of memory with
// a thousand busy connections).
func Buffered(body io.Reader) ([]byte, bool) {
	b, ok := body.(*cbody)
	if !ok {
		return nil, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != io.EOF || b.closed {
		return nil, false
	}
	// No more DATA is written to the buffer (the stream ended), and
	// only Close, the caller's, drops it.
	p := b.buf[b.off:]
	b.off = len(b.buf)
	return p, true
}

// CloseIdle closes connections without open streams.
func (cl *Client) CloseIdle() {
	cl.mu.Lock()
	var keep []*cconn
	for _, cc := range cl.conns {
		cc.mu.Lock()
		idle := len(cc.streams) == 0
		cc.mu.Unlock()
		if idle {
			cc.nc.Close()
		} else {
			keep = append(keep, cc)
		}
	}
	cl.conns = keep
	cl.mu.Unlock()
}

func (cl *Client) conn(ctx context.Context) (*cconn, error) {
	key := keyOf(ctx)
	if cc := cl.pick(key); cc != nil {
		return cc, nil
	}
	cl.dialMu.Lock()
	defer cl.dialMu.Unlock()
	if cc := cl.pick(key); cc != nil {
		return cc, nil
	}
	nc, err := cl.Dial(ctx)
	if err != nil {
		return nil, err
	}
	cc, err := newCConn(cl, nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	cl.mu.Lock()
	cl.conns = append(cl.conns, cc)
	cl.mu.Unlock()
	return cc, nil
}

// keyOf is the server connection a request comes from (its number),
// when ctx is this package's stream; 0 otherwise.
func keyOf(ctx context.Context) uint32 {
	if st, ok := ctx.(*stream); ok {
		return st.c.seq
	}
	return 0
}

// spreadSlot is the connection that requests with key start looking at.
func (cl *Client) spreadSlot(key uint32) int {
	if cl.Spread <= 1 {
		return 0
	}
	return int(key % uint32(cl.Spread))
}

func (cl *Client) pick(key uint32) *cconn {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	n := len(cl.conns)
	if n == 0 {
		return nil
	}
	first := cl.spreadSlot(key)
	if first >= n {
		// Its connection is not there yet: the first one serves
		// meanwhile, and the next is dialed once requests overlap
		// (the first has a stream open) — a gateway that serves one
		// request at a time keeps one connection.
		cc := cl.conns[0]
		cc.mu.Lock()
		busy := len(cc.streams) > 0
		cc.mu.Unlock()
		if busy && time.Now().UnixNano() >= cl.dialAfter.Load() && cl.dialing.CompareAndSwap(false, true) {
			go cl.dialMore()
		}
		first = 0
	}
	for i := range n {
		cc := cl.conns[(first+i)%n]
		cc.mu.Lock()
		ok := cc.err == nil && !cc.goingAway && uint32(len(cc.streams)) < cc.maxStreams && cc.nextID < 1<<31-2
		cc.mu.Unlock()
		if ok {
			return cc
		}
	}
	return nil
}

// dialMore opens one more connection for Spread, in the background; after
// a failure, the next try waits a second (requests still have the first
// connection, and Do dials when there is none).
func (cl *Client) dialMore() {
	defer cl.dialing.Store(false)
	cl.dialMu.Lock()
	defer cl.dialMu.Unlock()
	cl.mu.Lock()
	n := len(cl.conns)
	cl.mu.Unlock()
	if n >= cl.Spread {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, err := cl.Dial(ctx)
	if err != nil {
		cl.dialAfter.Store(time.Now().Add(time.Second).UnixNano())
		return
	}
	cc, err := newCConn(cl, nc)
	if err != nil {
		nc.Close()
		cl.dialAfter.Store(time.Now().Add(time.Second).UnixNano())
		return
	}
	cl.mu.Lock()
	cl.conns = append(cl.conns, cc)
	cl.mu.Unlock()
}

func (cl *Client) remove(cc *cconn) {
	cl.mu.Lock()
	for i, x := range cl.conns {
		if x == cc {
			cl.conns = append(cl.conns[:i], cl.conns[i+1:]...)
			break
		}
	}
	cl.mu.Unlock()
}

type cconn struct {
	cl *Client
	nc net.Conn
	br *bufio.Reader
	fr *http2.Framer

	wmu   sync.Mutex
	wcond *sync.Cond
	bw    *bufio.Writer
	// hblock is the request header block being encoded; enc, what the
	// backend's HPACK table holds of ours (hpackreq.go).
	hblock     []byte
	enc        reqEncoder
	sendWindow int64
	peerInit   int64
	peerFrame  int
	dirty      bool
	werr       error
	flushCh    chan struct{}

	mu         sync.Mutex
	streams    map[uint32]*cstream
	nextID     uint32
	maxStreams uint32
	goingAway  bool
	err        error

	canon map[string]string // reader goroutine
	// hdec decodes response header blocks into hb (reader goroutine;
	// see readHeaderBlock).
	hdec *hpack.Decoder
	hb   respBlock
	hf   headersFrame // readFrame's HEADERS frame
	// wireNames are response field names found valid (validName), by
	// length and last byte: a backend sends the same few names in every
	// response, and checking one byte by byte cost ~90 instructions.
	wireNames  [16]string
	connCredit atomic.Int64
	done       chan struct{}
	// later and flushSrv: Start streams to deliver and server
	// connections to flush at the end of the batch (endBatch).
	later    []*cstream
	flushSrv []*conn
	// sweep fails streams past their header deadline; sweepAt is when
	// it is armed for (0: not armed). Guarded by mu.
	sweep   *time.Timer
	sweepAt int64
}

type cstream struct {
	cc     *cconn
	id     uint32
	req    *http.Request
	respCh chan struct{}
	resp   *http.Response
	respv  http.Response // resp points here
	err    error
	body   *cbody // &bodyv: one allocation for the stream and its body
	bodyv  cbody
	stop   func() bool // stops the context watcher
	// watched is the server stream whose abort cancels this one (set
	// instead of stop; see Client.Do).
	watched *stream
	// deadline (unix nanoseconds, 0: none) is when the response headers
	// are late (Do's timeout); for a Start stream holding its headers
	// for its body (holding), when it stops waiting. Guarded by cc.mu.
	deadline int64
	holding  bool
	// delivered: the callback of a Start stream was called, or is
	// being (whoever sets it calls it).
	delivered atomic.Bool
	// cb, for a stream begun by Start, takes the response instead of a
	// waiting goroutine; origin is the server stream it answers.
	// pending: its headers came without END_STREAM and it is delivered
	// at the end of the reader's batch (reader goroutine).
	cb      func(*http.Response, error)
	origin  *stream
	pending bool
	// recv is the stream's receive window left: a backend that sends
	// past it is reset with FLOW_CONTROL_ERROR instead of being buffered.
	recv atomic.Int64

	// guarded by cc.wmu
	sendWindow int64
	reset      bool
	sentEnd    bool
	// guarded by cc.mu
	gotResp, remoteDone, localDone bool
}

func newCConn(cl *Client, nc net.Conn) (*cconn, error) {
	cc := &cconn{
		cl: cl, nc: nc,
		br:         bufio.NewReaderSize(nc, 32<<10),
		bw:         bufio.NewWriterSize(nc, 32<<10),
		sendWindow: 65535, peerInit: 65535, peerFrame: 16384,
		flushCh:    make(chan struct{}, 1),
		streams:    map[uint32]*cstream{},
		nextID:     1,
		maxStreams: 100, // until the server's SETTINGS say otherwise
		canon:      map[string]string{},
		done:       make(chan struct{}),
	}
	cc.wcond = sync.NewCond(&cc.wmu)
	cc.fr = http2.NewFramer(cc.bw, cc.br)
	cc.hdec = hpack.NewDecoder(4096, cc.emitField)
	cc.hdec.SetMaxStringLength(clientMaxHeaderList)
	cc.fr.SetMaxReadFrameSize(1 << 20)
	cc.fr.SetReuseFrames()
	if _, err := io.WriteString(cc.bw, http2.ClientPreface); err != nil {
		return nil, err
	}
	cc.fr.WriteSettings(
		http2.Setting{ID: http2.SettingEnablePush, Val: 0},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: clientStreamWindow},
		http2.Setting{ID: http2.SettingMaxFrameSize, Val: 1 << 20},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: clientMaxHeaderList},
	)
	cc.fr.WriteWindowUpdate(0, clientConnWindow-65535)
	if err := cc.bw.Flush(); err != nil {
		return nil, err
	}
	go cc.readLoop()
	go cc.flusher()
	return cc, nil
}

func (cc *cconn) flusher() {
	for {
		select {
		case <-cc.flushCh:
			// Let other requests that are about to write run first.
			runtime.Gosched()
			cc.wmu.Lock()
			if cc.dirty && cc.werr == nil {
				cc.werr = cc.bw.Flush()
				cc.dirty = false
			}
			cc.wmu.Unlock()
		case <-cc.done:
			return
		}
	}
}

// flushFromPeer sends what a server connection's reader wrote here
// (Start) once its batch is read: at once when the writer is free, else
// through the flusher.
func (cc *cconn) flushFromPeer() {
	if !cc.wmu.TryLock() {
		cc.signalFlush()
		return
	}
	if cc.dirty && cc.werr == nil {
		cc.werr = cc.bw.Flush()
		cc.dirty = false
	}
	cc.wmu.Unlock()
}

func (cc *cconn) signalFlush() {
	select {
	case cc.flushCh <- struct{}{}:
	default:
	}
}

func (cc *cconn) roundTrip(ctx context.Context, req *http.Request, timeout time.Duration) (*http.Response, error) {
	st := &cstream{cc: cc, req: req, respCh: make(chan struct{}, 1)}
	if err := cc.start(ctx, st, timeout); err != nil {
		return nil, err
	}
	<-st.respCh
	if st.err != nil {
		return nil, st.err
	}
	return st.resp, nil
}

// start opens st's stream and sends req's headers (and, from a goroutine,
// its body).
func (cc *cconn) start(ctx context.Context, st *cstream, timeout time.Duration) error {
	req := st.req
	hasBody := req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0
	st.bodyv = cbody{st: st}
	st.body = &st.bodyv
	st.body.init()
	st.recv.Store(clientStreamWindow)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	path := req.URL.RequestURI()

	cc.wmu.Lock()
	cc.mu.Lock()
	if cc.err != nil || cc.goingAway {
		cc.mu.Unlock()
		cc.wmu.Unlock()
		return errUnprocessed
	}
	if uint32(len(cc.streams)) >= cc.maxStreams {
		cc.mu.Unlock()
		cc.wmu.Unlock()
		return errFull
	}
	st.id = cc.nextID
	cc.nextID += 2
	cc.streams[st.id] = st
	cc.mu.Unlock()
	st.sendWindow = cc.peerInit
	cc.hblock = cc.enc.appendRequest(cc.hblock[:0], req.Method, host, path, req.Header, req.ContentLength)
	err := cc.writeHeadersLocked(st.id, cc.hblock, !hasBody)
	if !hasBody {
		st.sentEnd = true
	}
	if timeout > 0 {
		// Armed once req is read: the sweep delivers the timeout
		// to the caller, who may reuse req at once (a detached
		// request's is pooled with its reqState). A response that
		// came meanwhile (a full buffer flushed the headers) needs
		// none, and one held for its body has its own.
		cc.mu.Lock()
		if !st.gotResp {
			st.deadline = time.Now().Add(timeout).UnixNano()
			cc.armSweepLocked(st.deadline)
		}
		cc.mu.Unlock()
	}
	cc.wmu.Unlock()
	if err != nil {
		cc.fail(err)
		return err
	}
	if st.cb == nil || st.origin == nil || !st.origin.detached.Load() {
		cc.signalFlush()
	} else {
		// Started from a server connection's reader: it flushes
		// this connection with its own, after its batch.
		st.origin.c.noteBackend(cc)
	}
	if !hasBody {
		cc.mu.Lock()
		st.localDone = true
		cc.mu.Unlock()
	} else {
		go st.sendBody(req.Body)
	}
	if sst, ok := ctx.(*stream); ok {
		// The handler's own request context (the stream itself): its
		// abort cancels this one, and no Done channel is needed.
		// Stored under cc.mu, where maybeRemove clears it; checked
		// after the store: an abort that swapped before it has
		// already canceled ctx.
		cc.mu.Lock()
		if !(st.remoteDone && st.localDone) {
			st.watched = sst
			sst.peer.Store(st)
		}
		cc.mu.Unlock()
		if err := ctx.Err(); err != nil {
			st.cancel(err)
		}
	} else {
		stop := context.AfterFunc(ctx, func() { st.cancel(ctx.Err()) })
		cc.mu.Lock()
		st.stop = stop
		removed := st.remoteDone && st.localDone
		cc.mu.Unlock()
		if removed {
			stop()
		}
	}
	return nil
}

// writeHeadersLocked writes a header block, split into CONTINUATION frames
// as needed (wmu held).
func (cc *cconn) writeHeadersLocked(id uint32, block []byte, endStream bool) error {
	if cc.werr != nil {
		return cc.werr
	}
	first := true
	for len(block) > 0 || first {
		n := min(len(block), max(cc.peerFrame, minFrameSize))
		frag := block[:n]
		block = block[n:]
		var err error
		if first {
			err = cc.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: frag, EndStream: endStream, EndHeaders: len(block) == 0})
			first = false
		} else {
			err = cc.fr.WriteContinuation(id, len(block) == 0, frag)
		}
		if err != nil {
			cc.werr = err
			return err
		}
	}
	cc.dirty = true
	return nil
}

// sendBody streams the request body in DATA frames within the windows.
func (st *cstream) sendBody(body io.ReadCloser) {
	cc := st.cc
	bp := getBuf()
	buf := (*bp)[:cap(*bp)]
	if len(buf) < 16<<10 {
		buf = make([]byte, 16<<10)
	}
	defer func() {
		putBuf(bp, *bp)
		body.Close()
		cc.mu.Lock()
		st.localDone = true
		cc.mu.Unlock()
		cc.maybeRemove(st)
	}()
	for {
		n, rerr := body.Read(buf)
		end := rerr == io.EOF
		if rerr != nil && !end {
			cc.wmu.Lock()
			cc.rstLocked(st, http2.ErrCodeCancel)
			cc.wmu.Unlock()
			cc.signalFlush()
			st.finish(nil, rerr)
			return
		}
		cc.wmu.Lock()
		err := cc.writeDataLocked(st, buf[:n], end)
		cc.wmu.Unlock()
		cc.signalFlush()
		if err != nil || end {
			return
		}
	}
}

func (cc *cconn) writeDataLocked(st *cstream, p []byte, end bool) error {
	for {
		if cc.werr != nil {
			return cc.werr
		}
		if st.reset || st.sentEnd {
			return errStreamClosed
		}
		if len(p) == 0 {
			if end {
				st.sentEnd = true
				cc.dirty = true
				return cc.fr.WriteData(st.id, true, nil)
			}
			return nil
		}
		avail := min(cc.sendWindow, st.sendWindow)
		if avail <= 0 {
			if cc.dirty {
				if cc.werr = cc.bw.Flush(); cc.werr != nil {
					return cc.werr
				}
				cc.dirty = false
			}
			cc.wcond.Wait()
			continue
		}
		n := int(min(avail, int64(len(p)), int64(max(cc.peerFrame, minFrameSize))))
		e := end && n == len(p)
		if err := cc.fr.WriteData(st.id, e, p[:n]); err != nil {
			cc.werr = err
			return err
		}
		cc.dirty = true
		cc.sendWindow -= int64(n)
		st.sendWindow -= int64(n)
		p = p[n:]
		if e {
			st.sentEnd = true
			return nil
		}
	}
}

// rstLocked resets the stream (wmu held).
func (cc *cconn) rstLocked(st *cstream, code http2.ErrCode) {
	if st.reset {
		return
	}
	st.reset = true
	if !(st.sentEnd && st.remoteDoneUnsafe()) {
		cc.fr.WriteRSTStream(st.id, code)
		cc.dirty = true
	}
	cc.wcond.Broadcast()
}

func (st *cstream) remoteDoneUnsafe() bool {
	st.cc.mu.Lock()
	defer st.cc.mu.Unlock()
	return st.remoteDone
}

// cancel abandons the stream: RST_STREAM(CANCEL), fail the waiter and the
// body.
func (st *cstream) cancel(err error) {
	if err == nil {
		err = context.Canceled
	}
	st.fail(http2.ErrCodeCancel, err)
}

// fail ends the stream with RST_STREAM(code) — queued first, unless both
// sides ended it — then fails the waiter and the body with err: a
// cancel, or a stream error in what the backend sent.
func (st *cstream) fail(code http2.ErrCode, err error) {
	cc := st.cc
	cc.wmu.Lock()
	cc.rstLocked(st, code)
	cc.wmu.Unlock()
	cc.signalFlush()
	st.finish(nil, err)
	st.body.closeWithError(err)
	if st.cb != nil && st.delivered.CompareAndSwap(false, true) {
		// Its headers were held for the end of a batch: the
		// callback learns of the end from the body.
		st.deliver(false)
	}
	cc.mu.Lock()
	st.remoteDone, st.localDone = true, true
	cc.mu.Unlock()
	cc.maybeRemove(st)
}

// finish delivers the response headers or an error, once, and reports
// whether this call delivered.
func (st *cstream) finish(resp *http.Response, err error) bool {
	cc := st.cc
	cc.mu.Lock()
	if st.gotResp {
		cc.mu.Unlock()
		return false
	}
	st.gotResp = true
	st.resp, st.err = resp, err
	cc.mu.Unlock()
	if st.cb == nil {
		st.respCh <- struct{}{}
	} else if st.delivered.CompareAndSwap(false, true) {
		st.deliver(false)
	}
	return true
}

// deliver hands a Start stream's response or error to its callback.
// onReader: called by the reader goroutine at the end of a batch, which
// then flushes the server connection the callback answered on; from any
// other goroutine, a flusher is signaled.
func (st *cstream) deliver(onReader bool) {
	o := st.origin
	if o == nil {
		st.cb(st.resp, st.err)
		return
	}
	o.flushByCaller.Store(true)
	st.cb(st.resp, st.err)
	o.flushByCaller.Store(false)
	if o.flushOwed.Swap(false) {
		if onReader {
			st.cc.noteServer(o.c)
		} else {
			o.c.signalFlush()
		}
	}
}

// noteServer remembers a server connection that has responses to flush
// after this batch (reader goroutine).
func (cc *cconn) noteServer(c *conn) {
	if !slices.Contains(cc.flushSrv, c) {
		cc.flushSrv = append(cc.flushSrv, c)
	}
}

// endBatch runs when the reader has read all it had: the responses whose
// headers came without END_STREAM are delivered now, most with their
// whole body (it arrived in the same read), and the server connections
// answered in this batch are flushed, each once.
func (cc *cconn) endBatch() {
	keep := cc.later[:0]
	for _, st := range cc.later {
		if st.delivered.Load() {
			continue // by a cancel or the sweep meanwhile
		}
		if cc.holdForBody(st) {
			keep = append(keep, st)
			continue
		}
		if st.delivered.CompareAndSwap(false, true) {
			st.deliver(true)
		}
	}
	clear(cc.later[len(keep):])
	cc.later = keep
	for i, c := range cc.flushSrv {
		cc.flushSrv[i] = nil
		c.flushFromPeer()
	}
	cc.flushSrv = cc.flushSrv[:0]
}

// holdBody bounds how long a Start stream's response headers wait for the
// rest of a small body: a backend often writes its HEADERS and DATA
// frames apart, and the reader sees them in two batches.
const (
	holdBody    = 20 * time.Millisecond
	holdBodyMax = 32 << 10
)

// holdForBody reports whether st's response waits for more of its body
// before its callback: a body of known, small length that has not all
// come; the sweep stops the wait after holdBody (reader goroutine).
func (cc *cconn) holdForBody(st *cstream) bool {
	if st.resp == nil || st.resp.ContentLength < 0 || st.resp.ContentLength > holdBodyMax {
		return false
	}
	b := st.body
	b.mu.Lock()
	open := b.err == nil && !b.closed
	b.mu.Unlock()
	if !open {
		return false
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if !st.holding {
		if _, ok := cc.streams[st.id]; !ok {
			return false
		}
		st.holding = true
		st.deadline = time.Now().Add(holdBody).UnixNano()
		cc.armSweepLocked(st.deadline)
	}
	return true
}

func (cc *cconn) maybeRemove(st *cstream) {
	cc.mu.Lock()
	done := st.remoteDone && st.localDone
	var stop func() bool
	if done {
		delete(cc.streams, st.id)
		stop = st.stop
		if st.watched != nil {
			st.watched.peer.CompareAndSwap(st, nil)
		}
	}
	cc.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (cc *cconn) stream(id uint32) *cstream {
	cc.mu.Lock()
	st := cc.streams[id]
	cc.mu.Unlock()
	return st
}

// fail kills the connection and every stream on it.
func (cc *cconn) fail(err error) {
	cc.mu.Lock()
	if cc.err == nil {
		cc.err = err
	}
	if cc.sweep != nil {
		cc.sweep.Stop()
		cc.sweepAt = 0
	}
	streams := make([]*cstream, 0, len(cc.streams))
	for _, st := range cc.streams {
		streams = append(streams, st)
	}
	cc.mu.Unlock()
	cc.cl.remove(cc)
	cc.wmu.Lock()
	if cc.werr == nil {
		cc.werr = err
	}
	cc.wcond.Broadcast()
	cc.wmu.Unlock()
	cc.nc.Close()
	for _, st := range streams {
		st.finish(nil, err)
		st.body.closeWithError(err)
	}
}

func (cc *cconn) readLoop() {
	defer close(cc.done)
	// Responses held for the end of a batch are delivered whatever
	// ends the loop (fail has closed their bodies with its error).
	defer cc.endBatch()
	for {
		if (len(cc.later) > 0 || len(cc.flushSrv) > 0) && cc.br.Buffered() == 0 {
			cc.endBatch()
		}
		f, hf, err := cc.readFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) {
				if st := cc.stream(se.StreamID); st != nil {
					st.fail(se.Code, se)
				}
				continue
			}
			if errors.Is(err, io.EOF) {
				err = ErrConnClosed
			}
			cc.fail(err)
			return
		}
		if hf != nil {
			err = cc.onHeaders(hf)
		} else {
			err = cc.handle(f)
		}
		if err != nil {
			code := http2.ErrCodeProtocol
			var ce http2.ConnectionError
			if errors.As(err, &ce) {
				code = http2.ErrCode(ce)
			}
			cc.wmu.Lock()
			cc.fr.WriteGoAway(0, code, nil)
			cc.bw.Flush()
			cc.wmu.Unlock()
			cc.fail(err)
			return
		}
	}
}

// readFrame reads the next frame, a HEADERS frame as hf: parsed in place
// when the read buffer holds its payload whole, as the server's
// conn.readFrame does (one allocation less per response).
func (cc *cconn) readFrame() (f http2.Frame, hf *headersFrame, err error) {
	fh, err := cc.fr.ReadFrameHeader()
	if err != nil {
		return nil, nil, err
	}
	if n := int(fh.Length); fh.Type == http2.FrameHeaders && cc.br.Buffered() >= n {
		// Buffered: neither Peek nor Discard reads, and the bytes stay
		// where they are until the next read.
		p, _ := cc.br.Peek(n)
		cc.br.Discard(n)
		if err := cc.hf.parse(fh, p); err != nil {
			return nil, nil, err
		}
		return nil, &cc.hf, nil
	}
	if f, err = cc.fr.ReadFrameForHeader(fh); err != nil {
		return nil, nil, err
	}
	if xf, ok := f.(*http2.HeadersFrame); ok {
		cc.hf = headersFrame{FrameHeader: xf.FrameHeader, priority: xf.Priority, frag: xf.HeaderBlockFragment()}
		return nil, &cc.hf, nil
	}
	return f, nil, nil
}

// onHeaders takes a response's HEADERS frame (and its CONTINUATION
// frames): the response, trailers, or a 1xx to skip.
func (cc *cconn) onHeaders(f *headersFrame) error {
	b, err := cc.readHeaderBlock(f)
	if err != nil {
		return err
	}
	st := cc.stream(b.streamID)
	if st == nil {
		return nil
	}
	if b.invalid != nil {
		st.cancel(http2.StreamError{StreamID: b.streamID, Code: http2.ErrCodeProtocol, Cause: b.invalid})
		return nil
	}
	cc.mu.Lock()
	got := st.gotResp
	cc.mu.Unlock()
	if got {
		// Trailers: dropped.
		if b.endStream {
			st.body.closeWithError(io.EOF)
			cc.remoteDone(st)
		}
		return nil
	}
	status, err := strconv.Atoi(b.status)
	if err != nil || status < 100 || status > 599 {
		st.cancel(errors.New("h2: backend sent a bad :status"))
		return nil
	}
	if status < 200 {
		return nil // 1xx: wait for the final response
	}
	resp := cc.newResponse(st, b, status)
	if b.endStream {
		st.body.closeWithError(io.EOF)
		cc.remoteDone(st)
	}
	if st.cb != nil {
		// A Start stream: delivered at the end of the batch,
		// with its body when that follows in the same read,
		// and its client connection flushed once for all.
		cc.mu.Lock()
		got := st.gotResp
		if !got {
			st.gotResp, st.resp = true, resp
		}
		cc.mu.Unlock()
		if !got {
			st.pending = true
			cc.later = append(cc.later, st)
		}
		return nil
	}
	st.finish(resp, nil)
	return nil
}

func (cc *cconn) handle(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.DataFrame:
		n := int64(f.Length)
		// The connection window comes back at once: memory is bounded
		// per stream (clientStreamWindow), and a stream nobody reads
		// must not hold up the others.
		cc.creditConn(n)
		st := cc.stream(f.StreamID)
		if st == nil {
			return nil
		}
		if st.recv.Add(-n) < 0 {
			// The reset goes first: a handler woken by the failed
			// read closes the body, and a Close that found the
			// stream open would reset it with CANCEL instead.
			cc.wmu.Lock()
			cc.rstLocked(st, http2.ErrCodeFlowControl)
			cc.wmu.Unlock()
			cc.signalFlush()
			err := http2.StreamError{StreamID: f.StreamID, Code: http2.ErrCodeFlowControl}
			st.finish(nil, err)
			st.body.closeWithError(errors.New("h2: backend sent more than the stream's flow-control window"))
			cc.mu.Lock()
			st.remoteDone, st.localDone = true, true
			cc.mu.Unlock()
			cc.maybeRemove(st)
			return nil
		}
		st.body.write(f.Data())
		if f.StreamEnded() {
			st.body.closeWithError(io.EOF)
			cc.remoteDone(st)
		}
	case *http2.RSTStreamFrame:
		if st := cc.stream(f.StreamID); st != nil {
			// Marked reset before the waiters are woken: a handler
			// that closes the body at the error must not answer the
			// backend's RST_STREAM with one (RFC 9113 §5.4.2).
			cc.wmu.Lock()
			st.reset = true
			cc.wcond.Broadcast()
			cc.wmu.Unlock()
			err := http2.StreamError{StreamID: f.StreamID, Code: f.ErrCode}
			st.finish(nil, err)
			st.body.closeWithError(err)
			cc.mu.Lock()
			st.remoteDone, st.localDone = true, true
			cc.mu.Unlock()
			cc.maybeRemove(st)
		}
	case *http2.SettingsFrame:
		if f.IsAck() {
			return nil
		}
		// A backend's bad value (a MAX_FRAME_SIZE of 0 would loop the
		// frame writers) fails the connection before any is applied.
		if err := f.ForeachSetting(checkSetting); err != nil {
			return err
		}
		cc.wmu.Lock()
		defer cc.wmu.Unlock()
		err := f.ForeachSetting(func(s http2.Setting) error {
			switch s.ID {
			case http2.SettingInitialWindowSize:
				d := int64(s.Val) - cc.peerInit
				cc.peerInit = int64(s.Val)
				cc.mu.Lock()
				for _, st := range cc.streams {
					st.sendWindow += d
				}
				cc.mu.Unlock()
			case http2.SettingMaxFrameSize:
				cc.peerFrame = int(s.Val)
			case http2.SettingMaxConcurrentStreams:
				cc.mu.Lock()
				cc.maxStreams = max(s.Val, 1)
				cc.mu.Unlock()
			case http2.SettingHeaderTableSize:
				cc.enc.setMaxTable(s.Val)
			}
			return nil
		})
		cc.fr.WriteSettingsAck()
		cc.dirty = true
		cc.wcond.Broadcast()
		cc.signalFlush()
		return err
	case *http2.WindowUpdateFrame:
		// A window past 2^31-1 is a connection or stream error
		// FLOW_CONTROL_ERROR (RFC 9113 §6.9.1), also on a stream whose
		// request we ended: the backend's side is still open.
		inc := int64(f.Increment)
		var st *cstream
		if f.StreamID != 0 {
			if st = cc.stream(f.StreamID); st == nil {
				return nil
			}
		}
		cc.wmu.Lock()
		w := &cc.sendWindow
		if st != nil {
			w = &st.sendWindow
		}
		over := *w+inc > 1<<31-1
		if !over {
			*w += inc
			cc.wcond.Broadcast()
		}
		cc.wmu.Unlock()
		switch {
		case over && st == nil:
			return http2.ConnectionError(http2.ErrCodeFlowControl)
		case over:
			st.fail(http2.ErrCodeFlowControl, errors.New("h2: backend's WINDOW_UPDATE overflowed the stream's window"))
		}
	case *http2.PingFrame:
		if !f.IsAck() {
			cc.wmu.Lock()
			cc.fr.WritePing(true, f.Data)
			cc.dirty = true
			cc.wmu.Unlock()
			cc.signalFlush()
		}
	case *http2.GoAwayFrame:
		cc.mu.Lock()
		cc.goingAway = true
		var lost []*cstream
		for id, st := range cc.streams {
			if id > f.LastStreamID {
				lost = append(lost, st)
			}
		}
		cc.mu.Unlock()
		cc.cl.remove(cc)
		for _, st := range lost {
			st.finish(nil, errUnprocessed)
			st.body.closeWithError(ErrConnClosed)
		}
	case *http2.PushPromiseFrame:
		return errors.New("h2: backend sent PUSH_PROMISE")
	}
	return nil
}

func (cc *cconn) remoteDone(st *cstream) {
	cc.mu.Lock()
	st.remoteDone = true
	cc.mu.Unlock()
	cc.maybeRemove(st)
}

func (cc *cconn) newResponse(st *cstream, b *respBlock, status int) *http.Response {
	fields := b.fields
	h, _ := respHdrs.Get().(http.Header)
	if h != nil {
		clear(h)
	} else {
		h = make(http.Header, len(fields))
	}
	vals := make([]string, len(fields)) // one backing array for single values
	// Content-Length's value, read here rather than looked up in h after
	// (field names are lower-case: no other spelling maps to it).
	var clv string
	cln := 0
	for i, hf := range fields {
		if hf.Name == "content-length" {
			clv = hf.Value
			cln++
		}
		k := commonCanonical(hf.Name)
		if k == "" {
			var ok bool
			if k, ok = cc.canon[hf.Name]; !ok {
				k = http.CanonicalHeaderKey(hf.Name)
				if len(cc.canon) < 256 {
					cc.canon[hf.Name] = k
				}
			}
		}
		if seenBefore(fields, i, h, k) {
			h[k] = append(h[k], hf.Value)
			continue
		}
		vals[i] = hf.Value
		h[k] = vals[i : i+1 : i+1]
	}
	resp := &st.respv
	*resp = http.Response{
		Status: statusLine(status), StatusCode: status,
		Proto: "HTTP/2.0", ProtoMajor: 2, Header: h, ContentLength: -1, Body: st.body, Request: st.req,
	}
	if cln == 1 {
		if n, err := strconv.ParseInt(clv, 10, 64); err == nil && n >= 0 {
			resp.ContentLength = n
			// (reader goroutine, before any DATA of the stream)
			st.body.small = n <= smallRecvBufSize
		}
	}
	if b.endStream {
		resp.ContentLength = 0
	}
	return resp
}

// creditConn returns connection window in batches.
func (cc *cconn) creditConn(n int64) {
	if cc.connCredit.Add(n) < clientConnWindow/4 {
		return
	}
	cc.wmu.Lock()
	if v := cc.connCredit.Swap(0); v > 0 {
		cc.fr.WriteWindowUpdate(0, uint32(v))
		cc.dirty = true
	}
	cc.wmu.Unlock()
	cc.signalFlush()
}

// cbody is a response body: data the read loop received.
type cbody struct {
	recvBuf
	st *cstream
}

func (b *cbody) Read(p []byte) (int, error) {
	b.mu.Lock()
	for b.emptyLocked() {
		b.cond.Wait()
	}
	n, credit, err := b.takeLocked(p, clientStreamWindow/4)
	if n == 0 {
		return 0, err
	}
	cc := b.st.cc
	if credit > 0 {
		b.st.recv.Add(credit)
		cc.wmu.Lock()
		if !b.st.reset {
			cc.fr.WriteWindowUpdate(b.st.id, uint32(credit))
			cc.dirty = true
		}
		cc.wmu.Unlock()
		cc.signalFlush()
	}
	return n, nil
}

// Close stops reading; a response not read to the end is reset.
func (b *cbody) Close() error {
	_, wasClosed, err := b.drop()
	if wasClosed {
		return nil
	}
	eof := err == io.EOF
	st := b.st
	cc := st.cc
	if !eof {
		cc.wmu.Lock()
		cc.rstLocked(st, http2.ErrCodeCancel)
		cc.wmu.Unlock()
		cc.signalFlush()
	}
	cc.mu.Lock()
	st.remoteDone = true
	cc.mu.Unlock()
	cc.maybeRemove(st)
	return nil
}

// The header timeouts of a connection's streams share one timer (a timer
// per request, started and stopped, was ~5% of a proxied request's CPU):
// it is armed for the earliest deadline, and when it fires it fails the
// streams past theirs and re-arms for the next. With one integration
// timeout, each new deadline is later than the armed one, so a request
// costs a clock read and no timer operation.

// armSweepLocked makes the sweep run by deadline d (unix nanoseconds).
// cc.mu is held.
func (cc *cconn) armSweepLocked(d int64) {
	if cc.sweepAt != 0 && cc.sweepAt <= d {
		return
	}
	cc.sweepAt = d
	wait := time.Duration(d - time.Now().UnixNano())
	if cc.sweep == nil {
		cc.sweep = time.AfterFunc(wait, cc.sweepDeadlines)
	} else {
		cc.sweep.Reset(wait)
	}
}

// sweepDeadlines fails the streams whose response headers are late
// (ErrTimeout), hands Start streams whose body was being waited for past
// holdBody to their callback as they are, and re-arms the timer.
func (cc *cconn) sweepDeadlines() {
	now := time.Now().UnixNano()
	var late, held []*cstream
	cc.mu.Lock()
	cc.sweepAt = 0
	next := int64(0)
	for _, st := range cc.streams {
		if st.deadline == 0 || st.gotResp && !st.holding {
			continue
		}
		if st.deadline <= now {
			if st.gotResp {
				st.holding = false
				held = append(held, st)
			} else {
				late = append(late, st)
			}
			continue
		}
		if next == 0 || st.deadline < next {
			next = st.deadline
		}
	}
	if next != 0 {
		cc.armSweepLocked(next)
	}
	cc.mu.Unlock()
	for _, st := range late {
		// The timeout takes the response's place in one step:
		// headers that arrive meanwhile either came first (and
		// finish does nothing) or are dropped with the stream.
		if st.finish(nil, ErrTimeout) {
			st.cancel(ErrTimeout)
		}
	}
	for _, st := range held {
		if st.delivered.CompareAndSwap(false, true) {
			st.deliver(false)
		}
	}
}

// DialTimeout is a helper for Client.Dial.
func DialTimeout(d *net.Dialer, addr string, timeout time.Duration) func(context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return d.DialContext(ctx, "tcp", addr)
	}
}
