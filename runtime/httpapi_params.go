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
	"github.com/cfnrun/cfnrun/runtime/vtl"
)

// HTTP API parameter mapping (internal/model/httpmapping.go reads the keys
// and values): an HTTP_PROXY integration's request parameters change the
// request before it reaches the backend, its response parameters the
// backend's answer by its status code.

// httpParams are an HTTP API endpoint's compiled parameter mappings.
type httpParams struct {
	req  []model.HTTPMapping
	resp map[int][]model.HTTPMapping
	// sels are the compiled body selections, by their path.
	sels map[string]*vtl.Selection
	// reqBody: a request mapping reads the request body, which is then
	// read whole before the backend call. respBody: the statuses whose
	// mappings read the backend's body.
	reqBody  bool
	respBody map[int]bool
}

// selectionLimit is how much of a request body a selection reads: API
// Gateway truncates the body at 100 KB before it applies a JSON path
// (a longer JSON body thus selects nothing); the whole body still goes
// to the backend.
const selectionLimit = 100 << 10

// compileSelections compiles m's body selections into hp; it says why
// one does not compile, "" when all do.
func (hp *httpParams) compileSelections(m *model.HTTPMapping) string {
	for _, s := range m.Value {
		if (s.Kind != model.SrcRequestBody && s.Kind != model.SrcResponseBody) || s.Name == "" {
			continue
		}
		if _, ok := hp.sels[s.Name]; ok {
			continue
		}
		sel, err := vtl.CompileSelection(s.Name)
		if err != nil {
			return err.Error()
		}
		if hp.sels == nil {
			hp.sels = map[string]*vtl.Selection{}
		}
		hp.sels[s.Name] = sel
	}
	return ""
}

// readsBody reports whether m's value reads a body (kind).
func readsBody(m *model.HTTPMapping, kind model.HTTPMappingSrcKind) bool {
	for _, s := range m.Value {
		if s.Kind == kind {
			return true
		}
	}
	return false
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
		m, why := model.ParseHTTPMapping(k, in.RequestParameters[k], false)
		if why == "" {
			why = hp.compileSelections(&m)
		}
		if why != "" {
			warn("RequestParameters", "request parameter %s = %s is ignored: %s", k, in.RequestParameters[k], why)
			continue
		}
		hp.req = append(hp.req, m)
		hp.reqBody = hp.reqBody || readsBody(&m, model.SrcRequestBody)
	}
	for _, code := range slices.Sorted(mapKeys(in.ResponseMappings)) {
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			warn("ResponseParameters", "response parameters for %q are ignored: the key is the backend's status code, 100 to 599", code)
			continue
		}
		ms := in.ResponseMappings[code]
		for _, k := range slices.Sorted(mapKeys(ms)) {
			m, why := model.ParseHTTPMapping(k, ms[k], true)
			if why == "" {
				why = hp.compileSelections(&m)
			}
			if why != "" {
				warn("ResponseParameters", "response parameter %s = %s (status %s) is ignored: %s", k, ms[k], code, why)
				continue
			}
			if hp.resp == nil {
				hp.resp = map[int][]model.HTTPMapping{}
			}
			hp.resp[status] = append(hp.resp[status], m)
			if readsBody(&m, model.SrcResponseBody) {
				if hp.respBody == nil {
					hp.respBody = map[int]bool{}
				}
				hp.respBody[status] = true
			}
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

// mappingBodies is the body a mapping's value reads: whole ($request.body)
// or through a selection, which reads its first limit bytes (0: all),
// decoded once, when first needed.
type mappingBodies struct {
	raw     []byte
	limit   int
	doc     vtl.Document
	decoded bool
}

func (b *mappingBodies) document() vtl.Document {
	if !b.decoded {
		raw := b.raw
		if b.limit > 0 && len(raw) > b.limit {
			raw = raw[:b.limit]
		}
		b.doc, b.decoded = vtl.DecodeDocument(raw), true
	}
	return b.doc
}

// mappingValue evaluates m's value for the request (and the backend's
// response headers, for a response mapping); body is the request's body
// for a request mapping, the backend's for a response mapping (nil when
// no selection reads it).
func (hp *httpParams) mappingValue(m *model.HTTPMapping, rs *reqState, respHeader http.Header, body *mappingBodies) string {
	if len(m.Value) == 1 && m.Value[0].Kind == model.SrcLit {
		return m.Value[0].Lit
	}
	var b strings.Builder
	for _, s := range m.Value {
		switch s.Kind {
		case model.SrcLit:
			b.WriteString(s.Lit)
		case model.SrcRequestHeader:
			b.WriteString(strings.Join(rs.r.Header.Values(s.Name), ","))
		case model.SrcRequestQuery:
			b.WriteString(strings.Join(rs.r.URL.Query()[s.Name], ","))
		case model.SrcRequestPath:
			// The path after the stage, as routes see it.
			p := rs.rest
			if dec, err := url.PathUnescape(p); err == nil {
				p = dec
			}
			b.WriteString(cmp.Or(p, "/"))
		case model.SrcRequestPathParam:
			v, _ := rs.ps.get(s.Name)
			b.WriteString(v)
		case model.SrcContext:
			b.WriteString(rs.httpContextValue(s.Name))
		case model.SrcStageVariable:
			b.WriteString(rs.stage.vars[s.Name])
		case model.SrcResponseHeader:
			b.WriteString(strings.Join(respHeader.Values(s.Name), ","))
		case model.SrcRequestBody, model.SrcResponseBody:
			if body == nil {
				break
			}
			if s.Name == "" {
				b.Write(body.raw)
				break
			}
			if v, ok := hp.sels[s.Name].Select(body.document()); ok {
				b.WriteString(v)
			}
		}
	}
	return b.String()
}

// applyRequest changes the backend request's header and URL, and returns
// the Host a mapping gives it ("" for the integration's own); body is the
// request's body when hp.reqBody (else nil). Every value is worked out
// from the client's request before any change is made.
func (hp *httpParams) applyRequest(rs *reqState, h http.Header, u *url.URL, body []byte) (host string) {
	var bodies *mappingBodies
	if hp.reqBody {
		// A selection reads the first 100 KB; $request.body, which API
		// Gateway documents as the way to pass larger payloads, the whole.
		bodies = &mappingBodies{raw: body, limit: selectionLimit}
	}
	vals := make([]string, len(hp.req))
	for i := range hp.req {
		if hp.req[i].Op != model.MapRemove {
			vals[i] = hp.mappingValue(&hp.req[i], rs, nil, bodies)
		}
	}
	var q url.Values
	for i, m := range hp.req {
		switch m.Part {
		case model.MapHeader:
			switch m.Op {
			case model.MapAppend:
				if cur := h.Get(m.Name); cur != "" {
					h.Set(m.Name, cur+","+vals[i])
				} else {
					h.Set(m.Name, vals[i])
				}
			case model.MapOverwrite:
				h.Set(m.Name, vals[i])
			case model.MapRemove:
				h.Del(m.Name)
			}
		case model.MapQuery:
			if q == nil {
				q = u.Query()
			}
			switch m.Op {
			case model.MapAppend:
				q.Add(m.Name, vals[i])
			case model.MapOverwrite:
				q.Set(m.Name, vals[i])
			case model.MapRemove:
				q.Del(m.Name)
			}
		case model.MapPath:
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
	// A mapping of header.Host sets the request's Host: HTTP engines send
	// the request's Host, never a Host in its header map.
	if v, ok := h["Host"]; ok {
		delete(h, "Host")
		if len(v) > 0 {
			host = v[0]
		}
	}
	return host
}

// applyResponse changes the answer's header for the backend's status and
// returns the status to answer with; body is the backend's body when
// hp.respBody[status] (else nil).
func (hp *httpParams) applyResponse(rs *reqState, status int, backend, out http.Header, body []byte) int {
	ms := hp.resp[status]
	if len(ms) == 0 {
		return status
	}
	var bodies *mappingBodies
	if hp.respBody[status] {
		bodies = &mappingBodies{raw: body}
	}
	vals := make([]string, len(ms))
	for i := range ms {
		if ms[i].Op != model.MapRemove {
			vals[i] = hp.mappingValue(&ms[i], rs, backend, bodies)
		}
	}
	for i, m := range ms {
		switch m.Part {
		case model.MapHeader:
			switch m.Op {
			case model.MapAppend:
				out[m.Name] = append(slices.Clip(out[m.Name]), vals[i])
			case model.MapOverwrite:
				out[m.Name] = []string{vals[i]}
			case model.MapRemove:
				delete(out, m.Name)
			}
		case model.MapStatus:
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
	case "requestId":
		// An HTTP API's request id is the short one of its
		// apigw-requestid header and events (the REST UUID is not sent).
		return rs.apigwID()
	case "routeKey":
		if rs.ep == nil {
			return ""
		}
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
