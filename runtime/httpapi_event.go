package runtime

// The Lambda proxy integration of HTTP APIs: the payload format 2.0 event
// and how API Gateway reads the function's answer, and format 1.0 (the REST
// event with "version": "1.0"). Written from the API Gateway developer
// guide ("Create AWS Lambda proxy integrations for HTTP APIs": payload
// format differences, the 2.0 structure, the response format and its
// inference) and checked against events AWS recorded (aws-lambda-go's
// events/testdata/apigw-v2-request-*.json).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// httpEvent is what a payload format 2.0 event is made of.
type httpEvent struct {
	r                  *http.Request
	routeKey           string
	stage              string
	rawPath            string // the escaped request path, stage prefix included
	params             *params
	stageVars          map[string]string
	requestID          string
	apiID, accountID   string
	start              time.Time
	sourceIP           string
	forwardedFor       string
	forwardedPort      string
	forwardedProto     string
	traceID            string
	body               []byte
	authorizer         []byte // requestContext.authorizer as JSON, nil for none
	startTimeFormatted []byte
}

// droppedV2Header: request headers the 2.0 event does not carry in headers
// (hop-by-hop ones, Cookie, which goes to cookies, and the ones the gateway
// sets itself).
func droppedV2Header(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade",
		"Proxy-Authenticate", "Proxy-Authorization", "Host", "Cookie",
		"X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto":
		return true
	}
	return false
}

// appendHTTPEvent appends the payload format 2.0 event JSON to b. Header
// names are lower case and repeated headers (and query parameters) are
// joined with commas; absent parts are left out, not null, as AWS writes
// them.
func appendHTTPEvent(b []byte, e *httpEvent) []byte {
	r := e.r
	b = append(b, `{"version":"2.0","routeKey":`...)
	b = appendJSONString(b, e.routeKey)
	b = append(b, `,"rawPath":`...)
	b = appendJSONString(b, e.rawPath)
	b = append(b, `,"rawQueryString":`...)
	b = appendJSONString(b, r.URL.RawQuery)
	if cs := r.Header["Cookie"]; len(cs) > 0 {
		b = append(b, `,"cookies":[`...)
		n := 0
		for _, line := range cs {
			for _, c := range strings.Split(line, ";") {
				if c = strings.TrimSpace(c); c == "" {
					continue
				}
				if n > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, c)
				n++
			}
		}
		b = append(b, ']')
	}
	// Headers.
	type kv struct{ k, v string }
	hs := make([]kv, 0, len(r.Header)+5)
	conn := r.Header["Connection"]
	for k, vs := range r.Header {
		if droppedV2Header(k) || (len(conn) > 0 && namedByConnection(conn, k)) {
			continue
		}
		hs = append(hs, kv{strings.ToLower(k), strings.Join(vs, ",")})
	}
	hs = append(hs, kv{"host", r.Host}, kv{"x-forwarded-for", e.forwardedFor},
		kv{"x-forwarded-port", e.forwardedPort}, kv{"x-forwarded-proto", e.forwardedProto})
	if _, ok := r.Header["X-Amzn-Trace-Id"]; !ok && e.traceID != "" {
		hs = append(hs, kv{"x-amzn-trace-id", e.traceID})
	}
	if _, ok := r.Header["Content-Length"]; !ok && len(e.body) > 0 {
		hs = append(hs, kv{"content-length", strconv.Itoa(len(e.body))})
	}
	slices.SortFunc(hs, func(a, c kv) int { return strings.Compare(a.k, c.k) })
	b = append(b, `,"headers":{`...)
	for i, h := range hs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, h.k)
		b = append(b, ':')
		b = appendJSONString(b, h.v)
	}
	b = append(b, '}')
	// Query string: decoded, repeated keys joined with commas, in the
	// order of first appearance.
	if pairs := parseQuery(nil, r.URL.RawQuery); len(pairs) > 0 {
		var keys []string
		vals := map[string][]string{}
		for _, p := range pairs {
			if _, ok := vals[p.k]; !ok {
				keys = append(keys, p.k)
			}
			vals[p.k] = append(vals[p.k], p.v)
		}
		b = append(b, `,"queryStringParameters":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, strings.Join(vals[k], ","))
		}
		b = append(b, '}')
	}
	// Path parameters, decoded ("API Gateway decodes URL-encoded request
	// parameters before passing them to your backend integration").
	if e.params != nil && e.params.n > 0 {
		b = append(b, `,"pathParameters":{`...)
		for i, p := range e.params.ps[:e.params.n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, p.name)
			b = append(b, ':')
			v := strings.TrimSuffix(p.value, "/")
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			b = appendJSONString(b, v)
		}
		b = append(b, '}')
	}
	// requestContext.
	b = append(b, `,"requestContext":{"accountId":`...)
	b = appendJSONString(b, e.accountID)
	b = append(b, `,"apiId":`...)
	b = appendJSONString(b, e.apiID)
	if e.authorizer != nil {
		b = append(b, `,"authorizer":`...)
		b = append(b, e.authorizer...)
	}
	b = append(b, `,"domainName":`...)
	b = appendJSONString(b, r.Host)
	b = append(b, `,"domainPrefix":`...)
	prefix, _, _ := strings.Cut(r.Host, ".")
	if i := strings.IndexByte(prefix, ':'); i >= 0 {
		prefix = prefix[:i]
	}
	b = appendJSONString(b, prefix)
	b = append(b, `,"http":{"method":`...)
	b = appendJSONString(b, r.Method)
	b = append(b, `,"path":`...)
	p := e.rawPath
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	b = appendJSONString(b, p)
	b = append(b, `,"protocol":`...)
	b = appendJSONString(b, r.Proto)
	b = append(b, `,"sourceIp":`...)
	b = appendJSONString(b, e.sourceIP)
	b = append(b, `,"userAgent":`...)
	b = appendJSONString(b, r.UserAgent())
	b = append(b, `},"requestId":`...)
	b = appendJSONString(b, e.requestID)
	b = append(b, `,"routeKey":`...)
	b = appendJSONString(b, e.routeKey)
	b = append(b, `,"stage":`...)
	b = appendJSONString(b, e.stage)
	b = append(b, `,"time":"`...)
	b = append(b, e.startTimeFormatted...)
	b = append(b, `","timeEpoch":`...)
	b = strconv.AppendInt(b, e.start.UnixMilli(), 10)
	b = append(b, '}')
	if len(e.stageVars) > 0 {
		keys := make([]string, 0, len(e.stageVars))
		for k := range e.stageVars {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, `,"stageVariables":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, e.stageVars[k])
		}
		b = append(b, '}')
	}
	switch {
	case len(e.body) == 0:
		b = append(b, `,"isBase64Encoded":false}`...)
	case textBody(r.Header.Get("Content-Type"), e.body):
		b = append(b, `,"body":`...)
		b = appendJSONBytes(b, e.body)
		b = append(b, `,"isBase64Encoded":false}`...)
	default:
		b = append(b, `,"body":"`...)
		b = base64.StdEncoding.AppendEncode(b, e.body)
		b = append(b, `","isBase64Encoded":true}`...)
	}
	return b
}

// textBody reports whether an HTTP API passes a request body to the
// function as text: a text/* media type, JSON, JavaScript or XML (also
// +json and +xml suffixes), or none given with UTF-8 bytes. Anything else
// (form posts and multipart too) is base64, as HTTP APIs send it.
func textBody(contentType string, body []byte) bool {
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "":
		return utf8.Valid(body)
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", mt == "application/javascript", mt == "application/xml",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// httpEvent fills the 2.0 event of this request.
func (rs *reqState) httpEvent(body []byte) httpEvent {
	r := rs.r
	ip := clientIP(r)
	fwd := ip
	if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
		fwd = strings.Join(prior, ", ") + ", " + ip
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		port = rs.g.portString(a.Port)
	}
	raw := rs.rest
	if raw == "" {
		raw = "/"
	}
	if rs.stage.name != "$default" {
		raw = "/" + rs.stage.name + raw
	}
	ev := httpEvent{r: r, routeKey: rs.ep.routeKey, stage: rs.stage.name, rawPath: raw, params: &rs.ps,
		stageVars: rs.stage.vars, requestID: rs.apigwID(), apiID: rs.api.id, accountID: rs.g.cfg.AccountID,
		start: rs.start, sourceIP: ip, forwardedFor: fwd, forwardedPort: port, forwardedProto: proto,
		traceID: traceID(rs), body: body}
	ev.startTimeFormatted = appendRequestTime(nil, rs.start)
	if rs.hauthRes != nil {
		ev.authorizer = rs.hauthRes.event2
	}
	if ev.params.n == 1 && ev.params.ps[0].name == defaultPathParam {
		ev.params = nil
	}
	return ev
}

// serveHTTPLambda runs a Lambda proxy integration with payload format 2.0.
func (g *Gateway) serveHTTPLambda(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	ev := rs.httpEvent(body)
	payload := appendHTTPEvent(make([]byte, 0, 2048), &ev)
	res, err := g.invoke(rs, ep.fn, payload, false)
	if err != nil {
		return err
	}
	rs.backendProto = "lambda"
	if res.FunctionError != "" {
		return g.functionFailed(rs, &res)
	}
	hr, err := parseHTTPResponse(res.Payload)
	if err != nil {
		g.log.Warn("Lambda function's answer is not a payload format 2.0 response: "+err.Error(),
			slog.String("function", ep.fn), slog.String("response", truncate(res.Payload, 1024)), slog.String("requestId", rs.requestID()))
		return rs.fail(errBadGateway, "function "+ep.fn+": "+err.Error())
	}
	g.writeHTTPResponse(w, rs, hr)
	return nil
}

// serveHTTPLambda1 runs a Lambda proxy integration with payload format 1.0
// on an HTTP API: the REST event with "version": "1.0", and the REST
// response mapping.
func (g *Gateway) serveHTTPLambda1(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	ev := rs.proxyEvent(body)
	if ep.routeKey == "$default" {
		ev.resource = "$default"
	}
	if rs.hauthRes != nil {
		ev.authorizer = rs.hauthRes.event1
	}
	payload := append(make([]byte, 0, 4096), `{"version":"1.0",`...)
	payload = appendProxyEvent(payload, &ev)
	payload = slices.Delete(payload, len(`{"version":"1.0",`), len(`{"version":"1.0",`)+1) // the event's own '{'
	res, err := g.invoke(rs, ep.fn, payload, false)
	if err != nil {
		return err
	}
	return g.proxyAnswer(w, r, rs, &res)
}

// httpResponse is a function's answer to a 2.0 event, mapped to HTTP.
type httpResponse struct {
	status  int
	headers [][2]string
	cookies []string
	body    []byte
}

// parseHTTPResponse reads a function's answer as an HTTP API does with
// payload format 2.0: a JSON object with statusCode is a response
// (statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded);
// any other JSON value — an object without statusCode, a string, a number —
// is the body of a 200 with content-type application/json, as written
// ("API Gateway can infer the response format for you").
func parseHTTPResponse(p []byte) (httpResponse, error) {
	t := bytes.TrimSpace(p)
	if !json.Valid(t) {
		return httpResponse{}, errMalformedProxyResponse
	}
	inferred := httpResponse{status: 200, headers: [][2]string{{"Content-Type", "application/json"}}, body: t}
	if len(t) == 0 || t[0] != '{' {
		return inferred, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(t, &obj); err != nil {
		return httpResponse{}, errMalformedProxyResponse
	}
	sc, ok := obj["statusCode"]
	if !ok {
		return inferred, nil
	}
	var out httpResponse
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(sc))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		var s string
		if json.Unmarshal(sc, &s) != nil {
			return out, errMalformedProxyResponse
		}
		n = json.Number(s)
	}
	st, err := strconv.Atoi(string(n))
	if err != nil || st < 100 || st > 599 {
		return out, errMalformedProxyResponse
	}
	out.status = st
	if raw, ok := obj["headers"]; ok && string(raw) != "null" {
		var hs map[string]any
		if err := json.Unmarshal(raw, &hs); err != nil {
			return out, errMalformedProxyResponse
		}
		for _, k := range sortedMapKeys(hs) {
			v, ok := scalarString(hs[k])
			if !ok {
				return out, errMalformedProxyResponse
			}
			out.headers = append(out.headers, [2]string{k, v})
		}
	}
	if raw, ok := obj["multiValueHeaders"]; ok && string(raw) != "null" {
		var hs map[string][]any
		if err := json.Unmarshal(raw, &hs); err != nil {
			return out, errMalformedProxyResponse
		}
		for _, k := range sortedMapKeys(hs) {
			var vs []string
			for _, v := range hs[k] {
				s, ok := scalarString(v)
				if !ok {
					return out, errMalformedProxyResponse
				}
				vs = append(vs, s)
			}
			out.headers = append(out.headers, [2]string{k, strings.Join(vs, ",")})
		}
	}
	if raw, ok := obj["cookies"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &out.cookies); err != nil {
			return out, errMalformedProxyResponse
		}
	}
	var b64 bool
	if raw, ok := obj["isBase64Encoded"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &b64); err != nil {
			return out, errMalformedProxyResponse
		}
	}
	if raw, ok := obj["body"]; ok && string(raw) != "null" {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return out, errMalformedProxyResponse
		}
		out.body = []byte(s)
		if b64 {
			dec, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return out, errMalformedProxyResponse
			}
			out.body = dec
		}
	}
	return out, nil
}

// scalarString is a header value as API Gateway takes it: a string, a
// number or a boolean.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// writeHTTPResponse writes a 2.0 answer: the function's headers (hop-by-hop
// ones dropped, and CORS headers when the API answers CORS itself), one
// Set-Cookie per cookie, and the body.
func (g *Gateway) writeHTTPResponse(w http.ResponseWriter, rs *reqState, hr httpResponse) {
	h := w.Header()
	cors := rs.api.http.cors != nil
	for _, kv := range hr.headers {
		k := http.CanonicalHeaderKey(kv[0])
		if droppedResponseHeader(k) || cors && strings.HasPrefix(k, "Access-Control-") {
			continue
		}
		h[k] = []string{kv[1]}
	}
	for _, c := range hr.cookies {
		h["Set-Cookie"] = append(h["Set-Cookie"], c)
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = []string{"application/json"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(hr.body))}
	w.WriteHeader(hr.status)
	rs.status = hr.status
	if rs.method != "HEAD" {
		w.Write(hr.body)
	}
}
