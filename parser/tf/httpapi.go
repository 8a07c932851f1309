package tf

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// HTTP APIs (API Gateway v2) in Terraform: aws_apigatewayv2_api (protocol
// HTTP; quick create with target and route_key; cors_configuration; body,
// an OpenAPI definition: httpapi_body.go), aws_apigatewayv2_route,
// _integration, _stage and _authorizer, lowered
// as the CloudFormation front end lowers AWS::ApiGatewayV2::* (see
// resolver/httpapi.go): a route "GET /pets/{id}" is Method GET (RouteKey
// "GET /pets/{id}") on Resource /pets/{id}, "$default" is the API's
// DefaultRoute. for_each and count instances are lowered one by one, as
// the REST types are. WebSocket APIs are lowered apart (websocket.go).

var ruleHTTPAPI = newRule("TF055", sevError|sevWarning,
	"HTTP API route key that is not \"$default\" or \"METHOD /path\", a route target that is not integrations/ID of the same API, "+
		"a body's payloadFormatVersion other than 1.0 or 2.0 (an integration's payload_format_version is TF012), timeout_milliseconds outside 50–30000, a route key defined twice, "+
		"request_parameters or response_parameters API Gateway does not take (keys other than append|overwrite|remove:header.NAME or :querystring.NAME, "+
		"overwrite:path, overwrite:statuscode in responses; values with other expressions than $request, $response, $context, $stageVariables; body selections with .. or filters; headers API Gateway reserves) (errors); "+
		"a Lambda (AWS_PROXY) integration without payload_format_version (the provider's default is 1.0), a body path that does not start with /, "+
		"and a route with authorizer_id but authorization_type NONE (warnings)",
	"API Gateway rejects the route or integration (BadRequestException); a handler written for payload format 2.0 misreads 1.0 events; "+
		"a route whose authorization_type is NONE is open whatever authorizer_id says.")

type routeChild struct {
	parent *model.Resource
	part   string
}

// httpAPIs lowers the configuration's HTTP APIs; a configuration without
// aws_apigatewayv2_api pays one map lookup.
func (lw *lowering) httpAPIs(byType map[string][]*instance) {
	apis := byType["aws_apigatewayv2_api"]
	if len(apis) == 0 {
		return
	}
	byID := map[string]*model.RestAPI{}
	wsByID := map[string]*model.WebSocketAPI{}
	children := map[routeChild]*model.Resource{}
	for _, in := range apis {
		if strings.EqualFold(in.str("protocol_type"), model.ProtocolWebSocket) {
			ws := lw.wsAPI(in)
			wsByID[ws.ID] = ws
			continue
		}
		if !strings.EqualFold(in.str("protocol_type"), "HTTP") {
			continue
		}
		api := &model.RestAPI{LogicalID: in.addr, ID: in.attrs["id"], Name: in.text("name"), Description: in.str("description"), Protocol: model.ProtocolHTTP,
			DisableExecuteAPIEndpoint: in.boolean("disable_execute_api_endpoint"), Tags: in.tags(), MinimumCompressionSize: -1, Range: in.rng(), Props: in.cfnRanges()}
		api.Root = &model.Resource{ID: model.StableID(10, "root", in.idAddr), Path: "/", Range: api.Range, Props: model.Ranges{}}
		api.Resources = []*model.Resource{api.Root}
		if c := in.block("cors_configuration"); c != cty.NilVal {
			api.CORS = &model.CORSConfig{AllowOrigins: valList(attrOf(c, "allow_origins")), AllowMethods: valList(attrOf(c, "allow_methods")),
				AllowHeaders: valList(attrOf(c, "allow_headers")), ExposeHeaders: valList(attrOf(c, "expose_headers")),
				AllowCredentials: valBool(attrOf(c, "allow_credentials")), MaxAge: -1, Range: toRange(in.ranges["cors_configuration"])}
			if v := attrOf(c, "max_age"); v != cty.NilVal && !v.IsNull() && v.IsKnown() {
				var n int
				if _, err := fmt.Sscan(ctyString(v), &n); err == nil {
					api.CORS.MaxAge = n
				}
			}
		}
		if in.has("target") {
			// Quick create: one route to the target and an auto-deployed
			// $default stage.
			target := in.text("target")
			if t := lw.pendingFunctionRef(target); t != "" {
				// The ARN of a function named only after apply.
				target = t
			}
			ig := &model.Integration{Type: model.IntegrationHTTPProxy, URI: target, HTTPMethod: "ANY", PayloadFormatVersion: "1.0",
				TimeoutMillis: model.DefaultHTTPAPITimeoutMillis, Range: toRange(in.ranges["target"])}
			if strings.Contains(target, ":lambda:") {
				ig.Type, ig.HTTPMethod, ig.PayloadFormatVersion = model.IntegrationAWSProxy, "POST", "2.0"
				ig.URI = invokeURI(target)
			}
			key := orDefault(in.str("route_key"), model.RouteKeyDefault)
			m := &model.Method{LogicalID: in.addr, RouteKey: key, AuthorizationType: "NONE", Integration: ig, Range: toRange(in.ranges["target"])}
			lw.addRoute(api, children, in.addr, m, in.argRange("route_key"))
			api.Stages = append(api.Stages, &model.Stage{LogicalID: in.addr, Name: model.StageDefault, Implicit: true, Range: toRange(in.ranges["target"])})
		}
		lw.importHTTPBody(api, children, in)
		byID[api.ID] = api
		lw.t.APIs = append(lw.t.APIs, api)
	}
	apiOf := func(in *instance) *model.RestAPI {
		id := in.str("api_id")
		if api := byID[id]; api != nil {
			return api
		}
		if id != "" && wsByID[id] == nil {
			lw.l.diagOnce(ruleOutside.warnf(in.ranges["api_id"], in.addr, "cfnrun serves only APIs declared in the configuration; declare the aws_apigatewayv2_api (protocol_type = \"HTTP\") here to serve its routes.",
				"api_id %q is not an HTTP API of this configuration; %s is skipped", id, in.addr))
		}
		return nil
	}
	integrations := map[string]*model.Integration{}
	// owners are the integrations' APIs: a *model.RestAPI or a
	// *model.WebSocketAPI, with its address.
	type owner struct {
		api  any
		addr string
	}
	owners := map[string]owner{}
	integrationAddrs := map[string]string{}
	for _, in := range byType["aws_apigatewayv2_integration"] {
		if ws := wsByID[in.str("api_id")]; ws != nil {
			integrations[in.attrs["id"]] = lw.wsIntegration(in)
			integrationAddrs[in.attrs["id"]] = in.addr
			owners[in.attrs["id"]] = owner{ws, ws.LogicalID}
			continue
		}
		api := apiOf(in)
		if api == nil {
			continue
		}
		ig := &model.Integration{Type: strings.ToUpper(in.str("integration_type")), URI: in.text("integration_uri"), HTTPMethod: strings.ToUpper(in.str("integration_method")),
			PayloadFormatVersion: in.str("payload_format_version"), TimeoutMillis: in.num("timeout_milliseconds", 0), ConnectionType: in.str("connection_type"),
			ConnectionID: in.str("connection_id"), Credentials: in.text("credentials_arn"), RequestParameters: in.smap("request_parameters"),
			ResponseMappings: in.responseMappings(), Subtype: in.str("integration_subtype"), Range: in.rng(), Props: in.cfnRanges()}
		lw.httpIntegration(in.addr, ig, func(arg string) diag.Range {
			if arg == "" {
				return toRange(in.res.declRange)
			}
			return toRange(in.ranges[arg])
		}, false)
		lw.checkMappings(in, ig)
		integrations[in.attrs["id"]] = ig
		integrationAddrs[in.attrs["id"]] = in.addr
		owners[in.attrs["id"]] = owner{api, api.LogicalID}
	}
	for _, in := range byType["aws_apigatewayv2_integration_response"] {
		if ws := wsByID[in.str("api_id")]; ws != nil {
			lw.wsIntegrationResponse(ws, in, integrations, func(id string) (any, string) { return owners[id].api, owners[id].addr })
		}
	}
	for _, in := range byType["aws_apigatewayv2_authorizer"] {
		if ws := wsByID[in.str("api_id")]; ws != nil {
			ws.Authorizers = append(ws.Authorizers, &model.Authorizer{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"), Type: strings.ToUpper(in.str("authorizer_type")),
				IdentitySource: strings.Join(in.list("identity_sources"), ","), AuthorizerURI: in.text("authorizer_uri"), Credentials: in.text("authorizer_credentials_arn"),
				Range: in.rng(), Props: in.cfnRanges()})
			continue
		}
		api := apiOf(in)
		if api == nil {
			continue
		}
		a := &model.Authorizer{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"), Type: strings.ToUpper(in.str("authorizer_type")),
			IdentitySource: strings.Join(in.list("identity_sources"), ","), AuthorizerURI: in.text("authorizer_uri"), Credentials: in.text("authorizer_credentials_arn"),
			ResultTTLSeconds: in.num("authorizer_result_ttl_in_seconds", 0), PayloadFormatVersion: in.str("authorizer_payload_format_version"),
			SimpleResponses: in.boolean("enable_simple_responses"), Range: in.rng(), Props: in.cfnRanges()}
		if j := in.block("jwt_configuration"); j != cty.NilVal {
			a.JWTIssuer, a.JWTAudience = ctyString(attrOf(j, "issuer")), valList(attrOf(j, "audience"))
		}
		api.Authorizers = append(api.Authorizers, a)
	}
	// target sets m's integration from its route's target, which must be
	// integrations/ID of an integration of the same API (self).
	target := func(in *instance, m *model.Method, self any, selfAddr string) {
		if !in.has("target") {
			return
		}
		target := in.str("target")
		id, isInteg := strings.CutPrefix(target, "integrations/")
		switch ig := integrations[id]; {
		case !isInteg && integrations[target] != nil:
			// aws_apigatewayv2_integration.x.id alone: the integration is
			// right, the "integrations/" prefix AWS requires is missing.
			addr := integrationAddrs[target]
			lw.l.diagOnce(ruleHTTPAPI.errorf(in.ranges["target"], in.addr, fmt.Sprintf("Write target = \"integrations/${%s.id}\".", addr),
				"target is the id of %s without the \"integrations/\" prefix that AWS requires", addr))
		case !isInteg || ig == nil:
			lw.l.diagOnce(ruleHTTPAPI.errorf(in.ranges["target"], in.addr, "Write target = \"integrations/${aws_apigatewayv2_integration.x.id}\" with an integration of this configuration.",
				"target %q names no integration of this configuration", target))
		case owners[id].api != self:
			lw.l.diagOnce(ruleHTTPAPI.errorf(in.ranges["target"], in.addr, "Use an integration with the same api_id as the route.",
				"target names an integration of %s, but the route belongs to %s", owners[id].addr, selfAddr))
		default:
			cp := *ig
			m.Integration = &cp
		}
	}
	wsRoutes := map[string]*model.Method{}
	integrationOf := map[*model.Method]string{} // a WebSocket route's integration, by id
	for _, in := range byType["aws_apigatewayv2_route"] {
		if in.unknown("route_key") {
			if wsByID[in.str("api_id")] != nil || apiOf(in) != nil {
				lw.pending(in, "route_key", "the route is not served")
			}
			continue
		}
		if ws := wsByID[in.str("api_id")]; ws != nil {
			if m := lw.wsRoute(ws, in, func(m *model.Method) {
				target(in, m, ws, ws.LogicalID)
				if id, ok := strings.CutPrefix(in.str("target"), "integrations/"); ok && m.Integration != nil {
					integrationOf[m] = id
				}
			}); m != nil {
				wsRoutes[in.attrs["id"]] = m
			}
			continue
		}
		api := apiOf(in)
		if api == nil {
			continue
		}
		m := &model.Method{LogicalID: in.addr, RouteKey: in.str("route_key"), AuthorizationType: strings.ToUpper(orDefault(in.str("authorization_type"), "NONE")),
			AuthorizerID: in.str("authorizer_id"), AuthorizationScopes: in.list("authorization_scopes"), APIKeyRequired: in.boolean("api_key_required"),
			OperationName: in.str("operation_name"), Range: in.rng(), Props: in.cfnRanges()}
		if m.AuthorizationType == "NONE" && m.AuthorizerID != "" {
			// AWS takes the route and leaves it open (W3509 in CloudFormation).
			lw.l.diagOnce(ruleHTTPAPI.warnf(in.ranges["authorizer_id"], in.addr,
				"Add authorization_type = \"CUSTOM\" (a Lambda authorizer) or \"JWT\" to use the authorizer, or remove authorizer_id to keep the route open.",
				"authorizer_id is set but authorization_type is NONE (the default when it is not written): API Gateway leaves the route open"))
		}
		target(in, m, api, api.LogicalID)
		if _, written := in.ranges["route_key"]; !written {
			continue // a missing required argument (TF011)
		}
		lw.addRoute(api, children, in.addr, m, in.argRange("route_key"))
	}
	for _, in := range byType["aws_apigatewayv2_route_response"] {
		if ws := wsByID[in.str("api_id")]; ws != nil {
			lw.wsRouteResponse(ws, in, wsRoutes)
		}
	}
	for _, ws := range wsByID {
		own := map[string]*model.Integration{}
		for id, ig := range integrations {
			if owners[id].api == ws {
				own[id] = ig
			}
		}
		lw.checkWSResponses(ws, own, integrationOf, integrationAddrs)
	}
	for _, in := range byType["aws_apigatewayv2_stage"] {
		ws := wsByID[in.str("api_id")]
		api := apiOf(in)
		if ws == nil && api == nil {
			continue
		}
		st := &model.Stage{LogicalID: in.addr, Name: in.str("name"), DeploymentID: in.str("deployment_id"), Description: in.str("description"),
			Variables: in.smap("stage_variables"), Tags: in.tags(), Range: in.rng(), Props: in.cfnRanges(), MethodSettings: lw.routeSettings(in)}
		st.AccessLogFormat, st.AccessLogDestination = accessLog(in)
		if ws != nil {
			ws.Stages = append(ws.Stages, st)
		} else {
			api.Stages = append(api.Stages, st)
		}
	}
}

var ruleZeroThrottle = newRule("TF064", sevWarning,
	"default_route_settings or route_settings block of an aws_apigatewayv2_stage without throttling_burst_limit or throttling_rate_limit",
	"The AWS provider sends an unset throttling_burst_limit or throttling_rate_limit as 0 (hashicorp/terraform-provider-aws#14742, #27674), "+
		"and API Gateway then answers every request to the routes the block covers with 429 Too Many Requests; CloudFormation leaves an unset "+
		"limit unset. cfnrun up applies the 0, as the deployed stage does.")

// routeSettings reads an aws_apigatewayv2_stage's default_route_settings
// (the entry for every route, as "/*" "*") and route_settings blocks (an
// entry per route_key). A throttling limit the block leaves unset is 0,
// what the provider sends (TF064); one known only after apply is unset.
func (lw *lowering) routeSettings(in *instance) []model.MethodSetting {
	one := func(s cty.Value, key string, rng diag.Range) model.MethodSetting {
		ms := model.MethodSetting{RouteKey: key, ThrottlingBurstLimit: int(throttleSetting(s, "throttling_burst_limit")),
			ThrottlingRateLimit: throttleSetting(s, "throttling_rate_limit"), LoggingLevel: ctyString(attrOf(s, "logging_level")),
			MetricsEnabled: valBool(attrOf(s, "detailed_metrics_enabled")), DataTraceEnabled: valBool(attrOf(s, "data_trace_enabled")), Range: rng}
		block := "default_route_settings"
		if key != "" {
			block = fmt.Sprintf("route_settings for %q", key)
		}
		// An argument the provider does not know fails terraform validate
		// (TF010, from the stage's schema); a misspelt throttling_* would
		// read as unset below, a misleading TF064.
		if s.Type().IsObjectType() {
			known := schemas.Get()["aws_apigatewayv2_stage"].args["route_settings"].block.args // route_key and the settings
			for name := range s.Type().AttributeTypes() {
				if known[name] == nil {
					return ms
				}
			}
		}
		var unset []string
		for _, name := range []string{"throttling_burst_limit", "throttling_rate_limit"} {
			if v := attrOf(s, name); v == cty.NilVal || v.IsNull() {
				unset = append(unset, name)
			}
		}
		if len(unset) > 0 {
			covered := "the stage's routes"
			if key != "" {
				covered = "route " + key
			}
			lw.l.diagOnce(ruleZeroThrottle.at(diag.Warning, rng, in.addr,
				"Set throttling_burst_limit and throttling_rate_limit in the block (5000 and 10000 are the account's defaults), or leave the block out.",
				"%s leaves %s unset: the AWS provider sends 0, and API Gateway then answers every request to %s with 429 Too Many Requests",
				block, strings.Join(unset, " and "), covered))
		}
		return ms
	}
	at := func(name string, i int) diag.Range {
		if rs := in.blockRanges(name); i < len(rs) {
			return rs[i]
		}
		return in.rng()
	}
	var out []model.MethodSetting
	if d := in.block("default_route_settings"); d != cty.NilVal {
		ms := one(d, "", at("default_route_settings", 0))
		ms.ResourcePath, ms.HTTPMethod = "/*", "*"
		out = append(out, ms)
	}
	if v := in.get("route_settings"); v != cty.NilVal && !v.IsNull() && v.IsKnown() && (v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		var items []*model.Value
		if p := in.props.Get("route_settings"); p != nil {
			items = p.Items
		}
		for i, r := range elements(v) {
			if key := ctyString(attrOf(r, "route_key")); key != "" {
				ms := one(r, key, at("route_settings", i))
				// A finding about the entry's key (E3510: not a route of
				// the API) points at its route_key, as the
				// CloudFormation side points at the RouteSettings key.
				if i < len(items) {
					if k := items[i].Get("route_key"); k != nil {
						ms.Range = k.Range
					}
				}
				out = append(out, ms)
			}
		}
	}
	return out
}

// invokeURI is a Lambda function ARN as an integration's invoke URI;
// other URIs are returned as they are.
func invokeURI(uri string) string {
	if strings.HasPrefix(uri, "arn:") && strings.Contains(uri, ":lambda:") && strings.Contains(uri, ":function:") && !strings.Contains(uri, ":apigateway:") {
		parts := strings.SplitN(uri, ":", 5)
		return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", parts[1], parts[3], uri)
	}
	return uri
}

// httpIntegration applies API Gateway's defaults to an HTTP API
// integration and reports the values it rejects; at is where an argument
// (by its Terraform name; "" for the integration) is written. inBody says
// the integration is an x-amazon-apigateway-integration of a body, whose
// keys the findings then name.
func (lw *lowering) httpIntegration(addr string, ig *model.Integration, at func(arg string) diag.Range, inBody bool) {
	pfv, timeout, set := "payload_format_version", "timeout_milliseconds", " = "
	if inBody {
		pfv, timeout, set = "payloadFormatVersion", "timeoutInMillis", ": "
	}
	switch ig.Type {
	case model.IntegrationAWSProxy:
		if ig.Subtype == "" {
			ig.URI = invokeURI(ig.URI)
		}
		ig.HTTPMethod = orDefault(ig.HTTPMethod, "POST")
		if ig.PayloadFormatVersion == "" && ig.Subtype != "" {
			ig.PayloadFormatVersion = "1.0" // an AWS service integration takes only 1.0
		}
		if ig.PayloadFormatVersion == "" {
			lw.l.diagOnce(ruleHTTPAPI.at(diag.Warning, at(""), addr, "Set "+pfv+set+"\"2.0\" (or \"1.0\" if the handler expects the REST API's event).",
				"Lambda integration without %s: API Gateway sends payload format 1.0", pfv))
			ig.PayloadFormatVersion = "1.0"
		}
	case model.IntegrationHTTPProxy:
		ig.HTTPMethod = orDefault(ig.HTTPMethod, "ANY")
		ig.PayloadFormatVersion = orDefault(ig.PayloadFormatVersion, "1.0")
	}
	// An aws_apigatewayv2_integration's value is checked against the
	// provider's enum (TF012); a body's here.
	if v := ig.PayloadFormatVersion; inBody && v != "" && v != "1.0" && v != "2.0" {
		lw.l.diagOnce(ruleHTTPAPI.at(diag.Error, at("payload_format_version"), addr, "Write \"1.0\" or \"2.0\".", "%s %q is not 1.0 or 2.0", pfv, v))
	}
	if inBody {
		for _, p := range model.HTTPMappingProblems(ig) {
			arg := "request_parameters"
			if p.Response {
				arg = "response_parameters"
			}
			lw.l.diagOnce(ruleHTTPAPI.at(diag.Error, at(arg), addr, p.Hint(), "%s", p.String()))
		}
	}
	switch t := ig.TimeoutMillis; {
	case t == 0:
		ig.TimeoutMillis = model.DefaultHTTPAPITimeoutMillis
	case t < 50 || t > model.DefaultHTTPAPITimeoutMillis:
		lw.l.diagOnce(ruleHTTPAPI.at(diag.Error, at("timeout_milliseconds"), addr, "Write a "+timeout+" from 50 to 30000.", "%s %d is outside 50–30000", timeout, t))
		ig.TimeoutMillis = min(max(t, 50), model.DefaultHTTPAPITimeoutMillis)
	}
}

// responseMappings reads an aws_apigatewayv2_integration's
// response_parameters blocks (status_code, mappings).
func (in *instance) responseMappings() map[string]map[string]string {
	v := in.get("response_parameters")
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
		return nil
	}
	var out map[string]map[string]string
	for _, b := range elements(v) {
		if !b.Type().IsObjectType() {
			continue
		}
		if out == nil {
			out = map[string]map[string]string{}
		}
		out[ctyString(attrOf(b, "status_code"))] = valMap(attrOf(b, "mappings"))
	}
	return out
}

// checkMappings reports the parameter mappings of an
// aws_apigatewayv2_integration that API Gateway rejects (TF055), at the
// key of request_parameters or of the response_parameters block's
// mappings that holds it.
func (lw *lowering) checkMappings(in *instance, ig *model.Integration) {
	for _, p := range model.HTTPMappingProblems(ig) {
		lw.l.diagOnce(ruleHTTPAPI.at(diag.Error, in.mappingAt(p), in.addr, p.Hint(), "%s", p.String()))
	}
}

// mappingAt is where mapping p is written: its key, else the nearest
// enclosing argument or block.
func (in *instance) mappingAt(p model.MappingProblem) diag.Range {
	keyIn := func(attr *hclsyntax.Attribute, key string) (diag.Range, bool) {
		if attr == nil {
			return diag.Range{}, false
		}
		if obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range obj.Items {
				if k, ds := it.KeyExpr.Value(nil); !ds.HasErrors() && k.Type() == cty.String && k.IsKnown() && !k.IsNull() && k.AsString() == key {
					return toRange(it.KeyExpr.Range()), true
				}
			}
		}
		return toRange(attr.SrcRange), true
	}
	body, ok := in.res.body.(*hclsyntax.Body)
	if !ok {
		return in.argRange("request_parameters")
	}
	if !p.Response {
		if r, ok := keyIn(body.Attributes["request_parameters"], p.Key); ok {
			return r
		}
		return in.argRange("request_parameters")
	}
	for _, b := range body.Blocks {
		if b.Type != "response_parameters" {
			continue
		}
		sc := b.Body.Attributes["status_code"]
		if sc == nil {
			continue
		}
		v, ds := sc.Expr.Value(nil)
		if ds.HasErrors() || !v.IsKnown() || v.IsNull() || ctyString(v) != p.Code {
			continue
		}
		if p.Key == "" {
			return toRange(sc.SrcRange)
		}
		if r, ok := keyIn(b.Body.Attributes["mappings"], p.Key); ok {
			return r
		}
		return toRange(b.DefRange())
	}
	return in.argRange("response_parameters")
}

// argRange is where argument name is written, the resource's declaration
// when it is not.
func (in *instance) argRange(name string) diag.Range {
	if r := in.ranges[name]; !r.Empty() {
		return toRange(r)
	}
	return toRange(in.res.declRange)
}

// addRoute puts route m (its RouteKey set) into api: the $default route,
// or a method on the route's path, built segment by segment. rng is where
// its route key is written.
func (lw *lowering) addRoute(api *model.RestAPI, children map[routeChild]*model.Resource, addr string, m *model.Method, rng diag.Range) {
	verb, path, why := model.ParseRouteKey(m.RouteKey)
	if why != "" {
		lw.l.diagOnce(ruleHTTPAPI.at(diag.Error, rng, addr, "Write the route key as \"$default\" or as \"METHOD /path\", e.g. \"GET /pets/{id}\".", "route key %q is not valid: %s", m.RouteKey, why))
		return
	}
	m.HTTPMethod = verb
	dup := func(prev *model.Method) {
		d := ruleHTTPAPI.at(diag.Error, rng, addr, "Remove one of the two routes.", "route %q is defined twice", m.RouteKey)
		d.Related = append(d.Related, diag.Related{Range: prev.Range, Message: "first defined here"})
		lw.l.diagOnce(d)
	}
	if m.RouteKey == model.RouteKeyDefault {
		if api.DefaultRoute != nil {
			dup(api.DefaultRoute)
			return
		}
		api.DefaultRoute = m
		return
	}
	cur, curPath := api.Root, ""
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg == "" {
			continue
		}
		curPath += "/" + seg
		next := children[routeChild{cur, seg}]
		if next == nil {
			next = &model.Resource{ID: model.StableID(6, "resource", api.LogicalID, curPath), PathPart: seg, Path: curPath, Parent: cur, Range: m.Range, Props: model.Ranges{}}
			api.Resources = append(api.Resources, next)
			children[routeChild{cur, seg}] = next
		}
		cur = next
	}
	for _, prev := range cur.Methods {
		if prev.HTTPMethod == verb {
			dup(prev)
			return
		}
	}
	cur.Methods = append(cur.Methods, m)
}
