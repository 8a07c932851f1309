package h2

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Client speaks HTTP/2 with prior knowledge (h2c) to one backend address.
// It keeps few connections (a new one only when the others are at the
// server's stream limit), writes a request's HEADERS from the calling
// goroutine, and coalesces flushes of concurrent requests — the gateway's
// backend leg. Request headers whose values are unique per request
// (X-Amzn-Trace-Id) are never indexed, so they do not churn the HPACK
// table.
type Client struct {
	// Dial opens a connection to the backend.
	Dial func(ctx context.Context) (net.Conn, error)

	mu     sync.Mutex
	conns  []*cconn
	dialMu sync.Mutex
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
	if cc := cl.pick(); cc != nil {
		return cc, nil
	}
	cl.dialMu.Lock()
	defer cl.dialMu.Unlock()
	if cc := cl.pick(); cc != nil {
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

func (cl *Client) pick() *cconn {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, cc := range cl.conns {
		cc.mu.Lock()
		ok := cc.err == nil && !cc.goingAway && uint32(len(cc.streams)) < cc.maxStreams && cc.nextID < 1<<31-2
		cc.mu.Unlock()
		if ok {
			return cc
		}
	}
	return nil
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
	hdec       *hpack.Decoder
	hb         respBlock
	connCredit atomic.Int64
	done       chan struct{}
}

type cstream struct {
	cc     *cconn
	id     uint32
	req    *http.Request
	respCh chan struct{}
	resp   *http.Response
	respv  http.Response // resp points here
	err    error
	body   *cbody
	stop   func() bool // stops the context watcher
	// watched is the server stream whose abort cancels this one (set
	// instead of stop; see Client.Do).
	watched *stream
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

func (cc *cconn) signalFlush() {
	select {
	case cc.flushCh <- struct{}{}:
	default:
	}
}

func (cc *cconn) roundTrip(ctx context.Context, req *http.Request, timeout time.Duration) (*http.Response, error) {
	hasBody := req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0
	st := &cstream{cc: cc, req: req, respCh: make(chan struct{}, 1)}
	st.body = &cbody{st: st}
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
		return nil, errUnprocessed
	}
	if uint32(len(cc.streams)) >= cc.maxStreams {
		cc.mu.Unlock()
		cc.wmu.Unlock()
		return nil, errFull
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
	cc.wmu.Unlock()
	if err != nil {
		cc.fail(err)
		return nil, err
	}
	cc.signalFlush()
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
	// One channel to wait on: a cancel (the relay, the AfterFunc
	// above, the header timer) delivers its error through it as a
	// response does, so no select over three channels is needed.
	var ht *headerTimer
	if timeout > 0 {
		ht = startHeaderTimer(st, timeout)
	}
	<-st.respCh
	if ht != nil {
		ht.stop()
	}
	if st.err != nil {
		return nil, st.err
	}
	return st.resp, nil
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
	buf := bp[:cap(bp)]
	if len(buf) < 16<<10 {
		buf = make([]byte, 16<<10)
	}
	defer func() {
		putBuf(bp)
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
	cc := st.cc
	cc.wmu.Lock()
	cc.rstLocked(st, http2.ErrCodeCancel)
	cc.wmu.Unlock()
	cc.signalFlush()
	if err == nil {
		err = context.Canceled
	}
	st.finish(nil, err)
	st.body.closeWithError(err)
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
	st.respCh <- struct{}{}
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
	for {
		f, err := cc.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) {
				if st := cc.stream(se.StreamID); st != nil {
					st.cancel(se)
				}
				continue
			}
			if errors.Is(err, io.EOF) {
				err = ErrConnClosed
			}
			cc.fail(err)
			return
		}
		if err := cc.handle(f); err != nil {
			cc.wmu.Lock()
			cc.fr.WriteGoAway(0, http2.ErrCodeProtocol, nil)
			cc.bw.Flush()
			cc.wmu.Unlock()
			cc.fail(err)
			return
		}
	}
}

func (cc *cconn) handle(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.HeadersFrame:
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
		st.finish(resp, nil)
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
			err := http2.StreamError{StreamID: f.StreamID, Code: http2.ErrCodeFlowControl}
			st.finish(nil, err)
			st.body.closeWithError(errors.New("h2: backend sent more than the stream's flow-control window"))
			cc.wmu.Lock()
			cc.rstLocked(st, http2.ErrCodeFlowControl)
			cc.wmu.Unlock()
			cc.signalFlush()
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
			err := http2.StreamError{StreamID: f.StreamID, Code: f.ErrCode}
			st.finish(nil, err)
			st.body.closeWithError(err)
			cc.wmu.Lock()
			st.reset = true
			cc.wcond.Broadcast()
			cc.wmu.Unlock()
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
		cc.wmu.Lock()
		if f.StreamID == 0 {
			cc.sendWindow += int64(f.Increment)
		} else if st := cc.stream(f.StreamID); st != nil {
			st.sendWindow += int64(f.Increment)
		}
		cc.wcond.Broadcast()
		cc.wmu.Unlock()
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
	h := make(http.Header, len(fields))
	vals := make([]string, len(fields)) // one backing array for single values
	for i, hf := range fields {
		k, ok := cc.canon[hf.Name]
		if !ok {
			k = http.CanonicalHeaderKey(hf.Name)
			if len(cc.canon) < 256 {
				cc.canon[hf.Name] = k
			}
		}
		if prev, dup := h[k]; dup {
			h[k] = append(prev, hf.Value)
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
	if cl := h["Content-Length"]; len(cl) == 1 {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil && n >= 0 {
			resp.ContentLength = n
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

// headerTimer cancels a stream whose response headers have not arrived
// within Do's timeout. Timers are reused: a stopped AfterFunc timer runs
// no callback later (Go 1.23), so one whose Stop succeeded can serve the
// next request; one that fired is left to the collector, since its
// callback may still be about to run.
type headerTimer struct {
	t  *time.Timer
	st atomic.Pointer[cstream]
}

var headerTimers sync.Pool

func startHeaderTimer(st *cstream, d time.Duration) *headerTimer {
	ht, _ := headerTimers.Get().(*headerTimer)
	if ht == nil {
		ht = &headerTimer{}
		ht.st.Store(st)
		ht.t = time.AfterFunc(d, ht.fire)
		return ht
	}
	ht.st.Store(st)
	ht.t.Reset(d)
	return ht
}

func (ht *headerTimer) fire() {
	st := ht.st.Swap(nil)
	if st == nil {
		return
	}
	// The timeout takes the response's place in one step: headers that
	// arrive meanwhile either came first (and the timer does nothing) or
	// are dropped with the stream. Checking gotResp and canceling after
	// let a response that arrived in between be answered and then have
	// its body cut by ErrTimeout ("backend body: h2: no response headers
	// within the timeout" on a 200, seen at load 20).
	if st.finish(nil, ErrTimeout) {
		st.cancel(ErrTimeout)
	}
}

// stop ends the wait once the response headers (or an error) arrived.
func (ht *headerTimer) stop() {
	ht.st.Store(nil)
	if ht.t.Stop() {
		headerTimers.Put(ht)
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
