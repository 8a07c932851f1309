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
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// httpEvent is what a payload format 2.0 event is made of.
type httpEvent struct {
	r                *http.Request
	routeKey         string
	stage            string
	rawPath          string // the escaped request path, stage prefix included
	params           *params
	stageVars        map[string]string
	requestID        string
	apiID, accountID string
	start            time.Time
	sourceIP         string
	forwardedFor     string
	forwardedPort    string
	forwardedProto   string
	traceID          string
	body             []byte
	authorizer       []byte // requestContext.authorizer as JSON, nil for none
}

// compareFold orders header names as their lower-case forms sort.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			return int(ca) - int(cb)
		}
	}
	return len(a) - len(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// appendLowerName appends the header name k in lower case, JSON-escaped
// (a valid name is a token and needs none).
func appendLowerName(b []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		c := lowerASCII(k[i])
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return appendJSONEscaped(b, strings.ToLower(k))
		}
	}
	for i := 0; i < len(k); i++ {
		b = append(b, lowerASCII(k[i]))
	}
	return b
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
			for line != "" {
				var c string
				c, line, _ = strings.Cut(line, ";")
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
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	// Headers, lower case, sorted; the gateway's own after the client's.
	keys := sc.keys
	conn := r.Header["Connection"]
	for k := range r.Header {
		if !droppedV2Header(k) && (len(conn) == 0 || !namedByConnection(conn, k)) {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
	if _, ok := r.Header["X-Amzn-Trace-Id"]; !ok && e.traceID != "" {
		keys = append(keys, "X-Amzn-Trace-Id")
	}
	var clen [20]byte
	if _, ok := r.Header["Content-Length"]; !ok && len(e.body) > 0 {
		keys = append(keys, "Content-Length")
	}
	slices.SortFunc(keys, compareFold)
	sc.keys = keys
	b = append(b, `,"headers":{`...)
	var one [1]string
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		vs := r.Header[k]
		switch k {
		case "Host":
			one[0], vs = r.Host, one[:]
		case "X-Forwarded-For":
			one[0], vs = e.forwardedFor, one[:]
		case "X-Forwarded-Port":
			one[0], vs = e.forwardedPort, one[:]
		case "X-Forwarded-Proto":
			one[0], vs = e.forwardedProto, one[:]
		case "X-Amzn-Trace-Id":
			if len(vs) == 0 {
				one[0], vs = e.traceID, one[:]
			}
		case "Content-Length":
			if len(vs) == 0 {
				one[0], vs = string(strconv.AppendInt(clen[:0], int64(len(e.body)), 10)), one[:]
			}
		}
		b = append(b, '"')
		b = appendLowerName(b, k)
		b = append(b, `":"`...)
		for j, v := range vs {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONEscaped(b, v)
		}
		b = append(b, '"')
	}
	b = append(b, '}')
	// Query string: decoded, repeated keys joined with commas, in the
	// order of first appearance.
	if pairs := parseQuery(sc.pairs, r.URL.RawQuery); len(pairs) > 0 {
		sc.pairs = pairs
		b = append(b, `,"queryStringParameters":{`...)
		n := 0
		for i, p := range pairs {
			if slices.ContainsFunc(pairs[:i], func(q queryPair) bool { return q.k == p.k }) {
				continue // written with its first
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendJSONString(b, p.k)
			b = append(b, `:"`...)
			b = appendJSONEscaped(b, p.v)
			for _, q := range pairs[i+1:] {
				if q.k == p.k {
					b = append(b, ',')
					b = appendJSONEscaped(b, q.v)
				}
			}
			b = append(b, '"')
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
	b = appendRequestTime(b, e.start)
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
	ip, fwd, proto, port := rs.forwarded()
	raw := rs.rest
	if raw == "" {
		raw = "/"
	}
	if rs.domain {
		raw = rs.domainPath()
	} else if rs.stage.name != "$default" {
		raw = "/" + rs.stage.name + raw
	}
	ev := httpEvent{r: r, routeKey: rs.ep.routeKey, stage: rs.stage.name, rawPath: raw, params: &rs.ps,
		stageVars: rs.stage.vars, requestID: rs.apigwID(), apiID: rs.api.id, accountID: rs.g.cfg.AccountID,
		start: rs.start, sourceIP: ip, forwardedFor: fwd, forwardedPort: port, forwardedProto: proto,
		traceID: traceID(rs), body: body}
	if rs.hauthRes != nil {
		ev.authorizer = rs.hauthRes.event2
	} else if k := rs.accessKey(); k != "" {
		// An AWS_IAM route: what API Gateway learns from the
		// signature's credential; the rest comes from IAM's record of the
		// key, which cfnrun does not have.
		a := append(make([]byte, 0, 160), `{"iam":{"accessKey":`...)
		a = appendJSONString(a, k)
		ev.authorizer = append(a, `,"accountId":null,"callerId":null,"cognitoIdentity":null,"principalOrgId":null,"userArn":null,"userId":null}}`...)
	}
	if ev.params.n == 1 && ev.params.ps[0].name == defaultPathParam {
		ev.params = nil
	}
	return ev
}

// serveHTTPLambda runs a Lambda proxy integration with payload format 2.0.
func (g *Gateway) serveHTTPLambda(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	ev := rs.httpEvent(body)
	bp := eventPool.Get().(*[]byte)
	*bp = appendHTTPEvent((*bp)[:0], &ev)
	// Detached, lambdaDone maps a payload2 endpoint's answer with
	// httpLambdaAnswer.
	res, err := g.sendEvent(w, rs, bp, ev.traceID, len(body) == 0)
	if err != nil {
		return err
	}
	return g.httpLambdaAnswer(w, rs, &res)
}

// httpLambdaAnswer maps a payload format 2.0 invocation's Result to the
// answer.
func (g *Gateway) httpLambdaAnswer(w http.ResponseWriter, rs *reqState, res *lambda.Result) error {
	ep := rs.ep
	rs.backendProto = "lambda"
	if res.FunctionError != "" {
		return g.functionFailed(rs, res)
	}
	sc := respScratchPool.Get().(*respScratch)
	defer sc.release() // after the body was written
	hr, ok := sc.parseHTTP(res.Payload, ep.fnStrs)
	if !ok {
		var err error
		if hr, err = parseHTTPResponse(res.Payload); err != nil {
			g.log.Warn("Lambda function's answer is not a payload format 2.0 response: "+err.Error(),
				slog.String("function", ep.fn), slog.String("response", truncate(res.Payload, 1024)), slog.String("requestId", rs.requestID()))
			return rs.fail(errBadGateway, "function "+ep.fn+": "+err.Error())
		}
	}
	g.writeHTTPResponse(w, rs, hr)
	return nil
}

// parseHTTP is the allocation-free reading of the common 2.0 answer, an
// object with statusCode and the known keys only, with sc's memory (as
// respScratch.parse reads REST answers); false sends the answer to
// parseHTTPResponse, which reads every form.
func (sc *respScratch) parseHTTP(p []byte, strs *respStrings) (httpResponse, bool) {
	var out httpResponse
	hs := sc.single[:0]
	d := jsonReader{b: p, strs: strs}
	if cap(sc.arena) < len(p) {
		sc.arena = make([]byte, 0, max(len(p), 512))
	}
	d.arena = sc.arena[:0]
	var b64 bool
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "statusCode":
			return d.statusCode(&out.status)
		case "headers":
			return d.headers(&hs, false)
		case "multiValueHeaders":
			return d.headers(&hs, true)
		case "cookies":
			if d.peek() == 'n' {
				return d.literal("null")
			}
			if !d.consume('[') {
				return false
			}
			if d.consume(']') {
				return true
			}
			for {
				c, ok := d.strBytes()
				if !ok {
					return false
				}
				hs = append(hs, [2]string{"Set-Cookie", string(c)})
				if d.consume(',') {
					continue
				}
				return d.consume(']')
			}
		case "body":
			if c := d.peek(); c != '"' && c != 'n' {
				return false // the general reader says what is wrong
			}
			v, ok := d.bodyValue()
			out.body = v
			return ok
		case "isBase64Encoded":
			return d.boolish(&b64)
		}
		return false
	}) && d.end()
	sc.single = hs
	if !ok || out.status == 0 {
		return httpResponse{}, false
	}
	out.headers = hs
	if b64 {
		dec, err := base64.StdEncoding.AppendDecode(nil, out.body)
		if err != nil {
			return httpResponse{}, false
		}
		out.body = dec
	}
	return out, true
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
	status int
	// headers in the order written; each cookie is a Set-Cookie.
	headers [][2]string
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
			for _, v := range vs {
				out.headers = append(out.headers, [2]string{k, v})
			}
		}
	}
	if raw, ok := obj["cookies"]; ok && string(raw) != "null" {
		var cs []string
		if err := json.Unmarshal(raw, &cs); err != nil {
			return out, errMalformedProxyResponse
		}
		for _, c := range cs {
			out.headers = append(out.headers, [2]string{"Set-Cookie", c})
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
	// The values share one backing array, as proxyAnswer's do.
	vals := make([]string, 0, len(hr.headers)+2)
	set := func(k, v string) {
		if old, ok := h[k]; ok {
			h[k] = append(old, v)
			return
		}
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	for _, kv := range hr.headers {
		k := rs.ep.fnStrs.canonical(kv[0])
		if droppedResponseHeader(k) || cors && strings.HasPrefix(k, "Access-Control-") {
			continue
		}
		set(k, kv[1])
	}
	if _, ok := h["Content-Type"]; !ok {
		set("Content-Type", "application/json")
	}
	set("Content-Length", strconv.Itoa(len(hr.body)))
	w.WriteHeader(hr.status)
	rs.status = hr.status
	if rs.method != "HEAD" {
		w.Write(hr.body)
	}
}
