package resolver

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// WebSocket APIs (AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET)
// lowered into model.WebSocketAPI: the API's selection expressions, its
// AWS::ApiGatewayV2::Route, Integration, RouteResponse, Authorizer and
// Stage resources. lowerHTTPAPIs hands every v2 resource whose ApiId is a
// WebSocket API to the functions here.

// Rules about WebSocket APIs found while lowering (see registry.go).
var (
	ruleWebSocket = define(Rule{ID: "E3520", Level: "error",
		Summary: "WebSocket API that API Gateway rejects: no RouteSelectionExpression, one that reads neither $request.body nor a constant, an empty route key, a route key defined twice, an authorizer on a route other than $connect, an AuthorizationType other than NONE, AWS_IAM or CUSTOM, or a route response key other than $default",
		Why:     "API Gateway refuses to create the API or the route (BadRequestException), so the stack fails."})
	ruleWebSocketTimeout = define(Rule{ID: "E3521", Level: "error",
		Summary: "WebSocket API integration TimeoutInMillis outside 50–29000",
		Why:     "API Gateway rejects the integration: WebSocket integrations time out after 29 seconds at most."})
	ruleWebSocketResponse = define(Rule{ID: "W3523", Level: "warning",
		Summary: "WebSocket integration response or template that API Gateway never uses: an IntegrationResponse on a proxy integration or on an integration no two-way route targets, a non-proxy integration of a two-way route without an IntegrationResponse, a TemplateSelectionExpression without templates or whose constant key names none of them, a RouteResponse on $disconnect, an IntegrationResponseKey neither $default nor /regex/",
		Why:     "The client gets nothing back, or not what the template says: proxy integrations pass the backend's answer through, one-way routes send nothing, and a two-way route's non-proxy integration answers through its integration responses only."})
)

// v2WebSocket lowers an AWS::ApiGatewayV2::Api of ProtocolType WEBSOCKET.
func (l *lowerer) v2WebSocket(r *resource, p *props) *model.WebSocketAPI {
	api := &model.WebSocketAPI{LogicalID: r.id, ID: r.attrs["Ref"], Name: cmp.Or(p.str("Name"), r.id), Description: p.str("Description"),
		RouteSelectionExpression: p.str("RouteSelectionExpression"), APIKeySelectionExpression: p.str("ApiKeySelectionExpression"),
		DisableExecuteAPIEndpoint: p.boolean("DisableExecuteApiEndpoint"), Tags: p.tags("Tags"), TwoWay: map[*model.Method]bool{},
		Range: r.keyRange, Props: p.ranges()}
	l.checkSelection(api, api.RouteSelectionExpression, p.has("RouteSelectionExpression"), p.at("RouteSelectionExpression", r.keyRange), r.id)
	if p.has("Target") || p.has("RouteKey") {
		l.s.errorf(ruleWebSocket, p.at("Target", p.at("RouteKey", r.keyRange)), r.id, "Declare the routes as AWS::ApiGatewayV2::Route resources.",
			"quick create (Target, RouteKey) is for HTTP APIs; API Gateway rejects it on a WebSocket API")
	}
	if p.has("Body") || p.has("BodyS3Location") {
		l.s.infof(ruleNotServed, p.at("Body", p.at("BodyS3Location", r.keyRange)), r.id, "Declare the routes as AWS::ApiGatewayV2::Route resources to have cfnrun serve them.",
			"%s imports its definition from a Body, which cfnrun does not read for WebSocket APIs; only routes declared in the template are served", r.id)
	}
	l.t.WebSocketAPIs = append(l.t.WebSocketAPIs, api)
	return api
}

// checkSelection reports a route selection expression API Gateway
// rejects, or one cfnrun cannot evaluate.
func (l *lowerer) checkSelection(api *model.WebSocketAPI, expr string, written bool, rng diag.Range, owner string) {
	if unresolved(expr) {
		return
	}
	if !written || expr == "" {
		l.s.errorf(ruleWebSocket, rng, owner, "Add RouteSelectionExpression: $request.body.action (the message field that names the route).",
			"WebSocket API %s has no RouteSelectionExpression, which API Gateway requires", api.LogicalID)
		return
	}
	if _, _, ok := model.WebSocketSelection(expr); !ok {
		l.s.errorf(ruleWebSocket, rng, owner, "Write $request.body.FIELD (a JSON field of the message, e.g. $request.body.action), or a constant route key.",
			"RouteSelectionExpression %q reads neither a field of the message body nor is a constant", expr)
	}
}

// wsIntegration reads an integration of a WebSocket API. The Lambda ARN
// of an AWS_PROXY or AWS integration becomes its invoke URI, as for HTTP
// APIs; TimeoutInMillis is 29000 when absent.
func (l *lowerer) wsIntegration(r *resource, p *props) *model.Integration {
	in := &model.Integration{Type: strings.ToUpper(p.str("IntegrationType")), URI: p.str("IntegrationUri"), HTTPMethod: strings.ToUpper(p.str("IntegrationMethod")),
		TimeoutMillis: p.integer("TimeoutInMillis", 0), ConnectionType: strings.ToUpper(p.str("ConnectionType")), ConnectionID: p.str("ConnectionId"),
		Credentials: p.str("CredentialsArn"), RequestTemplates: p.strMap("RequestTemplates"), PassthroughBehavior: strings.ToUpper(p.str("PassthroughBehavior")),
		ContentHandling: p.str("ContentHandlingStrategy"), RequestParameters: p.strMap("RequestParameters"),
		TemplateSelectionExpression: p.str("TemplateSelectionExpression"), Range: r.keyRange, Props: p.ranges()}
	if in.TimeoutMillis == 0 {
		in.TimeoutMillis = model.DefaultWebSocketTimeoutMillis
	} else if in.TimeoutMillis < 50 || in.TimeoutMillis > model.DefaultWebSocketTimeoutMillis {
		l.s.errorf(ruleWebSocketTimeout, p.at("TimeoutInMillis", r.keyRange), r.id, "Write a TimeoutInMillis from 50 to 29000 (29 seconds, WebSocket APIs' limit).",
			"TimeoutInMillis %d is outside 50–29000", in.TimeoutMillis)
		in.TimeoutMillis = min(max(in.TimeoutMillis, 50), model.DefaultWebSocketTimeoutMillis)
	}
	if in.TemplateSelectionExpression != "" && len(in.RequestTemplates) == 0 {
		l.s.warnf(ruleWebSocketResponse, p.at("TemplateSelectionExpression", r.keyRange), r.id, "Add RequestTemplates, or remove the TemplateSelectionExpression.",
			"TemplateSelectionExpression %q selects among no RequestTemplates", in.TemplateSelectionExpression)
	}
	if key, ok := model.StaticSelection(in.TemplateSelectionExpression); ok && in.TemplateSelectionExpression != "" && len(in.RequestTemplates) > 0 &&
		in.RequestTemplates[key] == "" && in.RequestTemplates[model.RouteKeyDefault] == "" {
		l.s.warnf(ruleWebSocketResponse, p.at("TemplateSelectionExpression", r.keyRange), r.id, fmt.Sprintf("Key the template %q, or write TemplateSelectionExpression: %s.", key, firstKey(in.RequestTemplates)),
			"TemplateSelectionExpression %s always selects %q, which names none of the RequestTemplates: no template runs (cfnrun's reading: AWS documents no fallback), and PassthroughBehavior decides what reaches the backend", in.TemplateSelectionExpression, key)
	}
	if in.Type == model.IntegrationAWSProxy || in.Type == model.IntegrationAWS {
		if strings.HasPrefix(in.URI, "arn:") && strings.Contains(in.URI, ":lambda:") && strings.Contains(in.URI, ":function:") && !strings.Contains(in.URI, ":apigateway:") {
			parts := strings.SplitN(in.URI, ":", 5)
			in.URI = "arn:" + parts[1] + ":apigateway:" + parts[3] + ":lambda:path/2015-03-31/functions/" + in.URI + "/invocations"
		}
		if in.HTTPMethod == "" {
			in.HTTPMethod = "POST"
		}
	}
	return in
}

// wsRoute lowers a route of WebSocket API api: its key (one of a kind),
// its authorization (on $connect only) and its target, found in
// integrations (by id) as for HTTP APIs (see routeTarget).
func (l *lowerer) wsRoute(api *model.WebSocketAPI, r *resource, p *props, target func(m *model.Method)) *model.Method {
	m := &model.Method{LogicalID: r.id, RouteKey: p.str("RouteKey"), AuthorizationType: cmp.Or(strings.ToUpper(p.str("AuthorizationType")), "NONE"),
		AuthorizerID: p.str("AuthorizerId"), APIKeyRequired: p.boolean("ApiKeyRequired"), OperationName: p.str("OperationName"),
		RouteResponseSelectionExpression: p.str("RouteResponseSelectionExpression"),
		RequestParameters:                wsRequired(p.sub("RequestParameters")), Range: r.keyRange, Props: p.ranges()}
	keyAt := p.at("RouteKey", r.keyRange)
	prev := api.Route(m.RouteKey)
	switch {
	case unresolved(m.RouteKey):
	case strings.TrimSpace(m.RouteKey) == "":
		l.s.errorf(ruleWebSocket, keyAt, r.id, "Write a RouteKey: $connect, $disconnect, $default, or the value of the selection expression that picks this route (e.g. sendmessage).",
			"WebSocket route has an empty RouteKey")
		return nil
	case prev != nil:
		d := ruleWebSocket.errorf(keyAt, r.id, "Remove one of the two routes, or give one another key.", "route %q is defined twice", m.RouteKey)
		d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
		l.s.add(d)
		return nil
	}
	authAt := p.at("AuthorizationType", r.keyRange)
	switch m.AuthorizationType {
	case "NONE", "AWS_IAM", "CUSTOM":
		if m.AuthorizationType != "NONE" && m.RouteKey != model.RouteKeyConnect && !unresolved(m.RouteKey) {
			l.s.errorf(ruleWebSocket, authAt, r.id, "Move the authorization to the $connect route: a WebSocket API authorizes a client once, when it connects.",
				"route %q has AuthorizationType %s, but only the $connect route of a WebSocket API takes authorization", m.RouteKey, m.AuthorizationType)
			m.AuthorizationType = "NONE"
		}
	default:
		l.s.errorf(ruleWebSocket, authAt, r.id, "Write NONE, AWS_IAM or CUSTOM (a Lambda REQUEST authorizer); WebSocket APIs have no JWT authorizers.",
			"AuthorizationType %q is not one a WebSocket route takes", m.AuthorizationType)
		m.AuthorizationType = "NONE"
	}
	if m.AuthorizationType == "CUSTOM" && m.AuthorizerID != "" && !unresolved(m.AuthorizerID) {
		found := false
		for _, a := range api.Authorizers {
			found = found || a.ID == m.AuthorizerID
		}
		if !found {
			l.s.errorf(ruleHTTPAuth, p.at("AuthorizerId", authAt), r.id, "Use !Ref to an AWS::ApiGatewayV2::Authorizer with the same ApiId.",
				"AuthorizerId %q is not an authorizer of API %s", m.AuthorizerID, api.LogicalID)
		}
	} else if m.AuthorizationType == "CUSTOM" && m.AuthorizerID == "" {
		l.s.errorf(ruleHTTPAuth, authAt, r.id, "Add AuthorizerId: !Ref MyAuthorizer.", "AuthorizationType CUSTOM needs an AuthorizerId")
	}
	if rse := p.str("RouteResponseSelectionExpression"); rse != "" && rse != model.RouteKeyDefault && !unresolved(rse) {
		l.s.errorf(ruleWebSocket, p.at("RouteResponseSelectionExpression", r.keyRange), r.id, "Write RouteResponseSelectionExpression: $default (the only value WebSocket APIs take).",
			"RouteResponseSelectionExpression %q is not $default", rse)
	}
	target(m)
	api.Routes = append(api.Routes, m)
	return m
}

// wsAuthorizer lowers an authorizer of a WebSocket API: a Lambda REQUEST
// authorizer whose identity sources are route.request.header.X and
// route.request.querystring.X.
func (l *lowerer) wsAuthorizer(r *resource, p *props) *model.Authorizer {
	return &model.Authorizer{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"), Type: strings.ToUpper(p.str("AuthorizerType")),
		IdentitySource: strings.Join(p.list("IdentitySource"), ","), AuthorizerURI: p.str("AuthorizerUri"), Credentials: p.str("AuthorizerCredentialsArn"),
		Range: r.keyRange, Props: p.ranges()}
}

// wsRouteResponse marks the route an AWS::ApiGatewayV2::RouteResponse
// names as two-way.
func (l *lowerer) wsRouteResponse(api *model.WebSocketAPI, r *resource, p *props, routes map[string]*model.Method) {
	key := p.str("RouteResponseKey")
	if key != model.RouteKeyDefault && !unresolved(key) {
		l.s.errorf(ruleWebSocket, p.at("RouteResponseKey", r.keyRange), r.id, "Write RouteResponseKey: $default.",
			"RouteResponseKey %q is not $default, the only route response key a WebSocket API takes", key)
	}
	id := p.str("RouteId")
	m := routes[id]
	if m == nil {
		if !unresolved(id) {
			l.s.errorf(ruleOwner, p.at("RouteId", r.keyRange), r.id, "Use !Ref to an AWS::ApiGatewayV2::Route of the same API.",
				"RouteId %q is not a route of WebSocket API %s", id, api.LogicalID)
		}
		return
	}
	if m.RouteKey == model.RouteKeyDisconnect {
		l.s.warnf(ruleWebSocketResponse, p.at("RouteId", r.keyRange), r.id, "Remove the route response: $disconnect runs after the connection closed.",
			"a route response on $disconnect is never sent: the client has left when $disconnect runs")
	}
	api.TwoWay[m] = true
}

// wsRequired reads a WebSocket route's RequestParameters
// ({"route.request.header.Auth": {"Required": true}}) as the model's map
// of parameter to required.
func wsRequired(p *props) map[string]bool {
	if p == nil || p.node == nil || len(p.node.Fields) == 0 {
		return nil
	}
	out := make(map[string]bool, len(p.node.Fields))
	for _, f := range p.node.Fields {
		out[f.Key] = p.sub(f.Key).boolean("Required")
	}
	return out
}

// wsIntegrationResponse reads an AWS::ApiGatewayV2::IntegrationResponse of
// WebSocket API api onto the integration it names (in integrations, by
// id, with its API in owners): its key ("$default" or "/regex/" over the
// integration's status), ResponseTemplates, TemplateSelectionExpression
// and ContentHandlingStrategy.
func (l *lowerer) wsIntegrationResponse(api *model.WebSocketAPI, r *resource, p *props, integrations map[string]*model.Integration, owner func(id string) (any, string)) {
	id := p.str("IntegrationId")
	in := integrations[id]
	if unresolved(id) {
		return
	}
	if in == nil {
		l.s.errorf(ruleOwner, p.at("IntegrationId", r.keyRange), r.id, "Use !Ref to an AWS::ApiGatewayV2::Integration of the same API.",
			"IntegrationId %q is not an integration of WebSocket API %s", id, api.LogicalID)
		return
	}
	if a, name := owner(id); a != api {
		l.s.errorf(ruleOwner, p.at("IntegrationId", r.keyRange), r.id, "Use an integration with the same ApiId as the integration response.",
			"IntegrationId names an integration of API %s, but the integration response belongs to %s", name, api.LogicalID)
		return
	}
	ir := model.IntegrationResponse{ID: r.attrs["Ref"], Key: p.str("IntegrationResponseKey"), ResponseTemplates: p.strMap("ResponseTemplates"),
		TemplateSelectionExpression: p.str("TemplateSelectionExpression"), ContentHandling: p.str("ContentHandlingStrategy"), Range: r.keyRange}
	keyAt := p.at("IntegrationResponseKey", r.keyRange)
	if msg := model.CheckWebSocketResponseKey(ir.Key); msg != "" && !unresolved(ir.Key) {
		l.s.warnf(ruleWebSocketResponse, keyAt, r.id, "Write IntegrationResponseKey: $default, or a regular expression over the status code between slashes (/4\\d{2}/).", "%s", msg)
	}
	for _, prev := range in.Responses {
		if prev.Key == ir.Key {
			d := ruleWebSocket.errorf(keyAt, r.id, "Remove one of the two, or give one another key.", "integration response key %q is defined twice for this integration", ir.Key)
			d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
			l.s.add(d)
			return
		}
	}
	if in.Type == model.IntegrationAWSProxy || in.Type == model.IntegrationHTTPProxy {
		l.s.warnf(ruleWebSocketResponse, p.at("IntegrationId", r.keyRange), r.id, "Remove it, or make the integration non-proxy (HTTP, AWS, MOCK) to transform its answer.",
			"integration response %q of a %s integration is never used: API Gateway passes a proxy integration's answer through", ir.Key, in.Type)
	}
	if ir.TemplateSelectionExpression != "" && len(ir.ResponseTemplates) == 0 {
		l.s.warnf(ruleWebSocketResponse, p.at("TemplateSelectionExpression", r.keyRange), r.id, "Add ResponseTemplates, or remove the TemplateSelectionExpression.",
			"TemplateSelectionExpression %q selects among no ResponseTemplates", ir.TemplateSelectionExpression)
	}
	in.Responses = append(in.Responses, ir)
}

// checkWSResponses warns about what API Gateway will not use
// (model.WebSocketResponseGaps): an integration response no two-way route
// reaches, and a two-way route whose non-proxy integration has no
// integration response. logical names each integration's resource.
func (l *lowerer) checkWSResponses(api *model.WebSocketAPI, integrations map[string]*model.Integration, integrationOf map[*model.Method]string, logical map[string]string) {
	silent, unreached := model.WebSocketResponseGaps(api, integrations, integrationOf)
	for _, m := range silent {
		l.s.warnf(ruleWebSocketResponse, m.Range, m.LogicalID, "Add an AWS::ApiGatewayV2::IntegrationResponse with IntegrationResponseKey: $default for the integration.",
			"route %q is two-way, but its %s integration has no integration response: API Gateway sends nothing back", m.RouteKey, m.Integration.Type)
	}
	for _, id := range unreached {
		for _, ir := range integrations[id].Responses {
			l.s.warnf(ruleWebSocketResponse, ir.Range, logical[id], "Add an AWS::ApiGatewayV2::RouteResponse with RouteResponseKey: $default to the route, so that the answer goes back to the client.",
				"integration response %q is never sent: no route that targets integration %s is two-way (has a route response)", ir.Key, logical[id])
		}
	}
}

// firstKey is m's first key in order.
func firstKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[0]
}
