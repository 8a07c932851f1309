package runtime

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/vtl"
)

// Rule names of the findings Load reports.
const (
	ruleNotServed   = "runtime-not-served"
	ruleIgnored     = "runtime-ignored"
	ruleUnsupported = "runtime-unsupported"
)

// version is one compiled template. It is immutable once built.
type version struct {
	gen  int64
	tmpl *model.Template // what was compiled, for Gateway.Template
	apis []*capi
	byID map[string]*capi
	// byStage lists the APIs that have a stage, by logical id, for
	// path-style URLs (/{stage}/...): the first that has the route serves
	// it (resolve, fallThrough).
	byStage map[string][]*capi
	// domains are the custom domain names with a mapping served (by
	// lower-case name; a wildcard domain under "*.example.com"), for
	// requests whose Host is one (locateDomain).
	domains map[string][]domainRoute
	// wildDomains are the wildcard domains' (*.example.com) by parent
	// (example.com).
	wildDomains map[string][]domainRoute
	// routes is what Routes lists, built on its first call from
	// routeSrc: not on the way to serving (2,000 routes are ~340 kB of
	// RouteInfo that only the banner and the control plane read).
	routeSrc   []routeSource
	routesOnce sync.Once
	routes     []RouteInfo
	// rootHTTP lists the HTTP APIs with a $default stage, served at the
	// root of the URL space (locateDefault).
	rootHTTP []*capi
	// allHTTP: every served API is an HTTP API.
	allHTTP bool
	// countBytes: a stage's access log Format reads
	// $context.responseLength, so every response's body is counted.
	countBytes bool
	// lambda is the version's function set (see Gateway.Load).
	lambda *lambdaSet
	// keepNames: its HTTP/1.1 connections keep header names as written
	// (needsNames, h1names.go).
	keepNames bool
	access    AccessInfo
	// ws are the WebSocket APIs by id, wsStages by stage name (nil
	// without WebSocket APIs).
	ws       map[string]*cws
	wsStages map[string][]*cwsStage
}

type capi struct {
	id, name, logicalID string
	stages              map[string]*cstage
	errs                errorTable
	validators          []*model.RequestValidator
	// binary is the API's binaryMediaTypes, lower case.
	binary []string
	// authorizers are the API's authorizers.
	authorizers []*model.Authorizer
	keySource   string  // ApiKeySourceType, HEADER when unset
	account     Limiter // the account throttle; nil with NoThrottle
	// policy is the API's resource policy; nil when it has none.
	policy *cpolicy
	// uris are the integration URIs parsed so far (see uriTemplate).
	uris map[string]*uriTemplate
	// http is what an HTTP API (API Gateway v2) adds; nil for REST APIs.
	http *chttp
}

// uriTemplate is parseURITemplate(raw), parsed once per API and shared by
// its methods (a uriTemplate is read-only once built): the methods of a
// large template often have the same integration URI (each of the 400
// HTTP_PROXY methods of the generated 2,000-resource template does).
func (ca *capi) uriTemplate(raw string) (*uriTemplate, error) {
	if ut, ok := ca.uris[raw]; ok {
		return ut, nil
	}
	ut, err := parseURITemplate(raw)
	if err == nil {
		if ca.uris == nil {
			ca.uris = map[string]*uriTemplate{}
		}
		ca.uris[raw] = ut
	}
	return ut, err
}

type cstage struct {
	api   *capi
	name  string
	http2 bool
	vars  map[string]string
	root  *rnode
	// deploymentID is the stage's deployment, for proxy events.
	deploymentID string
	// auths are the stage's compiled Lambda authorizers (each with its
	// cache), made as methods need them.
	auths map[*model.Authorizer]*cauthorizer
	// defaultEP is an HTTP API's $default route, nil for none.
	defaultEP *endpoint
	// logFormat is the stage's access log Format, nil for none.
	logFormat *logFormat

	access stageAccess
}

// endpoint is one compiled (stage, resource, method).
type endpoint struct {
	stage   *cstage
	resPath string
	method  string
	typ     string
	// fail, when set, is the error every request gets (AWS, AWS_PROXY,
	// no integration, an unusable URI); reason is logged.
	fail   errKind
	reason string
	// inline: a request without a body can be answered without blocking,
	// so the HTTP/2 engine may run it on the connection's reader goroutine
	// (see Gateway.inlineOK). Decided once, by canRunInline.
	inline bool
	// detach: an HTTP_PROXY request without a body runs inline up to
	// the backend call, which the backend connection's reader answers
	// (see Gateway.serveProxy). Decided once, by canDetach.
	detach bool
	// apiKey: the method has ApiKeyRequired; only an enabled key of a
	// usage plan for the stage passes (see checkAccess).
	apiKey bool
	access epAccess
	// iam: the method has AuthorizationType AWS_IAM; requests without an
	// Authorization header get 403 Missing Authentication Token, as AWS
	// answers unsigned requests. Signatures are not verified.
	iam bool
	// required are the method request parameters a request validator
	// with ValidateRequestParameters checks ("querystring.q", "header.h",
	// "path.p"), sorted.
	required []string
	// body validates the request body against the method's models; nil
	// when the method's validator does not check bodies.
	body *bodyValidation
	// cognito is the method's Cognito user pool authorizer, nil for none.
	cognito *ccognito

	// HTTP and HTTP_PROXY.
	target    *uriTemplate
	backend   *backendGroup
	intMethod string
	timeout   time.Duration
	reqParams []paramMapping
	// paramsReadBody: a request parameter maps from the method request's
	// body (method.request.body[.PATH]), which is then read whole before
	// the integration request is built.
	paramsReadBody bool

	// HTTP and MOCK.
	reqTemplates map[string]mappingTemplate
	// mockStatus is the statusCode of each literal MOCK request template,
	// worked out once.
	mockStatus  map[string]string
	passthrough string
	responses   []*cresponse
	defaultResp *cresponse

	// Lambda (AWS_PROXY, and AWS with a Lambda URI): fn is the function
	// the service invokes, fnLabel how the route table shows it.
	fn, fnLabel, fnRuntime string
	// fnStrs interns the header names and values fn answers with (shared
	// by the endpoints of fn in this version).
	fnStrs *respStrings
	// invocationType is the mapping of an AWS integration's
	// X-Amz-Invocation-Type header ('Event' is asynchronous), or nil.
	invocationType *valueSource
	// perStage: the endpoint's findings depend on the stage (a function
	// named by a stage variable), so every stage reports them.
	perStage bool
	// resourceID and operationName go into proxy events.
	resourceID, operationName string
	// auth is the method's Lambda authorizer, nil without one.
	auth *cauthorizer

	// HTTP API routes: routeKey is the route's key ("GET /pets/{id}",
	// "$default"), payload2 a Lambda proxy integration with payload
	// format 2.0, hauth the route's JWT or Lambda authorizer.
	routeKey string
	payload2 bool
	hauth    *chauth
	// httpParams are the route's parameter mappings (HTTP_PROXY), nil
	// for none.
	httpParams *httpParams
}

type cresponse struct {
	status    int
	pattern   *regexp.Regexp // nil for the default response
	headers   []respParam
	templates []ctemplate // sorted by content type
}

type ctemplate struct {
	contentType string
	t           mappingTemplate
	// ctype is {contentType} and length, for a literal template, its
	// Content-Length: header values shared by every response, which
	// nothing changes in place once set.
	ctype, length []string
}

func newCTemplate(contentType string, t mappingTemplate) ctemplate {
	ct := ctemplate{contentType: contentType, t: t, ctype: []string{contentType}}
	if lt, ok := t.(literalTemplate); ok {
		ct.length = []string{strconv.Itoa(len(lt))}
	}
	return ct
}

type srcKind uint8

const (
	srcStatic srcKind = iota
	srcPath
	srcQuery
	srcHeader
	srcContext
	srcStageVar
	srcBody
	srcBodyField
	srcRespHeader
)

// valueSource is a compiled parameter mapping expression.
type valueSource struct {
	kind   srcKind
	name   string // parameter, header, context or body field path
	static string
	sel    *vtl.Selection // srcBodyField: name compiled
}

type destKind uint8

const (
	destPath destKind = iota
	destQuery
	destHeader
)

type paramMapping struct {
	dest destKind
	name string
	src  valueSource
}

type respParam struct {
	header string
	src    valueSource
	// key is header in canonical form; static, the value of a static
	// source as a shared header value.
	key    string
	static []string
}

// compile builds a version from t. It returns nil when no API can be
// served, with the findings that say why.
func compile(t *model.Template, g *Gateway) (*version, diag.Diagnostics) {
	var ds diag.Diagnostics
	v := &version{tmpl: t, byID: map[string]*capi{}, byStage: map[string][]*capi{}}
	v.lambda = g.lambdaFunctions(t, &ds)
	v.keepNames = needsNames(t, v.lambda)
	stageOwners := map[string][]*capi{}
	for _, api := range t.APIs {
		ca := &capi{id: api.ID, name: api.Name, logicalID: api.LogicalID, stages: map[string]*cstage{}, validators: api.Validators, authorizers: api.Authorizers}
		for _, b := range api.BinaryMediaTypes {
			ca.binary = append(ca.binary, strings.ToLower(b))
		}
		ca.errs = compileGatewayResponses(api, &ds)
		if api.IsHTTP() {
			g.compileHTTPAPI(api, ca, &ds)
		} else if api.MinimumCompressionSize >= 0 {
			ds = append(ds, diag.NewInfo(ruleIgnored, api.Props.At("MinimumCompressionSize", api.Range),
				"REST API %s has MinimumCompressionSize %d, which cfnrun up does not apply: answers are sent uncompressed (on AWS, a body of at least %d bytes is gzip- or deflate-encoded for a client whose Accept-Encoding takes it, and a compressed request body is decoded)",
				api.LogicalID, api.MinimumCompressionSize, api.MinimumCompressionSize).
				WithResource(api.LogicalID))
		}
		models := newModelSet(api, &ds)
		stages := dedupeStages(api, &ds)
		if len(stages) == 0 && ca.http != nil {
			stages = []*model.Stage{httpDefaultStage(api)}
		}
		if len(stages) == 0 {
			if !hasMethods(api) || controlPlaneAPI(api) {
				ds = append(ds, diag.NewWarning(ruleNotServed, api.Range,
					"REST API %s has no stage, so none of its methods is served", api.LogicalID).
					WithResource(api.LogicalID).
					WithHint("Add an AWS::ApiGateway::Stage, or a StageName on the Deployment, to serve it at /{stage}/...."))
				continue
			}
			// AWS serves nothing of an API never deployed to a stage;
			// sam local start-api serves it all the same, and so does
			// up, at a stage of its own, saying so.
			ds = append(ds, diag.NewWarning(ruleIgnored, api.Range,
				"REST API %s has no stage, so AWS serves none of its methods; cfnrun up serves them at stage %q (/%s/...)", api.LogicalID, undeployedStage, undeployedStage).
				WithResource(api.LogicalID).
				WithHint("Add an AWS::ApiGateway::Stage, or a StageName on the Deployment, to deploy it."))
			stages = []*model.Stage{{LogicalID: api.LogicalID, Name: undeployedStage, Range: api.Range}}
		}
		for _, st := range stages {
			cs := &cstage{api: ca, name: st.Name, http2: st.HTTP2Enabled == nil || *st.HTTP2Enabled, vars: st.Variables, root: &rnode{}, deploymentID: st.DeploymentID, auths: map[*model.Authorizer]*cauthorizer{}}
			if st.AccessLogFormat != "" {
				cs.logFormat = compileLogFormat(st.AccessLogFormat)
				v.countBytes = v.countBytes || cs.logFormat.reads("responseLength")
			}
			if rng, ok := st.Props.Lookup("CanarySetting"); ok {
				ds = append(ds, diag.NewWarning(ruleIgnored, rng,
					"stage %q has a CanarySetting, which cfnrun up does not emulate: every request uses the stage's own deployment and variables (on AWS, PercentTraffic of them use the canary's)", st.Name).
					WithResource(st.LogicalID))
			}
			ca.stages[st.Name] = cs
			first := st == stages[0]
			for _, res := range api.StageResources(st) {
				if len(res.Methods) == 0 {
					continue
				}
				n := cs.root.insert(res.Path)
				n.hasRes = true
				n.path = res.Path
				for _, m := range res.Methods {
					idx := methodIndex(m.HTTPMethod)
					if idx < 0 {
						if first {
							ds = append(ds, diag.NewWarning(ruleNotServed, m.Props.At("HttpMethod", m.Range),
								"method %s %s is not served: %q is not an HTTP method API Gateway accepts", m.HTTPMethod, res.Path, m.HTTPMethod).
								WithResource(m.LogicalID).
								WithHint("Use GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS or ANY."))
						}
						continue
					}
					var mds diag.Diagnostics
					var ep *endpoint
					if ca.http != nil {
						ep = g.compileHTTPRoute(cs, res, m, t, v.lambda, &mds)
					} else {
						ep = compileEndpoint(cs, res, m, g, t, v.lambda, &mds)
						g.compileCognito(t, ep, api, res, m, &mds)
					}
					ep.body = compileBodyValidation(models, methodValidator(api, m), m)
					ep.inline = ep.canRunInline() && g.countersAreLocal()
					ep.detach = (ep.canDetach() || ep.canDetachLambda(g)) && g.countersAreLocal() && (ca.http == nil || ca.http.detachOK(ep))
					if first || ep.perStage {
						ds = append(ds, mds...)
					}
					n.endpoints[idx] = ep
					v.routeSrc = append(v.routeSrc, routeSource{ca, cs, ep, m})
				}
			}
			if ca.http != nil && api.DefaultRoute != nil {
				var mds diag.Diagnostics
				if ep := g.compileHTTPDefault(cs, api, t, v.lambda, &mds); ep != nil {
					ep.inline = ep.canRunInline() && g.countersAreLocal()
					ep.detach = (ep.canDetach() || ep.canDetachLambda(g)) && g.countersAreLocal() && ca.http.detachOK(ep)
					v.routeSrc = append(v.routeSrc, routeSource{ca, cs, ep, api.DefaultRoute})
				}
				if first || cs.defaultEP.perStage {
					ds = append(ds, mds...)
				}
			}
		}
		g.compileAccess(t, api, ca, stages, &ds)
		if len(ca.stages) > 0 {
			v.apis = append(v.apis, ca)
			v.byID[ca.id] = ca
			for name := range ca.stages {
				if name == model.StageDefault && ca.http != nil {
					v.rootHTTP = append(v.rootHTTP, ca) // served at the root
					continue
				}
				stageOwners[name] = append(stageOwners[name], ca)
			}
		}
	}
	for name, owners := range stageOwners {
		v.byStage[name] = owners
	}
	v.compileDomains(t)
	v.allHTTP = !slices.ContainsFunc(v.apis, func(a *capi) bool { return a.http == nil })
	if len(t.APIs) > 0 {
		for _, a := range t.APIs {
			for _, r := range a.Resources {
				for _, m := range r.Methods {
					if m.AuthorizationType == "AWS_IAM" {
						ds = append(ds, diag.NewInfo(ruleIgnored, m.Props.At("AuthorizationType", m.Range),
							"%s %s uses AWS_IAM: cfnrun up requires an Authorization header but does not verify the signature", m.HTTPMethod, r.Path).
							WithResource(m.LogicalID).
							WithHint(iamHint(a)))
					}
				}
			}
			for _, au := range a.Authorizers {
				if au.Type == "TOKEN" || au.Type == "REQUEST" || au.Type == "COGNITO_USER_POOLS" || au.Type == "JWT" {
					continue // run by the methods that use them
				}
				ds = append(ds, diag.NewInfo(ruleIgnored, au.Range,
					"authorizer %q is not enforced by cfnrun up", au.Name).
					WithResource(au.LogicalID).
					WithHint("Requests reach the integration as if the method's AuthorizationType were NONE."))
			}
		}
	}
	g.compileWebSockets(t, v, &ds)
	v.access = g.describeAccess(t, v)
	return v, ds
}

// empty reports whether v serves no API at all.
func (v *version) empty() bool { return len(v.apis) == 0 && v.ws == nil }

// iamHint is the AWS_IAM finding's hint: what an unsigned request gets.
func iamHint(api *model.RestAPI) string {
	answer := "403 Missing Authentication Token"
	if api.IsHTTP() {
		answer = `403 {"message":"Forbidden"}`
	}
	return "Send any Authorization header (a SigV4 signature from the AWS CLI or SDK works as is); without one the route answers " + answer + ", as AWS does."
}

// undeployedStage is the stage up serves a template's API without one at.
const undeployedStage = "local"

// controlPlaneAPI reports whether api was made through the control plane
// (runtime/control's create-rest-api names it so): as in API Gateway, a
// deployment serves it, nothing before one.
func controlPlaneAPI(api *model.RestAPI) bool {
	return strings.HasPrefix(api.LogicalID, "control-plane:")
}

// hasMethods reports whether any of api's resources has a method.
func hasMethods(api *model.RestAPI) bool {
	for _, r := range api.Resources {
		if len(r.Methods) > 0 {
			return true
		}
	}
	return false
}

// dedupeStages returns the API's stages with one entry per name: an
// explicit Stage resource wins over the stage a Deployment's StageName
// creates (AWS refuses to deploy both; cfnrun serves the explicit one and
// says so).
func dedupeStages(api *model.RestAPI, ds *diag.Diagnostics) []*model.Stage {
	var out []*model.Stage
	seen := map[string]int{}
	for _, st := range api.Stages {
		if st.Name == "" {
			continue
		}
		i, dup := seen[st.Name]
		if !dup {
			seen[st.Name] = len(out)
			out = append(out, st)
			continue
		}
		keep, drop := out[i], st
		if keep.Implicit && !st.Implicit {
			keep, drop = st, keep
			out[i] = keep
		}
		*ds = append(*ds, diag.NewWarning(ruleIgnored, drop.Range,
			"stage %q is declared twice; the declaration from %s is ignored", st.Name, drop.LogicalID).
			WithResource(drop.LogicalID).
			WithHint(fmt.Sprintf("AWS would fail the deployment (stage %q already exists); cfnrun up serves the stage from %s. Remove StageName from the Deployment or the duplicate Stage.", st.Name, keep.LogicalID)))
	}
	return out
}

// routeSource is what a RouteInfo is made of.
type routeSource struct {
	ca *capi
	cs *cstage
	ep *endpoint
	m  *model.Method
}

// routeList returns the version's routes (Gateway.Routes), built once. A
// route of an API whose stage name another API also has, and which an
// API listed before it for that stage would answer, is addressed by
// Host (HostStyle).
func (v *version) routeList() []RouteInfo {
	v.routesOnce.Do(func() {
		v.routes = make([]RouteInfo, len(v.routeSrc))
		for i, s := range v.routeSrc {
			v.routes[i] = routeInfo(s.ca, s.cs, s.ep, s.m)
		}
		for name, owners := range v.byStage {
			if len(owners) < 2 {
				continue
			}
			for i := range v.routes {
				r := &v.routes[i]
				if r.Stage == name && r.APIID != owners[0].id {
					r.HostStyle = shadowed(owners, name, r)
				}
			}
		}
		v.routeSrc = nil
		v.routes = append(v.routes, v.wsRouteList()...)
	})
	return v.routes
}

func routeInfo(ca *capi, cs *cstage, ep *endpoint, m *model.Method) RouteInfo {
	ri := RouteInfo{APIID: ca.id, APIName: ca.name, Stage: cs.name, Method: m.HTTPMethod, Path: ep.resPath,
		Integration: ep.typ, HTTP2: cs.http2, Served: ep.fail == errNone, APIKey: ep.apiKey}
	if ep.routeKey == model.RouteKeyDefault {
		ri.Method, ri.Path = model.RouteKeyDefault, "/*" // what no other route takes
	}
	switch {
	case ep.target != nil:
		ri.Target = ep.target.raw
		if ep.backend != nil && ep.backend.h2 {
			ri.Target += " (HTTP/2)"
		}
	case ep.typ == model.IntegrationMock:
		ri.Target = "mock"
	case ep.fn != "":
		ri.Target, ri.Function, ri.Runtime = ep.fnLabel, ep.fn, ep.fnRuntime
	}
	if !ri.Served {
		ri.Note = ep.reason
	}
	return ri
}

func compileEndpoint(cs *cstage, res *model.Resource, m *model.Method, g *Gateway, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *endpoint {
	// An HTTP API route (RouteKey set) has no API keys: ApiKeyRequired is
	// WebSocket routes' and REST methods' (validate says so, W3609).
	ep := &endpoint{stage: cs, resPath: res.Path, method: m.HTTPMethod, apiKey: m.APIKeyRequired && m.RouteKey == "", iam: m.AuthorizationType == "AWS_IAM",
		resourceID: res.ID, operationName: m.OperationName}
	ep.required = requiredParams(cs, m)
	if m.AuthorizationType == "CUSTOM" && !compileAuthorizer(ep, cs, res, m, g, t, ls, cs.auths, ds) {
		return ep
	}
	in := m.Integration
	if in == nil {
		ep.fail, ep.reason = errConfig, "the method has no Integration"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, m.Range,
			"method %s %s has no integration", m.HTTPMethod, res.Path).
			WithResource(m.LogicalID).
			WithHint("Add an Integration (HTTP_PROXY, HTTP or MOCK); AWS answers such a method with 500 Internal server error, and so does cfnrun."))
		return ep
	}
	ep.typ = in.Type
	switch in.Type {
	case model.IntegrationHTTPProxy, model.IntegrationHTTP, model.IntegrationMock:
	case model.IntegrationAWS, model.IntegrationAWSProxy:
		if !compileLambda(ep, cs, res, m, in, g, t, ls, ds) {
			return ep
		}
	default:
		ep.fail, ep.reason = errConfig, fmt.Sprintf("unknown integration type %q", in.Type)
		*ds = append(*ds, diag.NewWarning(ruleNotServed, in.Props.At("Type", in.Range),
			"method %s %s has unknown integration type %q", m.HTTPMethod, res.Path, in.Type).
			WithResource(m.LogicalID).
			WithHint("Use HTTP_PROXY, HTTP, MOCK, AWS or AWS_PROXY."))
		return ep
	}
	ep.timeout = time.Duration(in.TimeoutMillis) * time.Millisecond
	if ep.timeout <= 0 {
		ep.timeout = model.DefaultTimeoutMillis * time.Millisecond
	}
	ep.passthrough = in.PassthroughBehavior
	rngOf := func(key string) diag.Range { return in.Props.At(key, in.Range) }

	if in.Type != model.IntegrationMock && ep.fn == "" {
		raw := model.SubstituteStageVariables(in.URI, cs.vars)
		ut, err := cs.api.uriTemplate(raw)
		if err != nil {
			ep.fail, ep.reason = errConfig, err.Error()
			*ds = append(*ds, diag.NewWarning(ruleNotServed, rngOf("Uri"),
				"method %s %s is not served: %v", m.HTTPMethod, res.Path, err).
				WithResource(m.LogicalID).
				WithHint("Give an absolute http:// or https:// URL; use --set or --map to point it at a local server."))
			return ep
		}
		ep.target = ut
		ep.intMethod = in.HTTPMethod
		if ep.intMethod == "" || in.Type == model.IntegrationHTTPProxy && ep.intMethod == "ANY" {
			ep.intMethod = "" // the client's method
		}
		h2 := in.ConnectionType == model.ConnectionHTTP2
		ep.backend = g.backends.group(ut.scheme, ut.host, h2)
		if in.ConnectionType == model.ConnectionVPCLink {
			*ds = append(*ds, diag.NewInfo(ruleIgnored, rngOf("ConnectionType"),
				"method %s %s: VPC_LINK is not emulated", m.HTTPMethod, res.Path).
				WithResource(m.LogicalID).
				WithHint("The request goes to the Uri directly; use --map to point it at a local server."))
		}
	}
	// Request parameters.
	for _, k := range sortedMapKeys(in.RequestParameters) {
		src := in.RequestParameters[k]
		pm, err := compileRequestParam(k, src)
		if err != nil {
			*ds = append(*ds, diag.NewWarning(ruleIgnored, rngOf("RequestParameters"),
				"request parameter %s = %s is ignored: %v", k, src, err).
				WithResource(m.LogicalID).
				WithHint("Map integration.request.{path|querystring|header}.NAME from method.request.{path|querystring|header}.NAME, 'static', context.NAME or stageVariables.NAME."))
			continue
		}
		ep.reqParams = append(ep.reqParams, pm)
		ep.paramsReadBody = ep.paramsReadBody || pm.src.kind == srcBody || pm.src.kind == srcBodyField
	}
	if ep.target != nil {
		// {name} placeholders without an explicit mapping are filled from
		// the method's path parameter of the same name.
		for _, ph := range ep.target.placeholders() {
			if !slices.ContainsFunc(ep.reqParams, func(p paramMapping) bool { return p.dest == destPath && p.name == ph }) {
				ep.reqParams = append(ep.reqParams, paramMapping{dest: destPath, name: ph, src: valueSource{kind: srcPath, name: ph}})
			}
		}
	}
	if in.Type == model.IntegrationHTTPProxy || in.Type == model.IntegrationAWSProxy {
		return ep
	}
	if ep.fn != "" {
		for i, pm := range ep.reqParams {
			if pm.dest == destHeader && strings.EqualFold(pm.name, "X-Amz-Invocation-Type") {
				ep.invocationType = &ep.reqParams[i].src
			}
		}
	}
	// HTTP and MOCK: templates and integration responses.
	if len(in.RequestTemplates) > 0 {
		ep.reqTemplates = map[string]mappingTemplate{}
		for _, ct := range sortedMapKeys(in.RequestTemplates) {
			t, ok := compileMapping(in.RequestTemplates[ct], rngOf("RequestTemplates"), m.LogicalID, "request template "+ct, ds)
			if ok {
				ep.reqTemplates[strings.ToLower(ct)] = t
			}
		}
	}
	if in.Type == model.IntegrationMock {
		for _, ct := range sortedMapKeys(ep.reqTemplates) {
			lt, ok := ep.reqTemplates[ct].(literalTemplate)
			if !ok {
				continue
			}
			s, err := mockStatusCode(lt)
			if err != nil {
				*ds = append(*ds, diag.NewWarning(ruleNotServed, rngOf("RequestTemplates"),
					"MOCK request template %s: %v; requests with this content type answer 500", ct, err).
					WithResource(m.LogicalID).
					WithHint(`A MOCK request template must produce JSON such as {"statusCode": 200}.`))
				ep.reqTemplates[ct] = failingTemplate{err}
				continue
			}
			if ep.mockStatus == nil {
				ep.mockStatus = map[string]string{}
			}
			ep.mockStatus[string(lt)] = s
		}
	}
	for _, r := range in.Responses {
		cr := &cresponse{}
		st, err := strconv.Atoi(r.StatusCode)
		if err != nil || st < 100 || st > 599 {
			*ds = append(*ds, diag.NewWarning(ruleIgnored, r.Range,
				"integration response with StatusCode %q is ignored", r.StatusCode).
				WithResource(m.LogicalID).
				WithHint("Use a status code from 100 to 599."))
			continue
		}
		cr.status = st
		if r.SelectionPattern != "" {
			re, err := regexp.Compile("^(?:" + r.SelectionPattern + ")$")
			if err != nil {
				*ds = append(*ds, diag.NewWarning(ruleUnsupported, r.Range,
					"SelectionPattern %q does not compile: %v; the response is never selected", r.SelectionPattern, err).
					WithResource(m.LogicalID).
					WithHint("cfnrun matches selection patterns with Go's RE2 syntax; Java-only constructs (lookarounds, backreferences) are not available."))
				continue
			}
			cr.pattern = re
		}
		for _, k := range sortedMapKeys(r.ResponseParameters) {
			rp, err := compileResponseParam(k, r.ResponseParameters[k])
			if err != nil {
				*ds = append(*ds, diag.NewWarning(ruleIgnored, r.Range,
					"response parameter %s = %s is ignored: %v", k, r.ResponseParameters[k], err).
					WithResource(m.LogicalID).
					WithHint("Map method.response.header.NAME from 'static', integration.response.header.NAME, integration.response.body or integration.response.body.FIELD."))
				continue
			}
			cr.headers = append(cr.headers, rp)
		}
		for _, ct := range sortedMapKeys(r.ResponseTemplates) {
			if t, ok := compileMapping(r.ResponseTemplates[ct], r.Range, m.LogicalID, "response template "+ct, ds); ok {
				cr.templates = append(cr.templates, newCTemplate(strings.ToLower(ct), t))
			}
		}
		if cr.pattern == nil {
			if ep.defaultResp == nil {
				ep.defaultResp = cr
			}
			continue
		}
		ep.responses = append(ep.responses, cr)
	}
	return ep
}

// canRunInline reports whether the endpoint answers without I/O and with
// bounded, small work: every error endpoint, and MOCK integrations whose
// templates are all literal (a VTL template may run up to its work budget,
// which must not stall the other streams of the connection).
func (ep *endpoint) canRunInline() bool {
	if ep.fail != errNone {
		return true
	}
	if ep.typ != model.IntegrationMock {
		return false
	}
	for _, t := range ep.reqTemplates {
		if !isCheap(t) {
			return false
		}
	}
	for _, cr := range append(ep.responses[:len(ep.responses):len(ep.responses)], ep.defaultResp) {
		if cr == nil {
			continue
		}
		for _, ct := range cr.templates {
			if !isCheap(ct.t) {
				return false
			}
		}
	}
	return true
}

// canDetach reports whether an HTTP_PROXY endpoint does no I/O before its
// backend call: no authorizer (a Lambda or a JWKS fetch), and a backend
// the gateway's own h2c client serves (Client.Start).
func (ep *endpoint) canDetach() bool {
	return ep.fail == errNone && ep.typ == model.IntegrationHTTPProxy && ep.auth == nil && ep.cognito == nil &&
		ep.backend != nil && ep.backend.client != nil
}

// canDetachLambda reports whether an AWS_PROXY endpoint does no I/O before
// its invocation (no authorizer) and its Lambda service can run one
// without a goroutine waiting for it (lambdaStarter): a request without a
// body is then answered by whichever goroutine learns the outcome
// (serveLambdaProxy).
func (ep *endpoint) canDetachLambda(g *Gateway) bool {
	_, ok := g.cfg.Lambda.(lambdaStarter)
	return ok && ep.fail == errNone && ep.typ == model.IntegrationAWSProxy && ep.fn != "" && ep.auth == nil && ep.cognito == nil
}

// isCheap: a literal template, or one that always fails.
func isCheap(t mappingTemplate) bool {
	switch t.(type) {
	case literalTemplate, failingTemplate:
		return true
	}
	return false
}

func compileMapping(src string, rng diag.Range, logical, what string, ds *diag.Diagnostics) (mappingTemplate, bool) {
	t, err := compileTemplate(src)
	if err != nil {
		*ds = append(*ds, diag.NewWarning(ruleUnsupported, rng,
			"%s does not parse: %v", what, err).
			WithResource(logical).
			WithHint("Requests that need this template answer 500 and the access log says why."))
		return failingTemplate{err}, true
	}
	if u := t.Unsupported(); len(u) > 0 {
		*ds = append(*ds, diag.NewWarning(ruleUnsupported, rng,
			"%s uses what cfnrun does not implement: %s", what, strings.Join(u, ", ")).
			WithResource(logical).
			WithHint("Requests that need this template answer 500 and the access log says why; cfnrun never renders it partially."))
		return failingTemplate{fmt.Errorf("%w: %s", errUnsupportedTemplate, strings.Join(u, ", "))}, true
	}
	return t, true
}

func compileRequestParam(key, src string) (paramMapping, error) {
	var pm paramMapping
	rest, ok := strings.CutPrefix(key, "integration.request.")
	if !ok {
		return pm, fmt.Errorf("the key must start with %q", "integration.request.")
	}
	switch {
	case strings.HasPrefix(rest, "path."):
		pm.dest, pm.name = destPath, rest[len("path."):]
	case strings.HasPrefix(rest, "querystring."):
		pm.dest, pm.name = destQuery, rest[len("querystring."):]
	case strings.HasPrefix(rest, "multivaluequerystring."):
		pm.dest, pm.name = destQuery, rest[len("multivaluequerystring."):]
	case strings.HasPrefix(rest, "header."):
		pm.dest, pm.name = destHeader, rest[len("header."):]
	case strings.HasPrefix(rest, "multivalueheader."):
		pm.dest, pm.name = destHeader, rest[len("multivalueheader."):]
	default:
		return pm, fmt.Errorf("unknown destination %q", key)
	}
	vs, err := compileSource(src, "method.request.")
	pm.src = vs
	return pm, err
}

func compileResponseParam(key, src string) (respParam, error) {
	name, ok := strings.CutPrefix(key, "method.response.header.")
	if !ok || name == "" {
		return respParam{}, fmt.Errorf("the key must be method.response.header.NAME")
	}
	vs, err := compileSource(src, "integration.response.")
	rp := respParam{header: name, src: vs, key: http.CanonicalHeaderKey(name)}
	if vs.kind == srcStatic {
		rp.static = []string{vs.static}
	}
	return rp, err
}

// compileSource compiles a mapping expression; prefix is
// "method.request." for request parameters and "integration.response."
// for response parameters.
func compileSource(src, prefix string) (valueSource, error) {
	if len(src) >= 2 && src[0] == '\'' && src[len(src)-1] == '\'' {
		return valueSource{kind: srcStatic, static: src[1 : len(src)-1]}, nil
	}
	if n, ok := strings.CutPrefix(src, "context."); ok {
		return valueSource{kind: srcContext, name: n}, nil
	}
	if n, ok := strings.CutPrefix(src, "stageVariables."); ok {
		return valueSource{kind: srcStageVar, name: n}, nil
	}
	rest, ok := strings.CutPrefix(src, prefix)
	if !ok {
		return valueSource{}, fmt.Errorf("unknown source %q", src)
	}
	cut := func(p string) (string, bool) { return strings.CutPrefix(rest, p) }
	if prefix == "method.request." {
		if n, ok := cut("path."); ok {
			return valueSource{kind: srcPath, name: n}, nil
		}
		if n, ok := cut("querystring."); ok {
			return valueSource{kind: srcQuery, name: n}, nil
		}
		if n, ok := cut("multivaluequerystring."); ok {
			return valueSource{kind: srcQuery, name: n}, nil
		}
		if n, ok := cut("header."); ok {
			return valueSource{kind: srcHeader, name: n}, nil
		}
		if n, ok := cut("multivalueheader."); ok {
			return valueSource{kind: srcHeader, name: n}, nil
		}
	} else {
		if n, ok := cut("header."); ok {
			return valueSource{kind: srcRespHeader, name: n}, nil
		}
		if n, ok := cut("multivalueheader."); ok {
			return valueSource{kind: srcRespHeader, name: n}, nil
		}
	}
	if rest == "body" {
		return valueSource{kind: srcBody}, nil
	}
	if n, ok := cut("body."); ok {
		sel, err := vtl.CompileSelection(n)
		if err != nil {
			return valueSource{}, fmt.Errorf("%s: %v", src, err)
		}
		return valueSource{kind: srcBodyField, name: n, sel: sel}, nil
	}
	return valueSource{}, fmt.Errorf("unknown source %q", src)
}

// uriTemplate is an integration URI split into its fixed scheme and host
// and a path of literal and {placeholder} parts.
type uriTemplate struct {
	raw    string
	scheme string
	host   string // host[:port] as written
	parts  []uriPart
	query  string // the URI's own query, without '?'
	fixed  *url.URL
}

type uriPart struct {
	lit   string
	param string // placeholder name when lit is ""
}

func parseURITemplate(raw string) (*uriTemplate, error) {
	if strings.Contains(raw, "${stageVariables.") {
		return nil, fmt.Errorf("the Uri %q refers to a stage variable the stage does not define", raw)
	}
	if raw == "" {
		return nil, fmt.Errorf("the integration has no Uri")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return nil, fmt.Errorf("the Uri %q is not an http:// or https:// URL", raw)
	}
	host, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if i := strings.Index(raw, "${"); i >= 0 {
		ref := raw[i+2:]
		if j := strings.IndexByte(ref, '}'); j >= 0 {
			ref = ref[:j]
		}
		return nil, fmt.Errorf("the Uri %q still refers to ${%s}, which has no value; give it one with --set %s=VALUE", raw, ref, ref)
	}
	if host == "" || strings.ContainsAny(host, "{}") {
		return nil, fmt.Errorf("the Uri %q has no fixed host", raw)
	}
	ut := &uriTemplate{raw: raw, scheme: scheme, host: host}
	path, ut.query, _ = strings.Cut(path, "?")
	ut.parts = make([]uriPart, 0, 2*strings.Count(path, "{")+1)
	for path != "" {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			ut.parts = append(ut.parts, uriPart{lit: path})
			break
		}
		j := strings.IndexByte(path[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("the Uri %q has an unclosed {", raw)
		}
		if i > 0 {
			ut.parts = append(ut.parts, uriPart{lit: path[:i]})
		}
		name := strings.TrimSuffix(path[i+1:i+j], "+")
		ut.parts = append(ut.parts, uriPart{param: name})
		path = path[i+j+1:]
	}
	if !slices.ContainsFunc(ut.parts, uriPart.isParam) {
		u, err := url.Parse(scheme + "://" + host + strings.Join(litParts(ut.parts), ""))
		if err != nil {
			return nil, fmt.Errorf("the Uri %q does not parse: %v", raw, err)
		}
		u.RawQuery = ut.query
		ut.fixed = u
	}
	return ut, nil
}

func litParts(ps []uriPart) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.lit)
	}
	return out
}

func (p uriPart) isParam() bool { return p.lit == "" && p.param != "" }

func (u *uriTemplate) placeholders() []string {
	var out []string
	for _, p := range u.parts {
		if p.isParam() {
			out = append(out, p.param)
		}
	}
	return out
}

// requiredParams lists the parameters the method's request validator
// checks, when it validates parameters.
func requiredParams(cs *cstage, m *model.Method) []string {
	if m.RequestValidatorID == "" {
		return nil
	}
	var on bool
	for _, v := range cs.api.validators {
		if v.ID == m.RequestValidatorID || v.LogicalID == m.RequestValidatorID {
			on = v.ValidateRequestParameters
		}
	}
	if !on {
		return nil
	}
	var out []string
	for _, k := range sortedMapKeys(m.RequestParameters) {
		if !m.RequestParameters[k] {
			continue
		}
		if name, ok := strings.CutPrefix(k, "method.request."); ok {
			out = append(out, name)
		}
	}
	return out
}

// sortedMapKeys is slices.Sorted(maps.Keys(m)) in one allocation, none for
// an empty map: compile asks it for every method's parameters and
// templates (BenchmarkLoad2000: the iterators' closures and the slice's
// growth were a third of Load's allocations).
func sortedMapKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// shadowed reports whether a route of a later API with the stage name is
// taken by an earlier one for path-style URLs (the earlier API has a
// method for its path), so that it must be addressed by Host.
func shadowed(owners []*capi, name string, r *RouteInfo) bool {
	for _, o := range owners {
		if o.id == r.APIID {
			return false
		}
		var ps params
		if n := o.stages[name].root.match(r.Path, &ps); n != nil && n.endpointFor(r.Method) != nil {
			return true
		}
	}
	return false
}
