package runtime

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The Lambda proxy integration (AWS_PROXY), REST API flavour: the event API
// Gateway sends the function (payload format 1.0) and how it maps the
// function's answer back to HTTP. Written from the API Gateway developer
// guide ("Input format of a Lambda function for proxy integration", "Output
// format ...", "Binary media types for REST APIs") and checked against
// events AWS recorded (aws-lambda-go's events/testdata, LocalStack's
// AWS-validated snapshots).

// proxyEvent is what a proxy event is made of. The handler fills it from
// the request and the compiled route; appendProxyEvent writes it.
type proxyEvent struct {
	r *http.Request
	// names spells r's header names as the client wrote them.
	names  headerSpelling
	method string
	// resource is the resource path ("/pets/{id}"); path the escaped
	// request path after the stage ("/pets/1"), as the client sent it.
	resource, path string
	// domain: the request came to a custom domain name; path is then
	// the whole request path (base path included), as requestContext's.
	domain        bool
	stage         string
	stageVars     map[string]string
	params        *params
	requestID     string
	extendedID    string
	apiID         string
	accountID     string
	resourceID    string
	deploymentID  string
	operationName string
	start         time.Time
	sourceIP      string
	// forwardedFor, forwardedPort, forwardedProto and traceID are the
	// values of the X-Forwarded-* and X-Amzn-Trace-Id headers API Gateway
	// adds (forwardedFor already includes what the client sent).
	forwardedFor, forwardedPort, forwardedProto, traceID string
	body                                                 []byte
	// binary lists the API's binaryMediaTypes (lower case).
	binary []string
	// authorizer is requestContext.authorizer as a JSON object, or nil
	// when the method has no authorizer.
	authorizer []byte
	// apiKey and apiKeyID are identity.apiKey and identity.apiKeyId: the
	// value and id of the API key the request was admitted with (from
	// x-api-key or the authorizer's usageIdentifierKey), or "" when the
	// method requires none.
	apiKey, apiKeyID string
	// accessKey is identity.accessKey: the access key id of an AWS_IAM
	// method's SigV4 signature (sigV4AccessKey), or "".
	accessKey string
}

// scratch is per-request working memory for the event writer, pooled.
type scratch struct {
	keys  []string
	pairs []queryPair
}

type queryPair struct{ k, v string }

var scratchPool = sync.Pool{New: func() any { return &scratch{keys: make([]string, 0, 32), pairs: make([]queryPair, 0, 16)} }}

// release empties sc, dropping the strings it points to, and puts it back
// in scratchPool.
func (sc *scratch) release() {
	clear(sc.keys)
	sc.keys = sc.keys[:0]
	clear(sc.pairs)
	sc.pairs = sc.pairs[:0]
	scratchPool.Put(sc)
}

// Request headers API Gateway does not pass to the function: its own
// framing, and hop-by-hop headers.
func droppedRequestHeader(k string) bool {
	switch k {
	case "Content-Length", "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer",
		"Upgrade", "Proxy-Authenticate", "Proxy-Authorization", "Host",
		"X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto":
		return true
	}
	return false
}

// namedByConnection reports whether the values of a Connection header name
// the header k: the client's hop-by-hop headers, which a gateway removes
// before it forwards the request (RFC 9110 §7.6.1), as cfnrun's HTTP
// integrations do (dropConnectionTokens). It allocates nothing: it runs
// only for the HTTP/1.1 requests that send Connection.
func namedByConnection(conn []string, k string) bool {
	for _, v := range conn {
		for v != "" {
			tok := v
			if i := strings.IndexByte(v, ','); i >= 0 {
				tok, v = v[:i], v[i+1:]
			} else {
				v = ""
			}
			if strings.EqualFold(textproto.TrimString(tok), k) {
				return true
			}
		}
	}
	return false
}

// appendProxyEvent appends the event JSON to b. Keys come in the order API
// Gateway writes them; maps (headers, query, parameters, stage variables)
// are sorted by key so events are reproducible.
func appendProxyEvent(b []byte, e *proxyEvent) []byte {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	r := e.r

	b = append(b, `{"resource":`...)
	b = appendJSONString(b, e.resource)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, e.path)
	b = append(b, `,"httpMethod":`...)
	b = appendJSONString(b, e.method)

	// Headers: the client's, then Host and the ones API Gateway adds.
	keys := sc.keys
	conn := r.Header["Connection"]
	for k := range r.Header {
		if !droppedRequestHeader(k) && (len(conn) == 0 || !namedByConnection(conn, k)) {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
	if _, ok := r.Header["X-Amzn-Trace-Id"]; !ok && e.traceID != "" {
		keys = append(keys, "X-Amzn-Trace-Id")
	}
	slices.Sort(keys)
	sc.keys = keys
	var one [1]string
	values := func(k string) []string {
		switch k {
		case "Host":
			one[0] = r.Host
		case "X-Forwarded-For":
			one[0] = e.forwardedFor
		case "X-Forwarded-Port":
			one[0] = e.forwardedPort
		case "X-Forwarded-Proto":
			one[0] = e.forwardedProto
		case "X-Amzn-Trace-Id":
			if v, ok := r.Header[k]; ok {
				return v
			}
			one[0] = e.traceID
		default:
			return r.Header[k]
		}
		return one[:]
	}
	b = append(b, `,"headers":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		vs := values(k)
		b = e.names.appendName(b, k)
		b = append(b, ':')
		v := ""
		if len(vs) > 0 {
			v = vs[len(vs)-1]
		}
		b = appendJSONString(b, v)
	}
	b = append(b, `},"multiValueHeaders":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = e.names.appendName(b, k)
		b = append(b, ":["...)
		for j, v := range values(k) {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, v)
		}
		b = append(b, ']')
	}
	b = append(b, '}')

	// Query string: the last value of each key, and all of them.
	pairs := parseQuery(sc.pairs, r.URL.RawQuery)
	sc.pairs = pairs
	if len(pairs) == 0 {
		b = append(b, `,"queryStringParameters":null,"multiValueQueryStringParameters":null`...)
	} else {
		slices.SortStableFunc(pairs, func(a, c queryPair) int { return strings.Compare(a.k, c.k) })
		b = append(b, `,"queryStringParameters":{`...)
		for i := 0; i < len(pairs); {
			j := i
			for j+1 < len(pairs) && pairs[j+1].k == pairs[i].k {
				j++
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, pairs[i].k)
			b = append(b, ':')
			b = appendJSONString(b, pairs[j].v)
			i = j + 1
		}
		b = append(b, `},"multiValueQueryStringParameters":{`...)
		for i := 0; i < len(pairs); {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, pairs[i].k)
			b = append(b, ":["...)
			j := i
			for ; j < len(pairs) && pairs[j].k == pairs[i].k; j++ {
				if j > i {
					b = append(b, ',')
				}
				b = appendJSONString(b, pairs[j].v)
			}
			b = append(b, ']')
			i = j
		}
		b = append(b, '}')
	}

	// Path parameters, escaped as in the request path; a greedy
	// parameter loses a trailing slash (AWS: /a/b/ gives proxy "a/b").
	if e.params == nil || e.params.n == 0 {
		b = append(b, `,"pathParameters":null`...)
	} else {
		b = append(b, `,"pathParameters":{`...)
		ps := e.params.ps[:e.params.n]
		for i := range ps {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, ps[i].name)
			b = append(b, ':')
			b = appendJSONString(b, strings.TrimSuffix(ps[i].value, "/"))
		}
		b = append(b, '}')
	}

	if len(e.stageVars) == 0 {
		b = append(b, `,"stageVariables":null`...)
	} else {
		keys = keys[:0]
		for k := range e.stageVars {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		sc.keys = keys
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

	b = appendRequestContext(b, e)

	// Body: base64 only when the request's Content-Type is one of the
	// API's binary media types. Otherwise it is text, as AWS documents
	// ("Content type conversions in API Gateway": no matching binary media
	// type and no contentHandling give a UTF-8 encoded string), also when
	// the bytes are not UTF-8: appendJSONBytes then writes U+FFFD for each
	// invalid byte, which is what a function reads in body. AWS's own
	// replacement is not documented (inferred: its Java stack decodes
	// with U+FFFD, one per maximal invalid subpart, so a truncated
	// multi-byte sequence may give fewer U+FFFD there than here).
	switch {
	case len(e.body) == 0:
		b = append(b, `,"body":null,"isBase64Encoded":false}`...)
	case mediaTypeIn(e.binary, r.Header.Get("Content-Type")):
		b = append(b, `,"body":"`...)
		b = base64.StdEncoding.AppendEncode(b, e.body)
		b = append(b, `","isBase64Encoded":true}`...)
	default:
		b = append(b, `,"body":`...)
		b = appendJSONBytes(b, e.body)
		b = append(b, `,"isBase64Encoded":false}`...)
	}
	return b
}

func appendRequestContext(b []byte, e *proxyEvent) []byte {
	r := e.r
	b = append(b, `,"requestContext":{"resourceId":`...)
	b = appendJSONString(b, e.resourceID)
	b = append(b, `,"resourcePath":`...)
	b = appendJSONString(b, e.resource)
	if e.operationName != "" {
		b = append(b, `,"operationName":`...)
		b = appendJSONString(b, e.operationName)
	}
	b = append(b, `,"httpMethod":`...)
	b = appendJSONString(b, e.method)
	b = append(b, `,"extendedRequestId":`...)
	b = appendJSONString(b, e.extendedID)
	b = append(b, `,"requestTime":"`...)
	b = appendRequestTime(b, e.start)
	b = append(b, `","path":"`...)
	if e.stage != model.StageDefault && !e.domain {
		// An HTTP API's $default stage has no place in the URL, so
		// none in the path (payload format 1.0); REST stage names
		// cannot be "$default".
		b = append(b, '/')
		b = appendJSONEscaped(b, e.stage)
	}
	b = appendJSONEscaped(b, e.path)
	b = append(b, '"')
	b = append(b, `,"accountId":`...)
	b = appendJSONString(b, e.accountID)
	b = append(b, `,"protocol":`...)
	b = appendJSONString(b, r.Proto)
	b = append(b, `,"stage":`...)
	b = appendJSONString(b, e.stage)
	b = append(b, `,"domainPrefix":`...)
	prefix, _, _ := strings.Cut(r.Host, ".")
	if i := strings.IndexByte(prefix, ':'); i >= 0 {
		prefix = prefix[:i]
	}
	b = appendJSONString(b, prefix)
	b = append(b, `,"requestTimeEpoch":`...)
	b = strconv.AppendInt(b, e.start.UnixMilli(), 10)
	b = append(b, `,"requestId":`...)
	b = appendJSONString(b, e.requestID)
	b = append(b, `,"identity":{"cognitoIdentityPoolId":null,"accountId":null,"cognitoIdentityId":null,"caller":null,`...)
	if e.apiKey != "" {
		b = append(b, `"apiKey":`...)
		b = appendJSONString(b, e.apiKey)
		b = append(b, `,"apiKeyId":`...)
		b = appendJSONString(b, e.apiKeyID)
		b = append(b, ',')
	}
	b = append(b, `"sourceIp":`...)
	b = appendJSONString(b, e.sourceIP)
	b = append(b, `,"principalOrgId":null,"accessKey":`...)
	if e.accessKey != "" {
		b = appendJSONString(b, e.accessKey)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"cognitoAuthenticationType":null,"cognitoAuthenticationProvider":null,"userArn":null,"userAgent":`...)
	if ua, ok := r.Header["User-Agent"]; ok && len(ua) > 0 {
		b = appendJSONString(b, ua[0])
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"user":null},"domainName":`...)
	b = appendJSONString(b, r.Host)
	b = append(b, `,"deploymentId":`...)
	b = appendJSONString(b, e.deploymentID)
	b = append(b, `,"apiId":`...)
	b = appendJSONString(b, e.apiID)
	if e.authorizer != nil {
		b = append(b, `,"authorizer":`...)
		b = append(b, e.authorizer...)
	}
	return append(b, '}')
}

// parseQuery splits a raw query into decoded pairs, in order, as API
// Gateway reads it: pairs separated by '&', '+' for space, a key without
// '=' has the value "". A malformed escape is kept as written.
func parseQuery(dst []queryPair, raw string) []queryPair {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		dst = append(dst, queryPair{unescapeQuery(k), unescapeQuery(v)})
	}
	return dst
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// mediaTypeIn reports whether contentType's media type matches one of
// list (lower-case entries, "type/*" and "*/*" wildcards allowed).
func mediaTypeIn(list []string, contentType string) bool {
	if len(list) == 0 {
		return false
	}
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	for _, l := range list {
		if l == "*/*" {
			return true
		}
		if mt == "" {
			continue
		}
		if strings.EqualFold(l, mt) {
			return true
		}
		if typ, ok := strings.CutSuffix(l, "/*"); ok && len(mt) > len(typ) && mt[len(typ)] == '/' && strings.EqualFold(mt[:len(typ)], typ) {
			return true
		}
	}
	return false
}

// binaryAccepted reports whether a base64 body a function returns goes to
// the client as binary: API Gateway decodes it when the first media type of
// the request's Accept header is one of the API's binary media types (or
// the list has */*); otherwise the client gets the base64 text.
func binaryAccepted(r *http.Request, binary []string) bool {
	if len(binary) == 0 {
		return false // most APIs: no header to look up
	}
	a := r.Header.Get("Accept")
	if i := strings.IndexByte(a, ','); i >= 0 {
		a = a[:i]
	}
	return mediaTypeIn(binary, a)
}

// proxyResponse is a function's answer mapped to HTTP.
type proxyResponse struct {
	status int
	// headers are the merged headers and multiValueHeaders, in the order
	// the function wrote them.
	headers [][2]string
	body    []byte
	// b64 is the function's isBase64Encoded.
	b64 bool
}

// errMalformedProxyResponse is a function answer API Gateway cannot read
// ("Execution failed due to configuration error: Malformed Lambda proxy
// response"); the client gets 502.
var errMalformedProxyResponse = errors.New("malformed Lambda proxy response")

// parseProxyResponse reads a function's answer as API Gateway does: a JSON
// object with at most statusCode (number or numeric string, default 200),
// headers (string or boolean values), multiValueHeaders (arrays), body
// (string or null) and isBase64Encoded, or base64Encoded, which REST APIs
// also read and prefer when it is set (aws-sam-cli#2941 found it by trials
// on AWS; aws-serverless-java-container's and Micronaut's responses carry
// it). Anything else — not JSON, not an object, another key, a header value
// of another type — is malformed.
// When both headers and multiValueHeaders name a header, API Gateway
// merges them into one list: the multiValueHeaders values, then the
// headers value unless it is one of them (the documented rule, "if the same
// key-value pair is specified in both, only the values from
// multiValueHeaders will appear"; an API Gateway console test recorded in
// aws-sam-cli#1166 answered Content-Type=application/json,text/html for
// headers text/html and multiValueHeaders [application/json]; sam local
// start-api merges the same way). decode says whether a base64 body is
// returned as binary; the body is then decoded.
func parseProxyResponse(p []byte, decode bool) (proxyResponse, error) {
	var sc respScratch
	return sc.parse(p, decode, nil)
}

// respScratch is the working memory of parsing a proxy response, pooled
// (respScratchPool) so that mapping a function's answer allocates nothing
// of its own: an arena the decoded strings are written to (a body with
// escapes, as a JSON-encoded JSON body always has) and the header lists.
// What parse returns refers to it until it is put back.
type respScratch struct {
	pooled        bool
	arena         []byte
	single, multi [][2]string
}

var respScratchPool = sync.Pool{New: func() any { return &respScratch{pooled: true} }}

// release clears sc and puts it back in the pool.
func (sc *respScratch) release() {
	clear(sc.single)
	clear(sc.multi)
	sc.single, sc.multi = sc.single[:0], sc.multi[:0]
	if cap(sc.arena) > 64<<10 {
		sc.arena = nil
	}
	if cap(sc.single)+cap(sc.multi) > 256 {
		sc.single, sc.multi = nil, nil // an answer with that many headers is rare
	}
	respScratchPool.Put(sc)
}

// parse is parseProxyResponse with sc's memory; header names and values
// come from strs (the function's, see respStrings) when it is not nil.
func (sc *respScratch) parse(p []byte, decode bool, strs *respStrings) (proxyResponse, error) {
	var out proxyResponse
	single, multi := sc.single[:0], sc.multi[:0]
	var alt, altSet bool // base64Encoded
	d := jsonReader{b: p, strs: strs}
	if sc.pooled {
		// Decoded strings are never longer than their JSON text: an
		// arena of the answer's size holds them all.
		if cap(sc.arena) < len(p) {
			sc.arena = make([]byte, 0, max(len(p), 512))
		}
		d.arena = sc.arena[:0]
	}
	if !d.object(func(key []byte) bool {
		switch string(key) {
		case "statusCode":
			return d.statusCode(&out.status)
		case "headers":
			return d.headers(&single, false)
		case "multiValueHeaders":
			return d.headers(&multi, true)
		case "body":
			v, ok := d.bodyValue()
			out.body = v
			return ok
		case "isBase64Encoded":
			return d.boolish(&out.b64)
		case "base64Encoded":
			altSet = altSet || d.peek() != 'n'
			return d.boolish(&alt)
		}
		return false
	}) || !d.end() {
		sc.single, sc.multi = single, multi
		return proxyResponse{}, errMalformedProxyResponse
	}
	sc.single, sc.multi = single, multi
	if altSet {
		out.b64 = alt
	}
	if out.status == 0 {
		out.status = http.StatusOK
	}
	out.headers = single
	if len(multi) > 0 {
		for _, h := range single {
			if !slices.ContainsFunc(multi, func(m [2]string) bool { return m[1] == h[1] && strings.EqualFold(m[0], h[0]) }) {
				multi = append(multi, h)
			}
		}
		sc.multi = multi
		out.headers = multi
	}
	if out.b64 && decode {
		dec, err := base64.StdEncoding.AppendDecode(nil, out.body)
		if err != nil {
			return proxyResponse{}, errMalformedProxyResponse
		}
		out.body = dec
	}
	return out, nil
}

// requestTimeText is the requestTime of the events of one second.
type requestTimeText struct {
	sec  int64
	text [len(requestTimeLayout)]byte
}

const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// lastRequestTime is the text of the last second an event was built in:
// the events of a second share it, where formatting it took ~2% of the
// gateway's CPU per Lambda request.
var lastRequestTime atomic.Pointer[requestTimeText]

// appendRequestTime appends t in UTC as the event's requestTime
// ("02/Jan/2006:15:04:05 +0000").
func appendRequestTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	if c := lastRequestTime.Load(); c != nil && c.sec == sec {
		return append(b, c.text[:]...)
	}
	n := len(b)
	b = t.UTC().AppendFormat(b, requestTimeLayout)
	if len(b)-n == len(requestTimeLayout) { // a four-digit year
		c := &requestTimeText{sec: sec}
		copy(c.text[:], b[n:])
		lastRequestTime.Store(c)
	}
	return b
}
