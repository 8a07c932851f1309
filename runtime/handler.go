package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/uuid4"
	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/lambda"
	"github.com/cfnrun/cfnrun/runtime/vtl"
)

// reqState is everything one request needs beyond the compiled version.
// It is pooled: the hot path allocates no per-request bookkeeping.
type reqState struct {
	// cw counts the response body for a stage access log's
	// $context.responseLength (countingWriter); unused otherwise.
	cw countingWriter

	// mapBody is the request body when a parameter mapping selects from
	// it (read whole before the integration request is built); mapDoc
	// its JSON, decoded once when first needed.
	mapBody    []byte
	mapDoc     vtl.Document
	mapDocDone bool

	g      *Gateway
	r      *http.Request
	method string
	start  time.Time
	ids    string // requestId (36) + apigwId (16)

	route

	status       int
	backendProto string
	reason       string
	tooLarge     bool
	aborted      bool         // the stream is reset after the access log line
	gerr         gatewayError // the answer rs.fail records
	// authRes is what the method's Lambda authorizer returned (its
	// principalId and context), nil without one.
	authRes *authResult
	// hauthRes is what an HTTP API route's authorizer (JWT or Lambda)
	// decided, nil without one.
	hauthRes *httpAuthResult
	access   accessState

	// breq is a detached request's backend request (startBackend), w
	// its response writer, and onBackend the callback that answers it,
	// bound to this reqState once: it survives the pool, so that a
	// detached call allocates neither a request nor a closure.
	breq      http.Request
	w         http.ResponseWriter
	onBackend func(*http.Response, error)
	// event is a detached AWS_PROXY request's pooled event buffer and
	// onLambda its callback (lambdaDone), bound once as onBackend is.
	event    *[]byte
	onLambda func(lambda.Result, error)
	// fwd holds the X-Forwarded-* and X-Amzn-Trace-Id values of the
	// backend request (forwardHeaders).
	fwd [4]string
	// burl is the backend request's URL (endpoint.buildURLOverride).
	burl url.URL

	// resolved: route, rkind and rreason are resolve's result already
	// (inlineOK worked them out for the HTTP/2 engine and left rs with
	// the stream, h2.SetHint).
	resolved bool
	rkind    errKind
	rreason  string
}

// route is what resolve decides for a request.
type route struct {
	api   *capi
	stage *cstage
	ep    *endpoint
	node  *rnode
	// rest is the escaped request path after the stage ("/pets/1").
	rest string
	// domain is true for a request to a custom domain name; base is
	// then its mapping's base path ("/v1", or "" for the domain's root).
	// The path events and $context.path carry is base+rest.
	domain bool
	base   string
	ps     params
}

var statePool = sync.Pool{New: func() any { return new(reqState) }}

// reset readies a pooled reqState for request r: all zero but the
// callbacks bound to it once. (Zeroing in place: assigning a composite
// literal built the 1,200-byte value on the stack and copied it, ~5% of a
// MOCK request's instructions.)
func (rs *reqState) reset(g *Gateway, r *http.Request) {
	onBackend, onLambda := rs.onBackend, rs.onLambda
	*rs = reqState{}
	rs.g, rs.r, rs.method, rs.onBackend, rs.onLambda = g, r, r.Method, onBackend, onLambda
}

func (g *Gateway) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if g.control != nil && g.control.Match(r) {
		g.control.ServeHTTP(w, r)
		return
	}
	if v := g.cur.Load(); v != nil && v.ws != nil && g.serveWebSocket(w, r, v) {
		return
	}
	rs, _ := h2.Hint(r).(*reqState) // resolved by inlineOK
	if rs != nil {
		rs.r = r
	} else {
		rs = statePool.Get().(*reqState)
		rs.reset(g, r)
	}
	if v := g.cur.Load(); v != nil && v.countBytes {
		// A stage's access log reads the response's length: the body
		// is counted (the writer is rs's own, pooled with it).
		rs.cw = countingWriter{ResponseWriter: w}
		w = &rs.cw
	}
	defer g.recoverPanic(rs)
	rs.start = g.requestTime(r)
	rs.newIDs()
	if !h2.SetHeader(w, h2.SlotRequestID, rs.requestID()) {
		h := w.Header()
		vals := make([]string, 2)
		vals[0], vals[1] = rs.requestID(), rs.apigwID()
		h["x-amzn-RequestId"] = vals[0:1:1]
		h["x-amz-apigw-id"] = vals[1:2:2]
	} else {
		h2.SetHeader(w, h2.SlotApigwID, rs.apigwID())
	}

	if err := g.handle(w, r, rs); err != nil {
		if err == errDetached {
			return // finishDetached ends it
		}
		g.answer(w, rs, err)
	}
	g.accessLog(rs)
	g.stageLog(rs, w)
	if rs.aborted {
		panic(http.ErrAbortHandler)
	}
	rs.r, rs.cw = nil, countingWriter{} // the pool keeps neither
	statePool.Put(rs)
}

// requestTime is when r started: the time the HTTP/2 engine read it
// (h2.Arrived: one clock read per socket read, which carries several
// requests under load), or the clock's time when a clock was given
// (tests) or r came another way.
func (g *Gateway) requestTime(r *http.Request) time.Time {
	if g.wallClock {
		if t, ok := h2.Arrived(r); ok {
			return t
		}
	}
	return g.cfg.Now()
}

// recoverPanic logs a handler panic with its stack (http.ErrAbortHandler,
// the deliberate reset, is not one) and lets the HTTP engine reset the
// stream without logging it again.
func (g *Gateway) recoverPanic(rs *reqState) {
	p := recover()
	if p == nil {
		return
	}
	if p != http.ErrAbortHandler {
		id := ""
		if len(rs.ids) >= 36 {
			id = rs.requestID()
		}
		g.log.Error("handler panic", "panic", fmt.Sprint(p), "method", rs.method, "path", rs.r.URL.Path, "requestId", id, "stack", string(debug.Stack()))
	}
	panic(http.ErrAbortHandler)
}

// resolve decides the API, stage, resource and method of r. It is the only
// place a route is decided: the handler and the HTTP/2 engine's Inline hook
// both call it. A nil error with rt.ep set is a method to run.
func (v *version) resolve(r *http.Request, rt *route) (errKind, string) {
	if v == nil {
		return errForbidden, "no template loaded"
	}
	api, stageName, rest, more, ok := v.locate(r, rt)
	if !ok {
		return errForbidden, "no API or stage matches the URL"
	}
	rt.api = api
	if api.http != nil {
		return v.resolveHTTP(r, rt, stageName, rest, more)
	}
	st := api.stages[stageName]
	if st == nil {
		return errForbidden, "no such stage"
	}
	rt.stage, rt.rest = st, rest
	h2off := r.ProtoMajor == 2 && !st.http2
	if h2off && len(more) == 0 {
		return errNone, ""
	}
	n := st.root.match(rest, &rt.ps)
	var ep *endpoint
	if n != nil {
		ep = n.endpointFor(r.Method)
	}
	if ep == nil && len(more) > 0 && fallThrough(r, rt, more, stageName, rest) {
		return errNone, ""
	}
	if h2off {
		rt.ps.n = 0
		return errNone, ""
	}
	if n == nil {
		return errMissingAuth, "no resource matches the path"
	}
	rt.node = n
	if ep == nil {
		return errMissingAuth, "the resource has no such method"
	}
	rt.ep = ep
	return errNone, ""
}

// fallThrough serves a path-style request (/{stage}/...) that the first
// API with the stage has no method for from the next API with that stage
// that has one, as sam local start-api serves every API's routes (nested
// stacks' too) on one server; rt then names that API. With none, the first
// API answers (403 Missing Authentication Token, its gateway responses).
func fallThrough(r *http.Request, rt *route, more []*capi, stageName, rest string) bool {
	for _, a := range more {
		st := a.stages[stageName]
		var ps params
		n := st.root.match(rest, &ps)
		if n == nil {
			continue
		}
		ep := n.endpointFor(r.Method)
		if ep == nil {
			continue
		}
		rt.api, rt.stage, rt.rest = a, st, rest
		if r.ProtoMajor == 2 && !st.http2 {
			return true // refused as HTTP/1.1 only
		}
		rt.node, rt.ep, rt.ps = n, ep, ps
		return true
	}
	return false
}

// handle resolves the request, checks what the method requires of it, and
// runs the integration. An error is the gateway's answer (see answer).
func (g *Gateway) handle(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	kind, reason := rs.rkind, rs.rreason
	if !rs.resolved {
		kind, reason = g.cur.Load().resolve(r, &rs.route)
	}
	if rs.api != nil && rs.api.http != nil {
		return g.handleHTTPAPI(w, r, rs, kind, reason)
	}
	if kind != errNone {
		return rs.fail(kind, reason)
	}
	if rs.ep == nil { // an HTTP/2 request to a stage with Http2Enabled: false
		return refuseHTTP2(r, rs)
	}
	ep := rs.ep
	if ep.iam && r.Header.Get("Authorization") == "" {
		return rs.fail(errMissingAuth, "AWS_IAM and no Authorization header")
	}
	if ep.auth != nil {
		if err := g.authorize(rs); err != nil {
			return err
		}
	}
	if err := g.checkAccess(r, rs); err != nil {
		return err
	}
	if err := g.validateRequest(w, r, rs); err != nil {
		return err
	}
	if ep.fail != errNone {
		return rs.fail(ep.fail, ep.reason)
	}
	if max := g.cfg.MaxBodyBytes; max > 0 && r.ContentLength > max {
		return rs.fail(errTooLarge, "request body over the payload limit")
	}
	switch ep.typ {
	case "HTTP_PROXY":
		return g.serveProxy(w, r, rs)
	case "HTTP":
		return g.serveHTTPIntegration(w, r, rs)
	case "MOCK":
		return g.serveMock(w, r, rs)
	case "AWS_PROXY":
		return g.serveLambdaProxy(w, r, rs)
	case "AWS":
		return g.serveLambdaAWS(w, r, rs)
	}
	return rs.fail(errConfig, "integration type "+ep.typ+" is not served")
}

// inlineOK reports whether r (which has no body) can be answered without
// blocking, so the HTTP/2 engine may run it on the connection's reader
// goroutine: every answer that resolve decides alone, and the endpoints
// compile marked inline (see endpoint.inline).
//
// An inline request's handler runs next on the same goroutine: the route
// goes to it with a pooled reqState (h2.SetHint), so that it is resolved
// once (resolving twice was ~2% of a MOCK request's CPU).
func (g *Gateway) inlineOK(r *http.Request) bool {
	if g.control != nil && g.control.Match(r) {
		return false
	}
	v := g.cur.Load()
	if v != nil && v.ws != nil {
		// A WebSocket stage's @connections API waits on the connection
		// (a DELETE for the client's close frame, up to 5 s; a POST
		// for a client slow to read): never on the reader of the
		// HTTP/2 connection it came on, whose other streams would wait.
		if _, rest, ok := v.locateWS(r); ok && strings.HasPrefix(rest, "/@connections/") {
			return false
		}
	}
	rs := statePool.Get().(*reqState)
	rs.reset(g, r)
	rs.resolved = true
	rs.rkind, rs.rreason = v.resolve(r, &rs.route)
	if rs.rkind != errNone || rs.ep == nil || rs.ep.inline || rs.ep.detach {
		if !h2.SetHint(r, rs) {
			statePool.Put(rs)
		}
		return true
	}
	rs.r = nil
	statePool.Put(rs)
	return false
}

// locate splits the request into API, stage and the rest of the escaped
// path, for the three URL forms cfnrun accepts:
//
//	/restapis/{apiId}/{stage}/_user_request_/{path}   (LocalStack)
//	Host: {apiId}.execute-api.localhost, /{stage}/{path}
//	/{stage}/{path}                                    (first API with that stage;
//	                                                   more: the others with it, in order)
//	Host: {custom domain}, /{basePath}/{path}          (its base path mapping; rt.domain)
func (v *version) locate(r *http.Request, rt *route) (api *capi, stage, rest string, more []*capi, ok bool) {
	if v.domains != nil {
		if routes, found := v.domainRoutes(r.Host); found {
			return locateDomain(routes, r.URL.EscapedPath(), rt)
		}
	}
	p := r.URL.EscapedPath()
	if after, found := strings.CutPrefix(p, "/restapis/"); found {
		id, after, _ := strings.Cut(after, "/")
		stage, after, _ = strings.Cut(after, "/")
		after, found = strings.CutPrefix(after, "_user_request_")
		if !found {
			return nil, "", "", nil, false
		}
		api = v.byID[id]
		return api, stage, after, nil, api != nil
	}
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	stage, rest = p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		stage, rest = p[:i], p[i:]
	}
	if i := strings.Index(r.Host, ".execute-api."); i > 0 {
		api = v.byID[r.Host[:i]]
		return api, stage, rest, nil, api != nil
	}
	owners := v.byStage[stage]
	if len(owners) == 0 {
		return v.locateDefault(r)
	}
	return owners[0], stage, rest, owners[1:], true
}

const hexDigits = "0123456789abcdef"
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newIDs makes the request id (a version 4 UUID, as AWS sends) and the
// x-amz-apigw-id (16 characters) in one allocation, with the
// X-Amzn-Trace-Id that integrations send (traceID) unless the route is
// known to be a MOCK: one allocation for the three. The UUID takes two
// draws of the runtime's random source; the apigw id's bits are mixed
// from them (SplitMix64's finaliser), which spares two more draws.
func (rs *reqState) newIDs() {
	if rs.ep != nil && rs.ep.typ == "MOCK" {
		rs.ids = newIDs()
		return
	}
	var b [idsLen + traceLen]byte
	randomIDs((*[idsLen]byte)(b[:idsLen]))
	formatTraceUUID((*[traceLen]byte)(b[idsLen:]), rs.start, (*[36]byte)(b[:36]))
	rs.ids = string(b[:])
}

// idsLen is the length of newIDs' two ids.
const idsLen = 52

// newIDs returns a request id (36 bytes) followed by an x-amz-apigw-id
// (16), as reqState.ids holds them.
func newIDs() string {
	var b [idsLen]byte
	randomIDs(&b)
	return string(b[:])
}

// randomIDs writes newIDs' two ids.
func randomIDs(b *[idsLen]byte) {
	a, c := rand.Uint64(), rand.Uint64()
	d := mix64(a ^ (c<<32 | c>>32))
	formatIDs(b, a, c, d, mix64(d))
}

// mix64 is SplitMix64's finaliser: every output bit depends on every input
// bit.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// idChars64 is idChars with two letters again, so that a character is six
// bits of a word (a division by 62 a character cost ~25 instructions).
const idChars64 = idChars + "Qg"

// formatIDs writes newIDs' two ids from random bits: the UUID from a and
// c (uuid4.Format), the apigw id's 15 letters and digits from d (10, six
// bits each) and e (5), then "=".
func formatIDs(b *[52]byte, a, c, d, e uint64) {
	uuid4.Format((*[36]byte)(b[:36]), a, c)
	for i := 36; i < 46; i++ {
		b[i] = idChars64[d&63]
		d >>= 6
	}
	for i := 46; i < 51; i++ {
		b[i] = idChars64[e&63]
		e >>= 6
	}
	b[51] = '='
}

func (rs *reqState) requestID() string { return rs.ids[:36] }
func (rs *reqState) apigwID() string   { return rs.ids[36:idsLen] }

func (rs *reqState) stageName() string {
	if rs.stage == nil {
		return ""
	}
	return rs.stage.name
}

func (rs *reqState) resourcePath() string {
	if rs.node == nil {
		return ""
	}
	return rs.node.path
}

// contextValue returns $context.name for parameter mappings.
func (rs *reqState) contextValue(name string) string {
	r := rs.r
	switch name {
	case "requestId":
		return rs.requestID()
	case "extendedRequestId":
		return rs.apigwID()
	case "stage":
		return rs.stageName()
	case "httpMethod":
		return rs.method
	case "resourcePath":
		return rs.resourcePath()
	case "path":
		if rs.domain {
			return rs.domainPath()
		}
		return "/" + rs.stageName() + rs.rest
	case "apiId":
		if rs.api != nil {
			return rs.api.id
		}
	case "accountId":
		return rs.g.cfg.AccountID
	case "identity.sourceIp":
		return clientIP(r)
	case "identity.userAgent":
		return r.UserAgent()
	case "identity.accessKey":
		return rs.accessKey()
	case "requestTime":
		return rs.start.UTC().Format("02/Jan/2006:15:04:05 -0700")
	case "requestTimeEpoch":
		return strconv.FormatInt(rs.start.UnixMilli(), 10)
	case "domainName":
		return r.Host
	case "domainPrefix":
		h, _, _ := strings.Cut(r.Host, ".")
		return h
	case "protocol":
		return r.Proto
	}
	if k, ok := strings.CutPrefix(name, "authorizer."); ok && rs.authRes != nil {
		return rs.authRes.value(k)
	}
	return ""
}

func (rs *reqState) vtlContext() map[string]any {
	r := rs.r
	return map[string]any{
		"requestId":         rs.requestID(),
		"extendedRequestId": rs.apigwID(),
		"stage":             rs.stageName(),
		"httpMethod":        rs.method,
		"resourcePath":      rs.resourcePath(),
		"path":              rs.contextValue("path"),
		"apiId":             rs.contextValue("apiId"),
		"accountId":         rs.g.cfg.AccountID,
		"identity":          rs.vtlIdentity(),
		"requestTime":       rs.contextValue("requestTime"),
		"requestTimeEpoch":  rs.start.UnixMilli(),
		"domainName":        r.Host,
		"domainPrefix":      rs.contextValue("domainPrefix"),
		"protocol":          r.Proto,
		"authorizer":        rs.authRes.vtlMap(),
	}
}

// vtlIdentity is $context.identity in templates: what cfnrun knows of it.
func (rs *reqState) vtlIdentity() map[string]any {
	id := map[string]any{"sourceIp": clientIP(rs.r), "userAgent": rs.r.UserAgent()}
	if k := rs.accessKey(); k != "" {
		id["accessKey"] = k
	}
	return id
}

// accessKey is $context.identity.accessKey: for a method with AWS_IAM
// authorization, the access key id in the Credential of the request's
// SigV4 Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/date/
// region/service/aws4_request, SignedHeaders=..., Signature=..."), as API
// Gateway fills it once the signature checks out; "" otherwise. cfnrun
// does not check the signature (it has no secret key to check it with),
// and fills none of what API Gateway learns from IAM about the key's
// principal (accountId, caller, user, userArn, principalOrgId): those
// need IAM's record of the key, so they stay null.
func (rs *reqState) accessKey() string {
	if rs.ep == nil || !rs.ep.iam {
		return ""
	}
	return sigV4AccessKey(rs.r.Header.Get("Authorization"))
}

// sigV4AccessKey returns the access key id of a SigV4 Authorization header
// value, or "" when the value is not one.
func sigV4AccessKey(auth string) string {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return ""
	}
	i := strings.Index(rest, "Credential=")
	if i < 0 {
		return ""
	}
	key, _, ok := strings.Cut(rest[i+len("Credential="):], "/")
	if !ok || key == "" || len(key) > 128 { // IAM's AccessKeyId: [\w]{16,128}; any \w here (local keys such as "test")
		return ""
	}
	for j := 0; j < len(key); j++ {
		if c := key[j]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return ""
		}
	}
	return key
}

func clientIP(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// stageLog writes rs's line to the stage's access log, when the stage has
// one.
func (g *Gateway) stageLog(rs *reqState, w http.ResponseWriter) {
	if rs.stage == nil || rs.stage.logFormat == nil || g.cfg.StageLog == nil {
		return
	}
	line := rs.stage.logFormat.render(make([]byte, 0, 256), rs, w, g.cfg.Now())
	g.stageLogMu.Lock()
	g.cfg.StageLog.Write(line)
	g.stageLogMu.Unlock()
}

// accessLog writes one record per request.
func (g *Gateway) accessLog(rs *reqState) {
	ctx := context.Background()
	r := rs.r
	level := slog.LevelInfo
	if r.Context().Err() != nil {
		// The client reset the stream or closed the connection before
		// its answer: a line each would let a client flood the log
		// (rapid reset); the HTTP/2 engine logs an abusive connection
		// once instead.
		level = slog.LevelDebug
	}
	if !g.log.Enabled(ctx, level) {
		return
	}
	attrs := [...]slog.Attr{
		slog.String("method", rs.method),
		slog.String("path", r.URL.Path),
		slog.String("stage", rs.stageName()),
		slog.Int("status", rs.status),
		slog.Duration("latency", g.cfg.Now().Sub(rs.start)),
		slog.String("proto", r.Proto),
		slog.String("backend", rs.backendProto),
		slog.String("requestId", rs.requestID()),
		slog.String("reason", rs.reason),
	}
	n := len(attrs)
	if rs.reason == "" {
		n--
	}
	g.log.LogAttrs(ctx, level, "request", attrs[:n]...)
}

// missingParams lists, comma-separated, the required parameters the
// request lacks (as API Gateway's request validator names them).
func (rs *reqState) missingParams() string {
	r := rs.r
	var missing []string
	for _, p := range rs.ep.required {
		kind, name, _ := strings.Cut(p, ".")
		var ok bool
		switch kind {
		case "querystring", "multivaluequerystring":
			// Included and not blank, as the header's: ?q= is missing
			// ("API Gateway verifies ... the required request
			// parameters ... are included and not blank").
			ok = slices.ContainsFunc(r.URL.Query()[name], func(v string) bool { return v != "" })
		case "header", "multivalueheader":
			ok = r.Header.Get(name) != ""
		case "path":
			_, ok = rs.ps.get(name)
		default:
			ok = true
		}
		if !ok {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}
