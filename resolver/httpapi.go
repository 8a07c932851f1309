package resolver

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// HTTP APIs (API Gateway v2, ProtocolType HTTP) lowered into the shared
// model: AWS::ApiGatewayV2::Api (quick create, Body, or Route,
// Integration, Stage and Authorizer resources), and SAM's
// AWS::Serverless::HttpApi and HttpApi events (httpapi_sam.go). A route
// "GET /pets/{id}" is Method GET (RouteKey "GET /pets/{id}") on Resource
// /pets/{id}; "$default" is the API's DefaultRoute. WebSocket APIs are
// lowered apart (websocket.go).

// Rules about HTTP APIs found while lowering (see registry.go).
var (
	ruleRouteKey = define(Rule{ID: "E3501", Level: "error",
		Summary: "HTTP API route key that is not \"$default\" or \"METHOD /path\" (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY; a path starting with /, {proxy+} only as its last segment)",
		Why:     "API Gateway rejects the route (BadRequestException: \"Invalid route key\")."})
	ruleRouteTarget = define(Rule{ID: "E3502", Level: "error",
		Summary: "HTTP API route Target that is not \"integrations/ID\" naming an integration of the same API",
		Why:     "API Gateway rejects the route (\"Invalid target\", or the integration is not found)."})
	rulePayloadFormat = define(Rule{ID: "E3503", Level: "error",
		Summary: "HTTP API PayloadFormatVersion (integration or Lambda authorizer) other than 1.0 or 2.0, or 2.0 on an HTTP_PROXY integration",
		Why:     "API Gateway rejects the integration or authorizer. HTTP_PROXY integrations accept only 1.0."})
	rulePayloadFormatDefault = define(Rule{ID: "W3504", Level: "warning",
		Summary: "HTTP API Lambda (AWS_PROXY) integration without PayloadFormatVersion",
		Why: "API Gateway's documentation requires PayloadFormatVersion on a Lambda integration created through CloudFormation, " +
			"the CLI or an SDK (only the console picks one, 2.0, by itself), so the deployment may be refused. cfnrun serves 1.0, " +
			"the REST-shaped event and response that Terraform's provider sends when payload_format_version is omitted, while SAM's " +
			"HttpApi events and the console use 2.0: a handler written for one format misreads the other (event.rawPath, event.requestContext.http)."})
	ruleHTTPTimeout = define(Rule{ID: "E3505", Level: "error",
		Summary: "HTTP API integration TimeoutInMillis outside 50–30000",
		Why:     "API Gateway rejects the integration."})
	ruleDuplicateRoute = define(Rule{ID: "E3506", Level: "error",
		Summary: "the same HTTP API route key defined twice",
		Why:     "API Gateway rejects the second route (ConflictException: \"Route with key ... already exists\")."})
	ruleHTTPMapping = define(Rule{ID: "E3508", Level: "error",
		Summary: "HTTP API integration RequestParameters or ResponseParameters that API Gateway does not take: a key other than append|overwrite|remove:header.NAME or :querystring.NAME, overwrite:path (requests) and overwrite:statuscode (responses), a value with an expression other than $request.*, $response.* (responses), $context.* or $stageVariables.*, a body selection with recursive descent (..) or a filter, a header on API Gateway's reserved list (access-control-*, apigw-*, Authorization, Connection, Content-*, Forwarded, Origin, X-Forwarded-For/Host/Proto, x-amz-*, x-amzn-*, Via, ...), or a status code outside 100–599",
		Why:     "API Gateway rejects the integration (BadRequestException: \"Invalid mapping expression specified\")."})
	ruleHTTPAuthNone = define(Rule{ID: "W3509", Level: "warning",
		Summary: "HTTP API route with an AuthorizerId and AuthorizationType NONE (the default when it is not written)",
		Why: "API Gateway takes the route and leaves it open: the authorizer runs only for AuthorizationType CUSTOM (a Lambda " +
			"authorizer) or JWT, so every caller reaches the integration. cfnrun up serves the route open as well."})
	ruleHTTPAuth = define(Rule{ID: "E3507", Level: "error",
		Summary: "HTTP API route whose AuthorizationType does not fit its authorizer (JWT with a Lambda authorizer, CUSTOM with a JWT one, an AuthorizerId of no authorizer of the API, or CUSTOM/JWT without one)",
		Why:     "API Gateway rejects the route."})
)

// httpAPIIDs are the ids AWS generates for the API Gateway v2 types (and
// SAM's HttpApi, whose Ref is its AWS::ApiGatewayV2::Api's).
func httpAPIIDs(typ string, gen func(int, string) string) map[string]string {
	a := map[string]string{}
	switch typ {
	case "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi":
		a["Ref"] = gen(10, "httpapi")
		a["ApiId"] = a["Ref"]
	case "AWS::ApiGatewayV2::Integration":
		a["Ref"] = gen(7, "integration")
		a["IntegrationId"] = a["Ref"]
	case "AWS::ApiGatewayV2::Route":
		a["Ref"] = gen(7, "route")
		a["RouteId"] = a["Ref"]
	case "AWS::ApiGatewayV2::Authorizer":
		a["Ref"] = gen(6, "authorizer")
		a["AuthorizerId"] = a["Ref"]
	case "AWS::ApiGatewayV2::Deployment":
		a["Ref"] = gen(6, "deployment")
		a["DeploymentId"] = a["Ref"]
	}
	return a
}

// addHTTPRoute puts m (its RouteKey set) into api: the $default route, or
// a method on the route's path. It reports a key written twice (E3506)
// and a malformed key (E3501); false when m was not added.
func (l *lowerer) addHTTPRoute(api *model.RestAPI, owner string, m *model.Method, keyRange diag.Range) bool {
	verb, path, why := model.ParseRouteKey(m.RouteKey)
	ok := why == ""
	if !ok {
		l.s.errorf(ruleRouteKey, keyRange, owner, "Write the route key as \"$default\" or as \"METHOD /path\", e.g. \"GET /pets/{id}\" or \"ANY /{proxy+}\".",
			"route key %q is not valid: %s", m.RouteKey, why)
		return false
	}
	m.HTTPMethod = verb
	if m.RouteKey == model.RouteKeyDefault {
		if prev := api.DefaultRoute; prev != nil {
			l.duplicateRoute(owner, m, prev, keyRange)
			return false
		}
		api.DefaultRoute = m
		return true
	}
	res := l.ensurePath(api, owner, path, keyRange)
	for _, prev := range res.Methods {
		if prev.HTTPMethod == verb {
			l.duplicateRoute(owner, m, prev, keyRange)
			return false
		}
	}
	res.Methods = append(res.Methods, m)
	return true
}

func (l *lowerer) duplicateRoute(owner string, m, prev *model.Method, rng diag.Range) {
	d := ruleDuplicateRoute.errorf(rng, owner, "Remove one of the two routes, or give one another method or path.",
		"route %q is defined twice", m.RouteKey)
	d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
	l.s.add(d)
}

// httpIntegration fills an HTTP API integration's defaults as API
// Gateway does: TimeoutInMillis 30000, a Lambda function ARN as the
// IntegrationUri of an AWS_PROXY integration becomes its invoke URI (what
// the model's Lambda link reads), and a missing PayloadFormatVersion on
// AWS_PROXY is served as 1.0 (W3504 when reported is set: AWS documents it as
// required outside the console). HTTP_PROXY integrations
// take payload format 1.0 and default to method ANY.
func (l *lowerer) httpIntegration(in *model.Integration, owner string, report bool) {
	in.Type = strings.ToUpper(in.Type)
	if in.TimeoutMillis == 0 {
		in.TimeoutMillis = model.DefaultHTTPAPITimeoutMillis
	} else if in.TimeoutMillis < 50 || in.TimeoutMillis > model.DefaultHTTPAPITimeoutMillis {
		l.s.errorf(ruleHTTPTimeout, in.Props.At("TimeoutInMillis", in.Range), owner, "Write a TimeoutInMillis from 50 to 30000 (30 seconds, HTTP APIs' limit).",
			"TimeoutInMillis %d is outside 50–30000", in.TimeoutMillis)
		in.TimeoutMillis = min(max(in.TimeoutMillis, 50), model.DefaultHTTPAPITimeoutMillis)
	}
	switch in.Type {
	case model.IntegrationAWSProxy:
		if in.Subtype == "" && strings.HasPrefix(in.URI, "arn:") && strings.Contains(in.URI, ":lambda:") && strings.Contains(in.URI, ":function:") && !strings.Contains(in.URI, ":apigateway:") {
			parts := strings.SplitN(in.URI, ":", 5)
			in.URI = fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", parts[1], parts[3], in.URI)
		}
		if in.HTTPMethod == "" {
			in.HTTPMethod = "POST"
		}
		if in.PayloadFormatVersion == "" {
			// An AWS service integration (IntegrationSubtype) takes
			// only 1.0, what API Gateway sets.
			if report && in.Subtype == "" {
				l.s.warnf(rulePayloadFormatDefault, in.Range, owner, "Write PayloadFormatVersion: \"2.0\" (or \"1.0\" if the handler expects the REST API's event).",
					"Lambda integration without PayloadFormatVersion, which AWS documents as required outside the console; cfnrun serves payload format 1.0")
			}
			in.PayloadFormatVersion = "1.0"
		}
	case model.IntegrationHTTPProxy:
		if in.HTTPMethod == "" {
			in.HTTPMethod = "ANY"
		}
		if in.PayloadFormatVersion == "" {
			in.PayloadFormatVersion = "1.0"
		}
	}
	switch in.PayloadFormatVersion {
	case "1.0", "2.0", "":
		if in.Type == model.IntegrationHTTPProxy && in.PayloadFormatVersion == "2.0" {
			l.s.errorf(rulePayloadFormat, in.Props.At("PayloadFormatVersion", in.Range), owner, "Write PayloadFormatVersion: \"1.0\" (or leave it out) on an HTTP_PROXY integration.",
				"HTTP_PROXY integrations take payload format 1.0, not 2.0")
		}
	default:
		l.s.errorf(rulePayloadFormat, in.Props.At("PayloadFormatVersion", in.Range), owner, "Write \"1.0\" or \"2.0\" (a string).",
			"PayloadFormatVersion %q is not 1.0 or 2.0", in.PayloadFormatVersion)
	}
}

// checkHTTPMappings reports the parameter mappings API Gateway rejects
// (E3508) at their key in n, the integration's properties (reqKey and
// respKey name its request and response parameters); what AWS takes but
// cfnrun up does not apply, up reports.
func (l *lowerer) checkHTTPMappings(in *model.Integration, owner string, n *cfn.Node, reqKey, respKey string) {
	for _, p := range model.HTTPMappingProblems(in) {
		prop, cfnProp := reqKey, "RequestParameters"
		if p.Response {
			prop, cfnProp = respKey, "ResponseParameters"
		}
		l.s.errorf(ruleHTTPMapping, mappingAt(n, prop, p, in.Props.At(cfnProp, in.Range)), owner, p.Hint(), "%s", p.String())
	}
}

// mappingAt is where the mapping p is written under n's prop: its key (a
// response parameter's Destination in CloudFormation's form), else the
// nearest enclosing key, else fallback.
func mappingAt(n *cfn.Node, prop string, p model.MappingProblem, fallback diag.Range) diag.Range {
	f := n.Field(prop)
	if f == nil {
		return fallback
	}
	if !p.Response {
		if kf := f.Value.Field(p.Key); kf != nil {
			return kf.KeyRange()
		}
		return f.KeyRange()
	}
	cf := f.Value.Field(p.Code)
	if cf == nil {
		return f.KeyRange()
	}
	if p.Key == "" {
		return cf.KeyRange()
	}
	if list := cf.Value.Get("ResponseParameters"); list != nil && list.Kind == cfn.Sequence {
		for _, it := range list.Items {
			if d := it.Field("Destination"); d != nil && d.Value.Kind == cfn.Scalar && d.Value.Value == p.Key {
				return d.Value.Range()
			}
		}
	}
	if kf := cf.Value.Field(p.Key); kf != nil {
		return kf.KeyRange()
	}
	return cf.KeyRange()
}

// newHTTPAPI starts an HTTP API model element.
func (l *lowerer) newHTTPAPI(id, apiID string, rng diag.Range, p *props) *model.RestAPI {
	api := &model.RestAPI{LogicalID: id, ID: apiID, Protocol: model.ProtocolHTTP, MinimumCompressionSize: -1, Range: rng, Props: p.ranges()}
	api.Root = &model.Resource{ID: model.StableID(10, "root", l.s.stackName, id), Range: rng}
	api.Resources = []*model.Resource{api.Root}
	l.resAPI[api.Root] = api
	return api
}

// httpCORS reads a CorsConfiguration (AllowOrigins, AllowMethods,
// AllowHeaders, ExposeHeaders, AllowCredentials, MaxAge).
func (l *lowerer) httpCORS(c *props) *model.CORSConfig {
	return l.corsKeys(c, "AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "AllowCredentials", "MaxAge")
}

// bodyCORS reads an OpenAPI definition's x-amazon-apigateway-cors, which
// API Gateway's import makes the API's CorsConfiguration.
func (l *lowerer) bodyCORS(body *props) *model.CORSConfig {
	return l.corsKeys(body.sub("x-amazon-apigateway-cors"), "allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "allowCredentials", "maxAge")
}

func (l *lowerer) corsKeys(c *props, origins, methods, headers, expose, creds, maxAge string) *model.CORSConfig {
	if c == nil || c.node == nil || c.node.Kind != cfn.Mapping {
		return nil
	}
	return &model.CORSConfig{AllowOrigins: c.list(origins), AllowMethods: c.list(methods), AllowHeaders: c.list(headers),
		ExposeHeaders: c.list(expose), AllowCredentials: c.boolean(creds), MaxAge: c.integer(maxAge, -1), Range: c.node.Range()}
}

// lowerHTTPAPIs lowers the template's AWS::ApiGatewayV2 resources and SAM
// HTTP APIs. A template without them pays a few map lookups.
func (l *lowerer) lowerHTTPAPIs() {
	apis := l.live("AWS::ApiGatewayV2::Api")
	sam := l.s.isSAM() && len(l.live("AWS::Serverless::HttpApi")) > 0
	if len(apis) == 0 && !sam {
		return
	}
	byID := map[string]*model.RestAPI{}
	wsByID := map[string]*model.WebSocketAPI{}
	for _, r := range apis {
		if p := l.propsOf(r); strings.EqualFold(p.str("ProtocolType"), model.ProtocolWebSocket) {
			ws := l.v2WebSocket(r, p)
			wsByID[ws.ID] = ws
		} else if api := l.v2API(r); api != nil {
			byID[api.ID] = api
		}
	}
	if sam {
		l.lowerSAMHTTP(byID)
	}
	if len(apis) == 0 {
		return
	}
	apiOf := func(p *props, what string) *model.RestAPI {
		id := p.str("ApiId")
		if a, ok := byID[id]; ok {
			return a
		}
		if p.has("ApiId") && !unresolved(id) && wsByID[id] == nil {
			l.s.infof(ruleNotServed, p.at("ApiId", p.node.Range()), p.id, "Reference an AWS::ApiGatewayV2::Api of this template with !Ref to have cfnrun serve it.",
				"%s %s belongs to API %q, which is not an HTTP API defined in this template; it is not served", what, p.id, id)
		}
		return nil
	}
	// An integration's API, for the check that a route targets an
	// integration of its own API: a *model.RestAPI or a
	// *model.WebSocketAPI, with its logical id.
	type owner struct {
		api any
		id  string
	}
	integrations := map[string]*model.Integration{}
	owners := map[string]owner{}
	integrationIDs := map[string]string{}
	for _, r := range l.live("AWS::ApiGatewayV2::Integration") {
		p := l.propsOf(r)
		if ws := wsByID[p.str("ApiId")]; ws != nil {
			integrations[r.attrs["Ref"]] = l.wsIntegration(r, p)
			integrationIDs[r.attrs["Ref"]] = r.id
			owners[r.attrs["Ref"]] = owner{ws, ws.LogicalID}
			continue
		}
		api := apiOf(p, "integration")
		if api == nil {
			continue
		}
		in := &model.Integration{Type: strings.ToUpper(p.str("IntegrationType")), URI: p.str("IntegrationUri"), HTTPMethod: strings.ToUpper(p.str("IntegrationMethod")),
			PayloadFormatVersion: p.str("PayloadFormatVersion"), TimeoutMillis: p.integer("TimeoutInMillis", 0), ConnectionType: strings.ToUpper(p.str("ConnectionType")),
			ConnectionID: p.str("ConnectionId"), Credentials: p.str("CredentialsArn"), RequestParameters: p.strMap("RequestParameters"),
			ResponseMappings: p.httpResponseMappings("ResponseParameters"), Subtype: p.str("IntegrationSubtype"), Range: r.keyRange, Props: p.ranges()}
		l.httpIntegration(in, r.id, true)
		l.checkHTTPMappings(in, r.id, p.node, "RequestParameters", "ResponseParameters")
		integrations[r.attrs["Ref"]] = in
		integrationIDs[r.attrs["Ref"]] = r.id
		owners[r.attrs["Ref"]] = owner{api, api.LogicalID}
	}
	for _, r := range l.live("AWS::ApiGatewayV2::IntegrationResponse") {
		p := l.propsOf(r)
		if ws := wsByID[p.str("ApiId")]; ws != nil {
			l.wsIntegrationResponse(ws, r, p, integrations, func(id string) (any, string) { return owners[id].api, owners[id].id })
		}
	}
	for _, r := range l.live("AWS::ApiGatewayV2::Authorizer") {
		p := l.propsOf(r)
		if ws := wsByID[p.str("ApiId")]; ws != nil {
			ws.Authorizers = append(ws.Authorizers, l.wsAuthorizer(r, p))
		} else if api := apiOf(p, "authorizer"); api != nil {
			api.Authorizers = append(api.Authorizers, l.v2Authorizer(r, p))
		}
	}
	// target sets m's integration from its route's Target, which must
	// be integrations/ID of an integration of the same API (self).
	target := func(r *resource, p *props, m *model.Method, self any, selfID string) {
		if !p.has("Target") {
			return
		}
		target := p.str("Target")
		id, isInteg := strings.CutPrefix(target, "integrations/")
		in := integrations[id]
		switch {
		case unresolved(target):
		case !isInteg && integrations[target] != nil:
			// !Ref MyIntegration alone: the integration is right, the
			// "integrations/" prefix AWS requires is what is missing.
			l.s.errorf(ruleRouteTarget, p.at("Target", r.keyRange), r.id, fmt.Sprintf("Write Target: !Join [/, [integrations, !Ref %s]].", integrationIDs[target]),
				"Target is the id of integration %s without the \"integrations/\" prefix that AWS requires", integrationIDs[target])
		case !isInteg:
			l.s.errorf(ruleRouteTarget, p.at("Target", r.keyRange), r.id, "Write Target: !Join [/, [integrations, !Ref MyIntegration]].",
				"Target %q is not integrations/ID", target)
		case in == nil:
			l.s.errorf(ruleRouteTarget, p.at("Target", r.keyRange), r.id, "Point Target at an AWS::ApiGatewayV2::Integration of this template: !Join [/, [integrations, !Ref MyIntegration]].",
				"Target %q names no integration of this template", target)
		case owners[id].api != self:
			l.s.errorf(ruleRouteTarget, p.at("Target", r.keyRange), r.id, "Use an integration with the same ApiId as the route.",
				"Target names an integration of API %s, but the route belongs to %s", owners[id].id, selfID)
		default:
			cp := *in
			m.Integration = &cp
		}
	}
	wsRoutes := map[string]*model.Method{}
	integrationOf := map[*model.Method]string{} // a WebSocket route's integration, by id
	for _, r := range l.live("AWS::ApiGatewayV2::Route") {
		p := l.propsOf(r)
		if ws := wsByID[p.str("ApiId")]; ws != nil {
			if m := l.wsRoute(ws, r, p, func(m *model.Method) {
				target(r, p, m, ws, ws.LogicalID)
				if id, ok := strings.CutPrefix(p.str("Target"), "integrations/"); ok && m.Integration != nil {
					integrationOf[m] = id
				}
			}); m != nil {
				wsRoutes[r.attrs["Ref"]] = m
			}
			continue
		}
		api := apiOf(p, "route")
		if api == nil {
			continue
		}
		m := &model.Method{LogicalID: r.id, RouteKey: p.str("RouteKey"), AuthorizationType: cmp.Or(strings.ToUpper(p.str("AuthorizationType")), "NONE"),
			AuthorizerID: p.str("AuthorizerId"), AuthorizationScopes: p.list("AuthorizationScopes"), APIKeyRequired: p.boolean("ApiKeyRequired"),
			OperationName: p.str("OperationName"), Range: r.keyRange, Props: p.ranges()}
		target(r, p, m, api, api.LogicalID)
		l.checkRouteAuth(api, m, p.at("AuthorizationType", r.keyRange), r.id)
		l.addHTTPRoute(api, r.id, m, p.at("RouteKey", r.keyRange))
	}
	for _, r := range l.live("AWS::ApiGatewayV2::RouteResponse") {
		p := l.propsOf(r)
		if ws := wsByID[p.str("ApiId")]; ws != nil {
			l.wsRouteResponse(ws, r, p, wsRoutes)
		}
	}
	for _, ws := range wsByID {
		own := map[string]*model.Integration{}
		for id, in := range integrations {
			if owners[id].api == ws {
				own[id] = in
			}
		}
		l.checkWSResponses(ws, own, integrationOf, integrationIDs)
	}
	for _, r := range l.live("AWS::ApiGatewayV2::Stage") {
		p := l.propsOf(r)
		ws := wsByID[p.str("ApiId")]
		api := apiOf(p, "stage")
		if ws == nil && api == nil {
			continue
		}
		st := &model.Stage{LogicalID: r.id, Name: p.str("StageName"), DeploymentID: p.str("DeploymentId"),
			Description: p.str("Description"), Variables: p.strMap("StageVariables"), Tags: p.tags("Tags"), Range: r.keyRange, Props: p.ranges(),
			MethodSettings: l.routeSettings(p.sub("DefaultRouteSettings"), p.sub("RouteSettings"))}
		st.AccessLogFormat, st.AccessLogDestination = accessLog(p.sub("AccessLogSettings"))
		if ws != nil {
			ws.Stages = append(ws.Stages, st)
		} else {
			api.Stages = append(api.Stages, st)
		}
	}
}

// routeSettings lowers an HTTP API stage's DefaultRouteSettings (the
// entry for every route, as "/*" "*") and RouteSettings (an entry per
// route key) into MethodSettings; def and routes may be nil or empty.
func (l *lowerer) routeSettings(def, routes *props) []model.MethodSetting {
	one := func(p *props, key string) model.MethodSetting {
		return model.MethodSetting{RouteKey: key, ThrottlingBurstLimit: p.integer("ThrottlingBurstLimit", -1),
			ThrottlingRateLimit: p.float("ThrottlingRateLimit", -1), LoggingLevel: p.str("LoggingLevel"),
			MetricsEnabled: p.boolean("DetailedMetricsEnabled"), DataTraceEnabled: p.boolean("DataTraceEnabled"), Range: p.node.Range()}
	}
	var out []model.MethodSetting
	if def != nil && def.node != nil && def.node.Kind == cfn.Mapping {
		ms := one(def, "")
		ms.ResourcePath, ms.HTTPMethod = "/*", "*"
		out = append(out, ms)
	}
	if routes != nil && routes.node != nil && routes.node.Kind == cfn.Mapping {
		for _, f := range routes.node.Fields {
			if f.Value != nil && f.Value.Kind == cfn.Mapping {
				ms := one(routes.sub(f.Key), f.Key)
				ms.Range = f.KeyRange() // the route key, what a finding about the entry names
				out = append(out, ms)
			}
		}
	}
	return out
}

// v2API lowers an AWS::ApiGatewayV2::Api of ProtocolType HTTP: its
// quick-create route (Target, RouteKey) and $default stage, or its
// OpenAPI Body; nil for other protocols (WebSocket APIs are lowered by
// v2WebSocket).
func (l *lowerer) v2API(r *resource) *model.RestAPI {
	p := l.propsOf(r)
	if proto := strings.ToUpper(p.str("ProtocolType")); proto != "HTTP" && !(proto == "" && (p.has("Body") || p.has("BodyS3Location"))) {
		return nil
	}
	api := l.newHTTPAPI(r.id, r.attrs["Ref"], r.keyRange, p)
	api.Name, api.Description = p.str("Name"), p.str("Description")
	api.DisableExecuteAPIEndpoint = p.boolean("DisableExecuteApiEndpoint")
	api.Tags = p.tags("Tags")
	api.CORS = l.httpCORS(p.sub("CorsConfiguration"))
	if p.has("Target") {
		// Quick create: one route (RouteKey, $default when absent) with
		// an integration to the target, and an auto-deployed $default stage.
		target := p.str("Target")
		in := &model.Integration{Type: model.IntegrationHTTPProxy, URI: target, PayloadFormatVersion: "1.0", Range: p.at("Target", r.keyRange),
			Props: model.Ranges{{Key: "IntegrationUri", Range: p.at("Target", r.keyRange)}}}
		if strings.Contains(target, ":lambda:") {
			in.Type, in.PayloadFormatVersion = model.IntegrationAWSProxy, "2.0"
		}
		l.httpIntegration(in, r.id, false)
		m := &model.Method{LogicalID: r.id, RouteKey: cmp.Or(p.str("RouteKey"), model.RouteKeyDefault), AuthorizationType: "NONE", Integration: in,
			Range: p.at("Target", r.keyRange), Props: model.Ranges{{Key: "RouteKey", Range: p.at("RouteKey", r.keyRange)}}}
		l.addHTTPRoute(api, r.id, m, p.at("RouteKey", p.at("Target", r.keyRange)))
		api.Stages = append(api.Stages, &model.Stage{LogicalID: r.id, Name: model.StageDefault, Implicit: true, Range: p.at("Target", r.keyRange)})
	} else if p.has("RouteKey") {
		l.s.errorf(ruleRouteTarget, p.at("RouteKey", r.keyRange), r.id, "Add Target (the Lambda function or URL the route calls), or declare an AWS::ApiGatewayV2::Route.",
			"RouteKey is only for quick create, which needs a Target")
	}
	if p.has("Body") {
		if api.Name == "" {
			api.Name = p.sub("Body").sub("info").str("title")
		}
		if l.importOpenAPI(api, r.id, p.sub("Body"), nil) && api.CORS == nil {
			api.CORS = l.bodyCORS(p.sub("Body"))
		}
	} else if loc := p.node.Get("BodyS3Location"); loc != nil {
		l.s.infof(ruleNotServed, p.at("BodyS3Location", r.keyRange), r.id, "Inline the definition as Body (or declare AWS::ApiGatewayV2::Route resources) to have cfnrun serve it.",
			"%s imports its routes from S3 (BodyS3Location), which cfnrun cannot read; only routes declared in the template are served", r.id)
	}
	api.Name = cmp.Or(api.Name, r.id)
	l.apiByID[api.ID] = api
	l.t.APIs = append(l.t.APIs, api)
	return api
}

// v2Authorizer lowers an AWS::ApiGatewayV2::Authorizer: JWT (issuer,
// audience) or REQUEST (a Lambda function, payload format 1.0 or 2.0,
// simple responses).
func (l *lowerer) v2Authorizer(r *resource, p *props) *model.Authorizer {
	jwt := p.sub("JwtConfiguration")
	a := &model.Authorizer{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"), Type: strings.ToUpper(p.str("AuthorizerType")),
		IdentitySource: strings.Join(p.list("IdentitySource"), ","), AuthorizerURI: p.str("AuthorizerUri"), Credentials: p.str("AuthorizerCredentialsArn"),
		ResultTTLSeconds: p.integer("AuthorizerResultTtlInSeconds", 0), JWTIssuer: jwt.str("Issuer"), JWTAudience: jwt.list("Audience"),
		PayloadFormatVersion: p.str("AuthorizerPayloadFormatVersion"), SimpleResponses: p.boolean("EnableSimpleResponses"), Range: r.keyRange, Props: p.ranges()}
	l.checkAuthorizerFormat(a, r.id)
	return a
}

// checkAuthorizerFormat reports a Lambda authorizer's payload format
// other than 1.0 or 2.0, and simple responses with 1.0.
func (l *lowerer) checkAuthorizerFormat(a *model.Authorizer, owner string) {
	if a.Type != "REQUEST" {
		return
	}
	rng := a.Props.At("AuthorizerPayloadFormatVersion", a.Range)
	switch a.PayloadFormatVersion {
	case "1.0", "2.0":
	case "":
		l.s.errorf(rulePayloadFormat, rng, owner, "Write AuthorizerPayloadFormatVersion: \"2.0\" (or \"1.0\" for the REST API's authorizer event).",
			"Lambda authorizer %s has no AuthorizerPayloadFormatVersion, which HTTP APIs require", a.Name)
	default:
		l.s.errorf(rulePayloadFormat, rng, owner, "Write \"1.0\" or \"2.0\" (a string).", "AuthorizerPayloadFormatVersion %q is not 1.0 or 2.0", a.PayloadFormatVersion)
	}
	if a.SimpleResponses && a.PayloadFormatVersion == "1.0" {
		l.s.errorf(rulePayloadFormat, a.Props.At("EnableSimpleResponses", a.Range), owner, "Set AuthorizerPayloadFormatVersion to \"2.0\", or remove EnableSimpleResponses.",
			"EnableSimpleResponses needs AuthorizerPayloadFormatVersion 2.0")
	}
}

// checkRouteAuth reports a route whose AuthorizationType does not fit its
// AuthorizerId (E3507).
func (l *lowerer) checkRouteAuth(api *model.RestAPI, m *model.Method, rng diag.Range, owner string) {
	var az *model.Authorizer
	if m.AuthorizerID != "" && !unresolved(m.AuthorizerID) {
		for _, a := range api.Authorizers {
			if a.ID == m.AuthorizerID {
				az = a
			}
		}
		if az == nil {
			l.s.errorf(ruleHTTPAuth, m.Props.At("AuthorizerId", rng), owner, "Use !Ref to an AWS::ApiGatewayV2::Authorizer with the same ApiId.",
				"AuthorizerId %q is not an authorizer of API %s", m.AuthorizerID, api.LogicalID)
			return
		}
	}
	want := ""
	switch m.AuthorizationType {
	case "JWT":
		want = "JWT"
	case "CUSTOM":
		want = "REQUEST"
	case "NONE":
		if az != nil {
			l.s.warnf(ruleHTTPAuthNone, m.Props.At("AuthorizerId", rng), owner,
				fmt.Sprintf("Add AuthorizationType: %s to use authorizer %s, or remove AuthorizerId to keep the route open.",
					map[string]string{"JWT": "JWT", "REQUEST": "CUSTOM"}[az.Type], az.Name),
				"route names authorizer %s, but its AuthorizationType is NONE: API Gateway leaves the route open", az.Name)
		}
		return
	case "AWS_IAM":
		return
	default:
		l.s.errorf(ruleHTTPAuth, rng, owner, "Write NONE, AWS_IAM, CUSTOM (a Lambda authorizer) or JWT.", "AuthorizationType %q is not one an HTTP API route takes", m.AuthorizationType)
		return
	}
	switch {
	case az == nil && m.AuthorizerID == "":
		l.s.errorf(ruleHTTPAuth, rng, owner, "Add AuthorizerId: !Ref MyAuthorizer.", "AuthorizationType %s needs an AuthorizerId", m.AuthorizationType)
	case az != nil && az.Type != want:
		l.s.errorf(ruleHTTPAuth, rng, owner, fmt.Sprintf("Write AuthorizationType %s for a %s authorizer.", map[string]string{"JWT": "JWT", "REQUEST": "CUSTOM"}[az.Type], az.Type),
			"AuthorizationType %s with %s authorizer %s", m.AuthorizationType, az.Type, az.Name)
	}
}

// httpResponseMappings reads an HTTP API integration's response parameter
// mappings: by status code, CloudFormation's {ResponseParameters:
// [{Destination, Source}]}, or a map of destination to source as an
// OpenAPI definition's x-amazon-apigateway-integration writes it.
func (p *props) httpResponseMappings(key string) map[string]map[string]string {
	n := p.node.Get(key)
	if n == nil || n.Kind != cfn.Mapping || len(n.Fields) == 0 {
		return nil
	}
	byCode := p.sub(key)
	out := make(map[string]map[string]string, len(n.Fields))
	for _, f := range n.Fields {
		if list := f.Value.Get("ResponseParameters"); list != nil && list.Kind == cfn.Sequence {
			m := make(map[string]string, len(list.Items))
			for _, it := range list.Items {
				ip := p.l.newProps(p.id, it)
				m[ip.str("Destination")] = ip.str("Source")
			}
			out[f.Key] = m
			continue
		}
		out[f.Key] = byCode.strMap(f.Key)
	}
	return out
}

// httpOperation puts an operation of an HTTP API's OpenAPI definition
// into the API as a route: path "$default" (or "/$default", as SAM
// rewrites it with FailOnWarnings) with x-amazon-apigateway-any-method is
// the $default route; the integration's payloadFormatVersion and
// timeoutInMillis are HTTP API defaults when absent.
func (l *lowerer) httpOperation(api *model.RestAPI, owner string, m *model.Method, path string, of *cfn.Field) {
	m.RouteKey = m.HTTPMethod + " " + path
	if m.HTTPMethod == "ANY" && (path == model.RouteKeyDefault || path == "/"+model.RouteKeyDefault) {
		m.RouteKey = model.RouteKeyDefault
	}
	if in := m.Integration; in != nil {
		if x := of.Value.Field("x-amazon-apigateway-integration"); x != nil && x.Value.Kind == cfn.Mapping {
			ip := l.newProps(owner, x.Value)
			in.PayloadFormatVersion = ip.str("payloadFormatVersion")
			in.Subtype = ip.str("integrationSubtype")
			in.ResponseMappings = ip.httpResponseMappings("responseParameters")
			in.Props.Set("PayloadFormatVersion", ip.at("payloadFormatVersion", x.KeyRange()))
		}
		l.httpIntegration(in, owner, true)
		if x := of.Value.Field("x-amazon-apigateway-integration"); x != nil {
			l.checkHTTPMappings(in, owner, x.Value, "requestParameters", "responseParameters")
		}
	}
	l.addHTTPRoute(api, owner, m, of.KeyRange())
}
