package control

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The writes of the API Gateway v2 management API for HTTP APIs, as a
// script against LocalStack makes them: create-api (quick create with
// --target too), create-integration, create-route, create-stage and their
// deletes. Like the REST API's changes (change.go) each one edits a copy
// of the served model and loads it: the routes serve at once, on every
// stage (cfnrun keeps no deployments for HTTP APIs), and a template
// reload ends them. An integration waits in the plane until a route
// targets it: the model keeps an integration in its route.

type createAPIV2Request struct {
	Name                      string  `json:"name"`
	ProtocolType              string  `json:"protocolType"`
	Description               string  `json:"description"`
	Target                    string  `json:"target"`
	RouteKey                  string  `json:"routeKey"`
	DisableExecuteAPIEndpoint bool    `json:"disableExecuteApiEndpoint"`
	CorsConfiguration         *corsV2 `json:"corsConfiguration"`
	RouteSelectionExpression  string  `json:"routeSelectionExpression"`
	APIKeySelectionExpression string  `json:"apiKeySelectionExpression"`
}

func createAPIV2(rq *request) (int, any, error) {
	var body createAPIV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(body.Name) == "" {
		return 0, nil, badRequest("Invalid API name specified: a name is required")
	}
	switch strings.ToUpper(body.ProtocolType) {
	case "HTTP":
	case "WEBSOCKET":
		return createWebSocketAPI(rq, body)
	default:
		return 0, nil, badRequest("Invalid protocolType %q: HTTP or WEBSOCKET", body.ProtocolType)
	}
	p := rq.p
	p.mu.Lock()
	t := p.gw.Template()
	if t == nil {
		p.mu.Unlock()
		return 0, nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	now := p.opts.Now()
	id := model.StableID(10, "control-plane", body.Name, now.String(), p.nextMade())
	root := &model.Resource{ID: model.StableID(10, "control-plane-root", id), Path: "/"}
	a := &model.RestAPI{LogicalID: "control-plane:" + id, ID: id, Name: body.Name, Description: body.Description, Protocol: model.ProtocolHTTP,
		DisableExecuteAPIEndpoint: body.DisableExecuteAPIEndpoint, MinimumCompressionSize: -1, Root: root, Resources: []*model.Resource{root}}
	if c := body.CorsConfiguration; c != nil {
		a.CORS = &model.CORSConfig{AllowCredentials: c.AllowCredentials, AllowHeaders: c.AllowHeaders, AllowMethods: c.AllowMethods,
			AllowOrigins: c.AllowOrigins, ExposeHeaders: c.ExposeHeaders, MaxAge: -1}
		if c.MaxAge != nil {
			a.CORS.MaxAge = *c.MaxAge
		}
	}
	if body.Target != "" {
		// Quick create: a route (routeKey, $default without one) to the
		// target and an auto-deployed $default stage.
		in := quickIntegration(body.Target)
		linkLambda(t, in)
		m := &model.Method{RouteKey: cmp.Or(body.RouteKey, model.RouteKeyDefault), AuthorizationType: "NONE", Integration: in}
		if err := addRoute(a, m); err != nil {
			p.mu.Unlock()
			return 0, nil, err
		}
		a.Stages = []*model.Stage{{Name: model.StageDefault, Implicit: true}}
	}
	line := "create-api " + id + " " + strconv.Quote(body.Name)
	_, err := p.addAPI(t, a, line, now)
	p.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	p.log.Info("control plane: "+line, "api", id, "drift", driftNote)
	return http.StatusCreated, p.apiV2Of(a), nil
}

// quickIntegration is create-api's integration for a target: a Lambda
// function (AWS_PROXY, payload format 2.0) or an HTTP URL (HTTP_PROXY).
func quickIntegration(target string) *model.Integration {
	in := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: target, PayloadFormatVersion: "1.0",
		ConnectionType: model.ConnectionInternet, TimeoutMillis: model.DefaultHTTPAPITimeoutMillis}
	if strings.Contains(target, ":lambda:") {
		in.Type, in.HTTPMethod, in.PayloadFormatVersion = model.IntegrationAWSProxy, "POST", "2.0"
	}
	return in
}

func deleteAPIV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketAPI(rq)
	}
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return 0, nil, notFound("No template is served")
	}
	a := t.API(rq.segs[2])
	if a == nil || !a.IsHTTP() {
		return 0, nil, notFound("Invalid API identifier specified %s:%s", p.opts.AccountID, rq.segs[2])
	}
	nt := *t
	nt.APIs = slices.DeleteFunc(slices.Clone(t.APIs), func(x *model.RestAPI) bool { return x == a })
	if err := p.load(&nt); err != nil {
		return 0, nil, badRequest("The change cannot be served: %v", err)
	}
	p.forgetIfReloaded(t)
	p.ours = &nt
	delete(p.v2ints, a.ID)
	line := "delete-api " + a.ID
	p.drift[a.ID] = append(p.drift[a.ID], line)
	p.log.Info("control plane: "+line, "api", a.ID, "drift", driftNote)
	return http.StatusNoContent, nil, nil
}

type createIntegrationV2Request struct {
	IntegrationType      string                       `json:"integrationType"`
	IntegrationURI       string                       `json:"integrationUri"`
	IntegrationMethod    string                       `json:"integrationMethod"`
	PayloadFormatVersion string                       `json:"payloadFormatVersion"`
	TimeoutInMillis      int                          `json:"timeoutInMillis"`
	ConnectionType       string                       `json:"connectionType"`
	ConnectionID         string                       `json:"connectionId"`
	CredentialsArn       string                       `json:"credentialsArn"`
	RequestParameters    map[string]string            `json:"requestParameters"`
	ResponseParameters   map[string]map[string]string `json:"responseParameters"`
	// WebSocket APIs' (MOCK request templates, their handling).
	RequestTemplates            map[string]string `json:"requestTemplates"`
	TemplateSelectionExpression string            `json:"templateSelectionExpression"`
	PassthroughBehavior         string            `json:"passthroughBehavior"`
	ContentHandlingStrategy     string            `json:"contentHandlingStrategy"`
}

func createIntegrationV2(rq *request) (int, any, error) {
	var body createIntegrationV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return createWebSocketIntegration(rq, body)
	}
	in := &model.Integration{Type: strings.ToUpper(body.IntegrationType), URI: body.IntegrationURI, HTTPMethod: strings.ToUpper(body.IntegrationMethod),
		PayloadFormatVersion: body.PayloadFormatVersion, TimeoutMillis: cmp.Or(body.TimeoutInMillis, model.DefaultHTTPAPITimeoutMillis),
		ConnectionType: cmp.Or(strings.ToUpper(body.ConnectionType), model.ConnectionInternet), ConnectionID: body.ConnectionID,
		Credentials: body.CredentialsArn, RequestParameters: body.RequestParameters, ResponseMappings: body.ResponseParameters}
	switch in.Type {
	case model.IntegrationAWSProxy:
		if in.PayloadFormatVersion == "" {
			return 0, nil, badRequest("PayloadFormatVersion is required for an AWS_PROXY integration (1.0 or 2.0)")
		}
		in.HTTPMethod = cmp.Or(in.HTTPMethod, "POST")
	case model.IntegrationHTTPProxy:
		in.PayloadFormatVersion = cmp.Or(in.PayloadFormatVersion, "1.0")
		in.HTTPMethod = cmp.Or(in.HTTPMethod, "ANY")
	default:
		return 0, nil, badRequest("Invalid integrationType %q: an HTTP API takes AWS_PROXY or HTTP_PROXY", body.IntegrationType)
	}
	if in.URI == "" {
		return 0, nil, badRequest("IntegrationUri is required")
	}
	if in.PayloadFormatVersion != "1.0" && in.PayloadFormatVersion != "2.0" {
		return 0, nil, badRequest("Invalid PayloadFormatVersion %q: 1.0 or 2.0", in.PayloadFormatVersion)
	}
	if in.TimeoutMillis < 50 || in.TimeoutMillis > 30000 {
		return 0, nil, badRequest("Invalid timeoutInMillis %d: 50 to 30000", in.TimeoutMillis)
	}
	for k, v := range in.RequestParameters {
		if _, why := model.ParseHTTPMapping(k, v, false); why != "" {
			return 0, nil, badRequest("Invalid mapping expression specified: %s: %s", k, why)
		}
	}
	var a *model.RestAPI
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		in.ID = model.StableID(7, "control-plane-integration", na.ID, rq.p.nextMade(), in.Type, in.URI)
		linkLambda(t, in)
		if rq.p.v2ints[na.ID] == nil {
			rq.p.v2ints[na.ID] = map[string]*model.Integration{}
		}
		rq.p.v2ints[na.ID][in.ID] = in
		return "create-integration " + in.ID + " " + in.Type + " " + in.URI, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, integrationV2Of(a, in), nil
}

func deleteIntegrationV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketIntegration(rq)
	}
	id := rq.segs[4]
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		found := rq.p.v2ints[na.ID][id] != nil
		for _, m := range v2Routes(na) {
			if m.Integration != nil && integrationID(na, m.Integration) == id {
				return "", "", conflict("Integration %s is the target of route %s: delete or retarget the route first", id, m.RouteKey)
			}
		}
		if !found {
			return "", "", notFound("Invalid Integration identifier specified %s", id)
		}
		delete(rq.p.v2ints[na.ID], id)
		return "delete-integration " + id, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

type createRouteV2Request struct {
	RouteKey            string   `json:"routeKey"`
	Target              string   `json:"target"`
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId"`
	AuthorizationScopes []string `json:"authorizationScopes"`
	APIKeyRequired      bool     `json:"apiKeyRequired"`
	OperationName       string   `json:"operationName"`
	// WebSocket APIs' route response selection and required parameters.
	RouteResponseSelectionExpression string                            `json:"routeResponseSelectionExpression"`
	RequestParameters                map[string]parameterConstraintsV2 `json:"requestParameters"`
}

func createRouteV2(rq *request) (int, any, error) {
	var body createRouteV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return createWebSocketRoute(rq, body)
	}
	if body.RouteResponseSelectionExpression != "" || len(body.RequestParameters) > 0 {
		return 0, nil, badRequest("RouteResponseSelectionExpression and RequestParameters are supported only for WebSocket APIs")
	}
	m := &model.Method{RouteKey: body.RouteKey, AuthorizationType: cmp.Or(strings.ToUpper(body.AuthorizationType), "NONE"),
		AuthorizerID: body.AuthorizerID, AuthorizationScopes: body.AuthorizationScopes, APIKeyRequired: body.APIKeyRequired, OperationName: body.OperationName}
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		if err := checkRouteAuth(na, m); err != nil {
			return "", "", err
		}
		if body.Target != "" {
			in, err := rq.p.target(na, body.Target)
			if err != nil {
				return "", "", err
			}
			m.Integration = in
		}
		cloneTree(na)
		if err := addRoute(na, m); err != nil {
			return "", "", err
		}
		return "create-route " + strconv.Quote(m.RouteKey), na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, routeV2Of(a, m), nil
}

// addRoute puts route m on a's resource tree (its path's resources made
// as needed), or makes it the $default route; its key is checked as
// API Gateway checks one.
func addRoute(a *model.RestAPI, m *model.Method) error {
	if m.RouteKey == model.RouteKeyDefault {
		if a.DefaultRoute != nil {
			return conflict("Route with key $default already exists for this API")
		}
		m.HTTPMethod = "ANY"
		a.DefaultRoute = m
		return nil
	}
	verb, path, ok := strings.Cut(m.RouteKey, " ")
	switch verb {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY":
	default:
		ok = false
	}
	if !ok || !strings.HasPrefix(path, "/") || strings.Contains(path, " ") || strings.Contains(path, "//") {
		return badRequest("Invalid route key %q: $default or METHOD /path (METHOD one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, ANY)", m.RouteKey)
	}
	m.HTTPMethod = verb
	res := a.Root
	if res == nil {
		res = &model.Resource{ID: model.StableID(10, "control-plane-root", a.ID), Path: "/"}
		a.Root = res
		a.Resources = append(a.Resources, res)
	}
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		var next *model.Resource
		for _, c := range res.Children {
			if c.PathPart == part {
				next = c
				break
			}
		}
		if next == nil {
			p := strings.TrimSuffix(res.Path, "/") + "/" + part
			next = &model.Resource{ID: model.StableID(6, a.ID, "resource", p), PathPart: part, Path: p, Parent: res}
			res.Children = append(res.Children, next)
			a.Resources = append(a.Resources, next)
		}
		res = next
	}
	for _, o := range res.Methods {
		if o.HTTPMethod == verb {
			return conflict("Route with key %s already exists for this API", m.RouteKey)
		}
	}
	res.Methods = append(res.Methods, m)
	slices.SortFunc(res.Methods, func(x, y *model.Method) int { return cmp.Compare(x.HTTPMethod, y.HTTPMethod) })
	sortTree(a)
	return nil
}

func deleteRouteV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketRoute(rq)
	}
	id := rq.segs[4]
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		if d := na.DefaultRoute; d != nil && routeID(na, d) == id {
			na.DefaultRoute = nil
			return "delete-route $default", na.ID, nil
		}
		cloneTree(na)
		for _, r := range na.Resources {
			for i, m := range r.Methods {
				if routeID(na, m) == id {
					r.Methods = slices.Delete(r.Methods, i, i+1)
					return "delete-route " + strconv.Quote(m.RouteKey), na.ID, nil
				}
			}
		}
		return "", "", notFound("Invalid Route identifier specified %s", id)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

type createStageV2Request struct {
	StageName            string                     `json:"stageName"`
	AutoDeploy           bool                       `json:"autoDeploy"`
	Description          string                     `json:"description"`
	DeploymentID         string                     `json:"deploymentId"`
	StageVariables       map[string]string          `json:"stageVariables"`
	Tags                 map[string]string          `json:"tags"`
	AccessLogSettings    *accessLogSettingsV2       `json:"accessLogSettings"`
	DefaultRouteSettings *routeSettingsV2           `json:"defaultRouteSettings"`
	RouteSettings        map[string]routeSettingsV2 `json:"routeSettings"`
}

// setStageSettings applies the access log and route settings a
// CreateStage or UpdateStage request carries to st: DefaultRouteSettings
// and AccessLogSettings replace the stage's, RouteSettings replace the
// entries of the route keys they name (each must be a route: hasRoute).
func setStageSettings(st *model.Stage, httpAPI bool, hasRoute func(string) bool, als *accessLogSettingsV2, def *routeSettingsV2, routes map[string]routeSettingsV2) error {
	if als != nil {
		st.AccessLogDestination, st.AccessLogFormat = als.DestinationArn, als.Format
	}
	if def == nil && len(routes) == 0 {
		return nil
	}
	for _, rs := range derefSettings(def, routes) {
		if rs.ThrottlingBurstLimit != nil && *rs.ThrottlingBurstLimit < 0 || rs.ThrottlingRateLimit != nil && *rs.ThrottlingRateLimit < 0 {
			return badRequest("ThrottlingBurstLimit and ThrottlingRateLimit must not be negative")
		}
		switch rs.LoggingLevel {
		case "", "ERROR", "INFO", "OFF":
		default:
			return badRequest("LoggingLevel must be ERROR, INFO or OFF")
		}
		if httpAPI && (rs.LoggingLevel != "" && rs.LoggingLevel != "OFF" || rs.DataTraceEnabled) {
			return badRequest("Execution logs are not supported on protocolType HTTP")
		}
	}
	keys := slices.Sorted(maps.Keys(routes))
	for _, k := range keys {
		if !hasRoute(k) {
			return notFound("Unable to find Route by key %s within the provided RouteSettings", k)
		}
	}
	ms := slices.Clone(st.MethodSettings)
	if def != nil {
		ms = slices.DeleteFunc(ms, func(m model.MethodSetting) bool { return m.RouteKey == "" })
		ms = append(ms, def.methodSettingOf(""))
	}
	for _, k := range keys {
		ms = slices.DeleteFunc(ms, func(m model.MethodSetting) bool { return m.RouteKey == k })
		ms = append(ms, routes[k].methodSettingOf(k))
	}
	st.MethodSettings = ms
	return nil
}

// derefSettings lists def (when set) and the route settings.
func derefSettings(def *routeSettingsV2, routes map[string]routeSettingsV2) []routeSettingsV2 {
	var out []routeSettingsV2
	if def != nil {
		out = append(out, *def)
	}
	for _, rs := range routes {
		out = append(out, rs)
	}
	return out
}

// hasRouteKeyV2 reports whether the HTTP API na has a route keyed k.
func hasRouteKeyV2(na *model.RestAPI, k string) bool {
	if na.DefaultRoute != nil && na.DefaultRoute.RouteKey == k {
		return true
	}
	for _, res := range na.Resources {
		for _, m := range res.Methods {
			if m.RouteKey == k {
				return true
			}
		}
	}
	return false
}

func createStageV2(rq *request) (int, any, error) {
	var body createStageV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if body.StageName == "" {
		return 0, nil, badRequest("StageName is required")
	}
	if rq.wsAPI() {
		return createWebSocketStage(rq, body)
	}
	st := &model.Stage{Name: body.StageName, Implicit: body.AutoDeploy, Description: body.Description, DeploymentID: body.DeploymentID,
		Variables: body.StageVariables}
	if len(body.Tags) > 0 {
		st.Tags = model.Tags(body.Tags)
	}
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		if slices.ContainsFunc(na.Stages, func(s *model.Stage) bool { return s.Name == st.Name }) {
			return "", "", conflict("Stage %s already exists", st.Name)
		}
		if err := setStageSettings(st, true, func(k string) bool { return hasRouteKeyV2(na, k) }, body.AccessLogSettings, body.DefaultRouteSettings, body.RouteSettings); err != nil {
			return "", "", err
		}
		na.Stages = append(slices.Clone(na.Stages), st)
		rq.p.created[na.ID+"/stage/"+st.Name] = rq.p.opts.Now()
		return "create-stage " + st.Name, na.ID + "/" + st.Name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rq.p.stageV2Of(st), nil
}

// deleteRouteSettingsV2 is DeleteRouteSettings: the stage's settings for
// one route key go (the route then takes the DefaultRouteSettings).
// withoutRouteSettings returns a copy of stages whose stage name has no
// RouteSettings entry for key (DeleteRouteSettings), the others shared.
func withoutRouteSettings(stages []*model.Stage, name, key string) ([]*model.Stage, error) {
	i := slices.IndexFunc(stages, func(s *model.Stage) bool { return s.Name == name })
	if i < 0 {
		return nil, notFound("Invalid stage identifier specified")
	}
	st := *stages[i]
	n := len(st.MethodSettings)
	st.MethodSettings = slices.DeleteFunc(slices.Clone(st.MethodSettings), func(m model.MethodSetting) bool { return m.RouteKey == key })
	if len(st.MethodSettings) == n {
		return nil, notFound("Unable to find RouteSettings for route key %s in stage %s", key, name)
	}
	out := slices.Clone(stages)
	out[i] = &st
	return out, nil
}

func deleteRouteSettingsV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketRouteSettings(rq)
	}
	name, key := rq.segs[4], rq.segs[6]
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		stages, err := withoutRouteSettings(na.Stages, name, key)
		if err != nil {
			return "", "", err
		}
		na.Stages = stages
		return "delete-route-settings " + name + " " + key, na.ID + "/" + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func deleteStageV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketStage(rq)
	}
	name := rq.segs[4]
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == name })
		if i < 0 {
			return "", "", notFound("Invalid stage identifier specified")
		}
		na.Stages = slices.Delete(slices.Clone(na.Stages), i, i+1)
		return "delete-stage " + name, na.ID + "/" + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// updateRouteV2Request holds update-route's fields; nil is "not given".
type updateRouteV2Request struct {
	RouteKey            *string  `json:"routeKey"`
	Target              *string  `json:"target"`
	AuthorizationType   *string  `json:"authorizationType"`
	AuthorizerID        *string  `json:"authorizerId"`
	AuthorizationScopes []string `json:"authorizationScopes"`
	OperationName       *string  `json:"operationName"`
	APIKeyRequired      *bool    `json:"apiKeyRequired"`
	// WebSocket APIs'.
	RouteResponseSelectionExpression *string                           `json:"routeResponseSelectionExpression"`
	RequestParameters                map[string]parameterConstraintsV2 `json:"requestParameters"`
}

// updateRouteV2 changes a route's target, key or authorization: the
// route is taken off and put back, checked as create-route checks one.
func updateRouteV2(rq *request) (int, any, error) {
	var body updateRouteV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return updateWebSocketRoute(rq, body)
	}
	id := rq.segs[4]
	var out *model.Method
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		cloneTree(na)
		var m *model.Method
		if d := na.DefaultRoute; d != nil && routeID(na, d) == id {
			m, na.DefaultRoute = cloneMethod(d), nil
		}
		for _, r := range na.Resources {
			for i, x := range r.Methods {
				if m == nil && routeID(na, x) == id {
					m = x
					r.Methods = slices.Delete(r.Methods, i, i+1)
					break
				}
			}
		}
		if m == nil {
			return "", "", notFound("Invalid Route identifier specified %s", id)
		}
		if body.RouteKey != nil {
			m.RouteKey = *body.RouteKey
		}
		if body.AuthorizationType != nil {
			m.AuthorizationType = strings.ToUpper(*body.AuthorizationType)
		}
		if body.AuthorizerID != nil {
			m.AuthorizerID = *body.AuthorizerID
		}
		if body.AuthorizationScopes != nil {
			m.AuthorizationScopes = body.AuthorizationScopes
		}
		if body.OperationName != nil {
			m.OperationName = *body.OperationName
		}
		if err := checkRouteAuth(na, m); err != nil {
			return "", "", err
		}
		if body.Target != nil {
			in, err := rq.p.target(na, *body.Target)
			if err != nil {
				return "", "", err
			}
			m.Integration = in
		}
		if err := addRoute(na, m); err != nil {
			return "", "", err
		}
		out = m
		return "update-route " + strconv.Quote(m.RouteKey), na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, routeV2Of(a, out), nil
}

// checkRouteAuth checks a route's authorization as API Gateway does.
func checkRouteAuth(a *model.RestAPI, m *model.Method) error {
	switch m.AuthorizationType {
	case "NONE", "AWS_IAM":
		return nil
	case "JWT", "CUSTOM":
		want := map[string]string{"JWT": "JWT", "CUSTOM": "REQUEST"}[m.AuthorizationType]
		if !slices.ContainsFunc(a.Authorizers, func(az *model.Authorizer) bool { return az.ID == m.AuthorizerID && az.Type == want }) {
			return badRequest("Invalid authorizer ID specified. Setting the authorization type to %s requires a valid %s authorizer.", m.AuthorizationType, want)
		}
		return nil
	}
	return badRequest("Invalid authorizationType %q: NONE, AWS_IAM, CUSTOM or JWT", m.AuthorizationType)
}

// target is a copy of the integration "integrations/ID" names: one made
// through the plane, or one a route of a targets.
func (p *Plane) target(a *model.RestAPI, target string) (*model.Integration, error) {
	id, ok := strings.CutPrefix(target, "integrations/")
	if !ok {
		return nil, badRequest("Invalid target %q: integrations/INTEGRATION_ID", target)
	}
	in := p.v2ints[a.ID][id]
	if in == nil {
		for _, r := range v2Routes(a) {
			if r.Integration != nil && integrationID(a, r.Integration) == id {
				in = r.Integration
				break
			}
		}
	}
	if in == nil {
		return nil, notFound("Invalid Integration identifier specified %s", id)
	}
	cp := *in
	return &cp, nil
}

type updateStageV2Request struct {
	AutoDeploy           *bool                      `json:"autoDeploy"`
	Description          *string                    `json:"description"`
	DeploymentID         *string                    `json:"deploymentId"`
	StageVariables       map[string]string          `json:"stageVariables"`
	AccessLogSettings    *accessLogSettingsV2       `json:"accessLogSettings"`
	DefaultRouteSettings *routeSettingsV2           `json:"defaultRouteSettings"`
	RouteSettings        map[string]routeSettingsV2 `json:"routeSettings"`
}

func updateStageV2(rq *request) (int, any, error) {
	var body updateStageV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return updateWebSocketStage(rq, body)
	}
	name := rq.segs[4]
	var out *model.Stage
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == name })
		if i < 0 {
			return "", "", notFound("Invalid stage identifier specified")
		}
		st := *na.Stages[i]
		if body.AutoDeploy != nil {
			st.Implicit = *body.AutoDeploy
		}
		if body.Description != nil {
			st.Description = *body.Description
		}
		if body.DeploymentID != nil {
			st.DeploymentID = *body.DeploymentID
		}
		if body.StageVariables != nil {
			st.Variables = mergeStageVariables(st.Variables, body.StageVariables)
		}
		if err := setStageSettings(&st, true, func(k string) bool { return hasRouteKeyV2(na, k) }, body.AccessLogSettings, body.DefaultRouteSettings, body.RouteSettings); err != nil {
			return "", "", err
		}
		na.Stages = slices.Clone(na.Stages)
		na.Stages[i] = &st
		out = &st
		return "update-stage " + name, na.ID + "/" + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.stageV2Of(out), nil
}

type createAuthorizerV2Request struct {
	Name                           string       `json:"name"`
	AuthorizerType                 string       `json:"authorizerType"`
	IdentitySource                 []string     `json:"identitySource"`
	JWTConfiguration               *jwtConfigV2 `json:"jwtConfiguration"`
	AuthorizerURI                  string       `json:"authorizerUri"`
	AuthorizerPayloadFormatVersion string       `json:"authorizerPayloadFormatVersion"`
	EnableSimpleResponses          bool         `json:"enableSimpleResponses"`
	AuthorizerResultTTLInSeconds   *int         `json:"authorizerResultTtlInSeconds"`
	AuthorizerCredentialsArn       string       `json:"authorizerCredentialsArn"`
}

func createAuthorizerV2(rq *request) (int, any, error) {
	var body createAuthorizerV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return createWebSocketAuthorizer(rq, body)
	}
	az := &model.Authorizer{Name: body.Name, Type: strings.ToUpper(body.AuthorizerType), IdentitySource: strings.Join(body.IdentitySource, ","),
		AuthorizerURI: body.AuthorizerURI, PayloadFormatVersion: body.AuthorizerPayloadFormatVersion, SimpleResponses: body.EnableSimpleResponses,
		Credentials: body.AuthorizerCredentialsArn, ResultTTLSeconds: model.DefaultAuthorizerTTL}
	if body.AuthorizerResultTTLInSeconds != nil {
		az.ResultTTLSeconds = *body.AuthorizerResultTTLInSeconds
	}
	if az.Name == "" {
		return 0, nil, badRequest("Name is required")
	}
	switch az.Type {
	case "JWT":
		if body.JWTConfiguration == nil || body.JWTConfiguration.Issuer == "" {
			return 0, nil, badRequest("JwtConfiguration with an Issuer is required for a JWT authorizer")
		}
		if az.IdentitySource == "" {
			return 0, nil, badRequest("IdentitySource is required for a JWT authorizer")
		}
		az.JWTIssuer, az.JWTAudience = body.JWTConfiguration.Issuer, body.JWTConfiguration.Audience
	case "REQUEST":
		if az.AuthorizerURI == "" {
			return 0, nil, badRequest("AuthorizerUri is required for a REQUEST authorizer")
		}
		if az.PayloadFormatVersion != "1.0" && az.PayloadFormatVersion != "2.0" {
			return 0, nil, badRequest("AuthorizerPayloadFormatVersion is required for a REQUEST authorizer: 1.0 or 2.0")
		}
		if az.SimpleResponses && az.PayloadFormatVersion != "2.0" {
			return 0, nil, badRequest("EnableSimpleResponses is only supported with authorizerPayloadFormatVersion 2.0")
		}
	default:
		return 0, nil, badRequest("Invalid authorizerType %q: JWT or REQUEST", body.AuthorizerType)
	}
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		az.ID = model.StableID(6, "control-plane-authorizer", na.ID, az.Name, rq.p.nextMade())
		az.LogicalID = "control-plane:" + az.ID
		if az.Type == "REQUEST" {
			az.Function = t.ResolveLambdaURI(az.AuthorizerURI)
		}
		na.Authorizers = append(slices.Clone(na.Authorizers), az)
		return "create-authorizer " + az.ID + " " + strconv.Quote(az.Name), na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, authorizerV2Of(a, az), nil
}

func deleteAuthorizerV2(rq *request) (int, any, error) {
	if rq.wsAPI() {
		return deleteWebSocketAuthorizer(rq)
	}
	id := rq.segs[4]
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(na.Authorizers, func(az *model.Authorizer) bool { return az.ID == id })
		if i < 0 {
			return "", "", notFound("Invalid Authorizer identifier specified %s", id)
		}
		for _, m := range v2Routes(na) {
			if m.AuthorizerID == id && m.AuthorizationType != "NONE" {
				return "", "", conflict("Authorizer %s is used by route %s: change the route's authorization first", id, m.RouteKey)
			}
		}
		na.Authorizers = slices.Delete(slices.Clone(na.Authorizers), i, i+1)
		return "delete-authorizer " + id, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

type deploymentV2 struct {
	AutoDeployed     bool   `json:"autoDeployed"`
	CreatedDate      string `json:"createdDate"`
	DeploymentID     string `json:"deploymentId"`
	DeploymentStatus string `json:"deploymentStatus"`
	Description      string `json:"description,omitempty"`
}

// createDeploymentV2 answers create-deployment as deployed: cfnrun serves
// every change at once, so a deployment only records that one was asked
// for (and, with --stage-name, points the stage at it).
func createDeploymentV2(rq *request) (int, any, error) {
	var body struct {
		Description string `json:"description"`
		StageName   string `json:"stageName"`
	}
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return createWebSocketDeployment(rq, body.Description, body.StageName)
	}
	var d deploymentV2
	_, _, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		now := rq.p.opts.Now()
		d = deploymentV2{CreatedDate: isoDate(now), DeploymentStatus: "DEPLOYED", Description: body.Description,
			DeploymentID: model.StableID(6, "control-plane-deployment", na.ID, now.String(), strconv.Itoa(len(rq.p.v2deps[na.ID])))}
		if body.StageName != "" {
			i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == body.StageName })
			if i < 0 {
				return "", "", notFound("Invalid stage identifier specified")
			}
			st := *na.Stages[i]
			st.DeploymentID = d.DeploymentID
			na.Stages = slices.Clone(na.Stages)
			na.Stages[i] = &st
		}
		rq.p.v2deps[na.ID] = append(rq.p.v2deps[na.ID], d)
		return "create-deployment " + d.DeploymentID, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, d, nil
}

func getDeploymentsV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	p := rq.p
	p.mu.Lock()
	deps := slices.Clone(p.v2deps[a.ID])
	p.mu.Unlock()
	page, err := pageV2(rq, deps)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, page, nil
}

func getDeploymentV2(rq *request) (int, any, error) {
	_, a, err := rq.httpAPI()
	if err != nil {
		return 0, nil, err
	}
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.v2deps[a.ID] {
		if d.DeploymentID == rq.segs[4] {
			return http.StatusOK, d, nil
		}
	}
	return 0, nil, notFound("Invalid Deployment identifier specified %s", rq.segs[4])
}

type updateIntegrationV2Request struct {
	IntegrationURI       *string                      `json:"integrationUri"`
	IntegrationMethod    *string                      `json:"integrationMethod"`
	PayloadFormatVersion *string                      `json:"payloadFormatVersion"`
	TimeoutInMillis      *int                         `json:"timeoutInMillis"`
	RequestParameters    map[string]string            `json:"requestParameters"`
	ResponseParameters   map[string]map[string]string `json:"responseParameters"`
	// WebSocket APIs'.
	RequestTemplates            map[string]string `json:"requestTemplates"`
	TemplateSelectionExpression *string           `json:"templateSelectionExpression"`
	PassthroughBehavior         *string           `json:"passthroughBehavior"`
	ContentHandlingStrategy     *string           `json:"contentHandlingStrategy"`
}

// updateIntegrationV2 changes an integration wherever it is: waiting in
// the plane and in every route that targets it (the model keeps a copy in
// each); its id stays.
func updateIntegrationV2(rq *request) (int, any, error) {
	var body updateIntegrationV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return updateWebSocketIntegration(rq, body)
	}
	for k, v := range body.RequestParameters {
		if v == "" {
			continue // removes the mapping
		}
		if _, why := model.ParseHTTPMapping(k, v, false); why != "" {
			return 0, nil, badRequest("Invalid mapping expression specified: %s: %s", k, why)
		}
	}
	id := rq.segs[4]
	var out *model.Integration
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		apply := func(in *model.Integration) (*model.Integration, error) {
			c := *in
			c.ID = id
			if body.IntegrationURI != nil {
				c.URI = *body.IntegrationURI
			}
			if body.IntegrationMethod != nil {
				c.HTTPMethod = strings.ToUpper(*body.IntegrationMethod)
			}
			if body.PayloadFormatVersion != nil {
				c.PayloadFormatVersion = *body.PayloadFormatVersion
			}
			if body.TimeoutInMillis != nil {
				c.TimeoutMillis = *body.TimeoutInMillis
			}
			if body.RequestParameters != nil {
				c.RequestParameters = mergeParams(c.RequestParameters, body.RequestParameters)
			}
			if body.ResponseParameters != nil {
				c.ResponseMappings = maps.Clone(c.ResponseMappings)
				if c.ResponseMappings == nil {
					c.ResponseMappings = map[string]map[string]string{}
				}
				for code, ms := range body.ResponseParameters {
					if len(ms) == 0 {
						delete(c.ResponseMappings, code)
					} else {
						c.ResponseMappings[code] = ms
					}
				}
			}
			if c.PayloadFormatVersion != "1.0" && c.PayloadFormatVersion != "2.0" {
				return nil, badRequest("Invalid PayloadFormatVersion %q: 1.0 or 2.0", c.PayloadFormatVersion)
			}
			if c.TimeoutMillis < 50 || c.TimeoutMillis > 30000 {
				return nil, badRequest("Invalid timeoutInMillis %d: 50 to 30000", c.TimeoutMillis)
			}
			linkLambda(t, &c)
			return &c, nil
		}
		found := false
		if in := rq.p.v2ints[na.ID][id]; in != nil {
			c, err := apply(in)
			if err != nil {
				return "", "", err
			}
			rq.p.v2ints[na.ID][id], out, found = c, c, true
		}
		cloneTree(na)
		if d := na.DefaultRoute; d != nil && d.Integration != nil && integrationID(na, d.Integration) == id {
			c, err := apply(d.Integration)
			if err != nil {
				return "", "", err
			}
			d = cloneMethod(d)
			d.Integration, na.DefaultRoute, out, found = c, d, c, true
		}
		for _, r := range na.Resources {
			for _, m := range r.Methods {
				if m.Integration != nil && integrationID(na, m.Integration) == id {
					c, err := apply(m.Integration)
					if err != nil {
						return "", "", err
					}
					m.Integration, out, found = c, c, true
				}
			}
		}
		if !found {
			return "", "", notFound("Invalid Integration identifier specified %s", id)
		}
		return "update-integration " + id, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, integrationV2Of(a, out), nil
}

// mergeParams applies update-integration's requestParameters to cur: an
// empty value removes a mapping, as API Gateway documents.
func mergeParams(cur, upd map[string]string) map[string]string {
	out := maps.Clone(cur)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range upd {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

type updateAPIV2Request struct {
	Name                      *string `json:"name"`
	Description               *string `json:"description"`
	DisableExecuteAPIEndpoint *bool   `json:"disableExecuteApiEndpoint"`
	CorsConfiguration         *corsV2 `json:"corsConfiguration"`
	RouteSelectionExpression  *string `json:"routeSelectionExpression"`
	APIKeySelectionExpression *string `json:"apiKeySelectionExpression"`
}

func updateAPIV2(rq *request) (int, any, error) {
	var body updateAPIV2Request
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if rq.wsAPI() {
		return updateWebSocketAPI(rq, body)
	}
	_, a, err := rq.changeV2(func(t *model.Template, na *model.RestAPI) (string, string, error) {
		if body.Name != nil {
			if strings.TrimSpace(*body.Name) == "" {
				return "", "", badRequest("Invalid API name specified")
			}
			na.Name = *body.Name
		}
		if body.Description != nil {
			na.Description = *body.Description
		}
		if body.DisableExecuteAPIEndpoint != nil {
			na.DisableExecuteAPIEndpoint = *body.DisableExecuteAPIEndpoint
		}
		if c := body.CorsConfiguration; c != nil {
			na.CORS = &model.CORSConfig{AllowCredentials: c.AllowCredentials, AllowHeaders: c.AllowHeaders, AllowMethods: c.AllowMethods,
				AllowOrigins: c.AllowOrigins, ExposeHeaders: c.ExposeHeaders, MaxAge: -1}
			if c.MaxAge != nil {
				na.CORS.MaxAge = *c.MaxAge
			}
		}
		return "update-api " + na.ID, na.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.apiV2Of(a), nil
}

// mergeStageVariables merges an update's stage variables as API Gateway
// merges them: an empty value removes one.
func mergeStageVariables(cur, upd map[string]string) map[string]string {
	vars := maps.Clone(cur)
	if vars == nil {
		vars = map[string]string{}
	}
	for k, v := range upd {
		if v == "" {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	return vars
}
