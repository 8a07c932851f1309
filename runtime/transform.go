package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/vtl"
)

// requestContentType is the request's media type, application/json when
// absent, as API Gateway selects request templates.
func requestContentType(r *http.Request) string {
	ct := getCanonical(r.Header, "Content-Type")
	if ct == "" {
		return "application/json"
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return strings.ToLower(ct)
}

// getCanonical is h.Get(key) for a key already in canonical form, as the
// request headers of net/http's servers and of the h2 engine are: Get
// canonicalises its argument on every call, ~200 of BenchmarkMock's ~6,000
// instructions per request for each of the two it made.
func getCanonical(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// selectRequestTemplate applies PassthroughBehavior. It returns the
// template (nil to pass the body through) or errUnsupportedMedia.
func (ep *endpoint) selectRequestTemplate(r *http.Request) (mappingTemplate, errKind) {
	if len(ep.reqTemplates) == 0 {
		if ep.passthrough == "NEVER" {
			return nil, errUnsupportedMedia
		}
		return nil, errNone
	}
	if t, ok := ep.reqTemplates[requestContentType(r)]; ok {
		return t, errNone
	}
	if ep.passthrough == "WHEN_NO_MATCH" {
		return nil, errNone
	}
	return nil, errUnsupportedMedia
}

// readBody reads a request body up to the payload limit.
func (g *Gateway) readBody(w http.ResponseWriter, r *http.Request) ([]byte, errKind) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, errNone
	}
	max := g.cfg.MaxBodyBytes
	var rd io.Reader = g.uploadBody(w, r)
	if max > 0 {
		rd = io.LimitReader(rd, max+1)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, errBadRequest // the client did not send its body
	}
	if max > 0 && int64(len(b)) > max {
		return nil, errTooLarge
	}
	return b, errNone
}

// input builds the VTL input for this request.
func (rs *reqState) input(body []byte) *vtlInput {
	r := rs.r
	in := &vtlInput{
		Body:           body,
		PathParams:     make(map[string]string, rs.ps.n),
		QueryParams:    map[string]string{},
		Headers:        make(map[string]string, len(r.Header)),
		StageVariables: rs.stage.vars,
		Context:        rs.vtlContext(),
	}
	for i := 0; i < rs.ps.n; i++ {
		p := rs.ps.ps[i]
		v, err := urlPathUnescape(p.value)
		if err != nil {
			v = p.value
		}
		in.PathParams[p.name] = v
	}
	for k, vv := range r.URL.Query() {
		if len(vv) > 0 {
			in.QueryParams[k] = vv[0]
		}
	}
	// $input.params().header has the names as the client wrote them, as
	// the proxy event does (headernames.go); lookups ignore case.
	hs := requestSpelling(r)
	for k, vv := range r.Header {
		if len(vv) > 0 {
			in.Headers[hs.name(k)] = vv[0]
		}
	}
	if in.StageVariables == nil {
		in.StageVariables = map[string]string{}
	}
	return in
}

// serveMock runs a MOCK integration: the statusCode of the integration
// request body — the request template's output or, without a template, the
// client's body passed through — selects the integration response, whose
// parameters and template make the reply. A body without an integer
// statusCode answers 500, as API Gateway does ("Execution failed due to
// configuration error: Unable to parse statusCode"; see docs/runtime.md).
func (g *Gateway) serveMock(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	t, kind := ep.selectRequestTemplate(r)
	if kind != errNone {
		return rs.fail(kind, "no request template for "+requestContentType(r))
	}
	status, ok := "", false
	if t != nil {
		status, ok = ep.mockStatus[string(literalOf(t))]
	}
	if !ok {
		body, k := g.readBody(w, r)
		if k != errNone {
			return rs.fail(k, "reading the request body")
		}
		what := "the request body (no request template, passed through)"
		if t != nil {
			var out bytes.Buffer
			if err := t.Execute(&out, rs.input(body)); err != nil {
				return g.templateFailed(rs, "request template "+requestContentType(r), err)
			}
			body, what = out.Bytes(), "the request template's output"
		}
		s, err := mockStatusCode(body)
		if err != nil {
			return rs.fail(errConfig, "MOCK integration: "+what+": "+err.Error())
		}
		status = s
	}
	resp := ep.selectResponse(status)
	if resp == nil {
		return rs.fail(errConfig, "no integration response matches status "+status+" and none is the default")
	}
	return g.writeMapped(w, rs, resp, nil, nil)
}

// templateFailed answers a mapping template that failed as API Gateway
// does (500 Internal server error). A template that ran into one of its
// execution bounds (vtl.ErrLimit) is also logged at Warn level, naming the
// template and the bound, whether or not the access log is on.
func (g *Gateway) templateFailed(rs *reqState, which string, err error) error {
	reason := which + ": " + err.Error()
	if errors.Is(err, vtl.ErrLimit) {
		g.log.Warn("mapping template stopped at a limit", "template", which, "method", rs.method, "resource", rs.resourcePath(), "stage", rs.stageName(), "requestId", rs.requestID(), "limit", err.Error())
	}
	return rs.fail(errInternal, reason)
}

// errNoMockStatus is API Gateway's execution log message for a MOCK
// integration request without a usable statusCode.
var errNoMockStatus = errors.New("unable to parse statusCode: it should be an integer that is defined in the request template (API Gateway's message)")

// mockStatusCode reads statusCode from a MOCK integration request body, as
// API Gateway does. Valid JSON must be an object whose statusCode is an
// integer. Other text is read with a lenient token reader, as API Gateway
// does (it accepts CDK's preflight template "{ statusCode: 200 }"): keys may
// be bare or quoted with ' or ", and the value a number or a quoted number.
// Anything else, empty text included, is errNoMockStatus.
func mockStatusCode(b []byte) (string, error) {
	if json.Valid(b) {
		var v map[string]json.RawMessage
		if json.Unmarshal(b, &v) != nil {
			return "", errNoMockStatus
		}
		return integerText(string(v["statusCode"]))
	}
	v, ok := lenientStatusCode(string(b))
	if !ok {
		return "", errNoMockStatus
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return integerText(v)
}

// integerText returns s when it is a decimal integer (any sign).
func integerText(s string) (string, error) {
	if _, err := strconv.Atoi(s); err != nil {
		return "", errNoMockStatus
	}
	return s, nil
}

// lenientStatusCode finds the value of the statusCode key in an object
// written loosely: { statusCode: 200, 'a': "x", b: {c: [1, 2]} }. Nested
// objects and arrays are skipped by bracket matching.
func lenientStatusCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return "", false
	}
	s = s[1 : len(s)-1]
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return "", false
		}
		var key string
		var ok bool
		if key, s, ok = lenientToken(s, ':'); !ok {
			return "", false
		}
		if n := len(key); n >= 2 && (key[0] == '"' || key[0] == '\'') && key[n-1] == key[0] {
			key = key[1 : n-1]
		} else if key == "" || strings.ContainsAny(key, "{}[]\"'") {
			return "", false
		}
		var val string
		if val, s, ok = lenientToken(s[1:], ','); !ok && s != "" {
			return "", false
		}
		if key == "statusCode" {
			return val, val != ""
		}
		if s == "" {
			return "", false
		}
		s = s[1:]
	}
}

// lenientToken returns the text of s up to the first stop byte outside
// quotes and brackets, trimmed, and the rest starting at that byte (ok),
// or the whole of s and "" when there is no stop byte.
func lenientToken(s string, stop byte) (tok, rest string, ok bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == stop && depth == 0:
			return strings.TrimSpace(s[:i]), s[i:], true
		}
	}
	return strings.TrimSpace(s), "", false
}

// selectResponse picks the integration response whose SelectionPattern
// matches status, else the default.
func (ep *endpoint) selectResponse(status string) *cresponse {
	for _, cr := range ep.responses {
		if cr.pattern.MatchString(status) {
			return cr
		}
	}
	return ep.defaultResp
}

// writeMapped writes an integration response: ResponseParameters headers,
// and the body from the response template or, without one, the backend
// body passed through (backend is nil for MOCK). It records the status.
func (g *Gateway) writeMapped(w http.ResponseWriter, rs *reqState, cr *cresponse, backend *http.Response, backendBody []byte) error {
	h := w.Header()
	ctype := "application/json"
	var body []byte
	var tpl mappingTemplate
	var ctypeVals, lengthVals []string
	if len(cr.templates) > 0 {
		ct := chooseTemplate(cr.templates, getCanonical(rs.r.Header, "Accept"))
		ctype, tpl, ctypeVals, lengthVals = ct.contentType, ct.t, ct.ctype, ct.length
	} else if backend != nil || rs.ep.fn != "" {
		// The integration's body passed through (HTTP, or a Lambda
		// function's result).
		if backend != nil {
			if c := backend.Header.Get("Content-Type"); c != "" {
				ctype = c
			}
		}
		body = backendBody
	}
	status := cr.status
	var ov vtl.Overrides
	if tpl != nil {
		if lt, ok := tpl.(literalTemplate); ok {
			body = lt
		} else {
			lengthVals = nil
			var out bytes.Buffer
			in := rs.input(backendBody)
			var err error
			if ov, err = executeOverrides(tpl, &out, in); err != nil {
				return g.templateFailed(rs, "response template "+ctype, err)
			}
			body = out.Bytes()
			if ov.Status != 0 {
				status = ov.Status
			}
		}
	}
	if !h2.SetHeader(w, h2.SlotContentType, ctype) {
		if ctypeVals == nil {
			ctypeVals = []string{ctype}
		}
		h["Content-Type"] = ctypeVals
	}
	for _, rp := range cr.headers {
		if rp.static != nil {
			h[rp.key] = rp.static
			continue
		}
		v, ok := rs.responseValue(rp.src, backend, backendBody)
		if ok {
			h.Set(rp.header, v)
		}
	}
	for k, v := range ov.ResponseHeaders {
		h.Set(k, v)
	}
	if !h2.SetContentLength(w, int64(len(body))) {
		if lengthVals == nil {
			lengthVals = []string{strconv.Itoa(len(body))}
		}
		h["Content-Length"] = lengthVals
	}
	w.WriteHeader(status)
	rs.status = status
	if rs.method != "HEAD" {
		w.Write(body)
	}
	return nil
}

// chooseTemplate picks a response template by the Accept header, then
// application/json, then the first.
func chooseTemplate(ts []ctemplate, accept string) ctemplate {
	if len(ts) == 1 {
		return ts[0]
	}
	if accept != "" {
		for _, part := range strings.Split(accept, ",") {
			mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			for _, t := range ts {
				if strings.EqualFold(t.contentType, mt) {
					return t
				}
			}
		}
	}
	for _, t := range ts {
		if t.contentType == "application/json" {
			return t
		}
	}
	return ts[0]
}

// responseValue evaluates a response-side mapping expression.
func (rs *reqState) responseValue(src valueSource, backend *http.Response, body []byte) (string, bool) {
	switch src.kind {
	case srcStatic:
		return src.static, true
	case srcContext:
		return rs.contextValue(src.name), true
	case srcStageVar:
		v, ok := rs.stage.vars[src.name]
		return v, ok
	case srcRespHeader:
		if backend == nil {
			return "", false
		}
		vv := backend.Header.Values(src.name)
		if len(vv) == 0 {
			return "", false
		}
		return strings.Join(vv, ","), true
	case srcBody:
		return string(body), body != nil
	case srcBodyField:
		if src.sel != nil {
			return src.sel.Select(vtl.DecodeDocument(body))
		}
		return jsonField(body, src.name)
	}
	return "", false
}

// jsonField reads a dotted field path ("a.b") from a JSON body; strings
// come back unquoted, other values as JSON.
func jsonField(body []byte, path string) (string, bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", false
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[k]; !ok {
			return "", false
		}
	}
	if s, ok := v.(string); ok {
		return s, true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// serveHTTPIntegration runs an HTTP (non-proxy) integration: only mapped
// parameters go to the backend, the body through the request template; the
// backend's status selects the integration response.
func (g *Gateway) serveHTTPIntegration(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	t, kind := ep.selectRequestTemplate(r)
	if kind != errNone {
		return rs.fail(kind, "no request template for "+requestContentType(r))
	}
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	rs.mapBody = body // method.request.body[.PATH] is the client's body
	ctype := r.Header.Get("Content-Type")
	var ov vtl.Overrides
	if t != nil {
		var out bytes.Buffer
		var err error
		if ov, err = executeOverrides(t, &out, rs.input(body)); err != nil {
			return g.templateFailed(rs, "request template "+requestContentType(r), err)
		}
		body = out.Bytes()
		ctype = requestContentType(r)
	}
	bc := backendCall{method: ep.intMethod, url: ep.buildURLOverride(rs, false, ov.RequestPath), length: int64(len(body))}
	if len(ov.RequestQuery) > 0 {
		q := bc.url.Query()
		for k, v := range ov.RequestQuery {
			q.Set(k, v)
		}
		bc.url.RawQuery = q.Encode()
	}
	if bc.method == "" {
		bc.method = r.Method
	}
	bc.header = http.Header{}
	if ctype != "" {
		bc.header["Content-Type"] = []string{ctype}
	}
	if a := r.Header.Get("Accept"); a != "" {
		bc.header["Accept"] = []string{a}
	}
	rs.forwardHeaders(bc.header)
	for k, v := range ov.RequestHeaders {
		bc.header.Set(k, v)
	}
	if len(body) > 0 {
		bc.body = io.NopCloser(bytes.NewReader(body))
	}
	resp, kind, err := rs.send(&bc)
	if kind != errNone {
		return rs.fail(kind, backendFailure(rs, kind, err))
	}
	defer resp.Body.Close()
	rs.backendProto = resp.Proto
	rb, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBodyBytes+1))
	if err != nil {
		return rs.fail(errBadGateway, "backend body: "+err.Error())
	}
	cr := ep.selectResponse(strconv.Itoa(resp.StatusCode))
	if cr == nil {
		return rs.fail(errConfig, "no integration response matches backend status "+strconv.Itoa(resp.StatusCode)+" and none is the default")
	}
	return g.writeMapped(w, rs, cr, resp, rb)
}

func urlPathUnescape(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	return url.PathUnescape(s)
}

func literalOf(t mappingTemplate) []byte {
	if lt, ok := t.(literalTemplate); ok {
		return lt
	}
	return nil
}
