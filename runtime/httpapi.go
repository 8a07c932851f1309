package runtime

// HTTP APIs (API Gateway v2), as API Gateway serves them. An HTTP API
// compiles into the same capi/cstage/rnode/endpoint structures as a REST
// API; what differs is decided here, behind capi.http (nil for REST APIs,
// so a REST request pays one pointer test):
//
//   - URLs: the stage named "$default" is served at the root, without a
//     /{stage} prefix; a named stage at /{stage}/..., as REST stages.
//   - Routing: the most specific route for the path *and* the method wins
//     (a static segment over {param} over {proxy+}, backtracking when a
//     branch has no route for the method; a route with the request's
//     method over ANY); with none, the $default route; with none,
//     404 {"message":"Not Found"} ("Working with routes for HTTP APIs").
//   - Answers: the request id is the apigw-requestid header (no
//     x-amzn-RequestId, no x-amzn-ErrorType); a Lambda error is
//     500 {"message":"Internal Server Error"}, an integration timeout
//     503 {"message":"Service Unavailable"} (httpErrors).
//   - Lambda proxy integrations take payload format 2.0 (httpapi_event.go)
//     or 1.0; authorizers are Lambda (REQUEST, simple or IAM answers) or
//     JWT (httpapi_auth.go); CORS is answered by the gateway (httpapi_cors.go).

import (
	"net/http"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/internal/h2"
)

// chttp is what an HTTP API adds to its compiled API.
type chttp struct {
	// cors is the API's CorsConfiguration, nil without one.
	cors *ccors
	// jwks fetches and caches issuers' keys for the API's JWT authorizers.
	jwks *jwksCache
	// lambdas are the API's compiled Lambda authorizers (nil: one that
	// cannot run), shared by its routes.
	lambdas map[*model.Authorizer]*chlambda
}

// httpErrors are an HTTP API's answers for the gateway's error kinds: no
// x-amzn-ErrorType, and HTTP APIs' own bodies.
var httpErrors = func() errorTable {
	var t errorTable
	notFound := &errResponse{status: 404, body: `{"message":"Not Found"}`, ctype: "application/json"}
	internal := &errResponse{status: 500, body: `{"message":"Internal Server Error"}`, ctype: "application/json"}
	for k := errKind(1); k < nErrKinds; k++ {
		t[k] = internal
	}
	t[errMissingAuth] = notFound
	t[errForbidden] = notFound
	t[errInvalidAPIKey] = &errResponse{status: 403, body: `{"message":"Forbidden"}`, ctype: "application/json"}
	t[errAccessDenied] = &errResponse{status: 403, body: `{"message":"Forbidden"}`, ctype: "application/json"}
	t[errUnauthorized] = &errResponse{status: 401, body: `{"message":"Unauthorized"}`, ctype: "application/json"}
	t[errTimeout] = &errResponse{status: 503, body: `{"message":"Service Unavailable"}`, ctype: "application/json"}
	t[errTooLarge] = &errResponse{status: 413, body: `{"message":"Request Entity Too Large"}`, ctype: "application/json"}
	t[errThrottled] = &errResponse{status: 429, body: `{"message":"Too Many Requests"}`, ctype: "application/json"}
	t[errQuotaExceeded] = t[errThrottled]
	t[errBadRequest] = &errResponse{status: 400, body: `{"message":"Bad Request"}`, ctype: "application/json"}
	t[errBadParams] = t[errBadRequest]
	return t
}()

// compileHTTPAPI sets up an HTTP API's compiled API: its answers, CORS
// and JWT key cache.
func (g *Gateway) compileHTTPAPI(api *model.RestAPI, ca *capi, ds *diag.Diagnostics) {
	ca.errs = httpErrors
	ca.http = &chttp{cors: compileCORS(api.CORS), jwks: newJWKSCache()}
	for _, gr := range api.GatewayResponses {
		*ds = append(*ds, diag.NewInfo(ruleIgnored, gr.Range,
			"gateway response %s is ignored: HTTP APIs have no gateway responses", gr.ResponseType).
			WithResource(gr.LogicalID))
	}
}

// httpDefaultStage is the stage an HTTP API without one is served at: the
// $default stage, which SAM creates for every HttpApi and sam local
// start-api serves at the root.
func httpDefaultStage(api *model.RestAPI) *model.Stage {
	return &model.Stage{LogicalID: api.LogicalID, Name: model.StageDefault, Range: api.Range, Implicit: true}
}

// compileHTTPRoute compiles one route (a Method of an HTTP API, or its
// $default route). The integration compiles as a REST method's; the
// authorizer is an HTTP API's (JWT, or a Lambda REQUEST authorizer with
// $request.* identity sources).
func (g *Gateway) compileHTTPRoute(cs *cstage, res *model.Resource, m *model.Method, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *endpoint {
	mm := *m
	auth := strings.ToUpper(m.AuthorizationType)
	if auth == "JWT" || auth == "CUSTOM" {
		mm.AuthorizationType = "NONE" // compiled below, the HTTP API way
	}
	var params *httpParams
	if in := m.Integration; in != nil && (len(in.RequestParameters) > 0 || len(in.ResponseMappings) > 0) {
		// Parameter mapping, the HTTP API way (httpapi_params.go), not
		// the REST API's integration.request.* mappings.
		params = compileHTTPParams(in, m.LogicalID, ds)
		cp := *in
		cp.RequestParameters, cp.ResponseMappings = nil, nil
		mm.Integration = &cp
	}
	ep := compileEndpoint(cs, res, &mm, g, t, ls, ds)
	ep.httpParams = params
	ep.routeKey = m.RouteKey
	if ep.routeKey == "" {
		ep.routeKey = m.HTTPMethod + " " + res.Path
	}
	if in := m.Integration; in != nil {
		if in.TimeoutMillis <= 0 {
			ep.timeout = model.DefaultHTTPAPITimeoutMillis * time.Millisecond
		}
		ep.payload2 = in.Type == model.IntegrationAWSProxy && in.PayloadFormatVersion != "1.0"
	}
	if ep.fail == errNone && (auth == "JWT" || auth == "CUSTOM") {
		g.compileHTTPAuthorizer(ep, cs, res, m, t, ls, ds)
	}
	return ep
}

// compileHTTPDefault compiles the API's $default route into the stage.
func (g *Gateway) compileHTTPDefault(cs *cstage, api *model.RestAPI, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *endpoint {
	m := api.DefaultRoute
	if m == nil {
		return nil
	}
	res := &model.Resource{Path: model.RouteKeyDefault, Range: m.Range}
	ep := g.compileHTTPRoute(cs, res, m, t, ls, ds)
	ep.routeKey = model.RouteKeyDefault
	ep.resPath = ""
	if ep.target != nil && len(ep.target.placeholders()) == 0 && ep.fail == errNone {
		// The $default route's HTTP integration gets the full request
		// path after the URI's own ("Working with the $default route").
		if ut, err := parseURITemplate(strings.TrimSuffix(ep.target.raw, "/") + "/{" + defaultPathParam + "+}"); err == nil {
			ep.target = ut
			ep.reqParams = append(ep.reqParams, paramMapping{dest: destPath, name: defaultPathParam, src: valueSource{kind: srcPath, name: defaultPathParam}})
		}
	}
	cs.defaultEP = ep
	return ep
}

// defaultPathParam is the path parameter the $default route's request
// path is carried in to its HTTP integration (not a name a route can have).
const defaultPathParam = "$default"

// detachOK reports whether an HTTP API endpoint may take the detached
// paths: HTTP_PROXY without CORS, and Lambda proxy integrations with
// payload format 2.0 (serveHTTPLambda detaches; 1.0 does not), without an
// HTTP API authorizer (a Lambda call or a key fetch first).
func (h *chttp) detachOK(ep *endpoint) bool {
	switch ep.typ {
	case model.IntegrationHTTPProxy:
		return h.cors == nil && ep.hauth == nil && ep.httpParams == nil
	case model.IntegrationAWSProxy:
		return ep.payload2 && ep.hauth == nil
	}
	return false
}

// locateDefault is locate's answer for a path no stage name claims: the
// first HTTP API with a $default stage serves it at the root.
func (v *version) locateDefault(r *http.Request) (api *capi, stage, rest string, more []*capi, ok bool) {
	if len(v.rootHTTP) == 0 {
		if v.allHTTP && len(v.apis) > 0 {
			// Only HTTP APIs, none at the root: 404 Not Found, as an
			// HTTP API answers a path no stage matches.
			return v.apis[0], "", r.URL.EscapedPath(), nil, true
		}
		return nil, "", "", nil, false
	}
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	return v.rootHTTP[0], model.StageDefault, p, v.rootHTTP[1:], true
}

// resolveHTTP is resolve for an HTTP API: rt.api is set, stageName and
// rest are what locate found.
func (v *version) resolveHTTP(r *http.Request, rt *route, stageName, rest string, more []*capi) (errKind, string) {
	api := rt.api
	st := api.stages[stageName]
	if st == nil && rt.domain {
		return errForbidden, "the domain's mapping names no stage of the API"
	}
	if st == nil {
		// Not a stage of the API: the path is the $default stage's
		// ({apiId}.execute-api.localhost/pets/1).
		st = api.stages[model.StageDefault]
		if st == nil || stageName == "" || strings.HasPrefix(r.URL.Path, "/restapis/") {
			return errMissingAuth, "no stage matches the URL"
		}
		rest = "/" + stageName + rest
	}
	rt.stage, rt.rest = st, rest
	mi := methodIndex(r.Method)
	if r.Method == "ANY" {
		mi = -1 // not a method a client sends
	}
	if n, ep := st.root.matchHTTP(rest, mi, &rt.ps); ep != nil {
		rt.node, rt.ep = n, ep
		return errNone, ""
	}
	rt.ps.n = 0
	// Root-served APIs after the first: the first that has a route.
	for _, a := range more {
		ds := a.stages[model.StageDefault]
		var ps params
		if n, ep := ds.root.matchHTTP(rest, mi, &ps); ep != nil {
			rt.api, rt.stage, rt.node, rt.ep, rt.ps = a, ds, n, ep, ps
			return errNone, ""
		}
	}
	if st.defaultEP != nil {
		rt.ep = st.defaultEP
		return errNone, ""
	}
	for _, a := range more {
		if ds := a.stages[model.StageDefault]; ds.defaultEP != nil {
			rt.api, rt.stage, rt.ep = a, ds, ds.defaultEP
			return errNone, ""
		}
	}
	return errMissingAuth, "no route matches the method and path"
}

// matchHTTP is match for an HTTP API: a resource matches only when it has
// a route for the method (mi, -1 for a method no route names) or ANY, so
// that POST /pets/dog reaches ANY /{proxy+} when only GET /pets/{id}
// exists.
func (n *rnode) matchHTTP(p string, mi int, ps *params) (*rnode, *endpoint) {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	if p == "" {
		if n.hasRes {
			if ep := n.endpointAt(mi); ep != nil {
				return n, ep
			}
		}
		return nil, nil
	}
	seg, rest := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		seg, rest = p[:i], p[i:]
	}
	if c := n.child(seg); c != nil {
		if r, ep := c.matchHTTP(rest, mi, ps); ep != nil {
			return r, ep
		}
	}
	if n.param != nil && ps.n < maxParams {
		mark := ps.n
		ps.ps[ps.n] = pathParam{n.paramName, seg}
		ps.n++
		if r, ep := n.param.matchHTTP(rest, mi, ps); ep != nil {
			return r, ep
		}
		ps.n = mark
	}
	if n.greedy != nil && n.greedy.hasRes && ps.n < maxParams {
		if ep := n.greedy.endpointAt(mi); ep != nil {
			ps.ps[ps.n] = pathParam{n.greedyName, p}
			ps.n++
			return n.greedy, ep
		}
	}
	return nil, nil
}

// endpointAt is the node's route for method index mi, else its ANY route.
func (n *rnode) endpointAt(mi int) *endpoint {
	if mi >= 0 && n.endpoints[mi] != nil {
		return n.endpoints[mi]
	}
	return n.endpoints[mANY]
}

// handleHTTPAPI is handle for a request resolve sent to an HTTP API.
func (g *Gateway) handleHTTPAPI(w http.ResponseWriter, r *http.Request, rs *reqState, kind errKind, reason string) error {
	h := w.Header()
	h2.DelHeader(w, h2.SlotRequestID)
	h2.DelHeader(w, h2.SlotApigwID)
	h["Apigw-Requestid"] = []string{rs.apigwID()}
	api := rs.api.http
	if c := api.cors; c != nil && r.Header.Get("Origin") != "" {
		if r.Method == "OPTIONS" && r.Header.Get("Access-Control-Request-Method") != "" {
			return c.preflight(w, r, rs)
		}
		c.addHeaders(h, r)
	}
	if kind != errNone {
		return rs.fail(kind, reason)
	}
	if rs.ep == nil { // an HTTP/2 request to a stage with Http2Enabled: false
		return refuseHTTP2(r, rs)
	}
	ep := rs.ep
	if ep.iam && r.Header.Get("Authorization") == "" {
		return rs.fail(errAccessDenied, "AWS_IAM and no Authorization header")
	}
	if ep.hauth != nil {
		if err := g.authorizeHTTP(rs); err != nil {
			return err
		}
	}
	if err := g.checkAccess(r, rs); err != nil {
		return err
	}
	if ep.fail != errNone {
		return rs.fail(ep.fail, ep.reason)
	}
	if max := g.cfg.MaxBodyBytes; max > 0 && r.ContentLength > max {
		return rs.fail(errTooLarge, "request body over the payload limit")
	}
	switch ep.typ {
	case model.IntegrationHTTPProxy:
		if ep.routeKey == model.RouteKeyDefault && ep.target != nil && rs.ps.n == 0 {
			rs.ps.ps[0] = pathParam{defaultPathParam, strings.TrimPrefix(rs.rest, "/")}
			rs.ps.n = 1
		}
		return g.serveProxy(w, r, rs)
	case model.IntegrationAWSProxy:
		if ep.payload2 {
			return g.serveHTTPLambda(w, r, rs)
		}
		return g.serveHTTPLambda1(w, r, rs)
	}
	return rs.fail(errConfig, "integration type "+ep.typ+" is not served on HTTP APIs")
}
