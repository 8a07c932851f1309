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

// The writes of the API Gateway v2 management API for WebSocket APIs, as
// a script against LocalStack makes them: create-api --protocol-type
// WEBSOCKET, create-integration, create-route, create-route-response,
// create-authorizer, create-stage, create-deployment, their updates and
// deletes. Each edits a copy of the served model's WebSocket API and
// loads it (the gateway serves the result at once: a client connects to
// ws://HOST/{stage}); a template reload ends them, as it ends the HTTP
// APIs' changes (v2write.go). The operations share their URLs with the
// HTTP API's; each HTTP API operation hands a WebSocket API's request
// here (rq.wsAPI).

// wsEdit is a change to one WebSocket API of a model copy; it returns the
// log line.
type wsEdit func(t *model.Template, a *model.WebSocketAPI) (logLine string, err error)

// wsAPI reports whether segment 2 names a WebSocket API of the served
// template.
func (rq *request) wsAPI() bool {
	t := rq.p.gw.Template()
	return t != nil && len(rq.segs) > 2 && t.WebSocketAPI(rq.segs[2]) != nil
}

// changeWS applies e to a copy of the WebSocket API named by segment 2
// and serves the result.
func (rq *request) changeWS(e wsEdit) (*model.WebSocketAPI, error) {
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	old := t.WebSocketAPI(rq.segs[2])
	if old == nil {
		return nil, notFound("Invalid API identifier specified %s:%s", p.opts.AccountID, rq.segs[2])
	}
	nt := *t
	nt.WebSocketAPIs = slices.Clone(t.WebSocketAPIs)
	na := *old
	na.Routes, na.Stages, na.Authorizers = slices.Clone(old.Routes), slices.Clone(old.Stages), slices.Clone(old.Authorizers)
	na.TwoWay = maps.Clone(old.TwoWay)
	if na.TwoWay == nil {
		na.TwoWay = map[*model.Method]bool{}
	}
	for i, a := range nt.WebSocketAPIs {
		if a == old {
			nt.WebSocketAPIs[i] = &na
		}
	}
	line, err := e(&nt, &na)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(na.Routes, func(x, y *model.Method) int { return cmp.Compare(x.RouteKey, y.RouteKey) })
	slices.SortStableFunc(na.Stages, func(x, y *model.Stage) int { return cmp.Compare(x.Name, y.Name) })
	if err := p.load(&nt); err != nil {
		return nil, badRequest("The change cannot be served: %v", err)
	}
	p.ours = &nt
	if line != "" {
		p.drift[na.ID] = append(p.drift[na.ID], line)
		p.log.Info("control plane: "+line, "api", na.ID, "drift", driftNote)
	}
	return &na, nil
}

// createWebSocketAPI is create-api with protocolType WEBSOCKET.
func createWebSocketAPI(rq *request, body createAPIV2Request) (int, any, error) {
	if body.Target != "" || body.RouteKey != "" {
		return 0, nil, badRequest("Target and RouteKey (quick create) are not supported for WebSocket APIs")
	}
	if body.CorsConfiguration != nil {
		return 0, nil, badRequest("CorsConfiguration is not supported for WebSocket APIs")
	}
	if strings.TrimSpace(body.RouteSelectionExpression) == "" {
		return 0, nil, badRequest("RouteSelectionExpression is required for a WebSocket API")
	}
	if _, _, ok := model.WebSocketSelection(body.RouteSelectionExpression); !ok {
		return 0, nil, badRequest("Invalid RouteSelectionExpression %q: $request.body.FIELD or a constant route key", body.RouteSelectionExpression)
	}
	if err := checkKeySelection(body.APIKeySelectionExpression); err != nil {
		return 0, nil, err
	}
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return 0, nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	now := p.opts.Now()
	id := model.StableID(10, "control-plane", body.Name, now.String(), p.nextMade())
	a := &model.WebSocketAPI{LogicalID: "control-plane:" + id, ID: id, Name: body.Name, Description: body.Description,
		RouteSelectionExpression: body.RouteSelectionExpression, APIKeySelectionExpression: body.APIKeySelectionExpression,
		DisableExecuteAPIEndpoint: body.DisableExecuteAPIEndpoint, TwoWay: map[*model.Method]bool{}}
	nt := *t
	nt.WebSocketAPIs = append(slices.Clone(t.WebSocketAPIs), a)
	slices.SortStableFunc(nt.WebSocketAPIs, func(x, y *model.WebSocketAPI) int { return cmp.Compare(x.LogicalID, y.LogicalID) })
	if err := p.load(&nt); err != nil {
		return 0, nil, badRequest("The change cannot be served: %v", err)
	}
	p.ours = &nt
	line := "create-api " + id + " " + strconv.Quote(body.Name) + " WEBSOCKET"
	p.drift[id] = append(p.drift[id], line)
	p.created[id+"/api"] = now
	p.log.Info("control plane: "+line, "api", id, "drift", driftNote)
	return http.StatusCreated, p.apiV2Of(wsView(a)), nil
}

// checkKeySelection checks an ApiKeySelectionExpression: one of the two
// API Gateway takes ("" keeps the default, the header).
func checkKeySelection(expr string) error {
	switch expr {
	case "", "$request.header.x-api-key", "$context.authorizer.usageIdentifierKey":
		return nil
	}
	return badRequest("Invalid ApiKeySelectionExpression %q: $request.header.x-api-key or $context.authorizer.usageIdentifierKey", expr)
}

func deleteWebSocketAPI(rq *request) (int, any, error) {
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return 0, nil, notFound("No template is served")
	}
	a := t.WebSocketAPI(rq.segs[2])
	if a == nil {
		return 0, nil, notFound("Invalid API identifier specified %s:%s", p.opts.AccountID, rq.segs[2])
	}
	nt := *t
	nt.WebSocketAPIs = slices.DeleteFunc(slices.Clone(t.WebSocketAPIs), func(x *model.WebSocketAPI) bool { return x == a })
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

func updateWebSocketAPI(rq *request, body updateAPIV2Request) (int, any, error) {
	if body.CorsConfiguration != nil {
		return 0, nil, badRequest("CorsConfiguration is not supported for WebSocket APIs")
	}
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		var changed []string
		if body.Name != nil {
			if strings.TrimSpace(*body.Name) == "" {
				return "", badRequest("Invalid API name specified")
			}
			na.Name = *body.Name
			changed = append(changed, "name")
		}
		if body.Description != nil {
			na.Description = *body.Description
			changed = append(changed, "description")
		}
		if body.DisableExecuteAPIEndpoint != nil {
			na.DisableExecuteAPIEndpoint = *body.DisableExecuteAPIEndpoint
			changed = append(changed, "disableExecuteApiEndpoint")
		}
		if body.RouteSelectionExpression != nil {
			if _, _, ok := model.WebSocketSelection(*body.RouteSelectionExpression); !ok {
				return "", badRequest("Invalid RouteSelectionExpression %q: $request.body.FIELD or a constant route key", *body.RouteSelectionExpression)
			}
			na.RouteSelectionExpression = *body.RouteSelectionExpression
			changed = append(changed, "routeSelectionExpression")
		}
		if body.APIKeySelectionExpression != nil {
			if err := checkKeySelection(*body.APIKeySelectionExpression); err != nil {
				return "", err
			}
			na.APIKeySelectionExpression = *body.APIKeySelectionExpression
			changed = append(changed, "apiKeySelectionExpression")
		}
		return "update-api " + strings.Join(changed, ","), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.apiV2Of(wsView(a)), nil
}

// wsIntegration checks and completes an integration for a WebSocket API:
// AWS_PROXY, HTTP_PROXY, MOCK, AWS, HTTP, a timeout of 50 to 29000 ms.
func wsIntegration(t *model.Template, in *model.Integration) error {
	switch in.Type {
	case model.IntegrationAWSProxy, model.IntegrationAWS:
		in.HTTPMethod = cmp.Or(in.HTTPMethod, "POST")
	case model.IntegrationHTTPProxy, model.IntegrationHTTP:
		in.HTTPMethod = cmp.Or(in.HTTPMethod, "POST")
	case model.IntegrationMock:
	default:
		return badRequest("Invalid integrationType %q: a WebSocket API takes AWS_PROXY, HTTP_PROXY, MOCK, AWS or HTTP", in.Type)
	}
	if in.Type != model.IntegrationMock && in.URI == "" {
		return badRequest("IntegrationUri is required for a %s integration", in.Type)
	}
	if in.TimeoutMillis == 0 {
		in.TimeoutMillis = model.DefaultWebSocketTimeoutMillis
	}
	if in.TimeoutMillis < 50 || in.TimeoutMillis > model.DefaultWebSocketTimeoutMillis {
		return badRequest("Invalid timeoutInMillis %d: 50 to 29000 for a WebSocket API", in.TimeoutMillis)
	}
	if in.PayloadFormatVersion != "" && in.PayloadFormatVersion != "1.0" {
		return badRequest("Invalid PayloadFormatVersion %q: WebSocket APIs take 1.0", in.PayloadFormatVersion)
	}
	switch in.PassthroughBehavior {
	case "", "WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES":
	default:
		return badRequest("Invalid PassthroughBehavior %q: WHEN_NO_MATCH, NEVER or WHEN_NO_TEMPLATES", in.PassthroughBehavior)
	}
	switch in.ContentHandling {
	case "", "CONVERT_TO_BINARY", "CONVERT_TO_TEXT":
	default:
		return badRequest("Invalid ContentHandlingStrategy %q: CONVERT_TO_BINARY or CONVERT_TO_TEXT", in.ContentHandling)
	}
	for k, v := range in.RequestParameters {
		if why := model.WebSocketRequestParameterProblem(k, v); why != "" {
			return badRequest("Invalid mapping expression specified: %s: %s", k, why)
		}
	}
	linkLambda(t, in)
	return nil
}

func createWebSocketIntegration(rq *request, body createIntegrationV2Request) (int, any, error) {
	in := &model.Integration{Type: strings.ToUpper(body.IntegrationType), URI: body.IntegrationURI, HTTPMethod: strings.ToUpper(body.IntegrationMethod),
		PayloadFormatVersion: body.PayloadFormatVersion, TimeoutMillis: body.TimeoutInMillis, ConnectionType: cmp.Or(strings.ToUpper(body.ConnectionType), model.ConnectionInternet),
		ConnectionID: body.ConnectionID, Credentials: body.CredentialsArn, RequestTemplates: body.RequestTemplates, RequestParameters: body.RequestParameters,
		TemplateSelectionExpression: body.TemplateSelectionExpression, PassthroughBehavior: strings.ToUpper(body.PassthroughBehavior),
		ContentHandling: strings.ToUpper(body.ContentHandlingStrategy)}
	if len(body.ResponseParameters) > 0 {
		return 0, nil, badRequest("ResponseParameters are not supported by cfnrun for WebSocket integrations")
	}
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		if err := wsIntegration(t, in); err != nil {
			return "", err
		}
		in.ID = model.StableID(7, "control-plane-integration", na.ID, rq.p.nextMade(), in.Type, in.URI)
		if rq.p.v2ints[na.ID] == nil {
			rq.p.v2ints[na.ID] = map[string]*model.Integration{}
		}
		rq.p.v2ints[na.ID][in.ID] = in
		return "create-integration " + in.ID + " " + in.Type, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, integrationV2Of(wsView(a), in), nil
}

func updateWebSocketIntegration(rq *request, body updateIntegrationV2Request) (int, any, error) {
	id := rq.segs[4]
	var out *model.Integration
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		view := wsView(na)
		old := rq.p.v2ints[na.ID][id]
		for _, m := range na.Routes {
			if old == nil && m.Integration != nil && integrationID(view, m.Integration) == id {
				old = m.Integration
			}
		}
		if old == nil {
			return "", notFound("Invalid Integration identifier specified %s", id)
		}
		in := *old
		in.ID = id
		if body.IntegrationURI != nil {
			in.URI = *body.IntegrationURI
		}
		if body.IntegrationMethod != nil {
			in.HTTPMethod = strings.ToUpper(*body.IntegrationMethod)
		}
		if body.TimeoutInMillis != nil {
			in.TimeoutMillis = *body.TimeoutInMillis
		}
		if body.RequestTemplates != nil {
			in.RequestTemplates = body.RequestTemplates
		}
		if body.TemplateSelectionExpression != nil {
			in.TemplateSelectionExpression = *body.TemplateSelectionExpression
		}
		if body.PassthroughBehavior != nil {
			in.PassthroughBehavior = strings.ToUpper(*body.PassthroughBehavior)
		}
		if body.ContentHandlingStrategy != nil {
			in.ContentHandling = strings.ToUpper(*body.ContentHandlingStrategy)
		}
		if body.PayloadFormatVersion != nil {
			in.PayloadFormatVersion = *body.PayloadFormatVersion
		}
		if body.ResponseParameters != nil {
			return "", badRequest("ResponseParameters are not supported by cfnrun for WebSocket integrations")
		}
		if body.RequestParameters != nil {
			// As for HTTP APIs: the given mappings are merged, an empty
			// value removes one.
			ps := maps.Clone(in.RequestParameters)
			if ps == nil {
				ps = map[string]string{}
			}
			for k, v := range body.RequestParameters {
				if v == "" {
					delete(ps, k)
				} else {
					ps[k] = v
				}
			}
			in.RequestParameters = ps
		}
		if err := wsIntegration(t, &in); err != nil {
			return "", err
		}
		// Every route that targets it takes the new one.
		for i, m := range na.Routes {
			if m.Integration != nil && integrationID(view, m.Integration) == id {
				c := *m
				c.Integration = &in
				na.TwoWay[&c] = na.TwoWay[m]
				delete(na.TwoWay, m)
				na.Routes[i] = &c
			}
		}
		if rq.p.v2ints[na.ID][id] != nil {
			rq.p.v2ints[na.ID][id] = &in
		}
		out = &in
		return "update-integration " + id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, integrationV2Of(wsView(a), out), nil
}

func deleteWebSocketIntegration(rq *request) (int, any, error) {
	id := rq.segs[4]
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		view := wsView(na)
		for _, m := range na.Routes {
			if m.Integration != nil && integrationID(view, m.Integration) == id {
				return "", conflict("Integration %s is the target of route %s: delete or retarget the route first", id, m.RouteKey)
			}
		}
		if rq.p.v2ints[na.ID][id] == nil {
			return "", notFound("Invalid Integration identifier specified %s", id)
		}
		delete(rq.p.v2ints[na.ID], id)
		return "delete-integration " + id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// wsTarget finds the integration a route's target names.
func (p *Plane) wsTarget(a *model.WebSocketAPI, target string) (*model.Integration, error) {
	id, ok := strings.CutPrefix(target, "integrations/")
	if !ok {
		return nil, badRequest("Invalid target %q: integrations/INTEGRATION_ID", target)
	}
	if in := p.v2ints[a.ID][id]; in != nil {
		return in, nil
	}
	view := wsView(a)
	for _, m := range a.Routes {
		if m.Integration != nil && integrationID(view, m.Integration) == id {
			return m.Integration, nil
		}
	}
	return nil, notFound("Invalid Integration identifier specified %s", id)
}

// checkWSRoute applies API Gateway's checks of a WebSocket route: a key,
// authorization on $connect only (NONE, AWS_IAM, CUSTOM with an
// authorizer of the API), route responses of $default only.
func checkWSRoute(a *model.WebSocketAPI, m *model.Method, rrse string) error {
	if strings.TrimSpace(m.RouteKey) == "" {
		return badRequest("RouteKey is required")
	}
	switch m.AuthorizationType {
	case "NONE":
	case "AWS_IAM", "CUSTOM":
		if m.RouteKey != model.RouteKeyConnect {
			return badRequest("Only the $connect route of a WebSocket API takes authorization (got %s on %s)", m.AuthorizationType, m.RouteKey)
		}
	default:
		return badRequest("Invalid authorizationType %q: NONE, AWS_IAM or CUSTOM for a WebSocket API", m.AuthorizationType)
	}
	if m.AuthorizationType == "CUSTOM" && !slices.ContainsFunc(a.Authorizers, func(az *model.Authorizer) bool { return az.ID == m.AuthorizerID }) {
		return badRequest("Invalid authorizer id %q: CUSTOM needs an authorizer of the API", m.AuthorizerID)
	}
	if rrse != "" && rrse != model.RouteKeyDefault {
		return badRequest("Invalid RouteResponseSelectionExpression %q: only $default is supported", rrse)
	}
	return nil
}

// wsRequestParameters turns route requestParameters ({"route.request.header.X":
// {"required": true}}) into the model's.
func wsRequestParameters(ps map[string]parameterConstraintsV2) (map[string]bool, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	out := map[string]bool{}
	for k, v := range ps {
		if !strings.HasPrefix(k, "route.request.header.") && !strings.HasPrefix(k, "route.request.querystring.") {
			return nil, badRequest("Invalid request parameter %q: route.request.header.NAME or route.request.querystring.NAME", k)
		}
		out[k] = v.Required
	}
	return out, nil
}

// parameterConstraintsV2 is a route request parameter's ParameterConstraints.
type parameterConstraintsV2 struct {
	Required bool `json:"required"`
}

func createWebSocketRoute(rq *request, body createRouteV2Request) (int, any, error) {
	params, err := wsRequestParameters(body.RequestParameters)
	if err != nil {
		return 0, nil, err
	}
	m := &model.Method{RouteKey: body.RouteKey, AuthorizationType: cmp.Or(strings.ToUpper(body.AuthorizationType), "NONE"),
		AuthorizerID: body.AuthorizerID, APIKeyRequired: body.APIKeyRequired, OperationName: body.OperationName, RequestParameters: params,
		RouteResponseSelectionExpression: body.RouteResponseSelectionExpression}
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		if err := checkWSRoute(na, m, body.RouteResponseSelectionExpression); err != nil {
			return "", err
		}
		if na.Route(m.RouteKey) != nil {
			return "", conflict("Route with key %s already exists for this API", m.RouteKey)
		}
		if body.Target != "" {
			in, err := rq.p.wsTarget(na, body.Target)
			if err != nil {
				return "", err
			}
			m.Integration = in
		}
		// Its id, kept when its key changes (as AWS keeps a routeId).
		m.LogicalID = controlRoutePrefix + model.StableID(7, "control-plane-route", na.ID, m.RouteKey, rq.p.nextMade())
		na.Routes = append(na.Routes, m)
		return "create-route " + strconv.Quote(m.RouteKey), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, routeV2Of(wsView(a), m), nil
}

// wsRoute finds the route whose id is id.
func wsRoute(a *model.WebSocketAPI, id string) (int, *model.Method) {
	view := wsView(a)
	for i, m := range a.Routes {
		if routeID(view, m) == id {
			return i, m
		}
	}
	return -1, nil
}

func updateWebSocketRoute(rq *request, body updateRouteV2Request) (int, any, error) {
	id := rq.segs[4]
	var out *model.Method
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i, old := wsRoute(na, id)
		if old == nil {
			return "", notFound("Invalid Route identifier specified %s", id)
		}
		m := *old
		if body.RouteKey != nil {
			m.RouteKey = *body.RouteKey
			if o := na.Route(m.RouteKey); o != nil && o != old {
				return "", conflict("Route with key %s already exists for this API", m.RouteKey)
			}
		}
		if body.AuthorizationType != nil {
			m.AuthorizationType = strings.ToUpper(*body.AuthorizationType)
		}
		if body.AuthorizerID != nil {
			m.AuthorizerID = *body.AuthorizerID
		}
		if body.APIKeyRequired != nil {
			m.APIKeyRequired = *body.APIKeyRequired
		}
		if body.OperationName != nil {
			m.OperationName = *body.OperationName
		}
		if body.RequestParameters != nil {
			params, err := wsRequestParameters(body.RequestParameters)
			if err != nil {
				return "", err
			}
			m.RequestParameters = params
		}
		if body.AuthorizationScopes != nil {
			return "", badRequest("AuthorizationScopes are supported only for HTTP APIs")
		}
		rrse := ""
		if body.RouteResponseSelectionExpression != nil {
			rrse = *body.RouteResponseSelectionExpression
			m.RouteResponseSelectionExpression = rrse
		}
		if body.Target != nil {
			m.Integration = nil
			if *body.Target != "" {
				in, err := rq.p.wsTarget(na, *body.Target)
				if err != nil {
					return "", err
				}
				m.Integration = in
			}
		}
		if err := checkWSRoute(na, &m, rrse); err != nil {
			return "", err
		}
		na.TwoWay[&m] = na.TwoWay[old]
		delete(na.TwoWay, old)
		na.Routes[i] = &m
		out = &m
		return "update-route " + strconv.Quote(m.RouteKey), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, routeV2Of(wsView(a), out), nil
}

func deleteWebSocketRoute(rq *request) (int, any, error) {
	id := rq.segs[4]
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i, m := wsRoute(na, id)
		if m == nil {
			return "", notFound("Invalid Route identifier specified %s", id)
		}
		na.Routes = slices.Delete(na.Routes, i, i+1)
		delete(na.TwoWay, m)
		return "delete-route " + strconv.Quote(m.RouteKey), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// routeResponseV2 is a RouteResponse: the one a two-way route has.
type routeResponseV2 struct {
	RouteResponseID  string `json:"routeResponseId"`
	RouteResponseKey string `json:"routeResponseKey"`
}

// routeResponseID is the stable id of a route's $default route response.
func routeResponseID(a *model.WebSocketAPI, m *model.Method) string {
	return model.StableID(6, "route-response", a.LogicalID, routeID(wsView(a), m))
}

func createRouteResponse(rq *request) (int, any, error) {
	var body struct {
		RouteResponseKey string `json:"routeResponseKey"`
	}
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if !rq.wsAPI() {
		return 0, nil, notFound("Route responses are supported only for WebSocket APIs")
	}
	if body.RouteResponseKey != model.RouteKeyDefault {
		return 0, nil, badRequest("Invalid RouteResponseKey %q: only $default is supported", body.RouteResponseKey)
	}
	var out routeResponseV2
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i, m := wsRoute(na, rq.segs[4])
		if m == nil {
			return "", notFound("Invalid Route identifier specified %s", rq.segs[4])
		}
		if na.TwoWay[m] {
			return "", conflict("Route %s already has a route response with key $default", m.RouteKey)
		}
		na.TwoWay[na.Routes[i]] = true
		out = routeResponseV2{RouteResponseID: routeResponseID(na, m), RouteResponseKey: model.RouteKeyDefault}
		return "create-route-response " + strconv.Quote(m.RouteKey), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

func deleteRouteResponse(rq *request) (int, any, error) {
	if !rq.wsAPI() {
		return 0, nil, notFound("Route responses are supported only for WebSocket APIs")
	}
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		_, m := wsRoute(na, rq.segs[4])
		if m == nil {
			return "", notFound("Invalid Route identifier specified %s", rq.segs[4])
		}
		if !na.TwoWay[m] || routeResponseID(na, m) != rq.segs[6] {
			return "", notFound("Invalid RouteResponse identifier specified %s", rq.segs[6])
		}
		delete(na.TwoWay, m)
		return "delete-route-response " + strconv.Quote(m.RouteKey), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// routeResponses lists the route responses of route segs[4]: what a
// WebSocket API's read of them answers.
func routeResponses(rq *request) (*model.WebSocketAPI, []routeResponseV2, error) {
	t, err := rq.template()
	if err != nil {
		return nil, nil, err
	}
	a := t.WebSocketAPI(rq.segs[2])
	if a == nil {
		return nil, nil, notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, rq.segs[2])
	}
	_, m := wsRoute(a, rq.segs[4])
	if m == nil {
		return nil, nil, notFound("Invalid Route identifier specified %s", rq.segs[4])
	}
	var out []routeResponseV2
	if a.TwoWay[m] {
		out = append(out, routeResponseV2{RouteResponseID: routeResponseID(a, m), RouteResponseKey: model.RouteKeyDefault})
	}
	return a, out, nil
}

func getRouteResponses(rq *request) (int, any, error) {
	_, rrs, err := routeResponses(rq)
	if err != nil {
		return 0, nil, err
	}
	out, err := pageV2(rq, rrs)
	return http.StatusOK, out, err
}

func getRouteResponse(rq *request) (int, any, error) {
	_, rrs, err := routeResponses(rq)
	if err != nil {
		return 0, nil, err
	}
	for _, rr := range rrs {
		if rr.RouteResponseID == rq.segs[6] {
			return http.StatusOK, rr, nil
		}
	}
	return 0, nil, notFound("Invalid RouteResponse identifier specified %s", rq.segs[6])
}

// wsHasRoute is hasRouteKeyV2 for a WebSocket API.
func wsHasRoute(a *model.WebSocketAPI) func(string) bool {
	return func(k string) bool { return a.Route(k) != nil }
}

func createWebSocketStage(rq *request, body createStageV2Request) (int, any, error) {
	st := &model.Stage{Name: body.StageName, Implicit: body.AutoDeploy, Description: body.Description, DeploymentID: body.DeploymentID, Variables: body.StageVariables}
	if len(body.Tags) > 0 {
		st.Tags = model.Tags(body.Tags)
	}
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		if na.Stage(st.Name) != nil {
			return "", conflict("Stage %s already exists", st.Name)
		}
		if err := setStageSettings(st, false, wsHasRoute(na), body.AccessLogSettings, body.DefaultRouteSettings, body.RouteSettings); err != nil {
			return "", err
		}
		st.LogicalID = "control-plane:" + na.ID + "/" + st.Name
		na.Stages = append(na.Stages, st)
		rq.p.created[na.ID+"/stage/"+st.Name] = rq.p.opts.Now()
		return "create-stage " + st.Name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rq.p.stageV2Of(st), nil
}

func updateWebSocketStage(rq *request, body updateStageV2Request) (int, any, error) {
	name := rq.segs[4]
	var out *model.Stage
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == name })
		if i < 0 {
			return "", notFound("Invalid stage identifier specified")
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
		if err := setStageSettings(&st, false, wsHasRoute(na), body.AccessLogSettings, body.DefaultRouteSettings, body.RouteSettings); err != nil {
			return "", err
		}
		na.Stages[i] = &st
		out = &st
		return "update-stage " + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.stageV2Of(out), nil
}

func deleteWebSocketStage(rq *request) (int, any, error) {
	name := rq.segs[4]
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == name })
		if i < 0 {
			return "", notFound("Invalid stage identifier specified")
		}
		na.Stages = slices.Delete(na.Stages, i, i+1)
		return "delete-stage " + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func deleteWebSocketRouteSettings(rq *request) (int, any, error) {
	name, key := rq.segs[4], rq.segs[6]
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		stages, err := withoutRouteSettings(na.Stages, name, key)
		if err != nil {
			return "", err
		}
		na.Stages = stages
		return "delete-route-settings " + name + " " + key, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func createWebSocketAuthorizer(rq *request, body createAuthorizerV2Request) (int, any, error) {
	az := &model.Authorizer{Name: body.Name, Type: strings.ToUpper(body.AuthorizerType), IdentitySource: strings.Join(body.IdentitySource, ","),
		AuthorizerURI: body.AuthorizerURI, Credentials: body.AuthorizerCredentialsArn}
	if az.Name == "" {
		return 0, nil, badRequest("Name is required")
	}
	if az.Type != "REQUEST" {
		return 0, nil, badRequest("Invalid authorizerType %q: a WebSocket API takes REQUEST authorizers", body.AuthorizerType)
	}
	if az.AuthorizerURI == "" {
		return 0, nil, badRequest("AuthorizerUri is required for a REQUEST authorizer")
	}
	a, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		az.ID = model.StableID(6, "control-plane-authorizer", na.ID, az.Name, rq.p.nextMade())
		az.LogicalID = "control-plane:" + az.ID
		az.Function = t.ResolveLambdaURI(az.AuthorizerURI)
		na.Authorizers = append(na.Authorizers, az)
		return "create-authorizer " + az.ID + " " + strconv.Quote(az.Name), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, authorizerV2Of(wsView(a), az), nil
}

func deleteWebSocketAuthorizer(rq *request) (int, any, error) {
	id := rq.segs[4]
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		i := slices.IndexFunc(na.Authorizers, func(az *model.Authorizer) bool { return az.ID == id })
		if i < 0 {
			return "", notFound("Invalid Authorizer identifier specified %s", id)
		}
		for _, m := range na.Routes {
			if m.AuthorizerID == id && m.AuthorizationType == "CUSTOM" {
				return "", conflict("Authorizer %s is used by route %s: change the route's authorization first", id, m.RouteKey)
			}
		}
		na.Authorizers = slices.Delete(na.Authorizers, i, i+1)
		return "delete-authorizer " + id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func createWebSocketDeployment(rq *request, description, stage string) (int, any, error) {
	var d deploymentV2
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		now := rq.p.opts.Now()
		d = deploymentV2{CreatedDate: isoDate(now), DeploymentStatus: "DEPLOYED", Description: description,
			DeploymentID: model.StableID(6, "control-plane-deployment", na.ID, now.String(), strconv.Itoa(len(rq.p.v2deps[na.ID])))}
		if stage != "" {
			i := slices.IndexFunc(na.Stages, func(s *model.Stage) bool { return s.Name == stage })
			if i < 0 {
				return "", notFound("Invalid stage identifier specified")
			}
			st := *na.Stages[i]
			st.DeploymentID = d.DeploymentID
			na.Stages[i] = &st
		}
		rq.p.v2deps[na.ID] = append(rq.p.v2deps[na.ID], d)
		return "create-deployment " + d.DeploymentID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, d, nil
}
