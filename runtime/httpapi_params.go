package runtime

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// HTTP API parameter mapping ("Transform API requests and responses for
// HTTP APIs"): an integration's request parameters change the request
// before it reaches the backend, its response parameters the backend's
// answer by its status code. Keys name what to change and how:
//
//	append|overwrite|remove:header.NAME
//	append|overwrite|remove:querystring.NAME
//	overwrite:path
//	overwrite:statuscode          (responses only)
//
// Values are static text with expressions in it — $request.header.NAME,
// $request.querystring.NAME, $request.path, $request.path.NAME,
// $context.NAME, $stageVariables.NAME, and in responses
// $response.header.NAME — written bare as the whole value or as
// ${request.header.NAME} anywhere in it. A header or query string with
// several values gives them joined by commas. Body selections
// ($request.body.x, $response.body.x) are not evaluated: the compile step
// says so and the mapping is skipped.

type hpOp uint8

const (
	hpAppend hpOp = iota
	hpOverwrite
	hpRemove
)

type hpPart uint8

const (
	hpHeader hpPart = iota
	hpQuery
	hpPath
	hpStatus
)

// hpSrc is one piece of a mapping's value: literal text, or an
// expression.
type hpSrc struct {
	lit  string
	kind hpSrcKind
	name string
}

type hpSrcKind uint8

const (
	hpLit hpSrcKind = iota
	hpReqHeader
	hpReqQuery
	hpReqPath     // the whole request path
	hpReqPathPart // a path parameter
	hpContext
	hpStageVar
	hpRespHeader
)

type hpMapping struct {
	op   hpOp
	part hpPart
	name string // header (canonical) or query string name
	val  []hpSrc
}

// httpParams are an HTTP API endpoint's compiled parameter mappings.
type httpParams struct {
	req  []hpMapping
	resp map[int][]hpMapping
}

// compileHTTPParams compiles the integration's mappings; nil when it has
// none that apply. What cannot apply is reported.
func compileHTTPParams(in *model.Integration, owner string, ds *diag.Diagnostics) *httpParams {
	if len(in.RequestParameters) == 0 && len(in.ResponseMappings) == 0 {
		return nil
	}
	rng := func(k string) diag.Range { return in.Props.At(k, in.Range) }
	warn := func(prop, format string, args ...any) {
		*ds = append(*ds, diag.NewWarning(ruleIgnored, rng(prop), format, args...).WithResource(owner).
			WithHint("See \"Transform API requests and responses for HTTP APIs\" for the keys and values API Gateway takes."))
	}
	if in.Type != model.IntegrationHTTPProxy {
		warn("RequestParameters", "parameter mapping of a %s integration is not applied by cfnrun up (it applies it to HTTP_PROXY integrations)", in.Type)
		return nil
	}
	hp := &httpParams{}
	for _, k := range slices.Sorted(mapKeys(in.RequestParameters)) {
		m, why := parseHTTPMapping(k, in.RequestParameters[k], false)
		if why != "" {
			warn("RequestParameters", "request parameter %s = %s is ignored: %s", k, in.RequestParameters[k], why)
			continue
		}
		hp.req = append(hp.req, m)
	}
	for _, code := range slices.Sorted(mapKeys(in.ResponseMappings)) {
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			warn("ResponseParameters", "response parameters for %q are ignored: the key is the backend's status code, 100 to 599", code)
			continue
		}
		ms := in.ResponseMappings[code]
		for _, k := range slices.Sorted(mapKeys(ms)) {
			m, why := parseHTTPMapping(k, ms[k], true)
			if why != "" {
				warn("ResponseParameters", "response parameter %s = %s (status %s) is ignored: %s", k, ms[k], code, why)
				continue
			}
			if hp.resp == nil {
				hp.resp = map[int][]hpMapping{}
			}
			hp.resp[status] = append(hp.resp[status], m)
		}
	}
	if len(hp.req) == 0 && len(hp.resp) == 0 {
		return nil
	}
	return hp
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// parseHTTPMapping reads one key and value; why says what is wrong.
func parseHTTPMapping(key, value string, response bool) (hpMapping, string) {
	var m hpMapping
	op, target, ok := strings.Cut(key, ":")
	if !ok {
		return m, "the key must be append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path"
	}
	switch strings.ToLower(op) {
	case "append":
		m.op = hpAppend
	case "overwrite":
		m.op = hpOverwrite
	case "remove":
		m.op = hpRemove
	default:
		return m, "the operation must be append, overwrite or remove"
	}
	switch t := strings.ToLower(target); {
	case strings.HasPrefix(t, "header."):
		m.part, m.name = hpHeader, http.CanonicalHeaderKey(target[len("header."):])
	case strings.HasPrefix(t, "querystring.") && !response:
		m.part, m.name = hpQuery, target[len("querystring."):]
	case t == "path" && !response:
		m.part = hpPath
	case t == "statuscode" && response:
		m.part = hpStatus
	default:
		if response {
			return m, "a response parameter changes header.NAME or statuscode"
		}
		return m, "a request parameter changes header.NAME, querystring.NAME or path"
	}
	if (m.part == hpHeader || m.part == hpQuery) && m.name == "" {
		return m, "the key names no header or query string"
	}
	if (m.part == hpPath || m.part == hpStatus) && m.op != hpOverwrite {
		return m, "the path and the status code can only be overwritten"
	}
	if m.part == hpHeader && reservedMappingHeader(m.name) {
		return m, "API Gateway reserves header " + m.name
	}
	if m.op == hpRemove {
		return m, ""
	}
	val, why := parseHTTPMappingValue(value, response)
	if why != "" {
		return m, why
	}
	m.val = val
	return m, ""
}

// reservedMappingHeader reports the headers a mapping may not change:
// the connection's own and API Gateway's.
func reservedMappingHeader(h string) bool {
	l := strings.ToLower(h)
	switch l {
	case "connection", "content-length", "content-encoding", "transfer-encoding", "keep-alive", "te", "trailer", "upgrade",
		"proxy-authenticate", "proxy-authorization", "host", "forwarded", "via", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-port":
		return true
	}
	return strings.HasPrefix(l, "apigw-") || strings.HasPrefix(l, "x-amzn-") || strings.HasPrefix(l, "x-amz-apigw")
}

// parseHTTPMappingValue splits a value into literal text and expressions:
// ${request.header.x} anywhere, or a bare $request.header.x (its name runs
// to the first character that cannot be in one; a $ before anything but
// request, response, context or stageVariables is text).
func parseHTTPMappingValue(v string, response bool) ([]hpSrc, string) {
	var out []hpSrc
	lit := func(s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].kind == hpLit {
			out[n-1].lit += s
			return
		}
		out = append(out, hpSrc{lit: s})
	}
	for v != "" {
		i := strings.IndexByte(v, '$')
		if i < 0 || i == len(v)-1 {
			lit(v)
			break
		}
		lit(v[:i])
		v = v[i:]
		var e string
		if v[1] == '{' {
			j := strings.IndexByte(v, '}')
			if j < 0 {
				return nil, "a ${ is not closed"
			}
			e, v = v[2:j], v[j+1:]
		} else {
			j := 1
			for j < len(v) && exprByte(v[j]) {
				j++
			}
			root, _, _ := strings.Cut(v[1:j], ".")
			if root != "request" && root != "response" && root != "context" && root != "stageVariables" {
				// Not an expression: a dollar sign in the text.
				lit("$")
				v = v[1:]
				continue
			}
			e, v = v[1:j], v[j:]
		}
		src, why := httpMappingExpr(e, response)
		if why != "" {
			return nil, why
		}
		out = append(out, src)
	}
	return out, ""
}

// exprByte reports whether c can be part of a bare expression's name.
func exprByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

func httpMappingExpr(e string, response bool) (hpSrc, string) {
	root, rest, _ := strings.Cut(e, ".")
	switch {
	case root == "request" && !response:
		kind, name, _ := strings.Cut(rest, ".")
		switch kind {
		case "header":
			return hpSrc{kind: hpReqHeader, name: name}, ""
		case "querystring":
			return hpSrc{kind: hpReqQuery, name: name}, ""
		case "path":
			if name == "" {
				return hpSrc{kind: hpReqPath}, ""
			}
			return hpSrc{kind: hpReqPathPart, name: name}, ""
		case "body":
			return hpSrc{}, "cfnrun up does not evaluate request body selections ($request.body...)"
		}
	case root == "response" && response:
		kind, name, _ := strings.Cut(rest, ".")
		switch kind {
		case "header":
			return hpSrc{kind: hpRespHeader, name: name}, ""
		case "body":
			return hpSrc{}, "cfnrun up does not evaluate response body selections ($response.body...)"
		}
	case root == "context" && rest != "":
		return hpSrc{kind: hpContext, name: rest}, ""
	case root == "stageVariables" && rest != "":
		return hpSrc{kind: hpStageVar, name: rest}, ""
	}
	if response {
		return hpSrc{}, "$" + e + " is not a value a response parameter takes ($response.header.NAME, $context.NAME, $stageVariables.NAME)"
	}
	return hpSrc{}, "$" + e + " is not a value a request parameter takes ($request.header|querystring|path.NAME, $request.path, $context.NAME, $stageVariables.NAME)"
}

// value evaluates m's value for the request (and the backend's response
// headers, for a response mapping).
func (m *hpMapping) value(rs *reqState, respHeader http.Header) string {
	if len(m.val) == 1 && m.val[0].kind == hpLit {
		return m.val[0].lit
	}
	var b strings.Builder
	for _, s := range m.val {
		switch s.kind {
		case hpLit:
			b.WriteString(s.lit)
		case hpReqHeader:
			b.WriteString(strings.Join(rs.r.Header.Values(s.name), ","))
		case hpReqQuery:
			b.WriteString(strings.Join(rs.r.URL.Query()[s.name], ","))
		case hpReqPath:
			// The path after the stage, as routes see it.
			p := rs.rest
			if dec, err := url.PathUnescape(p); err == nil {
				p = dec
			}
			b.WriteString(cmp.Or(p, "/"))
		case hpReqPathPart:
			v, _ := rs.ps.get(s.name)
			b.WriteString(v)
		case hpContext:
			b.WriteString(rs.httpContextValue(s.name))
		case hpStageVar:
			b.WriteString(rs.stage.vars[s.name])
		case hpRespHeader:
			b.WriteString(strings.Join(respHeader.Values(s.name), ","))
		}
	}
	return b.String()
}

// applyRequest changes the backend request's header and URL. Every value
// is worked out from the client's request before any change is made.
func (hp *httpParams) applyRequest(rs *reqState, h http.Header, u *url.URL) {
	vals := make([]string, len(hp.req))
	for i := range hp.req {
		if hp.req[i].op != hpRemove {
			vals[i] = hp.req[i].value(rs, nil)
		}
	}
	var q url.Values
	for i, m := range hp.req {
		switch m.part {
		case hpHeader:
			switch m.op {
			case hpAppend:
				if cur := h.Get(m.name); cur != "" {
					h.Set(m.name, cur+","+vals[i])
				} else {
					h.Set(m.name, vals[i])
				}
			case hpOverwrite:
				h.Set(m.name, vals[i])
			case hpRemove:
				h.Del(m.name)
			}
		case hpQuery:
			if q == nil {
				q = u.Query()
			}
			switch m.op {
			case hpAppend:
				q.Add(m.name, vals[i])
			case hpOverwrite:
				q.Set(m.name, vals[i])
			case hpRemove:
				q.Del(m.name)
			}
		case hpPath:
			p := vals[i]
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			if dec, err := url.PathUnescape(p); err == nil {
				u.Path, u.RawPath = dec, ""
				if dec != p {
					u.RawPath = p
				}
			} else {
				u.Path, u.RawPath = p, ""
			}
		}
	}
	if q != nil {
		u.RawQuery = q.Encode()
	}
}

// applyResponse changes the answer's header for the backend's status and
// returns the status to answer with.
func (hp *httpParams) applyResponse(rs *reqState, status int, backend, out http.Header) int {
	ms := hp.resp[status]
	if len(ms) == 0 {
		return status
	}
	vals := make([]string, len(ms))
	for i := range ms {
		if ms[i].op != hpRemove {
			vals[i] = ms[i].value(rs, backend)
		}
	}
	for i, m := range ms {
		switch m.part {
		case hpHeader:
			switch m.op {
			case hpAppend:
				out[m.name] = append(slices.Clip(out[m.name]), vals[i])
			case hpOverwrite:
				out[m.name] = []string{vals[i]}
			case hpRemove:
				delete(out, m.name)
			}
		case hpStatus:
			if n, err := strconv.Atoi(strings.TrimSpace(vals[i])); err == nil && n >= 100 && n <= 599 {
				status = n
			}
		}
	}
	return status
}

// httpContextValue is $context.name of an HTTP API request: the HTTP API's
// own variables (routeKey, http.*, the authorizer's claims or context),
// else those REST APIs share.
func (rs *reqState) httpContextValue(name string) string {
	r := rs.r
	switch name {
	case "routeKey":
		return rs.ep.routeKey
	case "http.method":
		return r.Method
	case "http.path":
		return r.URL.Path
	case "http.protocol":
		return r.Proto
	case "http.sourceIp":
		return clientIP(r)
	case "http.userAgent":
		return r.UserAgent()
	}
	if k, ok := strings.CutPrefix(name, "authorizer."); ok {
		if rs.hauthRes == nil {
			return ""
		}
		var ev struct {
			JWT *struct {
				Claims map[string]any `json:"claims"`
			} `json:"jwt"`
			Lambda map[string]any `json:"lambda"`
		}
		if json.Unmarshal(rs.hauthRes.event2, &ev) != nil {
			return ""
		}
		var v any
		if c, ok := strings.CutPrefix(k, "claims."); ok && ev.JWT != nil {
			v = ev.JWT.Claims[c]
		} else if ev.Lambda != nil {
			v = ev.Lambda[k]
		}
		switch x := v.(type) {
		case nil:
			return ""
		case string:
			return x
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return rs.contextValue(name)
}
