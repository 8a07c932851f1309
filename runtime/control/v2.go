package control

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The API Gateway v2 management API (botocore's apigatewayv2 service
// model, 2018-11-29) for the served HTTP APIs (its writes are in
// v2write.go): get-apis,
// get-api, get-routes, get-route, get-integrations, get-integration,
// get-stages, get-stage, get-authorizers, get-authorizer (and the domain
// names' reads, domain.go). Lists page with
// maxResults and nextToken. Its requests are signed for the apigateway
// service too, under the path prefix /v2/.

var routesV2 = []struct {
	method, pattern string
	op              operation
}{
	{"GET", "v2/apis", getAPIsV2},
	{"GET", "v2/apis/*", getAPIV2},
	{"GET", "v2/apis/*/routes", getRoutesV2},
	{"GET", "v2/apis/*/routes/*", getRouteV2},
	{"GET", "v2/apis/*/integrations", getIntegrationsV2},
	{"GET", "v2/apis/*/integrations/*", getIntegrationV2},
	{"GET", "v2/apis/*/stages", getStagesV2},
	{"GET", "v2/apis/*/stages/*", getStageV2},
	{"GET", "v2/apis/*/authorizers", getAuthorizersV2},
	{"GET", "v2/apis/*/authorizers/*", getAuthorizerV2},
	{"POST", "v2/apis", createAPIV2},
	{"DELETE", "v2/apis/*", deleteAPIV2},
	{"POST", "v2/apis/*/integrations", createIntegrationV2},
	{"DELETE", "v2/apis/*/integrations/*", deleteIntegrationV2},
	{"POST", "v2/apis/*/routes", createRouteV2},
	{"DELETE", "v2/apis/*/routes/*", deleteRouteV2},
	{"POST", "v2/apis/*/stages", createStageV2},
	{"DELETE", "v2/apis/*/stages/*", deleteStageV2},
	{"DELETE", "v2/apis/*/stages/*/routesettings/*", deleteRouteSettingsV2},
	{"PATCH", "v2/apis/*/routes/*", updateRouteV2},
	{"POST", "v2/apis/*/routes/*/routeresponses", createRouteResponse},
	{"GET", "v2/apis/*/routes/*/routeresponses", getRouteResponses},
	{"GET", "v2/apis/*/routes/*/routeresponses/*", getRouteResponse},
	{"DELETE", "v2/apis/*/routes/*/routeresponses/*", deleteRouteResponse},
	{"POST", "v2/apis/*/integrations/*/integrationresponses", createIntegrationResponseV2},
	{"GET", "v2/apis/*/integrations/*/integrationresponses", getIntegrationResponsesV2},
	{"GET", "v2/apis/*/integrations/*/integrationresponses/*", getIntegrationResponseV2},
	{"PATCH", "v2/apis/*/integrations/*/integrationresponses/*", updateIntegrationResponseV2},
	{"DELETE", "v2/apis/*/integrations/*/integrationresponses/*", deleteIntegrationResponseV2},
	{"PATCH", "v2/apis/*", updateAPIV2},
	{"PATCH", "v2/apis/*/integrations/*", updateIntegrationV2},
	{"PATCH", "v2/apis/*/stages/*", updateStageV2},
	{"POST", "v2/apis/*/authorizers", createAuthorizerV2},
	{"DELETE", "v2/apis/*/authorizers/*", deleteAuthorizerV2},
	{"POST", "v2/apis/*/deployments", createDeploymentV2},
	{"GET", "v2/apis/*/deployments", getDeploymentsV2},
	{"GET", "v2/apis/*/deployments/*", getDeploymentV2},
	{"GET", "v2/domainnames", getDomainNamesV2},
	{"GET", "v2/domainnames/*", getDomainNameV2},
	{"GET", "v2/domainnames/*/apimappings", getAPIMappingsV2},
	{"GET", "v2/domainnames/*/apimappings/*", getAPIMappingV2},
}

// routeV2 finds the v2 operation for method and the unescaped segments.
func routeV2(method string, segs []string) (operation, bool) {
	for _, rt := range routesV2 {
		if rt.method != method {
			continue
		}
		pat := strings.Split(rt.pattern, "/")
		if len(pat) != len(segs) {
			continue
		}
		ok := true
		for i, s := range pat {
			if s != "*" && s != segs[i] || s == "*" && segs[i] == "" {
				ok = false
				break
			}
		}
		if ok {
			return rt.op, true
		}
	}
	return nil, false
}

type listV2[T any] struct {
	Items     []T    `json:"items"`
	NextToken string `json:"nextToken,omitempty"`
}

type corsV2 struct {
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	AllowHeaders     []string `json:"allowHeaders,omitempty"`
	AllowMethods     []string `json:"allowMethods,omitempty"`
	AllowOrigins     []string `json:"allowOrigins,omitempty"`
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	MaxAge           *int     `json:"maxAge,omitempty"`
}

type apiV2 struct {
	APIEndpoint               string            `json:"apiEndpoint"`
	APIID                     string            `json:"apiId"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	CorsConfiguration         *corsV2           `json:"corsConfiguration,omitempty"`
	CreatedDate               string            `json:"createdDate"`
	Description               string            `json:"description,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	Tags                      map[string]string `json:"tags,omitempty"`
}

type routeV2Shape struct {
	APIKeyRequired      bool     `json:"apiKeyRequired"`
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId,omitempty"`
	OperationName       string   `json:"operationName,omitempty"`
	// A WebSocket route's required parameters and route response
	// selection.
	RequestParameters                map[string]parameterConstraintsV2 `json:"requestParameters,omitempty"`
	RouteID                          string                            `json:"routeId"`
	RouteKey                         string                            `json:"routeKey"`
	RouteResponseSelectionExpression string                            `json:"routeResponseSelectionExpression,omitempty"`
	Target                           string                            `json:"target,omitempty"`
}

type integrationV2 struct {
	ConnectionID         string                       `json:"connectionId,omitempty"`
	ConnectionType       string                       `json:"connectionType"`
	CredentialsArn       string                       `json:"credentialsArn,omitempty"`
	IntegrationID        string                       `json:"integrationId"`
	IntegrationMethod    string                       `json:"integrationMethod,omitempty"`
	IntegrationType      string                       `json:"integrationType"`
	IntegrationURI       string                       `json:"integrationUri,omitempty"`
	PayloadFormatVersion string                       `json:"payloadFormatVersion,omitempty"`
	RequestParameters    map[string]string            `json:"requestParameters,omitempty"`
	ResponseParameters   map[string]map[string]string `json:"responseParameters,omitempty"`
	TimeoutInMillis      int                          `json:"timeoutInMillis"`
	// A WebSocket API's request templates and their handling.
	RequestTemplates            map[string]string `json:"requestTemplates,omitempty"`
	TemplateSelectionExpression string            `json:"templateSelectionExpression,omitempty"`
	PassthroughBehavior         string            `json:"passthroughBehavior,omitempty"`
	ContentHandlingStrategy     string            `json:"contentHandlingStrategy,omitempty"`
}

type stageV2 struct {
	AccessLogSettings    *accessLogSettingsV2       `json:"accessLogSettings,omitempty"`
	AutoDeploy           bool                       `json:"autoDeploy"`
	CreatedDate          string                     `json:"createdDate"`
	DefaultRouteSettings *routeSettingsV2           `json:"defaultRouteSettings,omitempty"`
	DeploymentID         string                     `json:"deploymentId,omitempty"`
	Description          string                     `json:"description,omitempty"`
	LastUpdatedDate      string                     `json:"lastUpdatedDate"`
	RouteSettings        map[string]routeSettingsV2 `json:"routeSettings,omitempty"`
	StageName            string                     `json:"stageName"`
	StageVariables       map[string]string          `json:"stageVariables,omitempty"`
	Tags                 map[string]string          `json:"tags,omitempty"`
}

// accessLogSettingsV2 is a v2 stage's AccessLogSettings.
type accessLogSettingsV2 struct {
	DestinationArn string `json:"destinationArn,omitempty"`
	Format         string `json:"format,omitempty"`
}

// routeSettingsV2 is a v2 stage's DefaultRouteSettings or one of its
// RouteSettings; an unset limit is left out, as API Gateway leaves it.
type routeSettingsV2 struct {
	DataTraceEnabled       bool     `json:"dataTraceEnabled"`
	DetailedMetricsEnabled bool     `json:"detailedMetricsEnabled"`
	LoggingLevel           string   `json:"loggingLevel,omitempty"`
	ThrottlingBurstLimit   *int     `json:"throttlingBurstLimit,omitempty"`
	ThrottlingRateLimit    *float64 `json:"throttlingRateLimit,omitempty"`
}

type jwtConfigV2 struct {
	Audience []string `json:"audience,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
}

type authorizerV2 struct {
	AuthorizerCredentialsArn       string       `json:"authorizerCredentialsArn,omitempty"`
	AuthorizerID                   string       `json:"authorizerId"`
	AuthorizerPayloadFormatVersion string       `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTTLInSeconds   *int         `json:"authorizerResultTtlInSeconds,omitempty"`
	AuthorizerType                 string       `json:"authorizerType"`
	AuthorizerURI                  string       `json:"authorizerUri,omitempty"`
	EnableSimpleResponses          bool         `json:"enableSimpleResponses,omitempty"`
	IdentitySource                 []string     `json:"identitySource,omitempty"`
	JWTConfiguration               *jwtConfigV2 `json:"jwtConfiguration,omitempty"`
	Name                           string       `json:"name"`
}

// pageV2 cuts items by maxResults and nextToken (the index of the next
// item, as text).
func pageV2[T any](rq *request, items []T) (listV2[T], error) {
	limit := len(items)
	if s := rq.q.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return listV2[T]{}, badRequest("Invalid maxResults: %q", s)
		}
		limit = n
	}
	start := 0
	if s := rq.q.Get("nextToken"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > len(items) {
			return listV2[T]{}, badRequest("Invalid nextToken")
		}
		start = n
	}
	end := min(start+limit, len(items))
	out := listV2[T]{Items: items[start:end]}
	if out.Items == nil {
		out.Items = []T{}
	}
	if end < len(items) {
		out.NextToken = strconv.Itoa(end)
	}
	return out, nil
}

// httpAPI finds the HTTP API named by segment 2, or a WebSocket API as
// a read-only view (wsView): the reads serve both, the writes look up
// HTTP APIs themselves.
func (rq *request) httpAPI() (*model.Template, *model.RestAPI, error) {
	t, err := rq.template()
	if err != nil {
		return nil, nil, err
	}
	id := rq.segs[2]
	if a := t.API(id); a != nil && a.IsHTTP() {
		return t, a, nil
	}
	for _, ws := range t.WebSocketAPIs {
		if ws.ID == id {
			return t, wsView(ws), nil
		}
	}
	return nil, nil, notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, id)
}

// wsView presents a WebSocket API as the model's API for the
// apigatewayv2 reads: its routes are the root's methods, with its
// stages and authorizers. Protocol says it is one (apiV2Of).
func wsView(ws *model.WebSocketAPI) *model.RestAPI {
	root := &model.Resource{Path: "/", Methods: ws.Routes, Range: ws.Range}
	return &model.RestAPI{LogicalID: ws.LogicalID, ID: ws.ID, Name: ws.Name, Description: ws.Description, Protocol: model.ProtocolWebSocket,
		DisableExecuteAPIEndpoint: ws.DisableExecuteAPIEndpoint, Tags: ws.Tags, Root: root, Resources: []*model.Resource{root},
		Stages: ws.Stages, Authorizers: ws.Authorizers, Range: ws.Range, Props: ws.Props}
}

func isoDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (p *Plane) apiV2Of(a *model.RestAPI) *apiV2 {
	out := &apiV2{APIEndpoint: fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", a.ID, p.opts.Region), APIID: a.ID,
		APIKeySelectionExpression: "$request.header.x-api-key", CreatedDate: isoDate(p.started), Description: a.Description,
		DisableExecuteAPIEndpoint: a.DisableExecuteAPIEndpoint, Name: a.Name, ProtocolType: "HTTP",
		RouteSelectionExpression: "$request.method $request.path", Tags: tagsOf(a.Tags)}
	if a.Protocol == model.ProtocolWebSocket {
		out.APIEndpoint = fmt.Sprintf("wss://%s.execute-api.%s.amazonaws.com", a.ID, p.opts.Region)
		out.ProtocolType = model.ProtocolWebSocket
		if t := p.gw.Template(); t != nil {
			for _, ws := range t.WebSocketAPIs {
				if ws.ID == a.ID {
					out.RouteSelectionExpression = ws.RouteSelectionExpression
					out.APIKeySelectionExpression = cmpOr(ws.APIKeySelectionExpression, out.APIKeySelectionExpression)
				}
			}
		}
	}
	if c := a.CORS; c != nil {
		out.CorsConfiguration = &corsV2{AllowCredentials: c.AllowCredentials, AllowHeaders: c.AllowHeaders, AllowMethods: c.AllowMethods,
			AllowOrigins: c.AllowOrigins, ExposeHeaders: c.ExposeHeaders}
		if c.MaxAge >= 0 {
			n := c.MaxAge
			out.CorsConfiguration.MaxAge = &n
		}
	}
	return out
}

// v2Routes are an HTTP API's routes in route key order, the $default
// route last.
func v2Routes(a *model.RestAPI) []*model.Method {
	var out []*model.Method
	for _, r := range a.Resources {
		out = append(out, r.Methods...)
	}
	slices.SortFunc(out, func(x, y *model.Method) int { return strings.Compare(x.RouteKey, y.RouteKey) })
	if a.DefaultRoute != nil {
		out = append(out, a.DefaultRoute)
	}
	return out
}

// routeID and integrationID are stable ids for a route and for the
// integration it targets (routes that share a declared integration share
// its id: the model copies it into each route, with its place).
func routeID(a *model.RestAPI, m *model.Method) string {
	if id, ok := strings.CutPrefix(m.LogicalID, controlRoutePrefix); ok {
		return id // made through the control plane: its id stays when its key changes
	}
	return model.StableID(7, "route", a.LogicalID, m.RouteKey)
}

// controlRoutePrefix starts the LogicalID of a WebSocket route made
// through the control plane; its id follows.
const controlRoutePrefix = "control-plane-route:"

func integrationID(a *model.RestAPI, in *model.Integration) string {
	if in.ID != "" {
		return in.ID
	}
	return model.StableID(7, "integration", a.LogicalID, in.Range.String(), in.Type, in.URI)
}

func routeV2Of(a *model.RestAPI, m *model.Method) routeV2Shape {
	out := routeV2Shape{APIKeyRequired: m.APIKeyRequired, AuthorizationScopes: m.AuthorizationScopes, AuthorizationType: cmpOr(m.AuthorizationType, "NONE"),
		AuthorizerID: m.AuthorizerID, OperationName: m.OperationName, RouteID: routeID(a, m), RouteKey: m.RouteKey,
		RouteResponseSelectionExpression: m.RouteResponseSelectionExpression}
	if a.Protocol == model.ProtocolWebSocket && len(m.RequestParameters) > 0 {
		out.RequestParameters = map[string]parameterConstraintsV2{}
		for k, req := range m.RequestParameters {
			out.RequestParameters[k] = parameterConstraintsV2{Required: req}
		}
	}
	if m.Integration != nil {
		out.Target = "integrations/" + integrationID(a, m.Integration)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func integrationV2Of(a *model.RestAPI, in *model.Integration) integrationV2 {
	out := integrationV2{ConnectionID: in.ConnectionID, ConnectionType: cmpOr(in.ConnectionType, model.ConnectionInternet), CredentialsArn: in.Credentials,
		IntegrationID: integrationID(a, in), IntegrationMethod: in.HTTPMethod, IntegrationType: in.Type, IntegrationURI: in.URI,
		PayloadFormatVersion: in.PayloadFormatVersion, RequestParameters: in.RequestParameters, ResponseParameters: in.ResponseMappings,
		TimeoutInMillis: in.TimeoutMillis}
	if a.Protocol == model.ProtocolWebSocket {
		out.RequestTemplates, out.PassthroughBehavior, out.ContentHandlingStrategy = in.RequestTemplates, in.PassthroughBehavior, in.ContentHandling
		out.TemplateSelectionExpression = in.TemplateSelectionExpression
	}
	return out
}

func (p *Plane) stageV2Of(s *model.Stage) stageV2 {
	// The model keeps no AutoDeploy: a stage without a deployment of an
	// HTTP API serves only when it deploys by itself.
	out := stageV2{AutoDeploy: s.Implicit || s.DeploymentID == "", CreatedDate: isoDate(p.started), DeploymentID: s.DeploymentID, Description: s.Description,
		LastUpdatedDate: isoDate(p.started), StageName: s.Name, StageVariables: s.Variables, Tags: tagsOf(s.Tags),
		DefaultRouteSettings: &routeSettingsV2{}}
	if s.AccessLogFormat != "" || s.AccessLogDestination != "" {
		out.AccessLogSettings = &accessLogSettingsV2{DestinationArn: s.AccessLogDestination, Format: s.AccessLogFormat}
	}
	for _, ms := range s.MethodSettings {
		rs := routeSettingsV2Of(ms)
		switch {
		case ms.RouteKey != "":
			if out.RouteSettings == nil {
				out.RouteSettings = map[string]routeSettingsV2{}
			}
			out.RouteSettings[ms.RouteKey] = rs
		case ms.ResourcePath == "/*" && ms.HTTPMethod == "*":
			out.DefaultRouteSettings = &rs
		}
	}
	return out
}

// routeSettingsV2Of is the API's form of a v2 stage's route settings.
func routeSettingsV2Of(ms model.MethodSetting) routeSettingsV2 {
	rs := routeSettingsV2{DataTraceEnabled: ms.DataTraceEnabled, DetailedMetricsEnabled: ms.MetricsEnabled, LoggingLevel: ms.LoggingLevel}
	if ms.ThrottlingBurstLimit >= 0 {
		b := ms.ThrottlingBurstLimit
		rs.ThrottlingBurstLimit = &b
	}
	if ms.ThrottlingRateLimit >= 0 {
		r := ms.ThrottlingRateLimit
		rs.ThrottlingRateLimit = &r
	}
	return rs
}

// methodSettingOf is the model's form of route settings written through
// the API: key "" for DefaultRouteSettings.
func (rs routeSettingsV2) methodSettingOf(key string) model.MethodSetting {
	ms := model.MethodSetting{RouteKey: key, ThrottlingBurstLimit: -1, ThrottlingRateLimit: -1, LoggingLevel: rs.LoggingLevel,
		MetricsEnabled: rs.DetailedMetricsEnabled, DataTraceEnabled: rs.DataTraceEnabled}
	if key == "" {
		ms.ResourcePath, ms.HTTPMethod = "/*", "*"
	}
	if rs.ThrottlingBurstLimit != nil {
		ms.ThrottlingBurstLimit = *rs.ThrottlingBurstLimit
	}
	if rs.ThrottlingRateLimit != nil {
		ms.ThrottlingRateLimit = *rs.ThrottlingRateLimit
	}
	return ms
}

// authorizerV2Of is az as an authorizer of a (whose protocol decides the
// fields: a WebSocket API's authorizers have no TTL).
func authorizerV2Of(a *model.RestAPI, az *model.Authorizer) authorizerV2 {
	out := authorizerV2{AuthorizerCredentialsArn: az.Credentials, AuthorizerID: az.ID, AuthorizerPayloadFormatVersion: az.PayloadFormatVersion,
		AuthorizerType: az.Type, AuthorizerURI: az.AuthorizerURI, EnableSimpleResponses: az.SimpleResponses, Name: az.Name}
	for _, s := range strings.Split(az.IdentitySource, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out.IdentitySource = append(out.IdentitySource, s)
		}
	}
	if az.Type == "JWT" {
		out.JWTConfiguration = &jwtConfigV2{Audience: az.JWTAudience, Issuer: az.JWTIssuer}
	} else if a.Protocol != model.ProtocolWebSocket {
		// An HTTP API's Lambda authorizer (a WebSocket API's runs once
		// per connection: no TTL).
		n := az.ResultTTLSeconds
		out.AuthorizerResultTTLInSeconds = &n
	}
	return out
}

func getAPIsV2(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	var all []*apiV2
	for _, a := range t.APIs {
		if a.IsHTTP() {
			all = append(all, rq.p.apiV2Of(a))
		}
	}
	for _, ws := range t.WebSocketAPIs {
		all = append(all, rq.p.apiV2Of(wsView(ws)))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getAPIV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.apiV2Of(a), nil
}

func getRoutesV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	var all []routeV2Shape
	for _, m := range v2Routes(a) {
		all = append(all, routeV2Of(a, m))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getRouteV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	for _, m := range v2Routes(a) {
		if routeID(a, m) == rq.segs[4] {
			return http.StatusOK, routeV2Of(a, m), nil
		}
	}
	return 0, nil, notFound("Invalid Route identifier specified %s", rq.segs[4])
}

// v2Integrations are the API's integrations, one per id, in route order.
// v2Integrations lists a's integrations: those its routes target, then
// those made through the control plane that no route targets yet.
func (p *Plane) v2Integrations(a *model.RestAPI) []integrationV2 {
	var out []integrationV2
	seen := map[string]bool{}
	for _, m := range v2Routes(a) {
		if m.Integration == nil {
			continue
		}
		iv := integrationV2Of(a, m.Integration)
		if !seen[iv.IntegrationID] {
			seen[iv.IntegrationID] = true
			out = append(out, iv)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gw.Template() != p.ours {
		return out // reloaded: what was made before is gone
	}
	for _, id := range slices.Sorted(maps.Keys(p.v2ints[a.ID])) {
		if !seen[id] {
			out = append(out, integrationV2Of(a, p.v2ints[a.ID][id]))
		}
	}
	return out
}

func getIntegrationsV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	out, err := pageV2(rq, rq.p.v2Integrations(a))
	return http.StatusOK, out, err
}

func getIntegrationV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	for _, iv := range rq.p.v2Integrations(a) {
		if iv.IntegrationID == rq.segs[4] {
			return http.StatusOK, iv, nil
		}
	}
	return 0, nil, notFound("Invalid Integration identifier specified %s", rq.segs[4])
}

func getStagesV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	var all []stageV2
	for _, s := range a.Stages {
		all = append(all, rq.p.stageV2Of(s))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getStageV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	for _, s := range a.Stages {
		if s.Name == rq.segs[4] {
			return http.StatusOK, rq.p.stageV2Of(s), nil
		}
	}
	return 0, nil, notFound("Invalid stage identifier specified")
}

func getAuthorizersV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	var all []authorizerV2
	for _, az := range a.Authorizers {
		all = append(all, authorizerV2Of(a, az))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getAuthorizerV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	for _, az := range a.Authorizers {
		if az.ID == rq.segs[4] {
			return http.StatusOK, authorizerV2Of(a, az), nil
		}
	}
	return 0, nil, notFound("Invalid Authorizer identifier specified %s", rq.segs[4])
}
