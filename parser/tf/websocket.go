package tf

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// WebSocket APIs in Terraform: aws_apigatewayv2_api with protocol_type
// WEBSOCKET and its aws_apigatewayv2_route, _integration,
// _route_response, _authorizer and _stage, lowered into
// model.WebSocketAPI as the CloudFormation front end lowers
// AWS::ApiGatewayV2::* of such an API (resolver/websocket.go).

var ruleWebSocket = newRule("TF054", sevError|sevWarning,
	"WebSocket API that API Gateway rejects: no route_selection_expression, one that reads neither $request.body nor a constant, "+
		"an empty route key (a missing one is TF011), a route key defined twice, a route target that is not integrations/ID of the same API, authorization on a route other than $connect, "+
		"an authorization_type JWT (other values the provider refuses are TF012), a route response key other than $default, timeout_milliseconds outside 50–29000, "+
		"an integration response of another API's integration or with a key defined twice (errors); an integration response or template API Gateway never uses (warnings, W3523 in CloudFormation)",
	"API Gateway refuses to create the API, route or integration (BadRequestException), so the apply fails; what it never uses sends the client nothing, or not what the template says.")

// wsAPI lowers an aws_apigatewayv2_api of protocol WEBSOCKET.
func (lw *lowering) wsAPI(in *instance) *model.WebSocketAPI {
	api := &model.WebSocketAPI{LogicalID: in.addr, ID: in.attrs["id"], Name: in.text("name"), Description: in.str("description"),
		RouteSelectionExpression: in.str("route_selection_expression"), APIKeySelectionExpression: in.str("api_key_selection_expression"),
		DisableExecuteAPIEndpoint: in.boolean("disable_execute_api_endpoint"), Tags: in.tags(), TwoWay: map[*model.Method]bool{},
		Range: in.rng(), Props: in.cfnRanges()}
	switch expr := api.RouteSelectionExpression; {
	case in.unknown("route_selection_expression"):
	case expr == "":
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("route_selection_expression"), in.addr,
			"Set route_selection_expression = \"$request.body.action\" (the message field that names the route).",
			"WebSocket API without route_selection_expression, which API Gateway requires"))
	default:
		if _, _, ok := model.WebSocketSelection(expr); !ok {
			lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("route_selection_expression"), in.addr,
				"Write $request.body.FIELD (a JSON field of the message), or a constant route key.",
				"route_selection_expression %q reads neither a field of the message body nor is a constant", expr))
		}
	}
	for _, arg := range []string{"target", "route_key"} {
		if in.has(arg) {
			lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange(arg), in.addr, "Declare the routes as aws_apigatewayv2_route resources.",
				"%s (quick create) is for HTTP APIs; API Gateway rejects it on a WebSocket API", arg))
		}
	}
	lw.t.WebSocketAPIs = append(lw.t.WebSocketAPIs, api)
	return api
}

// wsIntegration reads an aws_apigatewayv2_integration of a WebSocket API.
func (lw *lowering) wsIntegration(in *instance) *model.Integration {
	ig := &model.Integration{Type: strings.ToUpper(in.str("integration_type")), URI: invokeURI(in.text("integration_uri")), HTTPMethod: strings.ToUpper(in.str("integration_method")),
		TimeoutMillis: in.num("timeout_milliseconds", 0), ConnectionType: in.str("connection_type"), ConnectionID: in.str("connection_id"),
		Credentials: in.text("credentials_arn"), RequestTemplates: in.smap("request_templates"), PassthroughBehavior: strings.ToUpper(in.str("passthrough_behavior")),
		ContentHandling: in.str("content_handling_strategy"), RequestParameters: in.smap("request_parameters"),
		TemplateSelectionExpression: in.str("template_selection_expression"), Range: in.rng(), Props: in.cfnRanges()}
	switch t := ig.TimeoutMillis; {
	case t == 0:
		ig.TimeoutMillis = model.DefaultWebSocketTimeoutMillis
	case t < 50 || t > model.DefaultWebSocketTimeoutMillis:
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("timeout_milliseconds"), in.addr, "Write a timeout_milliseconds from 50 to 29000 (29 seconds, WebSocket APIs' limit).",
			"timeout_milliseconds %d is outside 50–29000", t))
		ig.TimeoutMillis = min(max(t, 50), model.DefaultWebSocketTimeoutMillis)
	}
	if ig.TemplateSelectionExpression != "" && len(ig.RequestTemplates) == 0 {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, in.argRange("template_selection_expression"), in.addr, "Add request_templates, or remove the template_selection_expression.",
			"template_selection_expression %q selects among no request_templates", ig.TemplateSelectionExpression))
	}
	if key, ok := model.StaticSelection(ig.TemplateSelectionExpression); ok && ig.TemplateSelectionExpression != "" && len(ig.RequestTemplates) > 0 &&
		ig.RequestTemplates[key] == "" && ig.RequestTemplates[model.RouteKeyDefault] == "" {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, in.argRange("template_selection_expression"), in.addr, fmt.Sprintf("Key the template %q in request_templates.", key),
			"template_selection_expression %s always selects %q, which names none of the request_templates: no template runs (cfnrun's reading: AWS documents no fallback), and passthrough_behavior decides what reaches the backend", ig.TemplateSelectionExpression, key))
	}
	if (ig.Type == model.IntegrationAWSProxy || ig.Type == model.IntegrationAWS) && ig.HTTPMethod == "" {
		ig.HTTPMethod = "POST"
	}
	return ig
}

// wsRoute lowers an aws_apigatewayv2_route of a WebSocket API; target
// sets its integration. It returns nil when the route is not added.
func (lw *lowering) wsRoute(api *model.WebSocketAPI, in *instance, target func(m *model.Method)) *model.Method {
	m := &model.Method{LogicalID: in.addr, RouteKey: in.str("route_key"), AuthorizationType: strings.ToUpper(orDefault(in.str("authorization_type"), "NONE")),
		AuthorizerID: in.str("authorizer_id"), APIKeyRequired: in.boolean("api_key_required"), OperationName: in.str("operation_name"),
		RouteResponseSelectionExpression: in.str("route_response_selection_expression"),
		Range:                            in.rng(), Props: in.cfnRanges()}
	keyAt := in.argRange("route_key")
	if _, written := in.ranges["route_key"]; !written {
		return nil // a missing required argument (TF011)
	}
	if strings.TrimSpace(m.RouteKey) == "" {
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, keyAt, in.addr, "Write a route_key: $connect, $disconnect, $default, or the value of the selection expression that picks this route.",
			"WebSocket route with an empty route_key"))
		return nil
	}
	if prev := api.Route(m.RouteKey); prev != nil {
		d := ruleWebSocket.at(diag.Error, keyAt, in.addr, "Remove one of the two routes, or give one another key.", "route %q is defined twice", m.RouteKey)
		d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
		lw.l.diagOnce(d)
		return nil
	}
	authAt := in.argRange("authorization_type")
	switch m.AuthorizationType {
	case "NONE", "AWS_IAM", "CUSTOM":
		if m.AuthorizationType != "NONE" && m.RouteKey != model.RouteKeyConnect {
			lw.l.diagOnce(ruleWebSocket.at(diag.Error, authAt, in.addr, "Move the authorization to the $connect route: a WebSocket API authorizes a client once, when it connects.",
				"route %q has authorization_type %s, but only the $connect route of a WebSocket API takes authorization", m.RouteKey, m.AuthorizationType))
			m.AuthorizationType = "NONE"
		}
	default:
		if raw := in.str("authorization_type"); raw != "JWT" {
			// Not a value the provider takes at all: TF012 reports it.
			m.AuthorizationType = "NONE"
			break
		}
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, authAt, in.addr, "Write NONE, AWS_IAM or CUSTOM (a Lambda REQUEST authorizer); WebSocket APIs have no JWT authorizers.",
			"authorization_type %q is not one a WebSocket route takes", m.AuthorizationType))
		m.AuthorizationType = "NONE"
	}
	if rse := in.str("route_response_selection_expression"); rse != "" && rse != model.RouteKeyDefault {
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("route_response_selection_expression"), in.addr, "Write route_response_selection_expression = \"$default\".",
			"route_response_selection_expression %q is not $default", rse))
	}
	if v := in.get("request_parameter"); v != cty.NilVal && !v.IsNull() && v.IsKnown() && v.CanIterateElements() {
		for _, p := range elements(v) {
			if k := ctyString(attrOf(p, "request_parameter_key")); k != "" {
				if m.RequestParameters == nil {
					m.RequestParameters = map[string]bool{}
				}
				m.RequestParameters[k] = valBool(attrOf(p, "required"))
			}
		}
	}
	target(m)
	api.Routes = append(api.Routes, m)
	return m
}

// wsRouteResponse marks the route an aws_apigatewayv2_route_response
// names as two-way.
func (lw *lowering) wsRouteResponse(api *model.WebSocketAPI, in *instance, routes map[string]*model.Method) {
	if key := in.str("route_response_key"); key != model.RouteKeyDefault && !in.unknown("route_response_key") {
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("route_response_key"), in.addr, "Write route_response_key = \"$default\".",
			"route_response_key %q is not $default, the only route response key a WebSocket API takes", key))
	}
	if m := routes[in.str("route_id")]; m != nil {
		if m.RouteKey == model.RouteKeyDisconnect {
			lw.l.diagOnce(ruleWebSocket.at(diag.Warning, in.argRange("route_id"), in.addr, "Remove the route response: $disconnect runs after the connection closed.",
				"a route response on $disconnect is never sent: the client has left when $disconnect runs"))
		}
		api.TwoWay[m] = true
	}
}

// wsIntegrationResponse reads an aws_apigatewayv2_integration_response of
// WebSocket API api onto the integration it names, as the CloudFormation
// front end reads AWS::ApiGatewayV2::IntegrationResponse.
func (lw *lowering) wsIntegrationResponse(api *model.WebSocketAPI, in *instance, integrations map[string]*model.Integration, owner func(id string) (any, string)) {
	if in.unknown("integration_id") {
		return
	}
	id := in.str("integration_id")
	ig := integrations[id]
	if ig == nil {
		return // not an integration of this configuration (as a route response's route_id)
	}
	if a, addr := owner(id); a != api {
		lw.l.diagOnce(ruleWebSocket.at(diag.Error, in.argRange("integration_id"), in.addr, "Use an integration with the same api_id as the integration response.",
			"integration_id names an integration of %s, but the integration response belongs to %s", addr, api.LogicalID))
		return
	}
	ir := model.IntegrationResponse{ID: in.attrs["id"], Key: in.str("integration_response_key"), ResponseTemplates: in.smap("response_templates"),
		TemplateSelectionExpression: in.str("template_selection_expression"), ContentHandling: in.str("content_handling_strategy"), Range: in.rng()}
	keyAt := in.argRange("integration_response_key")
	if msg := model.CheckWebSocketResponseKey(ir.Key); msg != "" && !in.unknown("integration_response_key") {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, keyAt, in.addr, "Write integration_response_key = \"$default\", or a regular expression over the status code between slashes (\"/4\\\\d{2}/\").", "%s", msg))
	}
	for _, prev := range ig.Responses {
		if prev.Key == ir.Key {
			d := ruleWebSocket.at(diag.Error, keyAt, in.addr, "Remove one of the two, or give one another key.", "integration response key %q is defined twice for this integration", ir.Key)
			d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
			lw.l.diagOnce(d)
			return
		}
	}
	if ig.Type == model.IntegrationAWSProxy || ig.Type == model.IntegrationHTTPProxy {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, in.argRange("integration_id"), in.addr, "Remove it, or make the integration non-proxy (HTTP, AWS, MOCK) to transform its answer.",
			"integration response %q of a %s integration is never used: API Gateway passes a proxy integration's answer through", ir.Key, ig.Type))
	}
	if ir.TemplateSelectionExpression != "" && len(ir.ResponseTemplates) == 0 {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, in.argRange("template_selection_expression"), in.addr, "Add response_templates, or remove the template_selection_expression.",
			"template_selection_expression %q selects among no response_templates", ir.TemplateSelectionExpression))
	}
	ig.Responses = append(ig.Responses, ir)
}

// checkWSResponses warns about integration responses no two-way route
// reaches and two-way routes whose non-proxy integration has none
// (model.WebSocketResponseGaps), as the CloudFormation front end does
// (W3523).
func (lw *lowering) checkWSResponses(api *model.WebSocketAPI, integrations map[string]*model.Integration, integrationOf map[*model.Method]string, addrs map[string]string) {
	silent, unreached := model.WebSocketResponseGaps(api, integrations, integrationOf)
	for _, m := range silent {
		lw.l.diagOnce(ruleWebSocket.at(diag.Warning, m.Range, m.LogicalID, "Add an aws_apigatewayv2_integration_response with integration_response_key = \"$default\" for the integration.",
			"route %q is two-way, but its %s integration has no integration response: API Gateway sends nothing back", m.RouteKey, m.Integration.Type))
	}
	for _, id := range unreached {
		for _, ir := range integrations[id].Responses {
			lw.l.diagOnce(ruleWebSocket.at(diag.Warning, ir.Range, addrs[id], "Add an aws_apigatewayv2_route_response with route_response_key = \"$default\" to the route, so that the answer goes back to the client.",
				"integration response %q is never sent: no route that targets %s is two-way (has a route response)", ir.Key, addrs[id]))
		}
	}
}
