package runtime

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/vtl"
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// smallBufPool is bufPool for bodies of at most smallBufSize (copyBody).
const smallBufSize = 4 << 10

var smallBufPool = sync.Pool{New: func() any { b := make([]byte, smallBufSize); return &b }}

// errBodyTooLarge is returned by limitedBody past the payload limit.
var errBodyTooLarge = errors.New("request body over the payload limit")

// limitedBody streams a request body of unknown length and fails once it
// passes the limit, so a large upload is never held in memory and an
// oversized one is refused.
type limitedBody struct {
	rc   io.ReadCloser
	n    int64
	flag *bool
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte past the limit decides.
		var one [1]byte
		n, err := l.rc.Read(one[:])
		if n > 0 {
			*l.flag = true
			return 0, errBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.rc.Read(p)
	l.n -= int64(n)
	return n, err
}

func (l *limitedBody) Close() error { return l.rc.Close() }

// droppedIntegrationHeader reports whether API Gateway does not pass the
// request header k (canonical) to an HTTP integration: the hop-by-hop ones
// (RFC 9110 §7.6.1, and those a request's Connection header names, see
// dropConnectionTokens) and a few it drops or sets itself. TE goes too,
// even "TE: trailers": the gateway does not relay trailers. A switch, not
// a map: it is asked for every header of every proxied request, and a
// string switch compares lengths first (a map lookup hashed each name:
// 35-50 ns a lookup against 5-7, about 2% of a proxied request's CPU
// for the three sets here).
func droppedIntegrationHeader(k string) bool {
	switch k {
	case "Connection", "Expect", "Keep-Alive", "Max-Forwards", "Proxy-Authenticate",
		"Proxy-Authorization", "Proxy-Connection", "Server", "Te", "Trailer",
		"Transfer-Encoding", "Upgrade", "Www-Authenticate", "Content-Md5", "Host",
		"Via", "Http2-Settings":
		return true
	}
	return false
}

// droppedResponseHeader reports whether API Gateway drops the response
// header k (canonical): hop-by-hop ones, those the backend's Connection
// header names, and Content-Length, which the gateway sets.
func droppedResponseHeader(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Connection", "Te",
		"Trailer", "Transfer-Encoding", "Upgrade", "Content-Length":
		return true
	}
	return false
}

// dropConnectionTokens deletes from h the headers that conn (the values
// of a Connection header) names: they are hop-by-hop for the sender
// (RFC 9110 §7.6.1).
func dropConnectionTokens(h http.Header, conn []string) {
	for _, v := range conn {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = textproto.TrimString(tok); tok != "" {
				delete(h, http.CanonicalHeaderKey(tok))
			}
		}
	}
}

// remappedResponseHeader returns the name API Gateway gives the response
// header k (canonical) so that it cannot spoof the gateway's own
// (x-amzn-Remapped-{name}), and whether it renames it.
func remappedResponseHeader(k string) (string, bool) {
	switch k {
	case "Authorization":
		return "x-amzn-Remapped-Authorization", true
	case "Date":
		return "x-amzn-Remapped-Date", true
	case "Server":
		return "x-amzn-Remapped-Server", true
	case "Www-Authenticate":
		return "x-amzn-Remapped-WWW-Authenticate", true
	case "Content-Md5":
		return "x-amzn-Remapped-Content-MD5", true
	case "Max-Forwards":
		return "x-amzn-Remapped-Max-Forwards", true
	case "User-Agent":
		return "x-amzn-Remapped-User-Agent", true
	}
	return "", false
}

// backendCall is what an HTTP or HTTP_PROXY integration sends.
type backendCall struct {
	method string
	url    *url.URL
	header http.Header
	body   io.ReadCloser
	length int64
	// pooled: header came from headerPool and goes back once sent.
	pooled bool
	// validHeaders: every header value is known to be sendable (the
	// client's, which the HTTP engines checked, and the gateway's own),
	// so dropInvalidHeaders need not look.
	validHeaders bool
	// host overrides the integration URI's host in the request's Host
	// (an HTTP API mapping of header.Host).
	host string
}

// headerPool holds the header maps of HTTP_PROXY backend requests: the
// h2c client has encoded them when Do returns, so they serve again.
// They start small: a map of up to eight entries is one group, which
// clear empties with one short memclr (a map sized for 16 has a table of
// groups to clear, ~2% of a proxied request's CPU).
var headerPool = sync.Pool{New: func() any { return make(http.Header) }}

// buildURL fills the endpoint's URI template for this request.
func (ep *endpoint) buildURL(rs *reqState, proxy bool) *url.URL {
	return ep.buildURLOverride(rs, proxy, nil)
}

// buildURLOverride is buildURL with $context.requestOverride.path values
// taking precedence over the mapped path parameters.
func (ep *endpoint) buildURLOverride(rs *reqState, proxy bool, pathOverride map[string]string) *url.URL {
	ut := ep.target
	// The URL is rs's (one allocation per proxied request less): the
	// gateway's own h2c client has encoded it when its call returns,
	// and send gives any other transport a copy of its own.
	u := &rs.burl
	if ut.fixed != nil {
		*u = *ut.fixed
	} else {
		var b strings.Builder
		for _, p := range ut.parts {
			if p.lit != "" {
				b.WriteString(p.lit)
				continue
			}
			if v, ok := pathOverride[p.param]; ok {
				b.WriteString(escapePathValue(v))
				continue
			}
			for _, pm := range ep.reqParams {
				if pm.dest == destPath && pm.name == p.param {
					b.WriteString(escapePathValue(rs.sourceValue(pm.src)))
					break
				}
			}
		}
		esc := b.String()
		*u = url.URL{Scheme: ut.scheme, Host: ut.host, RawQuery: ut.query}
		if dec, err := url.PathUnescape(esc); err == nil {
			u.Path = dec
			if dec != esc {
				u.RawPath = esc
			}
		} else {
			u.Path = esc
		}
	}
	// Query: the client's (HTTP_PROXY only), then the mapped ones.
	q := ""
	if proxy {
		q = rs.r.URL.RawQuery
	}
	var mapped url.Values
	for _, pm := range ep.reqParams {
		if pm.dest == destQuery {
			if mapped == nil {
				mapped = url.Values{}
			}
			mapped.Set(pm.name, rs.sourceValue(pm.src))
		}
	}
	if mapped != nil {
		if proxy {
			cur, _ := url.ParseQuery(q)
			for k, v := range mapped {
				cur[k] = v
			}
			mapped = cur
		}
		q = mapped.Encode()
	}
	switch {
	case u.RawQuery == "":
		u.RawQuery = q
	case q != "":
		u.RawQuery += "&" + q
	}
	return u
}

// escapePathValue escapes a parameter value for a URL path; values taken
// from the request path are already escaped and pass unchanged.
func escapePathValue(s string) string {
	if !strings.ContainsAny(s, " ?#%") {
		return s
	}
	if _, err := url.PathUnescape(s); err == nil && strings.Contains(s, "%") {
		return s
	}
	return strings.ReplaceAll(url.PathEscape(s), "%2F", "/")
}

// sourceValue evaluates a request-side mapping expression.
func (rs *reqState) sourceValue(src valueSource) string {
	r := rs.r
	switch src.kind {
	case srcStatic:
		return src.static
	case srcPath:
		v, _ := rs.ps.get(src.name)
		return v
	case srcQuery:
		return r.URL.Query().Get(src.name)
	case srcHeader:
		return r.Header.Get(src.name)
	case srcContext:
		return rs.contextValue(src.name)
	case srcStageVar:
		return rs.stage.vars[src.name]
	case srcBody:
		return string(rs.mapBody)
	case srcBodyField:
		v, _ := src.sel.Select(rs.bodyDocument())
		return v
	}
	return ""
}

// bodyDocument is the method request's body (rs.mapBody) decoded for
// request parameters that select from it, once per request.
func (rs *reqState) bodyDocument() vtl.Document {
	if !rs.mapDocDone {
		rs.mapDoc, rs.mapDocDone = vtl.DecodeDocument(rs.mapBody), true
	}
	return rs.mapDoc
}

// mapsHeaders reports whether the endpoint maps request parameters to
// integration request headers.
func (ep *endpoint) mapsHeaders() bool {
	for _, pm := range ep.reqParams {
		if pm.dest == destHeader {
			return true
		}
	}
	return false
}

// forwardHeaders adds the headers API Gateway adds to integration requests.
func (rs *reqState) forwardHeaders(h http.Header) {
	r := rs.r
	ip := clientIP(r)
	if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
		ip = strings.Join(prior, ", ") + ", " + ip
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	// The port the client connected to (the listener's), not the one its
	// Host header names.
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		port = rs.g.portString(a.Port)
	}
	// The values live in rs: the backend request is sent (its headers
	// encoded or written) before the request ends and rs is pooled.
	rs.fwd = [...]string{ip, proto, port, traceID(rs)}
	vs := rs.fwd[:]
	h["X-Forwarded-For"] = vs[0:1:1]
	h["X-Forwarded-Proto"] = vs[1:2:2]
	h["X-Forwarded-Port"] = vs[2:3:3]
	h["X-Amzn-Trace-Id"] = vs[3:4:4]
	for _, pm := range rs.ep.reqParams {
		if pm.dest == destHeader {
			h.Set(pm.name, rs.sourceValue(pm.src))
		}
	}
}

// traceID is the request's X-Amzn-Trace-Id: made with its ids (newIDs)
// unless the route was known to be a MOCK then.
func traceID(rs *reqState) string {
	if len(rs.ids) == idsLen+traceLen {
		return rs.ids[idsLen:]
	}
	var b [traceLen]byte
	formatTrace(&b, rs.start, rs.requestID())
	return string(b[:])
}

// traceLen is the length of an X-Amzn-Trace-Id.
const traceLen = 40

// formatTrace writes the X-Amzn-Trace-Id of a request that started at
// start with request id id: its second in hex, then the id's first 24
// hex digits.
func formatTrace[S ~string | ~[]byte](b *[traceLen]byte, start time.Time, id S) {
	traceHead(b, start)
	j := 16
	for i := 0; i < len(id) && j < traceLen; i++ {
		if id[i] != '-' {
			b[j] = id[i]
			j++
		}
	}
}

// formatTraceUUID is formatTrace for an id that is a UUID (uuid4.Format's:
// its first 24 digits are the runs between its first four dashes), written
// out: the loops over the time's digits and the id's characters, a branch
// each, were ~520 instructions of every proxied request (1.5% of the
// gateway's, callgrind under h2load).
func formatTraceUUID(b *[traceLen]byte, start time.Time, id *[36]byte) {
	traceHead(b, start)
	copy(b[16:24], id[0:8])
	copy(b[24:28], id[9:13])
	copy(b[28:32], id[14:18])
	copy(b[32:36], id[19:23])
	copy(b[36:40], id[24:28])
}

// traceHead writes an X-Amzn-Trace-Id's first 16 bytes: "Root=1-", the
// second start is in, in eight hex digits, and "-".
func traceHead(b *[traceLen]byte, start time.Time) {
	copy(b[:7], "Root=1-")
	t := uint32(start.Unix())
	b[7] = hexDigits[t>>28]
	b[8] = hexDigits[t>>24&0xf]
	b[9] = hexDigits[t>>20&0xf]
	b[10] = hexDigits[t>>16&0xf]
	b[11] = hexDigits[t>>12&0xf]
	b[12] = hexDigits[t>>8&0xf]
	b[13] = hexDigits[t>>4&0xf]
	b[14] = hexDigits[t&0xf]
	b[15] = '-'
}

// send runs the backend call with the integration timeout. The timeout
// covers the wait for response headers; a response that has started
// streams for as long as it takes.
func (rs *reqState) send(bc *backendCall) (*http.Response, errKind, error) {
	ep := rs.ep
	base := http.Request{
		Method:        bc.method,
		URL:           bc.url,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        bc.header,
		Body:          bc.body,
		ContentLength: bc.length,
		Host:          cmp.Or(bc.host, ep.target.host),
	}
	if !bc.validHeaders {
		rs.dropInvalidHeaders(bc.header)
	}
	if cl := ep.backend.fastClient(rs.r.Context(), bc.url.Host); cl != nil {
		// The gateway's own h2c client takes the request's context
		// and the timeout itself: no context, timer or request copy
		// of ours per call.
		req := new(http.Request)
		*req = base
		resp, err := cl.Do(rs.r.Context(), req, ep.timeout)
		if bc.pooled {
			if resp != nil {
				resp.Request = nil
			}
			clear(bc.header)
			headerPool.Put(bc.header)
		}
		return rs.sent(resp, errors.Is(err, h2.ErrTimeout), err)
	}
	// A net/http transport may read the request after the call returns
	// (a request its writer has not finished when the context ends), and
	// bc.url is rs's, reused by its next request once rs is pooled.
	u := *bc.url
	base.URL = &u
	c := &transportCall{sentAt: time.Now()}
	ctx, cancel := context.WithCancel(rs.r.Context())
	c.cancel = cancel
	c.trace.GotConn = c.gotConn
	timer := time.AfterFunc(ep.timeout, c.expire)
	req := base.WithContext(httptrace.WithClientTrace(ctx, &c.trace))
	resp, err := ep.backend.roundTrip(req, c)
	if timer.Stop() && err != nil && c.stopped && (base.Body == nil || base.Body == http.NoBody) {
		// The transport's resend on another kept-alive connection was
		// stopped (transportCall.gotConn): the one resend goes on a new
		// connection, with what is left of the timeout.
		ctx, cancel := context.WithDeadline(rs.r.Context(), c.sentAt.Add(ep.timeout))
		c.cancel = cancel // the timer is stopped: nothing else reads it now
		resp, err = ep.backend.b.h1once.RoundTrip(base.WithContext(ctx))
		if err != nil && ctx.Err() == context.DeadlineExceeded {
			c.timedOut.Store(true)
		}
	}
	if err != nil {
		c.cancel()
		return rs.sent(nil, c.timedOut.Load(), err)
	}
	c.body = resp.Body
	resp.Body = c
	return resp, errNone, nil
}

// transportCall is a backend call made through a net/http transport (not
// the gateway's own h2c client): its timeout, the bound on its resends,
// and the response body, whose Close ends the call's context.
type transportCall struct {
	sentAt   time.Time
	timedOut atomic.Bool
	cancel   context.CancelFunc
	trace    httptrace.ClientTrace
	// h1: the request went to the HTTP/1.1 transport (set by
	// backendGroup.roundTrip before it sends); tries counts the
	// connections that transport took for it; stopped: a resend on a
	// kept-alive connection was stopped before anything was written.
	h1      bool
	tries   int
	stopped bool
	body    io.ReadCloser
}

func (c *transportCall) expire() { c.timedOut.Store(true); c.cancel() }

// gotConn bounds net/http's resends of an HTTP/1.1 request. Its
// Transport sends a request without a body (GET, HEAD, OPTIONS) again
// when a kept-alive connection fails before any answer — closed by the
// backend's idle timeout just as the request went out (the reason for
// it), but also when the backend closes the connection on that request —
// and again on each idle connection it holds for the host, then on a new
// one: a backend that reset one GET in four saw 2.9 times the GETs the
// clients sent (40 clients, session 30); with the 256 idle connections
// h1 keeps per host, one GET could reach it 257 times. API Gateway's
// documentation says nothing of resending integration requests. Here a
// request reaches the backend at most twice: a resend on a kept-alive
// connection is stopped before it is written (that connection closed,
// the context canceled), and send resends it once on a new connection,
// where the Transport never resends.
func (c *transportCall) gotConn(info httptrace.GotConnInfo) {
	if !c.h1 {
		return
	}
	c.tries++
	if c.tries > 1 && info.Reused {
		c.stopped = true
		c.cancel()
		info.Conn.Close()
	}
}

func (c *transportCall) Read(p []byte) (int, error) { return c.body.Read(p) }

func (c *transportCall) Close() error { err := c.body.Close(); c.cancel(); return err }

// sent classifies a backend call's outcome.
func (rs *reqState) sent(resp *http.Response, timedOut bool, err error) (*http.Response, errKind, error) {
	switch {
	case err == nil:
		return resp, errNone, nil
	case timedOut:
		return nil, errTimeout, err
	case rs.tooLarge:
		return nil, errTooLarge, err
	}
	return nil, errBadGateway, err
}

// dropInvalidHeaders removes header values that cannot be sent (CR, LF or
// another control character, which only a mapping — a decoded query
// parameter, a template's override — can produce) and logs each. HTTP/1.1
// and HTTP/2 backends thus see the same request, without the header.
func (rs *reqState) dropInvalidHeaders(h http.Header) {
	for k, vv := range h {
		for _, v := range vv {
			if h2.ValidFieldValue(v) {
				continue
			}
			keep := make([]string, 0, len(vv)-1)
			for _, v := range vv {
				if h2.ValidFieldValue(v) {
					keep = append(keep, v)
				}
			}
			if len(keep) == 0 {
				delete(h, k)
			} else {
				h[k] = keep
			}
			rs.g.log.Warn("integration request header not sent: its value contains CR, LF or another control character",
				slog.String("header", k), slog.String("method", rs.method), slog.String("path", rs.r.URL.Path),
				slog.String("requestId", rs.requestID()))
			break
		}
	}
}

// serveProxy runs an HTTP_PROXY integration: method, headers, query and
// body go through, streamed both ways.
//
// A request without a body to an endpoint that may detach (endpoint.detach)
// runs here on the HTTP/2 connection's reader goroutine: it sends the
// backend request without waiting (h2.Client.Start) and returns
// errDetached; the backend connection's reader then answers the client
// (proxied) and ends the request (finishDetached). A request thus costs
// no goroutine and no hand-off between goroutines; responses are flushed
// once per batch on both legs.
func (g *Gateway) serveProxy(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	var buffered io.ReadCloser
	if ep.paramsReadBody || ep.httpParams != nil && ep.httpParams.reqBody {
		// A mapping selects from the body: it is read whole (up to the
		// payload limit) and sent on from memory.
		body, kind := g.readBody(w, r)
		if kind != errNone {
			return rs.fail(kind, "reading the request body")
		}
		rs.mapBody = body
		if body != nil {
			buffered = io.NopCloser(bytes.NewReader(body))
		}
	}
	bc := backendCall{method: ep.intMethod, url: ep.buildURL(rs, true), length: r.ContentLength}
	if buffered != nil {
		bc.body, bc.length = buffered, int64(len(rs.mapBody))
	}
	if bc.method == "" {
		bc.method = r.Method
	}
	hdr := headerPool.Get().(http.Header)
	bc.pooled = true
	for k, vv := range r.Header {
		if !droppedIntegrationHeader(k) {
			hdr[k] = vv
		}
	}
	if c := r.Header["Connection"]; len(c) > 0 {
		dropConnectionTokens(hdr, c)
	}
	rs.forwardHeaders(hdr)
	bc.header = hdr
	// Only a header mapping can produce a value that cannot be sent.
	bc.validHeaders = !ep.mapsHeaders()
	if hp := ep.httpParams; hp != nil {
		bc.host = hp.applyRequest(rs, hdr, bc.url, rs.mapBody)
		bc.validHeaders = false
	}
	if bc.body == nil && r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		bc.body = g.uploadBody(w, r)
		if max := g.cfg.MaxBodyBytes; max > 0 && r.ContentLength < 0 {
			bc.body = &limitedBody{rc: bc.body, n: max, flag: &rs.tooLarge}
		}
	}
	if ep.detach && bc.body == nil && h2.Detach(w) {
		if !rs.startBackend(w, &bc) {
			// Not sendable without waiting (the first request dials,
			// or the writer is busy): a goroutine sends it.
			h2.Blocking(w)
			go g.proxyDetached(w, rs, bc)
		}
		return errDetached
	}
	return g.proxyBlocking(w, rs, &bc)
}

// errDetached is serveProxy's error when the request goes on elsewhere
// (h2.Detach): serveHTTP leaves its end to finishDetached.
var errDetached = errors.New("request detached")

// proxyBlocking sends the backend call and relays its response.
func (g *Gateway) proxyBlocking(w http.ResponseWriter, rs *reqState, bc *backendCall) error {
	resp, kind, err := rs.send(bc)
	if kind != errNone {
		return rs.fail(kind, backendFailure(rs, kind, err))
	}
	return g.relay(w, rs, resp)
}

// proxyDetached runs a detached request's backend call on a goroutine of
// its own.
func (g *Gateway) proxyDetached(w http.ResponseWriter, rs *reqState, bc backendCall) {
	defer g.recoverDetached(w, rs)
	g.finishDetached(w, rs, g.proxyBlocking(w, rs, &bc))
}

// retryDetached sends a detached request again, on a goroutine of its own
// (its first connection was closing).
func (g *Gateway) retryDetached(w http.ResponseWriter, rs *reqState) {
	defer g.recoverDetached(w, rs)
	g.finishDetached(w, rs, g.serveProxy(w, rs.r, rs))
}

// relayDetached relays a response whose body is still coming, on a
// goroutine of its own.
func (g *Gateway) relayDetached(w http.ResponseWriter, rs *reqState, resp *http.Response) {
	defer g.recoverDetached(w, rs)
	err := g.relay(w, rs, resp)
	h2.ReleaseHeader(resp) // copied into the answer's header map
	g.finishDetached(w, rs, err)
}

// startBackend sends a detached request's backend call through the h2c
// client without waiting (h2.Client.Start); false: nothing was sent.
func (rs *reqState) startBackend(w http.ResponseWriter, bc *backendCall) bool {
	ep := rs.ep
	cl := ep.backend.readyClient()
	if cl == nil {
		return false
	}
	rs.breq = http.Request{
		Method: bc.method, URL: bc.url, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: bc.header, Body: http.NoBody, Host: ep.target.host,
	}
	if !bc.validHeaders {
		rs.dropInvalidHeaders(bc.header)
	}
	rs.w = w
	if rs.onBackend == nil {
		rs.onBackend = rs.backendDone
	}
	ok := cl.Start(rs.r.Context(), &rs.breq, ep.timeout, rs.onBackend)
	if ok {
		// Encoded by Start: the map serves again.
		clear(bc.header)
		headerPool.Put(bc.header)
		bc.header, bc.pooled = nil, false
	}
	return ok
}

// backendDone is startBackend's callback (reqState.onBackend).
func (rs *reqState) backendDone(resp *http.Response, err error) {
	rs.g.proxied(rs.w, rs, resp, err)
}

// proxied takes a detached request's backend response (or failure), on
// the goroutine that learned it: most often the backend connection's
// reader, which must not block. A response whose body is all buffered is
// relayed there; any other goes on from a goroutine.
func (g *Gateway) proxied(w http.ResponseWriter, rs *reqState, resp *http.Response, err error) {
	// A panic here must not end the backend connection's reader.
	defer g.recoverDetached(w, rs)
	if err != nil {
		if h2.IsUnprocessed(err) {
			// The connection was closing: Do would send it again,
			// on a connection it may have to dial.
			h2.Blocking(w)
			go g.retryDetached(w, rs)
			return
		}
		_, kind, err := rs.sent(nil, errors.Is(err, h2.ErrTimeout), err)
		g.finishDetached(w, rs, rs.fail(kind, backendFailure(rs, kind, err)))
		return
	}
	resp.Request = nil
	if !h2.BodyBuffered(resp) {
		h2.Blocking(w)
		go g.relayDetached(w, rs, resp)
		return
	}
	err = g.relay(w, rs, resp)
	h2.ReleaseHeader(resp) // copied into the answer's header map
	g.finishDetached(w, rs, err)
}

// finishDetached ends a detached request as serveHTTP ends the others:
// the answer for err, the access log line, the stream's end (a reset
// when the request was aborted).
func (g *Gateway) finishDetached(w http.ResponseWriter, rs *reqState, err error) {
	if err != nil {
		g.answer(w, rs, err)
	}
	g.accessLog(rs)
	g.stageLog(rs, w)
	if rs.aborted {
		h2.Abort(w)
	}
	h2.Finish(w)
	rs.r, rs.w, rs.breq, rs.event = nil, nil, http.Request{}, nil
	statePool.Put(rs)
}

// recoverDetached is recoverPanic for a detached request (deferred by
// whatever runs it): the panic is logged and the stream reset, and the
// goroutine — often a backend connection's reader — goes on. rs is not
// pooled again.
func (g *Gateway) recoverDetached(w http.ResponseWriter, rs *reqState) {
	p := recover()
	if p == nil {
		return
	}
	if p != http.ErrAbortHandler {
		g.log.Error("handler panic", "panic", fmt.Sprint(p), "method", rs.method, "requestId", rs.requestID(), "stack", string(debug.Stack()))
	}
	h2.Abort(w)
	h2.Finish(w)
}

// relay writes the backend's response to the client.
func (g *Gateway) relay(w http.ResponseWriter, rs *reqState, resp *http.Response) error {
	defer resp.Body.Close()
	rs.backendProto = resp.Proto
	if c := resp.Header["Connection"]; len(c) > 0 {
		dropConnectionTokens(resp.Header, c)
	}
	out := w.Header()
	// An HTTP API with CORS ignores the backend's CORS headers (its own
	// are set: httpapi_cors.go).
	ownCORS := rs.api.http != nil && rs.api.http.cors != nil
	for k, vv := range resp.Header {
		if droppedResponseHeader(k) || ownCORS && strings.HasPrefix(k, "Access-Control-") {
			continue
		}
		if to, ok := remappedResponseHeader(k); ok {
			out[to] = vv
			continue
		}
		out[k] = vv
	}
	if resp.ContentLength >= 0 {
		if v := resp.Header["Content-Length"]; len(v) == 1 && v[0] == strconv.FormatInt(resp.ContentLength, 10) {
			out["Content-Length"] = v // the backend's own value, as sent
		} else {
			out["Content-Length"] = []string{strconv.FormatInt(resp.ContentLength, 10)}
		}
	}
	status := resp.StatusCode
	var body io.Reader = resp.Body
	if hp := rs.ep.httpParams; hp != nil {
		var raw []byte
		if hp.respBody[status] {
			// A body selection reads the backend's body before the
			// answer's headers go out.
			var err error
			if raw, body, err = bufferMapped(resp.Body); err != nil {
				dropBackendHeaders(out, resp.Header)
				return rs.fail(errBadGateway, "backend body: "+err.Error())
			}
		}
		status = hp.applyResponse(rs, status, resp.Header, out, raw)
	}
	w.WriteHeader(status)
	rs.status = status
	if err := copyBody(w, body, resp.ContentLength); err != nil {
		if h2.Retract(w) {
			// Nothing reached the client yet: it gets the 502 of a
			// backend that failed before its headers (API Gateway,
			// which reads the whole body first, answers so), without
			// the backend's headers, rather than a reset.
			dropBackendHeaders(out, resp.Header)
			rs.status = 0
			return rs.fail(errBadGateway, "backend body: "+err.Error())
		}
		return rs.abort("backend body: " + err.Error())
	}
	return nil
}

// dropBackendHeaders takes the backend's headers (and Content-Length)
// out of the answer's, before the gateway answers an error instead.
func dropBackendHeaders(out, backend http.Header) {
	for k := range backend {
		if droppedResponseHeader(k) {
			continue
		}
		if to, ok := remappedResponseHeader(k); ok {
			k = to
		}
		delete(out, k)
	}
	delete(out, "Content-Length")
}

// mappedBodyLimit is how much of a backend's body an HTTP API response
// mapping's body selection reads: the HTTP API payload limit (10 MB).
const mappedBodyLimit = 10 << 20

// bufferMapped reads the backend body rc for a response mapping's body
// selection. raw is the whole body, nil when it is longer than
// mappedBodyLimit (a selection then finds nothing); rest is what goes to
// the client, the whole body either way.
func bufferMapped(rc io.Reader) (raw []byte, rest io.Reader, err error) {
	b, err := io.ReadAll(io.LimitReader(rc, mappedBodyLimit+1))
	if err != nil {
		return nil, nil, err
	}
	if len(b) > mappedBodyLimit {
		return nil, io.MultiReader(bytes.NewReader(b), rc), nil
	}
	return b, bytes.NewReader(b), nil
}

// copyBody streams src, of length size (-1: unknown), to w with a pooled
// buffer: a small one for a body known to fit it. A body of unknown
// length is flushed chunk by chunk as it arrives (event streams).
func copyBody(w http.ResponseWriter, src io.Reader, size int64) error {
	flush := size < 0
	if p, ok := h2.Buffered(src); ok {
		// All of it is here: written from the body's own buffer.
		if len(p) > 0 {
			w.Write(p) // an error is the client's going away
		}
		return nil
	}
	pool := &bufPool
	if size >= 0 && size <= smallBufSize {
		// A thousand busy connections waiting for small bodies held
		// 32 KiB each.
		pool = &smallBufPool
	}
	bp := pool.Get().(*[]byte)
	defer pool.Put(bp)
	buf := *bp
	f, canFlush := w.(http.Flusher)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil // the client went away; nothing to tell it
			}
			if flush && canFlush {
				f.Flush()
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// uploadBody returns r's body; for HTTP/1.1, each read must make progress
// within Config.StallTimeout, so a client that stops sending cannot pin
// the request (the HTTP/2 engine does the same per stream).
func (g *Gateway) uploadBody(w http.ResponseWriter, r *http.Request) io.ReadCloser {
	if r.ProtoMajor != 1 {
		return r.Body
	}
	return &deadlineBody{ReadCloser: r.Body, ctl: http.NewResponseController(w), d: g.cfg.StallTimeout}
}

type deadlineBody struct {
	io.ReadCloser
	ctl *http.ResponseController
	d   time.Duration
}

func (d *deadlineBody) Read(p []byte) (int, error) {
	d.ctl.SetReadDeadline(time.Now().Add(d.d))
	return d.ReadCloser.Read(p)
}

// backendFailure says why a backend call failed, for the access log: a
// timeout names the integration's limit rather than the context error it
// surfaces as.
func backendFailure(rs *reqState, kind errKind, err error) string {
	if kind == errTimeout && rs.ep != nil {
		return fmt.Sprintf("integration timed out after %d ms (TimeoutInMillis)", rs.ep.timeout.Milliseconds())
	}
	return "backend: " + err.Error()
}
