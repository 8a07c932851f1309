package resolver

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// SAM HTTP APIs: AWS::Serverless::HttpApi and functions' HttpApi events
// (the implicit ServerlessHttpApi when no ApiId), lowered as the SAM
// transform writes them (samtranslator: HttpApiGenerator, the HttpApi
// event source, ImplicitHttpApiPlugin): a stage named StageName, or
// "$default" (logical id {Api}ApiGatewayDefaultStage); an event without
// Path and Method is the $default route; an event's integration is
// AWS_PROXY, POST, payload format 2.0 unless PayloadFormatVersion says
// otherwise; events join a definition the transform writes or a
// DefinitionBody (never a DefinitionUri's); Auth's DefaultAuthorizer
// applies to every route an event's Auth does not override.

// samHTTPAPI is a SAM HTTP API while its events are added.
type samHTTPAPI struct {
	api  *model.RestAPI
	auth *props
	// events join the API's definition: it has none of its own, or a
	// DefinitionBody.
	events bool
}

// samHTTPSetting reads an AWS::Serverless::HttpApi property, falling back
// to Globals.HttpApi; nil when neither sets it.
func (l *lowerer) samHTTPSetting(p *props, key string) *props {
	if p.has(key) {
		return p.sub(key)
	}
	g := l.bareProps(p.id, l.s.root.Get("Globals").Get("HttpApi"))
	if g.node != nil && g.has(key) {
		return g.sub(key)
	}
	return nil
}

// samHTTPStageID is the logical id of the stage the transform generates.
func samHTTPStageID(api, stage string) string {
	switch {
	case stage == model.StageDefault:
		return api + "ApiGatewayDefaultStage"
	case isAlnum(stage):
		return api + stage + "Stage"
	}
	return api + "Stage"
}

func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// lowerSAMHTTP lowers the SAM HTTP APIs and the functions' HttpApi events.
func (l *lowerer) lowerSAMHTTP(byID map[string]*model.RestAPI) {
	s := l.s
	apis := map[string]*samHTTPAPI{}
	var order []*samHTTPAPI
	for _, r := range l.live("AWS::Serverless::HttpApi") {
		p := l.propsOf(r)
		api := l.newHTTPAPI(r.id, r.attrs["Ref"], r.keyRange, p)
		api.Name = cmp.Or(p.str("Name"), r.id)
		api.Description = p.str("Description")
		if d := l.samHTTPSetting(p, "DisableExecuteApiEndpoint"); d != nil {
			api.DisableExecuteAPIEndpoint = d.l.s.evalString(d.node, evalCtx{resource: r.id}) == "true"
		}
		stage := cmp.Or(p.str("StageName"), model.StageDefault)
		st := &model.Stage{LogicalID: samHTTPStageID(r.id, stage), Name: stage, Range: p.at("StageName", r.keyRange), Props: model.Ranges{{Key: "StageName", Range: p.at("StageName", r.keyRange)}}}
		if p.has("StageVariables") {
			st.Variables = p.strMap("StageVariables")
		} else {
			st.Variables = l.bareProps(r.id, l.s.root.Get("Globals").Get("HttpApi")).strMap("StageVariables")
		}
		st.MethodSettings = l.routeSettings(l.samHTTPSetting(p, "DefaultRouteSettings"), l.samHTTPSetting(p, "RouteSettings"))
		st.AccessLogFormat, st.AccessLogDestination = accessLog(l.samHTTPSetting(p, "AccessLogSettings"))
		api.Stages = append(api.Stages, st)
		if c := l.samHTTPSetting(p, "CorsConfiguration"); c != nil {
			api.CORS = l.samHTTPCORS(c)
		}
		h := &samHTTPAPI{api: api, auth: l.samHTTPSetting(p, "Auth"), events: !p.has("DefinitionUri")}
		if p.has("DefinitionBody") {
			if l.importOpenAPI(api, r.id, p.sub("DefinitionBody"), nil) && api.CORS == nil {
				api.CORS = l.bodyCORS(p.sub("DefinitionBody"))
			}
		} else if uri := p.node.Get("DefinitionUri"); uri != nil {
			if uri.Kind == cfn.Scalar && !strings.Contains(uri.Value, "://") {
				if doc := l.localDefinition(r.id, uri.Value, p.at("DefinitionUri", r.keyRange)); doc != nil {
					l.importOpenAPI(api, r.id, doc, nil)
				}
			} else {
				l.s.infof(ruleNotServed, p.at("DefinitionUri", r.keyRange), r.id, "Inline the definition as DefinitionBody (or keep the file beside the template) to have cfnrun serve it.",
					"%s reads its OpenAPI definition from DefinitionUri in S3, which cfnrun does not load; no routes are served from it", r.id)
			}
		}
		l.samHTTPAuthorizers(h)
		apis[api.ID] = h
		order = append(order, h)
		byID[api.ID] = api
		l.apiByID[api.ID] = api
		l.t.APIs = append(l.t.APIs, api)
	}
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Function" {
			continue
		}
		fnArn := r.attrs["Arn"]
		if alias, ok := r.attrs["Alias"]; ok {
			fnArn = alias
		}
		for _, ev := range samEvents(r) {
			if ev.typ != "HttpApi" {
				continue
			}
			ep := l.newProps(id, ev.props)
			apiID := s.res["ServerlessHttpApi"].attrsOrEmpty("Ref")
			if ep.has("ApiId") {
				apiID = ep.str("ApiId")
			}
			h := apis[apiID]
			if h == nil || !h.events {
				continue
			}
			key := samHTTPRouteKey(ep)
			if _, exists := httpRoute(h.api, key); exists {
				continue // the definition has it: the transform adds nothing
			}
			in := &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", PayloadFormatVersion: cmp.Or(ep.str("PayloadFormatVersion"), "2.0"),
				TimeoutMillis: ep.integer("TimeoutInMillis", 0), Range: ev.rng,
				URI:   fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.partition, s.region, fnArn),
				Props: model.Ranges{{Key: "PayloadFormatVersion", Range: ep.at("PayloadFormatVersion", ev.rng)}, {Key: "TimeoutInMillis", Range: ep.at("TimeoutInMillis", ev.rng)}}}
			l.httpIntegration(in, id, false)
			m := &model.Method{LogicalID: id, RouteKey: key, AuthorizationType: "NONE", Integration: in, Range: ev.rng,
				Props: model.Ranges{{Key: "RouteKey", Range: ep.at("Path", ev.rng)}}}
			l.samHTTPAuth(h, m, ep.sub("Auth"))
			l.addHTTPRoute(h.api, id, m, ep.at("Path", ev.rng))
		}
	}
	// The DefaultAuthorizer joins the definition's own operations too
	// (set_path_default_authorizer), unless they name security of their own.
	for _, h := range order {
		if h.auth == nil || h.auth.str("DefaultAuthorizer") == "" {
			continue
		}
		forEachRoute(h.api, func(m *model.Method) {
			if m.LogicalID == h.api.LogicalID && m.AuthorizationType == "NONE" {
				l.samHTTPAuth(h, m, nil)
			}
		})
	}
}

// samHTTPRouteKey is an HttpApi event's route key: "$default" without
// Path and Method, else "METHOD /path".
func samHTTPRouteKey(ep *props) string {
	path, verb := ep.str("Path"), strings.ToUpper(ep.str("Method"))
	if path == "" && verb == "" {
		return model.RouteKeyDefault
	}
	if verb == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
		verb = "ANY"
	}
	if path == model.RouteKeyDefault && verb == "ANY" {
		return model.RouteKeyDefault
	}
	return verb + " " + path
}

// httpRoute finds the route of key in api.
func httpRoute(api *model.RestAPI, key string) (*model.Method, bool) {
	if key == model.RouteKeyDefault {
		return api.DefaultRoute, api.DefaultRoute != nil
	}
	var found *model.Method
	forEachRoute(api, func(m *model.Method) {
		if m.RouteKey == key {
			found = m
		}
	})
	return found, found != nil
}

func forEachRoute(api *model.RestAPI, f func(m *model.Method)) {
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			f(m)
		}
	}
	if api.DefaultRoute != nil {
		f(api.DefaultRoute)
	}
}

// samHTTPCORS reads a SAM HttpApi's CorsConfiguration: true (every
// origin), an origin list from an intrinsic, or the CORS object.
func (l *lowerer) samHTTPCORS(c *props) *model.CORSConfig {
	if c.node.Kind == cfn.Mapping {
		if _, _, fn := c.node.Intrinsic(false); !fn {
			return l.httpCORS(c)
		}
	}
	v := l.s.evalString(c.node, evalCtx{resource: c.id})
	switch strings.ToLower(v) {
	case "false", "":
		return nil
	case "true":
		v = "*"
	}
	return &model.CORSConfig{AllowOrigins: []string{strings.Trim(v, "'")}, MaxAge: -1, Range: c.node.Range()}
}

// samHTTPAuthorizers lowers a SAM HttpApi's Auth.Authorizers: JWT
// (JwtConfiguration) and Lambda (FunctionArn) authorizers, named as
// written; EnableFunctionDefaultPermissions adds SAM's permission.
func (l *lowerer) samHTTPAuthorizers(h *samHTTPAPI) {
	if h.auth == nil || h.auth.node == nil {
		return
	}
	azs := h.auth.node.Get("Authorizers")
	if azs == nil || azs.Kind != cfn.Mapping {
		return
	}
	s := l.s
	for _, f := range azs.Fields {
		az := l.newProps(h.auth.id, f.Value)
		a := &model.Authorizer{LogicalID: h.api.LogicalID, ID: f.Key, Name: f.Key, Range: f.KeyRange(), Props: az.ranges()}
		if jwt := az.sub("JwtConfiguration"); jwt.node != nil {
			a.Type = "JWT"
			a.JWTIssuer = cmp.Or(jwt.str("issuer"), jwt.str("Issuer"))
			a.JWTAudience = jwt.list("audience")
			if a.JWTAudience == nil {
				a.JWTAudience = jwt.list("Audience")
			}
			a.IdentitySource = cmp.Or(az.str("IdentitySource"), "$request.header.Authorization")
		} else if az.has("FunctionArn") {
			fnArn := az.str("FunctionArn")
			a.Type = "REQUEST"
			a.AuthorizerURI = fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.partition, s.region, fnArn)
			a.PayloadFormatVersion = az.str("AuthorizerPayloadFormatVersion")
			a.SimpleResponses = az.boolean("EnableSimpleResponses")
			if role := az.str("FunctionInvokeRole"); role != "NONE" {
				a.Credentials = role
			}
			id := az.sub("Identity")
			a.ResultTTLSeconds = id.integer("ReauthorizeEvery", 0)
			var src []string
			for _, k := range []struct{ prefix, key string }{{"$request.header.", "Headers"}, {"$request.querystring.", "QueryStrings"},
				{"$stageVariables.", "StageVariables"}, {"$context.", "Context"}} {
				for _, v := range id.list(k.key) {
					src = append(src, k.prefix+v)
				}
			}
			a.IdentitySource = strings.Join(src, ",")
			l.checkAuthorizerFormat(a, h.api.LogicalID)
			if az.boolean("EnableFunctionDefaultPermissions") {
				l.samAuthorizerPermission(h.api, h.api.LogicalID, f.Key, fnArn, f.KeyRange())
			}
		} else {
			continue
		}
		h.api.Authorizers = append(h.api.Authorizers, a)
	}
}

// samHTTPAuth gives a route SAM's authorizer: the event's Auth.Authorizer,
// or the API's DefaultAuthorizer; NONE and AWS_IAM (EnableIamAuthorizer)
// as named. A JWT route's scopes are the event's AuthorizationScopes, or
// the authorizer's.
func (l *lowerer) samHTTPAuth(h *samHTTPAPI, m *model.Method, evAuth *props) {
	name := ""
	if h.auth != nil {
		name = h.auth.str("DefaultAuthorizer")
	}
	if evAuth != nil && evAuth.node != nil && evAuth.has("Authorizer") {
		name = evAuth.str("Authorizer")
	}
	switch name {
	case "", "NONE":
		return
	case "AWS_IAM":
		m.AuthorizationType = "AWS_IAM"
		return
	}
	for _, a := range h.api.Authorizers {
		if a.ID != name {
			continue
		}
		m.AuthorizerID = a.ID
		m.AuthorizationType = "CUSTOM"
		if a.Type == "JWT" {
			m.AuthorizationType = "JWT"
			if evAuth != nil && evAuth.node != nil && evAuth.has("AuthorizationScopes") {
				m.AuthorizationScopes = evAuth.list("AuthorizationScopes")
			} else if az := h.auth.sub("Authorizers").sub(name); az.has("AuthorizationScopes") {
				m.AuthorizationScopes = az.list("AuthorizationScopes")
			}
		}
		return
	}
}

// samHTTPPermission is the AWS::Lambda::Permission the transform generates
// for an HttpApi event: {Fn}{Event}Permission, every stage, the route's
// method (* for ANY) and path as written ("" for $default). An event after
// one that made the function the API's $default route gets none: that
// permission (*/*) covers it (the transform's
// is_integration_function_logical_id_match).
func (l *lowerer) samHTTPPermission(r *resource, fn *model.Function, ev samEvent, qualifier string, httpDefault map[string]bool) {
	s := l.s
	ep := l.bareProps(r.id, ev.props)
	apiID := s.res["ServerlessHttpApi"].attrsOrEmpty("Ref")
	if ep.has("ApiId") {
		apiID = ep.str("ApiId")
	}
	path, verb := ep.str("Path"), strings.ToLower(ep.str("Method"))
	if path == "" && verb == "" {
		path, verb = model.RouteKeyDefault, "x-amazon-apigateway-any-method"
	}
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		path = path[:len(path)-1] // API Gateway drops it (SAM's ^(.+)/$)
	}
	if path == model.RouteKeyDefault {
		path = ""
		if verb == "any" || verb == "x-amazon-apigateway-any-method" {
			defer func() { httpDefault[apiID] = true }()
		}
	} else if httpDefault[apiID] {
		return
	}
	method := strings.ToUpper(verb)
	if verb == "any" || verb == "x-amazon-apigateway-any-method" {
		method = "*"
	}
	var segs []string // path variables as * (get_path_without_trailing_slash)
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			seg = "*"
		}
		segs = append(segs, seg)
	}
	path = strings.Join(segs, "/")
	resource := "/" + method + path
	if verb == "any" && path == "/"+model.RouteKeyDefault {
		resource = path
	}
	fn.Permissions = append(fn.Permissions, model.Permission{LogicalID: r.id + ev.name + "Permission", Action: "lambda:InvokeFunction",
		Principal: "apigateway.amazonaws.com", Qualifier: qualifier, Generated: true, Range: ev.rng,
		SourceArn: fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/*%s", s.partition, s.region, s.account, apiID, resource)})
}
