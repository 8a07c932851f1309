package runtime

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// reqState is everything one request needs beyond the compiled version.
// It is pooled: the hot path allocates no per-request bookkeeping.
type reqState struct {
	g      *Gateway
	r      *http.Request
	method string
	start  time.Time
	ids    string // requestId (36) + apigwId (16)

	api   *capi
	stage *cstage
	ep    *endpoint
	node  *rnode
	// rest is the escaped request path after the stage ("/pets/1").
	rest string
	ps   params

	status       int
	backendProto string
	reason       string
	tooLarge     bool
}

var statePool = sync.Pool{New: func() any { return new(reqState) }}

func (g *Gateway) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rs := statePool.Get().(*reqState)
	*rs = reqState{g: g, r: r, method: r.Method, start: g.cfg.Now()}
	rs.newIDs()
	h := w.Header()
	vals := make([]string, 2)
	vals[0], vals[1] = rs.requestID(), rs.apigwID()
	h["x-amzn-RequestId"] = vals[0:1:1]
	h["x-amz-apigw-id"] = vals[1:2:2]

	g.route(w, r, rs)
	g.accessLog(rs)
	rs.r = nil
	statePool.Put(rs)
}

// route finds the API, stage and endpoint, then runs the integration.
func (g *Gateway) route(w http.ResponseWriter, r *http.Request, rs *reqState) {
	v := g.cur.Load()
	if v == nil {
		rs.status, rs.reason = writeError(w, rs, nil, errForbidden), "no template loaded"
		return
	}
	api, stageName, rest, ok := v.locate(r)
	if !ok {
		rs.status, rs.reason = writeError(w, rs, nil, errForbidden), "no API or stage matches the URL"
		return
	}
	rs.api = api
	st := api.stages[stageName]
	if st == nil {
		rs.status, rs.reason = writeError(w, rs, nil, errForbidden), "no such stage"
		return
	}
	rs.stage, rs.rest = st, rest
	if r.ProtoMajor == 2 && !st.http2 {
		refuseHTTP2(r, rs)
		return
	}
	n := st.root.match(rest, &rs.ps)
	if n == nil {
		rs.status, rs.reason = writeError(w, rs, api, errMissingAuth), "no resource matches the path"
		return
	}
	rs.node = n
	ep := n.endpointFor(r.Method)
	if ep == nil {
		rs.status, rs.reason = writeError(w, rs, api, errMissingAuth), "the resource has no such method"
		return
	}
	rs.ep = ep
	if ep.iam && r.Header.Get("Authorization") == "" {
		rs.status, rs.reason = writeError(w, rs, api, errMissingAuth), "AWS_IAM and no Authorization header"
		return
	}
	if ep.apiKey && r.Header.Get("X-Api-Key") == "" {
		rs.status, rs.reason = writeError(w, rs, api, errForbidden), "ApiKeyRequired and no x-api-key header"
		return
	}
	if len(ep.required) > 0 {
		if missing := rs.missingParams(); missing != "" {
			rs.status, rs.reason = writeErrorMessage(w, rs, api, errBadParams, "Missing required request parameters: ["+missing+"]"), "request validator: missing "+missing
			return
		}
	}
	if ep.fail != errNone {
		rs.status, rs.reason = writeError(w, rs, api, ep.fail), ep.reason
		return
	}
	if max := g.cfg.MaxBodyBytes; max > 0 && r.ContentLength > max {
		rs.status, rs.reason = writeError(w, rs, api, errTooLarge), "request body over the payload limit"
		return
	}
	switch ep.typ {
	case "HTTP_PROXY":
		g.serveProxy(w, r, rs)
	case "HTTP":
		g.serveHTTPIntegration(w, r, rs)
	case "MOCK":
		g.serveMock(w, r, rs)
	}
}

// locate splits the request into API, stage and the rest of the escaped
// path, for the three URL forms cfnrun accepts:
//
//	/restapis/{apiId}/{stage}/_user_request_/{path}   (LocalStack)
//	Host: {apiId}.execute-api.localhost, /{stage}/{path}
//	/{stage}/{path}                                    (first API with that stage)
func (v *version) locate(r *http.Request) (api *capi, stage, rest string, ok bool) {
	p := r.URL.EscapedPath()
	if after, found := strings.CutPrefix(p, "/restapis/"); found {
		id, after, _ := strings.Cut(after, "/")
		stage, after, _ = strings.Cut(after, "/")
		after, found = strings.CutPrefix(after, "_user_request_")
		if !found {
			return nil, "", "", false
		}
		api = v.byID[id]
		return api, stage, after, api != nil
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
		return api, stage, rest, api != nil
	}
	api = v.byStage[stage]
	return api, stage, rest, api != nil
}

const hexDigits = "0123456789abcdef"
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newIDs makes the request id (a version 4 UUID, as AWS sends) and the
// x-amz-apigw-id (16 characters) in one allocation.
func (rs *reqState) newIDs() {
	var b [52]byte
	a, c := rand.Uint64(), rand.Uint64()
	j := 0
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
			continue
		case 14:
			b[i] = '4'
			continue
		}
		var nib uint64
		if j < 16 {
			nib = a >> (4 * j) & 0xf
		} else {
			nib = c >> (4 * (j - 16)) & 0xf
		}
		if i == 19 {
			nib = 8 | nib&3
		}
		b[i] = hexDigits[nib]
		j++
	}
	d := rand.Uint64()
	for i := 36; i < 51; i++ {
		b[i] = idChars[d%62]
		d /= 62
		if d == 0 {
			d = rand.Uint64()
		}
	}
	b[51] = '='
	rs.ids = string(b[:])
}

func (rs *reqState) requestID() string { return rs.ids[:36] }
func (rs *reqState) apigwID() string   { return rs.ids[36:] }

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
		return "/" + rs.stageName() + rs.rest
	case "apiId":
		if rs.api != nil {
			return rs.api.id
		}
	case "accountId":
		return "123456789012"
	case "identity.sourceIp":
		return clientIP(r)
	case "identity.userAgent":
		return r.UserAgent()
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
		"accountId":         "123456789012",
		"identity":          map[string]any{"sourceIp": clientIP(r), "userAgent": r.UserAgent()},
		"requestTime":       rs.contextValue("requestTime"),
		"requestTimeEpoch":  rs.start.UnixMilli(),
		"domainName":        r.Host,
		"domainPrefix":      rs.contextValue("domainPrefix"),
		"protocol":          r.Proto,
	}
}

func clientIP(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// accessLog writes one record per request.
func (g *Gateway) accessLog(rs *reqState) {
	ctx := context.Background()
	if !g.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	r := rs.r
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
	g.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs[:n]...)
}

// inlineOK reports whether r (which has no body) can be answered without
// blocking, so the HTTP/2 engine may run it on the connection's reader
// goroutine: MOCK integrations and every error answer.
func (g *Gateway) inlineOK(r *http.Request) bool {
	v := g.cur.Load()
	if v == nil {
		return true
	}
	api, stageName, rest, ok := v.locate(r)
	if !ok {
		return true
	}
	st := api.stages[stageName]
	if st == nil || !st.http2 {
		return true
	}
	var ps params
	n := st.root.match(rest, &ps)
	if n == nil {
		return true
	}
	ep := n.endpointFor(r.Method)
	return ep == nil || ep.fail != errNone || ep.typ == "MOCK"
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
			ok = r.URL.Query().Has(name)
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
