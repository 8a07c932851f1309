package runtime

// WebSocket APIs (API Gateway v2, ProtocolType WEBSOCKET), as API Gateway
// serves them:
//
//   - A client connects to /{stage} (or Host {apiId}.execute-api.*) with an
//     HTTP/1.1 Upgrade. The $connect route's integration runs first; a
//     status outside 2xx (or a failure) refuses the handshake with that
//     status, as API Gateway does. Required route.request.* parameters of
//     $connect are checked before it runs.
//   - Each message (text or binary, at most 128 KiB) picks its route with
//     the API's RouteSelectionExpression ($request.body.FIELD of a JSON
//     message, or a constant); an unknown key goes to $default; with no
//     $default the client gets {"message": "Forbidden", ...}.
//   - Lambda proxy integrations get API Gateway's CONNECT, MESSAGE and
//     DISCONNECT events; a route with a route response sends the
//     function's body back. HTTP_PROXY integrations get the message as a
//     POST body (and, for $connect, the handshake's headers).
//   - $disconnect runs after the connection closed; its answer is ignored.
//   - Connections idle for 10 minutes or open for 2 hours are closed
//     (1001 "Going away"), API Gateway's quotas.
//   - The @connections management API (POST, GET and DELETE
//     /{stage}/@connections/{connectionId}) posts to, describes and closes
//     connections, as ApiGatewayManagementApi does.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// API Gateway's WebSocket quotas.
const (
	wsMaxMessage   = 128 << 10
	wsIdleTimeout  = 10 * time.Minute
	wsMaxDuration  = 2 * time.Hour
	wsMaxInFlight  = 32 // messages of one connection run at once
	wsConnectionID = 12 // bytes of randomness in a connection id
)

// cws is a compiled WebSocket API.
type cws struct {
	id, name, logicalID string
	stages              map[string]*cwsStage
}

// cwsStage is one stage of a WebSocket API: its routes by key and the
// compiled route selection expression.
type cwsStage struct {
	api    *cws
	name   string
	vars   map[string]string
	routes map[string]*cwsRoute
	// selPath is the message field the selection expression reads;
	// selConst the route key of a constant expression.
	selPath  []string
	selConst string
	// access is the stage's API keys, account throttle and access log.
	access wsStageAccess
}

// cwsRoute is one route of a stage.
type cwsRoute struct {
	key    string
	ep     *endpoint // fn, typ, timeout; fail when not served
	uri    string    // HTTP_PROXY and HTTP target
	method string    // HTTP_PROXY and HTTP method
	// mp is the integration's data mapping, and a non-proxy
	// integration's templates and integration responses.
	mp     *wsMapping
	twoWay bool
	// required are $connect's required route.request.header.X and
	// route.request.querystring.X parameters.
	required []string
	logical  string
	// auth is $connect's Lambda REQUEST authorizer (AuthorizationType
	// CUSTOM), nil for none; iam: AuthorizationType AWS_IAM.
	auth *wsAuthorizer
	iam  bool
	// apiKey: ApiKeyRequired. throttle is the stage's route settings
	// limit for the route; nil when the stage sets none.
	apiKey   bool
	throttle Limiter
}

// wsAuthorizer is a WebSocket API's Lambda REQUEST authorizer, run on
// $connect.
type wsAuthorizer struct {
	name    string
	fn      string
	region  string
	sources []identitySource
	// fail says why it cannot run (every connection is then refused
	// with 500, as API Gateway answers an authorizer that fails).
	fail string
}

// wsConn is one open connection, in the gateway's table for the
// management API.
type wsConn struct {
	id          string
	c           *websocket.Conn
	st          *cwsStage
	connectedAt time.Time
	sourceIP    string
	userAgent   string
	domain      string
	mu          sync.Mutex
	lastActive  time.Time
	cancel      context.CancelFunc
	// authorizer is requestContext.authorizer of every event of the
	// connection: what $connect's authorizer returned (principalId and
	// its context), nil without one.
	authorizer json.RawMessage
	// key is the API key the connection was admitted with (its usage
	// plan's limits apply to its messages); nil without one.
	key *stageKey
	// closeCode and closeReason are what a DELETE asked for.
	closeCode   websocket.StatusCode
	closeReason string
}

func (c *wsConn) touch(t time.Time) {
	c.mu.Lock()
	c.lastActive = t
	c.mu.Unlock()
}

// wsTable holds the open connections of a gateway, across reloads.
type wsTable struct {
	mu    sync.Mutex
	conns map[string]*wsConn
}

func (t *wsTable) add(c *wsConn) {
	t.mu.Lock()
	if t.conns == nil {
		t.conns = map[string]*wsConn{}
	}
	t.conns[c.id] = c
	t.mu.Unlock()
}

func (t *wsTable) remove(id string) {
	t.mu.Lock()
	delete(t.conns, id)
	t.mu.Unlock()
}

func (t *wsTable) get(id string) *wsConn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conns[id]
}

// closeAll closes every connection with code (the gateway is stopping).
func (t *wsTable) closeAll(code websocket.StatusCode, reason string) {
	t.mu.Lock()
	conns := make([]*wsConn, 0, len(t.conns))
	for _, c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	// Each Close waits for the client's close frame (up to 5 s): all at
	// once, not one after another.
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.mu.Lock()
			c.closeCode, c.closeReason = code, reason
			c.mu.Unlock()
			c.c.Close(code, reason)
			c.cancel()
		}()
	}
	wg.Wait()
}

// compileWebSockets compiles the template's WebSocket APIs into v.
func (g *Gateway) compileWebSockets(t *model.Template, v *version, ds *diag.Diagnostics) {
	for _, api := range t.WebSocketAPIs {
		ca := &cws{id: api.ID, name: api.Name, logicalID: api.LogicalID, stages: map[string]*cwsStage{}}
		path, constant, _ := model.WebSocketSelection(api.RouteSelectionExpression)
		stages := api.Stages
		if len(stages) == 0 {
			*ds = append(*ds, diag.NewWarning(ruleIgnored, api.Range,
				"WebSocket API %s has no stage, so AWS serves none of its routes; cfnrun up serves them at stage %q (ws://HOST/%s)", api.LogicalID, undeployedStage, undeployedStage).
				WithResource(api.LogicalID).
				WithHint("Add an AWS::ApiGatewayV2::Stage to deploy it."))
			stages = []*model.Stage{{LogicalID: api.LogicalID, Name: undeployedStage, Range: api.Range}}
		}
		for i, st := range stages {
			cs := &cwsStage{api: ca, name: st.Name, vars: st.Variables, routes: map[string]*cwsRoute{}, selPath: path, selConst: constant}
			var rds diag.Diagnostics
			for _, m := range api.Routes {
				cs.routes[m.RouteKey] = g.compileWSRoute(cs, api, m, t, v.lambda, &rds)
			}
			g.compileWSAccess(t, api, st, cs, ds) // findings of every stage: each is the stage's own
			if i == 0 {
				*ds = append(*ds, rds...)
			}
			ca.stages[st.Name] = cs
		}
		if v.ws == nil {
			v.ws = map[string]*cws{}
			v.wsStages = map[string][]*cwsStage{}
		}
		v.ws[ca.id] = ca
		for name, cs := range ca.stages {
			v.wsStages[name] = append(v.wsStages[name], cs)
		}
	}
}

// compileWSRoute compiles one route's target.
func (g *Gateway) compileWSRoute(cs *cwsStage, api *model.WebSocketAPI, m *model.Method, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *cwsRoute {
	rt := &cwsRoute{key: m.RouteKey, twoWay: api.TwoWay[m], logical: m.LogicalID, apiKey: m.APIKeyRequired}
	for p, req := range m.RequestParameters {
		if req {
			rt.required = append(rt.required, p)
		}
	}
	slices.Sort(rt.required)
	if m.RouteKey == model.RouteKeyConnect {
		switch m.AuthorizationType {
		case "CUSTOM":
			rt.auth = g.compileWSAuthorizer(cs, api, m, t, ls, ds)
		case "AWS_IAM":
			rt.iam = true
			*ds = append(*ds, diag.NewInfo(ruleIgnored, m.Props.At("AuthorizationType", m.Range),
				"$connect of WebSocket API %s uses AWS_IAM: cfnrun up requires a signature (an Authorization header or X-Amz-Signature in the query) but does not verify it", api.LogicalID).
				WithResource(m.LogicalID).
				WithHint("Sign the handshake as on AWS; any signature is accepted locally."))
		}
	}
	// compileLambda reports with a resource path and method: the route
	// key stands in for both.
	stage := &cstage{api: &capi{id: api.ID, name: api.Name, logicalID: api.LogicalID}, name: cs.name, vars: cs.vars}
	res := &model.Resource{Path: m.RouteKey}
	mm := *m
	mm.HTTPMethod = "route"
	ep := &endpoint{stage: stage, resPath: m.RouteKey, method: "route", timeout: model.DefaultWebSocketTimeoutMillis * time.Millisecond}
	rt.ep = ep
	in := m.Integration
	if in == nil {
		ep.fail, ep.reason = errConfig, "the route has no Target"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, m.Range, "WebSocket route %s of %s has no Target", m.RouteKey, api.LogicalID).
			WithResource(m.LogicalID).
			WithHint("Add Target: !Join [/, [integrations, !Ref MyIntegration]]; API Gateway answers such a route with an error."))
		return rt
	}
	ep.typ = in.Type
	if in.TimeoutMillis > 0 {
		ep.timeout = time.Duration(in.TimeoutMillis) * time.Millisecond
	}
	rt.mp = compileWSMapping(m, in, ds)
	switch in.Type {
	case model.IntegrationAWSProxy, model.IntegrationAWS:
		compileLambda(ep, stage, res, &mm, in, g, t, ls, ds)
	case model.IntegrationHTTPProxy, model.IntegrationHTTP:
		rt.uri = model.SubstituteStageVariables(in.URI, cs.vars)
		rt.method = in.HTTPMethod
		if rt.method == "" || rt.method == "ANY" {
			rt.method = http.MethodPost
		}
		if u, err := url.Parse(rt.uri); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ep.fail, ep.reason = errConfig, "the integration's URI is not an http(s) URL"
			*ds = append(*ds, diag.NewWarning(ruleNotServed, in.Props.At("IntegrationUri", in.Range),
				"WebSocket route %s is not served: IntegrationUri %q is not an http(s) URL", m.RouteKey, in.URI).
				WithResource(m.LogicalID))
		}
	case model.IntegrationMock:
	default:
		ep.fail, ep.reason = errConfig, in.Type+" integrations of WebSocket APIs are not run locally"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, in.Props.At("IntegrationType", in.Range),
			"WebSocket route %s uses a %s integration, which cfnrun up does not run for WebSocket APIs", m.RouteKey, in.Type).
			WithResource(m.LogicalID).
			WithHint("cfnrun runs AWS_PROXY and AWS (Lambda), HTTP_PROXY, HTTP and MOCK WebSocket integrations; the route answers {\"message\": \"Internal server error\"} as API Gateway does when an integration fails."))
	}
	return rt
}

// serveWebSocket serves r when it is for a WebSocket API of v: a
// connection to a stage, or the stage's @connections API. It reports
// whether it did.
func (g *Gateway) serveWebSocket(w http.ResponseWriter, r *http.Request, v *version) bool {
	st, rest, ok := v.locateWS(r)
	if !ok {
		return false
	}
	if id, found := strings.CutPrefix(rest, "/@connections/"); found {
		g.serveConnections(w, r, st, id)
		return true
	}
	if rest != "" && rest != "/" {
		return false
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || r.ProtoMajor != 1 {
		// Not a WebSocket handshake (or one over HTTP/2, which API
		// Gateway does not take either): a REST or HTTP API with the same
		// stage (or Host) answers it, else 426.
		if v.servesHTTP(r, st.name) {
			return false
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Upgrade", "websocket")
		h.Set("Connection", "Upgrade")
		w.WriteHeader(http.StatusUpgradeRequired)
		io.WriteString(w, `{"message":"Upgrade Required: connect with a WebSocket client over HTTP/1.1"}`)
		return true
	}
	g.serveWSConnection(w, r, st)
	return true
}

// locateWS finds the WebSocket stage r names: a custom domain's mapping
// (locateWSDomain), Host {apiId}.execute-api.* then /{stage}, or /{stage}
// of the first WebSocket API with that stage.
func (v *version) locateWS(r *http.Request) (*cwsStage, string, bool) {
	if v.domains != nil {
		if st, rest, found := v.locateWSDomain(r); found {
			return st, rest, st != nil
		}
	}
	p := r.URL.EscapedPath()
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	stage, rest := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		stage, rest = p[:i], p[i:]
	}
	if s, err := url.PathUnescape(stage); err == nil {
		stage = s
	}
	if i := strings.Index(r.Host, ".execute-api."); i > 0 {
		api := v.ws[r.Host[:i]]
		if api == nil {
			return nil, "", false
		}
		st := api.stages[stage]
		return st, rest, st != nil
	}
	sts := v.wsStages[stage]
	if len(sts) == 0 {
		return nil, "", false
	}
	return sts[0], rest, true
}

// servesHTTP reports whether a REST or HTTP API of v takes a plain
// request to stage: one of the Host's API, or one with that stage.
func (v *version) servesHTTP(r *http.Request, stage string) bool {
	if v.domains != nil {
		if _, found := v.domainRoutes(r.Host); found {
			return false // the domain's mapping is the WebSocket API's
		}
	}
	if i := strings.Index(r.Host, ".execute-api."); i > 0 {
		return v.byID[r.Host[:i]] != nil
	}
	return len(v.byStage[stage]) > 0 || len(v.rootHTTP) > 0
}

// newConnectionID makes a connection id as API Gateway's look: base64
// of random bytes ("Sl6fvd9toAMCIvQ=").
func newConnectionID() string {
	var b [wsConnectionID]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// wsEvent is the Lambda proxy event of a WebSocket API.
type wsEvent struct {
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	RequestContext                  wsRequestContext    `json:"requestContext"`
	Body                            *string             `json:"body,omitempty"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
	StageVariables                  map[string]string   `json:"stageVariables,omitempty"`
}

type wsRequestContext struct {
	RouteKey             string     `json:"routeKey"`
	MessageID            string     `json:"messageId,omitempty"`
	DisconnectStatusCode *int       `json:"disconnectStatusCode,omitempty"`
	DisconnectReason     *string    `json:"disconnectReason,omitempty"`
	EventType            string     `json:"eventType"`
	ExtendedRequestID    string     `json:"extendedRequestId"`
	RequestTime          string     `json:"requestTime"`
	MessageDirection     string     `json:"messageDirection"`
	Stage                string     `json:"stage"`
	ConnectedAt          int64      `json:"connectedAt"`
	RequestTimeEpoch     int64      `json:"requestTimeEpoch"`
	Identity             wsIdentity `json:"identity"`
	RequestID            string     `json:"requestId"`
	DomainName           string     `json:"domainName"`
	ConnectionID         string     `json:"connectionId"`
	APIID                string     `json:"apiId"`
	// Authorizer is what $connect's authorizer returned.
	Authorizer json.RawMessage `json:"authorizer,omitempty"`
}

type wsIdentity struct {
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent,omitempty"`
}

// wsContext is the requestContext of an event on c now.
func (g *Gateway) wsContext(c *wsConn, routeKey, eventType string) wsRequestContext {
	now := g.cfg.Now()
	ids := newIDs()[36:] // the apigw id: a WebSocket event's request ids look like it
	return wsRequestContext{RouteKey: routeKey, EventType: eventType, ExtendedRequestID: ids, RequestTime: string(appendRequestTime(nil, now)),
		MessageDirection: "IN", Stage: c.st.name, ConnectedAt: c.connectedAt.UnixMilli(), RequestTimeEpoch: now.UnixMilli(),
		Identity: wsIdentity{SourceIP: c.sourceIP, UserAgent: c.userAgent}, RequestID: ids, DomainName: c.domain,
		ConnectionID: c.id, APIID: c.st.api.id, Authorizer: c.authorizer}
}

// wsAnswer is what a route's integration answered.
type wsAnswer struct {
	status  int
	body    []byte
	headers http.Header
	// selector is what integration response keys match: the status
	// code, or an AWS (Lambda) integration's error message ("" when the
	// function succeeded).
	selector string
}

// errWSIntegration is a failed integration (a function error, a timeout,
// a backend that could not be reached).
var errWSIntegration = errors.New("integration failed")

// runRoute runs rt's integration for ev (a Lambda proxy event) or in's
// message (the body of the others, through the integration's request
// template and parameters), with the route's timeout. hdr is what an
// HTTP_PROXY integration forwards (the handshake's headers on $connect;
// nil for messages), with the connectionId header it always gets.
func (g *Gateway) runRoute(ctx context.Context, c *wsConn, rt *cwsRoute, ev *wsEvent, in *wsInput, hdr http.Header) (wsAnswer, error) {
	ep := rt.ep
	if ep.fail != errNone {
		return wsAnswer{}, fmt.Errorf("%w: %s", errWSIntegration, ep.reason)
	}
	ctx, cancel := context.WithTimeout(ctx, ep.timeout)
	defer cancel()
	if ep.typ == model.IntegrationAWSProxy {
		if vars := g.liveStage(c).vars; len(vars) > 0 {
			ev.StageVariables = vars
		}
		payload, err := json.Marshal(ev)
		if err != nil {
			return wsAnswer{}, err
		}
		res, err := g.cfg.Lambda.Invoke(ctx, ep.fn, payload, lambda.InvokeOptions{})
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: invoking %s: %v", errWSIntegration, ep.fn, err)
		}
		if res.FunctionError != "" {
			return wsAnswer{}, fmt.Errorf("%w: function %s failed: %s", errWSIntegration, ep.fn, bytes.TrimSpace(res.Payload))
		}
		return parseWSResponse(res.Payload), nil
	}
	body, err := rt.mp.request(in)
	if err != nil {
		return wsAnswer{}, err
	}
	switch ep.typ {
	case model.IntegrationAWS:
		// A Lambda function without the proxy: the request template's
		// output is its event, its result the integration response.
		if len(body) == 0 {
			body = []byte("{}")
		}
		res, err := g.cfg.Lambda.Invoke(ctx, ep.fn, body, lambda.InvokeOptions{})
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: invoking %s: %v", errWSIntegration, ep.fn, err)
		}
		ans := wsAnswer{status: http.StatusOK, body: res.Payload, headers: http.Header{}}
		if res.FunctionError != "" {
			var fe struct {
				ErrorMessage string `json:"errorMessage"`
			}
			json.Unmarshal(res.Payload, &fe)
			ans.status, ans.selector = http.StatusInternalServerError, fe.ErrorMessage
		}
		return ans, nil
	case model.IntegrationHTTPProxy, model.IntegrationHTTP:
		req, err := http.NewRequestWithContext(ctx, rt.method, rt.uri, bytes.NewReader(body))
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: %v", errWSIntegration, err)
		}
		if ep.typ == model.IntegrationHTTPProxy {
			for k, vs := range hdr {
				if !droppedIntegrationHeader(k) && !strings.HasPrefix(k, "Sec-Websocket-") {
					req.Header[k] = vs
				}
			}
			req.Header.Set("connectionId", c.id)
		} else if len(body) > 0 {
			req.Header.Set("Content-Type", "application/json")
		}
		rt.mp.apply(req, in)
		// The gateway's HTTP/1.1 backend transport: --map and the demo
		// backend apply as for REST and HTTP API integrations.
		resp, err := g.backends.h1.RoundTrip(req)
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: %v", errWSIntegration, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, wsMaxMessage+1))
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: %v", errWSIntegration, err)
		}
		return wsAnswer{status: resp.StatusCode, body: b, headers: resp.Header, selector: strconv.Itoa(resp.StatusCode)}, nil
	case model.IntegrationMock:
		// The request template's output (or the message, passed
		// through) must carry a statusCode, as on API Gateway; it is the
		// answer's status (what admits or refuses $connect).
		s, err := mockStatusCode(body)
		if err != nil {
			return wsAnswer{}, fmt.Errorf("%w: MOCK integration: %v", errWSIntegration, err)
		}
		n, _ := strconv.Atoi(s)
		return wsAnswer{status: n, headers: http.Header{}, selector: s}, nil
	}
	return wsAnswer{}, fmt.Errorf("%w: integration type %s", errWSIntegration, ep.typ)
}

// wsInputOf is what rt's mapping reads for event ev of c: msg (nil on
// $connect and $disconnect) and the handshake's headers and query string
// (on $connect).
func (g *Gateway) wsInputOf(c *wsConn, ev *wsEvent, msg []byte) *wsInput {
	return &wsInput{msg: msg, headers: ev.Headers, query: ev.QueryStringParameters, context: wsContextMap(ev.RequestContext), vars: g.liveStage(c).vars}
}

// parseWSResponse reads a Lambda proxy answer: {"statusCode", "body",
// "headers", "isBase64Encoded"}; anything else counts as a 200 whose body
// is the payload, as API Gateway takes a function that returns a string.
func parseWSResponse(p []byte) wsAnswer {
	var out struct {
		StatusCode      *int              `json:"statusCode"`
		Body            *string           `json:"body"`
		Headers         map[string]string `json:"headers"`
		IsBase64Encoded bool              `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(p, &out); err != nil || (out.StatusCode == nil && out.Body == nil) {
		if s, err := strconv.Unquote(string(bytes.TrimSpace(p))); err == nil {
			return wsAnswer{status: 200, body: []byte(s)}
		}
		if string(bytes.TrimSpace(p)) == "null" {
			return wsAnswer{status: 200}
		}
		return wsAnswer{status: 200, body: p}
	}
	a := wsAnswer{status: 200, headers: http.Header{}}
	if out.StatusCode != nil {
		a.status = *out.StatusCode
	}
	if out.Body != nil {
		a.body = []byte(*out.Body)
		if out.IsBase64Encoded {
			if b, err := base64.StdEncoding.DecodeString(*out.Body); err == nil {
				a.body = b
			}
		}
	}
	for k, v := range out.Headers {
		a.headers.Set(k, v)
	}
	return a
}

// serveWSConnection runs one client connection: $connect, the handshake,
// the messages, $disconnect.
func (g *Gateway) serveWSConnection(w http.ResponseWriter, r *http.Request, st *cwsStage) {
	now := g.cfg.Now()
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	c := &wsConn{id: newConnectionID(), st: st, connectedAt: now, lastActive: now, sourceIP: ip, userAgent: r.UserAgent(), domain: r.Host}
	rc := g.wsContext(c, model.RouteKeyConnect, "CONNECT")
	lg := &wsLogEvent{c: c, rc: &rc, start: now, integrationLatency: -1}
	// refuse answers the handshake with an error and logs the event.
	refuse := func(status int, kind errKind, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
		lg.status, lg.errKind = status, kind
		g.wsLog(st, lg)
	}
	for _, p := range st.routes[model.RouteKeyConnect].requiredParams() {
		if !wsHasParam(r, p) {
			g.log.Info("WebSocket connection refused: a required parameter is missing", slog.String("parameter", p), slog.String("stage", st.name))
			refuse(http.StatusForbidden, errForbidden, `{"message":"Forbidden"}`)
			return
		}
	}
	var protocols []string
	if rt := st.routes[model.RouteKeyConnect]; rt != nil {
		if rt.iam && r.Header.Get("Authorization") == "" && !r.URL.Query().Has("X-Amz-Signature") {
			refuse(http.StatusForbidden, errForbidden, `{"message":"Forbidden"}`)
			return
		}
		ev := &wsEvent{Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, RequestContext: rc}
		hs := requestSpelling(r)
		for k, vs := range r.Header {
			ev.Headers[hs.name(k)] = strings.Join(vs, ",")
			ev.MultiValueHeaders[hs.name(k)] = vs
		}
		proto, port := "http", ""
		if r.TLS != nil {
			proto = "https"
		}
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			_, port, _ = net.SplitHostPort(a.String())
		}
		for k, v := range map[string]string{"Host": r.Host, "X-Forwarded-For": ip, "X-Forwarded-Proto": proto, "X-Forwarded-Port": port} {
			ev.Headers[k], ev.MultiValueHeaders[k] = v, []string{v}
		}
		if q := r.URL.Query(); len(q) > 0 {
			ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, map[string][]string(q)
			for k, vs := range q {
				ev.QueryStringParameters[k] = vs[len(vs)-1]
			}
		}
		if len(st.vars) > 0 {
			ev.StageVariables = st.vars
		}
		authKey := ""
		if rt.auth != nil {
			status, az, key := g.authorizeWS(r, c, rt, ev)
			if status != 0 {
				g.log.Info("WebSocket connection refused by the authorizer", slog.Int("status", status), slog.String("connectionId", c.id))
				switch status {
				case http.StatusUnauthorized:
					refuse(status, errUnauthorized, `{"message":"Unauthorized"}`)
				case http.StatusForbidden:
					refuse(status, errForbidden, `{"message":"Forbidden"}`)
				default:
					refuse(status, errAuthorizerFailure, `{"message":"Internal Server Error"}`)
				}
				return
			}
			c.authorizer, authKey = az, key
			ev.RequestContext.Authorizer = az
		}
		sk, no := st.wsKey(r, rt, authKey)
		if no == nil {
			no = g.admitWS(st, rt, sk, now)
		}
		if no != nil {
			g.log.Info("WebSocket connection refused", slog.String("reason", no.detail), slog.String("connectionId", c.id))
			refuse(awsErrors[no.kind].status, no.kind, awsErrors[no.kind].body)
			return
		}
		c.key = sk
		t0 := time.Now()
		ans, err := g.runRoute(r.Context(), c, rt, ev, g.wsInputOf(c, ev, nil), r.Header)
		lg.integrationLatency = time.Since(t0)
		if err != nil && r.Context().Err() != nil {
			g.log.Info("WebSocket client left during $connect", slog.String("connectionId", c.id))
			g.wsLog(st, lg) // no status: nothing was answered
			return
		}
		if errors.Is(err, errWSUnsupportedMedia) {
			g.log.Info("WebSocket $connect refused", slog.String("error", err.Error()), slog.String("connectionId", c.id))
			refuse(http.StatusUnsupportedMediaType, errUnsupportedMedia, awsErrors[errUnsupportedMedia].body)
			return
		}
		if err != nil {
			g.log.Warn("WebSocket $connect failed", slog.String("error", err.Error()), slog.String("connectionId", c.id))
			refuse(http.StatusBadGateway, errBadGateway, `{"message":"Internal server error"}`)
			return
		}
		lg.integrationStatus = ans.status
		if ans.status < 200 || ans.status > 299 {
			for k, vs := range ans.headers {
				w.Header()[k] = vs
			}
			w.WriteHeader(ans.status)
			w.Write(ans.body)
			lg.status = ans.status
			g.wsLog(st, lg)
			return
		}
		if p := ans.headers.Get("Sec-WebSocket-Protocol"); p != "" {
			protocols = []string{strings.TrimSpace(strings.Split(p, ",")[0])}
		}
	} else if no := g.admitWS(st, &cwsRoute{}, nil, now); no != nil {
		// No $connect route: every client is admitted, within the
		// account's limit.
		refuse(awsErrors[no.kind].status, no.kind, awsErrors[no.kind].body)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: protocols, InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		// Accept has answered (426, 400, ...) what the client sent.
		g.log.Info("WebSocket handshake failed", slog.String("error", err.Error()))
		lg.errKind = errBadRequest
		g.wsLog(st, lg)
		return
	}
	lg.status = http.StatusOK
	g.wsLog(st, lg)
	conn.SetReadLimit(wsMaxMessage)
	c.c = conn
	ctx, cancel := context.WithTimeout(context.Background(), wsMaxDuration)
	c.cancel = cancel
	g.ws.add(c)
	g.log.Info("WebSocket connected", slog.String("connectionId", c.id), slog.String("stage", st.name), slog.String("api", st.api.logicalID))
	code, reason := g.readWS(ctx, c)
	g.ws.remove(c.id)
	cancel()
	c.mu.Lock()
	if c.closeCode != 0 {
		code, reason = c.closeCode, c.closeReason
	}
	c.mu.Unlock()
	conn.Close(code, reason)
	live := g.liveStage(c)
	drc := g.wsContext(c, model.RouteKeyDisconnect, "DISCONNECT")
	n := int(code)
	drc.DisconnectStatusCode, drc.DisconnectReason = &n, &reason
	dlg := &wsLogEvent{c: c, rc: &drc, start: g.cfg.Now(), integrationLatency: -1, status: http.StatusOK}
	if rt := live.routes[model.RouteKeyDisconnect]; rt != nil {
		ev := &wsEvent{Headers: map[string]string{"Host": r.Host}, MultiValueHeaders: map[string][]string{"Host": {r.Host}}, RequestContext: drc}
		t0 := time.Now()
		ans, err := g.runRoute(context.Background(), c, rt, ev, g.wsInputOf(c, ev, nil), nil)
		dlg.integrationLatency = time.Since(t0)
		if err != nil {
			g.log.Warn("WebSocket $disconnect failed", slog.String("error", err.Error()), slog.String("connectionId", c.id))
			dlg.status, dlg.errKind = http.StatusInternalServerError, errBadGateway
		} else {
			dlg.integrationStatus = ans.status
		}
	}
	g.wsLog(live, dlg)
	g.log.Info("WebSocket disconnected", slog.String("connectionId", c.id), slog.Int("code", int(code)))
}

// requiredParams are the route's required parameters (nil route: none).
func (rt *cwsRoute) requiredParams() []string {
	if rt == nil {
		return nil
	}
	return rt.required
}

// wsHasParam reports whether the handshake carries route.request.header.X
// or route.request.querystring.X.
func wsHasParam(r *http.Request, p string) bool {
	if h, ok := strings.CutPrefix(p, "route.request.header."); ok {
		return r.Header.Get(h) != ""
	}
	if q, ok := strings.CutPrefix(p, "route.request.querystring."); ok {
		return r.URL.Query().Has(q)
	}
	return true
}

// readWS reads c's messages until the client closes, a quota ends the
// connection or ctx does; it returns the close code and reason.
func (g *Gateway) readWS(ctx context.Context, c *wsConn) (websocket.StatusCode, string) {
	sem := make(chan struct{}, wsMaxInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		rctx, cancel := context.WithTimeout(ctx, wsIdleTimeout)
		typ, msg, err := c.c.Read(rctx)
		idle := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			switch {
			case websocket.CloseStatus(err) != -1:
				return websocket.CloseStatus(err), closeReason(err)
			case idle, ctx.Err() != nil:
				return websocket.StatusGoingAway, "Going away"
			case strings.Contains(err.Error(), "read limited"):
				return websocket.StatusMessageTooBig, "Message too big"
			}
			return websocket.StatusAbnormalClosure, ""
		}
		if typ == websocket.MessageBinary {
			// AWS: "API Gateway WebSocket APIs don't currently support
			// binary frames in incoming message payloads. If a client app
			// sends a binary frame, API Gateway rejects it and disconnects
			// the client with code 1003" (websocket-api-develop-binary-
			// media-types). Base64 in a text frame, with CONVERT_TO_BINARY,
			// is the way binary data goes in.
			return websocket.StatusUnsupportedData, "Binary frames are not supported"
		}
		c.touch(g.cfg.Now())
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			g.wsMessage(ctx, c, msg)
		}()
	}
}

func closeReason(err error) string {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

// wsMessage routes one (text) message and runs its route.
func (g *Gateway) wsMessage(ctx context.Context, c *wsConn, msg []byte) {
	st := g.liveStage(c)
	key := st.selectRoute(msg)
	rt := st.routes[key]
	if key == model.RouteKeyConnect || key == model.RouteKeyDisconnect {
		rt = nil // API Gateway runs them on connecting and leaving, never for a message
	}
	if rt == nil {
		key = model.RouteKeyDefault
		rt = st.routes[key]
	}
	rc := g.wsContext(c, key, "MESSAGE")
	rc.MessageID = newConnectionID()
	lg := &wsLogEvent{c: c, rc: &rc, start: g.cfg.Now(), integrationLatency: -1}
	defer g.wsLog(st, lg)
	// The connection's key, as the served version grants it (a saved
	// template's plan limits apply to connections already open).
	sk := c.key
	if sk != nil {
		if live := st.access.byID[sk.id]; live != nil {
			sk = live
		}
	}
	if rt == nil || rt.apiKey && sk == nil {
		lg.status, lg.errKind = http.StatusForbidden, errForbidden
		if rt != nil {
			lg.errKind = errInvalidAPIKey
		}
		g.wsError(ctx, c, "Forbidden", rc.RequestID)
		return
	}
	if no := g.admitWS(st, rt, sk, lg.start); no != nil {
		g.log.Info("WebSocket message refused", slog.String("route", key), slog.String("reason", no.detail), slog.String("connectionId", c.id))
		lg.status, lg.errKind = awsErrors[no.kind].status, no.kind
		g.wsError(ctx, c, awsErrors[no.kind].message, rc.RequestID)
		return
	}
	ev := &wsEvent{RequestContext: rc}
	body := string(msg)
	ev.Body = &body
	t0 := time.Now()
	in := g.wsInputOf(c, ev, msg)
	ans, err := g.runRoute(ctx, c, rt, ev, in, nil)
	lg.integrationLatency = time.Since(t0)
	if errors.Is(err, errWSUnsupportedMedia) {
		g.log.Info("WebSocket message refused", slog.String("route", key), slog.String("error", err.Error()), slog.String("connectionId", c.id))
		lg.status, lg.errKind = http.StatusUnsupportedMediaType, errUnsupportedMedia
		g.wsError(ctx, c, awsErrors[errUnsupportedMedia].message, rc.RequestID)
		return
	}
	var out []byte
	var binary, send bool
	if err == nil && rt.twoWay {
		out, binary, send, err = rt.mp.respond(in, &ans)
	}
	if err != nil {
		g.log.Warn("WebSocket route failed", slog.String("route", key), slog.String("error", err.Error()), slog.String("connectionId", c.id))
		lg.status, lg.errKind = http.StatusInternalServerError, errBadGateway
		g.wsError(ctx, c, "Internal server error", rc.RequestID)
		return
	}
	lg.status, lg.integrationStatus = http.StatusOK, ans.status
	if send {
		g.wsSendAs(ctx, c, out, binary)
	}
}

// liveStage is the stage c's messages go to: the served version's stage
// of the same API and name (a saved template applies to the connections
// already open, as a new deployment of the stage does on AWS), or the
// one c connected to when the API or stage is gone.
func (g *Gateway) liveStage(c *wsConn) *cwsStage {
	if v := g.cur.Load(); v != nil {
		if a := v.ws[c.st.api.id]; a != nil {
			if st := a.stages[c.st.name]; st != nil {
				return st
			}
		}
	}
	return c.st
}

// wsError sends API Gateway's error message for a route that failed or
// does not exist.
func (g *Gateway) wsError(ctx context.Context, c *wsConn, msg, requestID string) {
	b, _ := json.Marshal(struct {
		Message      string `json:"message"`
		ConnectionID string `json:"connectionId"`
		RequestID    string `json:"requestId"`
	}{msg, c.id, requestID})
	g.wsSend(ctx, c, b)
}

// wsSend sends p to c: a text frame when p is UTF-8, else binary.
func (g *Gateway) wsSend(ctx context.Context, c *wsConn, p []byte) error {
	return g.wsSendAs(ctx, c, p, false)
}

// wsSendAs sends p to c: a binary frame when binary or when p is not
// UTF-8, else a text frame.
func (g *Gateway) wsSendAs(ctx context.Context, c *wsConn, p []byte, binary bool) error {
	typ := websocket.MessageText
	if binary || !utf8.Valid(p) {
		typ = websocket.MessageBinary
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.c.Write(wctx, typ, p)
}

// selectRoute evaluates the stage's route selection expression on a
// message: the route key, or "" when it selects none.
func (st *cwsStage) selectRoute(msg []byte) string {
	if st.selConst != "" {
		return st.selConst
	}
	if len(st.selPath) == 0 {
		return ""
	}
	var doc any
	if json.Unmarshal(msg, &doc) != nil {
		return ""
	}
	for _, k := range st.selPath {
		m, ok := doc.(map[string]any)
		if !ok {
			return ""
		}
		doc = m[k]
	}
	switch v := doc.(type) {
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

// serveConnections is the @connections API of a stage: POST sends the
// body to the connection, GET describes it, DELETE closes it.
func (g *Gateway) serveConnections(w http.ResponseWriter, r *http.Request, st *cwsStage, rawID string) {
	id, err := url.PathUnescape(rawID)
	if err != nil {
		id = rawID
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h["x-amzn-RequestId"] = []string{newIDs()[:36]}
	c := g.ws.get(id)
	if c == nil || c.st.api != st.api && c.st.api.id != st.api.id {
		h["x-amzn-ErrorType"] = []string{"GoneException"}
		w.WriteHeader(http.StatusGone)
		io.WriteString(w, `{"message":null}`)
		return
	}
	switch r.Method {
	case http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, wsMaxMessage+1))
		if err != nil {
			h["x-amzn-ErrorType"] = []string{"BadRequestException"}
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"message":"could not read the request body"}`)
			return
		}
		if len(body) > wsMaxMessage {
			h["x-amzn-ErrorType"] = []string{"PayloadTooLargeException"}
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprintf(w, `{"message":"Payload too large: the limit is %d bytes"}`, wsMaxMessage)
			return
		}
		if err := g.wsSend(r.Context(), c, body); err != nil {
			h["x-amzn-ErrorType"] = []string{"GoneException"}
			w.WriteHeader(http.StatusGone)
			io.WriteString(w, `{"message":null}`)
			return
		}
		c.touch(g.cfg.Now())
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		c.mu.Lock()
		last := c.lastActive
		c.mu.Unlock()
		b, _ := json.Marshal(struct {
			ConnectedAt  string     `json:"connectedAt"`
			Identity     wsIdentity `json:"identity"`
			LastActiveAt string     `json:"lastActiveAt"`
		}{c.connectedAt.UTC().Format("2006-01-02T15:04:05.000Z"), wsIdentity{SourceIP: c.sourceIP, UserAgent: c.userAgent}, last.UTC().Format("2006-01-02T15:04:05.000Z")})
		w.WriteHeader(http.StatusOK)
		w.Write(b)
	case http.MethodDelete:
		c.mu.Lock()
		c.closeCode, c.closeReason = websocket.StatusNormalClosure, ""
		c.mu.Unlock()
		c.c.Close(websocket.StatusNormalClosure, "")
		c.cancel()
		w.WriteHeader(http.StatusNoContent)
	default:
		h.Set("Allow", "GET, POST, DELETE")
		h["x-amzn-ErrorType"] = []string{"MethodNotAllowedException"}
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, `{"message":"Use POST, GET or DELETE on @connections/{connectionId}"}`)
	}
}

// wsRouteList lists the WebSocket routes for the route table: by API
// (template order), stage and route key.
func (v *version) wsRouteList() []RouteInfo {
	if v.tmpl == nil {
		return nil
	}
	var out []RouteInfo
	for _, api := range v.tmpl.WebSocketAPIs {
		ca := v.ws[api.ID]
		if ca == nil {
			continue
		}
		names := make([]string, 0, len(ca.stages))
		for name := range ca.stages {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			cs := ca.stages[name]
			for _, m := range api.Routes {
				rt := cs.routes[m.RouteKey]
				ri := RouteInfo{APIID: ca.id, APIName: ca.name, Stage: name, Method: m.RouteKey, Path: "/" + name, Integration: rt.ep.typ,
					Served: rt.ep.fail == errNone, WebSocket: true, TwoWay: rt.twoWay, HTTP2: false}
				switch {
				case rt.ep.fn != "":
					ri.Target, ri.Function, ri.Runtime = rt.ep.fnLabel, rt.ep.fn, rt.ep.fnRuntime
				case rt.uri != "":
					ri.Target = rt.method + " " + rt.uri
				}
				if !ri.Served {
					ri.Note = rt.ep.reason
				}
				if v.wsStages[name][0] != cs {
					ri.HostStyle = true
				}
				out = append(out, ri)
			}
		}
	}
	return out
}

// compileWSAuthorizer compiles $connect's Lambda REQUEST authorizer. One
// that cannot run refuses every connection (500), with a finding.
func (g *Gateway) compileWSAuthorizer(cs *cwsStage, api *model.WebSocketAPI, m *model.Method, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *wsAuthorizer {
	var az *model.Authorizer
	for _, a := range api.Authorizers {
		if a.ID == m.AuthorizerID {
			az = a
		}
	}
	wa := &wsAuthorizer{region: "us-east-1"}
	if az == nil {
		wa.fail = "AuthorizerId " + m.AuthorizerID + " names no authorizer of the API"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, m.Props.At("AuthorizerId", m.Range),
			"$connect of WebSocket API %s refuses every client: %s", api.LogicalID, wa.fail).WithResource(m.LogicalID))
		return wa
	}
	wa.name = az.Name
	if r, ok := uriRegion(az.AuthorizerURI); ok {
		wa.region = r
	}
	for _, src := range strings.Split(az.IdentitySource, ",") {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		// route.request.header.X is method.request.header.X of REST APIs.
		is, ok := parseIdentitySource(strings.Replace(src, "route.request.", "method.request.", 1))
		if !ok {
			wa.fail = "identity source " + src + " is not route.request.header.NAME, route.request.querystring.NAME, stageVariables.NAME or context.NAME"
			*ds = append(*ds, diag.NewWarning(ruleNotServed, az.Props.At("IdentitySource", az.Range),
				"authorizer %s of WebSocket API %s cannot run: %s", az.Name, api.LogicalID, wa.fail).WithResource(az.LogicalID))
			return wa
		}
		wa.sources = append(wa.sources, is)
	}
	if !strings.EqualFold(az.Type, "REQUEST") {
		wa.fail = "authorizer type " + az.Type + " is not REQUEST, the only type WebSocket APIs take"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, az.Props.At("AuthorizerType", az.Range),
			"authorizer %s of WebSocket API %s cannot run: %s", az.Name, api.LogicalID, wa.fail).WithResource(az.LogicalID))
		return wa
	}
	in := &model.Integration{Type: model.IntegrationAWSProxy, URI: az.AuthorizerURI, Lambda: az.Function, Range: az.Range,
		Props: model.Ranges{{Key: "Uri", Range: az.Props.At("AuthorizerUri", az.Range)}}}
	stage := &cstage{api: &capi{id: api.ID, name: api.Name, logicalID: api.LogicalID}, name: cs.name, vars: cs.vars}
	ep := &endpoint{stage: stage}
	mm := *m
	mm.HTTPMethod = "authorizer"
	if !compileLambda(ep, stage, &model.Resource{Path: az.Name}, &mm, in, g, t, ls, ds) {
		wa.fail = ep.reason
		return wa
	}
	wa.fn = ep.fn
	return wa
}

// wsIdentity returns the values of the authorizer's identity sources in
// the handshake r, or ok=false when one is missing (API Gateway then
// refuses the connection with 401 without calling the function).
func (wa *wsAuthorizer) identity(r *http.Request, st *cwsStage) bool {
	for _, src := range wa.sources {
		v := ""
		switch src.kind {
		case srcHeader:
			v = r.Header.Get(src.name)
		case srcQuery:
			v = r.URL.Query().Get(src.name)
		case srcStageVar:
			v = st.vars[src.name]
		default:
			v = "context" // $context values are always there
		}
		if v == "" {
			return false
		}
	}
	return true
}

// authorizeWS runs $connect's authorizer for the handshake r: it returns
// the HTTP status that refuses the connection (0: admitted) and, when
// admitted, requestContext.authorizer for the connection's events and the
// usageIdentifierKey it returned (the API key, with
// ApiKeySelectionExpression $context.authorizer.usageIdentifierKey).
func (g *Gateway) authorizeWS(r *http.Request, c *wsConn, rt *cwsRoute, ev *wsEvent) (int, json.RawMessage, string) {
	wa := rt.auth
	if wa.fail != "" {
		g.log.Warn("WebSocket authorizer cannot run", slog.String("error", wa.fail))
		return http.StatusInternalServerError, nil, ""
	}
	if !wa.identity(r, c.st) {
		return http.StatusUnauthorized, nil, ""
	}
	arn := "arn:aws:execute-api:" + wa.region + ":" + g.cfg.AccountID + ":" + c.st.api.id + "/" + c.st.name + "/" + model.RouteKeyConnect
	payload, err := json.Marshal(struct {
		Type      string `json:"type"`
		MethodArn string `json:"methodArn"`
		*wsEvent
	}{"REQUEST", arn, ev})
	if err != nil {
		return http.StatusInternalServerError, nil, ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), model.DefaultWebSocketTimeoutMillis*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := g.cfg.Lambda.Invoke(ctx, wa.fn, payload, lambda.InvokeOptions{})
	if err == nil && res.FunctionError != "" {
		// An authorizer that throws "Unauthorized" refuses with 401, as
		// for REST and HTTP APIs (the Lambda authorizer convention).
		if msg, _ := jsonField(res.Payload, "errorMessage"); msg == "Unauthorized" {
			return http.StatusUnauthorized, nil, ""
		}
	}
	if err != nil || res.FunctionError != "" {
		msg := ""
		if err != nil {
			msg = err.Error()
		} else {
			msg = string(bytes.TrimSpace(res.Payload))
		}
		g.log.Warn("WebSocket authorizer failed", slog.String("authorizer", wa.name), slog.String("error", msg))
		return http.StatusInternalServerError, nil, ""
	}
	ar, err := parseAuthorizerResult(res.Payload)
	if err != nil {
		g.log.Warn("WebSocket authorizer answered what API Gateway refuses", slog.String("authorizer", wa.name), slog.String("error", err.Error()))
		return http.StatusInternalServerError, nil, ""
	}
	if ar.evaluate(arn) != policyAllow {
		return http.StatusForbidden, nil, ""
	}
	// principalId, the context, and integrationLatency, as API Gateway
	// puts them in requestContext.authorizer.
	b := append([]byte(nil), ar.json[:len(ar.json)-1]...)
	b = append(b, `,"integrationLatency":`...)
	b = strconv.AppendInt(b, time.Since(start).Milliseconds(), 10)
	return 0, append(b, '}'), ar.usageIdentifierKey
}
