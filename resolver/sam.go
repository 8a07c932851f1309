package resolver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// SAM (Transform: AWS::Serverless-2016-10-31) support: the logical ids the
// transform generates are made referable, and the REST APIs it creates —
// AWS::Serverless::Api resources and the implicit ServerlessRestApi of
// functions' Api events — are lowered into the model like any other API.

const samTransform = "AWS::Serverless-2016-10-31"

func (s *stack) isSAM() bool { return slices.Contains(s.transforms, samTransform) }

// samImplied adds placeholder entries for the resources SAM generates, so
// templates that reference them (ServerlessRestApi in Outputs, FnRole …)
// resolve as they do after the transform.
func (s *stack) samImplied() {
	if !s.isSAM() {
		return
	}
	addImplied := func(id, typ string, rng diag.Range, ref ...string) {
		if _, exists := s.res[id]; exists {
			return
		}
		r := &resource{id: id, typ: typ, keyRange: rng, live: true, implied: true}
		if len(ref) > 0 {
			r.attrs = map[string]string{"Ref": ref[0]}
		}
		s.res[id] = r
		s.resOrder = append(s.resOrder, id)
	}
	for _, id := range slices.Clone(s.resOrder) {
		r := s.res[id]
		switch r.typ {
		case "AWS::Serverless::Function":
			if r.props.Get("Role") == nil {
				addImplied(id+"Role", "AWS::IAM::Role", r.keyRange)
			}
			if alias := r.props.Get("AutoPublishAlias").String(); alias != "" {
				addImplied(id+"Alias"+alias, "AWS::Lambda::Alias", r.keyRange)
			}
			for _, ev := range samEvents(r) {
				if ev.typ == "Api" && ev.props.Get("RestApiId") == nil {
					addImplied("ServerlessRestApi", "AWS::Serverless::Api", ev.rng)
					addImplied("ServerlessRestApiProdStage", "AWS::ApiGateway::Stage", ev.rng, "Prod")
				}
				if ev.typ == "HttpApi" && ev.props.Get("ApiId") == nil {
					addImplied("ServerlessHttpApi", "AWS::Serverless::HttpApi", ev.rng)
					addImplied("ServerlessHttpApiApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage", ev.rng, model.StageDefault)
				}
			}
		case "AWS::Serverless::HttpApi":
			// The stage the transform generates (DependsOn may name it,
			// as CloudFormation reads DependsOn after the transform).
			stage := r.props.Get("StageName").String()
			if stage == "" {
				stage = model.StageDefault
			}
			addImplied(samHTTPStageID(id, stage), "AWS::ApiGatewayV2::Stage", r.keyRange, stage)
		case "AWS::Serverless::Api":
			if stage := r.props.Get("StageName").String(); stage != "" {
				addImplied(id+stage+"Stage", "AWS::ApiGateway::Stage", r.keyRange, stage)
			}
			// Auth.UsagePlan (see samAccess).
			prefix := ""
			switch strings.ToUpper(s.samAPISetting(r, "Auth").Get("UsagePlan").Get("CreateUsagePlan").String()) {
			case "PER_API":
				prefix = id
			case "SHARED":
				prefix = "Serverless"
			}
			if prefix != "" {
				addImplied(prefix+"UsagePlan", "AWS::ApiGateway::UsagePlan", r.keyRange)
				addImplied(prefix+"ApiKey", "AWS::ApiGateway::ApiKey", r.keyRange)
				addImplied(prefix+"UsagePlanKey", "AWS::ApiGateway::UsagePlanKey", r.keyRange)
			}
		}
	}
}

type samEvent struct {
	name  string
	typ   string
	props *cfn.Node
	rng   diag.Range
}

func samEvents(r *resource) []samEvent {
	evs := r.props.Get("Events")
	if evs == nil || evs.Kind != cfn.Mapping {
		return nil
	}
	var out []samEvent
	for _, f := range evs.Fields {
		out = append(out, samEvent{name: f.Key, typ: f.Value.Get("Type").String(), props: f.Value.Get("Properties"), rng: f.KeyRange()})
	}
	return out
}

// lowerSAM adds the SAM APIs to the model.
func (l *lowerer) lowerSAM() {
	s := l.s
	if !s.isSAM() {
		return
	}
	var samAPIs []*model.RestAPI
	apiAuth := map[*model.RestAPI]*props{}
	samCors := map[*model.RestAPI]*props{}
	managed := map[*model.RestAPI]bool{}
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Api" {
			continue
		}
		p := l.propsOf(r)
		api := &model.RestAPI{LogicalID: id, ID: r.attrs["Ref"], Name: p.str("Name"), Description: p.str("Description"),
			MinimumCompressionSize: p.integer("MinimumCompressionSize", -1), Range: r.keyRange, Props: p.ranges(), BinaryMediaTypes: l.samBinaryMediaTypes(p)}
		if api.Name == "" {
			api.Name = id
		}
		if ep := p.node.Get("EndpointConfiguration"); ep != nil {
			if ep.Kind == cfn.Scalar {
				api.EndpointTypes = []string{ep.Value}
			} else {
				api.EndpointTypes = p.sub("EndpointConfiguration").list("Type")
			}
		}
		api.Root = &model.Resource{ID: r.attrs["RootResourceId"], Range: r.keyRange}
		api.Resources = []*model.Resource{api.Root}
		l.resByID[api.Root.ID] = api.Root
		l.resAPI[api.Root] = api
		stage := p.str("StageName")
		if r.implied {
			stage = "Prod"
		}
		dep := &model.Deployment{LogicalID: id + "Deployment", ID: model.StableID(6, "deployment", s.stackName, id), Range: r.keyRange}
		api.Deployments = append(api.Deployments, dep)
		tags, propagate := l.samTags(p)
		if propagate {
			api.Tags = tags
		}
		if stage != "" {
			st := &model.Stage{LogicalID: id + stage + "Stage", Name: stage, DeploymentID: dep.ID, Variables: l.samVariables(p),
				TracingEnabled: p.boolean("TracingEnabled"), CacheClusterEnabled: p.boolean("CacheClusterEnabled"), Tags: tags, Range: p.at("StageName", r.keyRange),
				Props: model.Ranges{{Key: "StageName", Range: p.at("StageName", r.keyRange)}}}
			if p.has("CanarySetting") {
				st.Props.Set("CanarySetting", p.at("CanarySetting", r.keyRange))
			}
			st.MethodSettings = l.methodSettings(p)
			st.AccessLogFormat, st.AccessLogDestination = accessLog(l.samSetting(p, "AccessLogSetting"))
			api.Stages = append(api.Stages, st)
		}
		var local *props // DefinitionUri naming a file beside the template
		tried := false   // and a finding says why it was not read
		if uri := p.node.Get("DefinitionUri"); uri != nil && uri.Kind == cfn.Scalar && !p.has("DefinitionBody") && !strings.Contains(uri.Value, "://") {
			local, tried = l.localDefinition(id, uri.Value, p.at("DefinitionUri", r.keyRange)), true
		}
		auth := l.samSetting(p, "Auth")
		bodyAuth := func(m *model.Method, op *props) { l.samDefaultAuth(m, op, auth) }
		loaded := false // the API's own definition, read
		if p.has("DefinitionBody") {
			loaded = l.importOpenAPI(api, id, p.sub("DefinitionBody"), bodyAuth)
		} else if local != nil {
			loaded = l.importOpenAPI(api, id, local, bodyAuth)
		} else if p.has("DefinitionUri") && !tried {
			s.infof(ruleNotServed, p.at("DefinitionUri", r.keyRange), id, "Inline the definition as DefinitionBody to have cfnrun serve it.",
				"%s reads its OpenAPI definition from DefinitionUri, which cfnrun does not load; only function events are served", id)
		}
		l.samModels(api, id, p)
		l.apiByID[api.ID] = api
		l.t.APIs = append(l.t.APIs, api)
		samAPIs = append(samAPIs, api)
		apiAuth[api] = auth
		samCors[api] = l.samSetting(p, "Cors")
		// SAM writes the event routes into the definition it generates
		// (no DefinitionBody / DefinitionUri), or merges them with
		// MergeDefinitions; into a definition of the user's own, never.
		// One cfnrun cannot read (S3, another macro) is served from the
		// events all the same, as the finding about it says.
		managed[api] = r.implied || !loaded || p.boolean("MergeDefinitions")
	}
	// Function events of type Api become AWS_PROXY methods.
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Function" {
			continue
		}
		fnArn := r.attrs["Arn"]
		if alias, ok := r.attrs["Alias"]; ok {
			fnArn = alias // with AutoPublishAlias, SAM's events invoke the alias
		}
		for _, ev := range samEvents(r) {
			if ev.typ != "Api" {
				continue
			}
			ep := l.newProps(id, ev.props)
			apiID := s.res["ServerlessRestApi"].attrsOrEmpty("Ref")
			if ep.has("RestApiId") {
				apiID = ep.str("RestApiId")
				if a := samPlainRestAPI(s, ev.props); a != nil {
					apiID = a.attrs["Ref"]
				}
			}
			api := l.apiByID[apiID]
			if api == nil {
				continue
			}
			path, verb := ep.str("Path"), strings.ToUpper(ep.str("Method"))
			if verb == "" || path == "" {
				continue
			}
			if verb == "ANY" || verb == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
				verb = "ANY"
			}
			if !managed[api] {
				l.unmanaged = append(l.unmanaged, unmanagedEvent{api: api, fn: id, event: ev.name, path: path, verb: verb, rng: ev.rng, sam: slices.Contains(samAPIs, api)})
				continue
			}
			res := l.ensurePath(api, id, path, ev.rng)
			if slices.ContainsFunc(res.Methods, func(m *model.Method) bool { return m.HTTPMethod == verb }) {
				continue
			}
			m := &model.Method{LogicalID: id, HTTPMethod: verb, AuthorizationType: "NONE", Range: ev.rng,
				Props: model.Ranges{{Key: "HttpMethod", Range: ep.at("Method", ev.rng)}},
				Integration: &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", Range: ev.rng,
					URI: fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.partition, s.region, fnArn)}}
			l.samAuth(m, apiAuth[api], ep.sub("Auth"))
			l.samRequestChecks(api, m, ep)
			res.Methods = append(res.Methods, m)
		}
	}
	for _, api := range samAPIs {
		if cors := samCors[api]; cors != nil {
			l.samCORS(api, cors, apiAuth[api])
		}
	}
}

// samModels lowers an AWS::Serverless::Api's Models as the transform writes
// them into its definition (definitions, named in lower case): API
// Gateway models of content type application/json.
func (l *lowerer) samModels(api *model.RestAPI, id string, p *props) {
	ms := p.sub("Models")
	if ms.node == nil || ms.node.Kind != cfn.Mapping {
		return
	}
	for _, f := range ms.node.Fields {
		api.Models = append(api.Models, &model.APIModel{LogicalID: id, Name: strings.ToLower(f.Key), ContentType: "application/json",
			Schema: ms.jsonDoc(f.Key), Range: f.KeyRange()})
	}
}

// samRequestChecks applies an Api event's RequestModel and RequestParameters
// as the transform writes them (eventsources/push.py): the model (named in
// lower case) for application/json bodies; a request validator named
// body-only, params-only, body-and-params or no-validation, shared by the
// API's methods, when ValidateBody or ValidateParameters is written (the
// other then defaults to false; with neither, nothing is validated); and
// the parameters, required or not.
func (l *lowerer) samRequestChecks(api *model.RestAPI, m *model.Method, ep *props) {
	if rm := ep.sub("RequestModel"); rm.node != nil {
		if name := rm.str("Model"); name != "" {
			m.RequestModels = map[string]string{"application/json": strings.ToLower(name)}
			m.Props.Set("RequestModels", rm.at("Model", m.Range))
			if rm.has("ValidateBody") || rm.has("ValidateParameters") {
				body, params := rm.boolean("ValidateBody"), rm.boolean("ValidateParameters")
				name := "no-validation"
				switch {
				case body && params:
					name = "body-and-params"
				case body:
					name = "body-only"
				case params:
					name = "params-only"
				}
				if !slices.ContainsFunc(api.Validators, func(v *model.RequestValidator) bool { return v.ID == name }) {
					api.Validators = append(api.Validators, &model.RequestValidator{LogicalID: name, ID: name, Name: name,
						ValidateRequestBody: body, ValidateRequestParameters: params, Range: rm.node.Range()})
				}
				m.RequestValidatorID = name
			}
		}
	}
	ps := ep.node.Get("RequestParameters")
	if ps == nil || ps.Kind != cfn.Sequence {
		return
	}
	for _, it := range ps.Items {
		switch it.Kind {
		case cfn.Scalar:
			if m.RequestParameters == nil {
				m.RequestParameters = map[string]bool{}
			}
			m.RequestParameters[it.Value] = false
		case cfn.Mapping:
			if len(it.Fields) > 0 {
				if m.RequestParameters == nil {
					m.RequestParameters = map[string]bool{}
				}
				f := it.Fields[0]
				m.RequestParameters[f.Key] = l.newProps(ep.id, f.Value).boolean("Required")
			}
		}
	}
}

// samAuth applies SAM's Auth (the API's defaults, then the event's own) to
// a method: ApiKeyRequired, and the authorizer — AWS_IAM, NONE, or a
// named Lambda / Cognito authorizer.
func (l *lowerer) samAuth(m *model.Method, apiAuth, evAuth *props) {
	for _, a := range []*props{apiAuth, evAuth} {
		if a == nil || a.node == nil {
			continue
		}
		if a.has("ApiKeyRequired") {
			m.APIKeyRequired = a.boolean("ApiKeyRequired")
		}
		key := "Authorizer"
		if a == apiAuth {
			key = "DefaultAuthorizer"
		}
		samAuthorizer(m, a.str(key), apiAuth)
	}
	samScopes(m, apiAuth, evAuth)
}

// samAuthorizer gives m the SAM authorizer name: AWS_IAM, NONE (an event's
// NONE overrides the API's DefaultAuthorizer), or one of the API's
// Auth.Authorizers (samAuthorizers points the name at the authorizer).
func samAuthorizer(m *model.Method, name string, apiAuth *props) {
	switch name {
	case "":
	case "AWS_IAM":
		m.AuthorizationType, m.AuthorizerID = "AWS_IAM", ""
	case "NONE":
		m.AuthorizationType, m.AuthorizerID = "NONE", ""
	default:
		m.AuthorizationType = "CUSTOM"
		if apiAuth != nil && apiAuth.node != nil {
			if az := apiAuth.sub("Authorizers").sub(name); az.node != nil && az.has("UserPoolArn") {
				m.AuthorizationType = "COGNITO_USER_POOLS"
			}
		}
		m.AuthorizerID = name
	}
}

// samDefaultAuth gives a method of a SAM API's definition — an operation of
// its DefinitionBody (op, its security), or the OPTIONS method its Cors adds
// (op nil) — the API's Auth, as the transform does after the events
// (set_path_default_authorizer, set_path_default_apikey_required): only
// methods with an integration; security naming AWS_IAM or one of
// Auth.Authorizers keeps it, NONE keeps none, any other gets
// DefaultAuthorizer, and ApiKeyRequired unless api_key_false. Preflights
// (OPTIONS) get them too unless AddDefaultAuthorizerToCorsPreflight
// (AddApiKeyRequiredToCorsPreflight) is false: a browser's preflight carries
// no token, so on AWS it then answers 401.
func (l *lowerer) samDefaultAuth(m *model.Method, op, apiAuth *props) {
	if apiAuth == nil || apiAuth.node == nil || m.Integration == nil {
		return
	}
	named, none, keyFalse := "", false, false
	if op != nil {
		if sec := op.node.Get("security"); sec != nil && sec.Kind == cfn.Sequence {
			for _, it := range sec.Items {
				for _, f := range it.Fields {
					switch {
					case f.Key == "NONE":
						none = true
					case f.Key == "api_key_false":
						keyFalse = true
					case named == "" && (f.Key == "AWS_IAM" || apiAuth.node.Get("Authorizers").Get(f.Key) != nil):
						named = f.Key
					}
				}
			}
		}
	}
	preflight := m.HTTPMethod == "OPTIONS"
	off := func(key string) bool { return preflight && apiAuth.has(key) && !apiAuth.boolean(key) }
	switch {
	case named != "":
		samAuthorizer(m, named, apiAuth)
		samScopes(m, apiAuth, nil)
	case none || m.AuthorizationType != "NONE" || off("AddDefaultAuthorizerToCorsPreflight"):
		// NONE, or an authorizer of the definition's own securityDefinitions.
	case apiAuth.node.Get("Authorizers") != nil || apiAuth.str("DefaultAuthorizer") == "AWS_IAM":
		samAuthorizer(m, apiAuth.str("DefaultAuthorizer"), apiAuth)
		samScopes(m, apiAuth, nil)
	}
	switch {
	case keyFalse:
		m.APIKeyRequired = false // SAM's marker, not a key scheme
	case apiAuth.has("ApiKeyRequired") && apiAuth.boolean("ApiKeyRequired") && !off("AddApiKeyRequiredToCorsPreflight"):
		m.APIKeyRequired = true
	}
}

// samScopes sets a Cognito method's OAuth scopes: the authorizer's
// AuthorizationScopes, unless the event sets its own.
func samScopes(m *model.Method, apiAuth, evAuth *props) {
	m.AuthorizationScopes = nil
	if m.AuthorizationType == "COGNITO_USER_POOLS" && apiAuth != nil && apiAuth.node != nil {
		if az := apiAuth.sub("Authorizers").sub(m.AuthorizerID); az.node != nil && az.has("AuthorizationScopes") {
			m.AuthorizationScopes = az.list("AuthorizationScopes")
		}
	}
	if m.AuthorizationType == "COGNITO_USER_POOLS" && evAuth != nil && evAuth.node != nil && evAuth.has("AuthorizationScopes") {
		m.AuthorizationScopes = evAuth.list("AuthorizationScopes")
	}
}

// samCORS adds the OPTIONS method SAM generates on every path of an API
// whose Cors is set: a MOCK integration answering 200 with the
// Access-Control-* headers.
func (l *lowerer) samCORS(api *model.RestAPI, cors, apiAuth *props) {
	origin, headers, methods, maxAge, creds := "", "", "", "", false
	if cors.node.Kind == cfn.Scalar {
		origin = cors.node.Value
		l.checkCorsLiteral(cors.id, "Cors", origin, cors.node.Range())
	} else {
		origin, headers, methods, maxAge = cors.str("AllowOrigin"), cors.str("AllowHeaders"), cors.str("AllowMethods"), cors.str("MaxAge")
		for key, v := range map[string]string{"AllowOrigin": origin, "AllowHeaders": headers, "AllowMethods": methods, "MaxAge": maxAge} {
			l.checkCorsLiteral(cors.id, key, v, cors.at(key, cors.node.Range()))
		}
		// SAM reads AllowCredentials as a boolean; a string such as
		// "'true'" (quoted like the other Cors values) is dropped by the
		// transform without a word, and the header is never sent.
		switch v := cors.str("AllowCredentials"); strings.ToLower(v) {
		case "", "false":
		case "true":
			creds = true
		default:
			l.s.warnf(ruleSAMCors, cors.at("AllowCredentials", cors.node.Range()), cors.id, "Write AllowCredentials: true, a boolean without quotes; unlike the other Cors values it is not a header value.",
				"AllowCredentials %q is not a boolean: SAM drops it and Access-Control-Allow-Credentials is not sent", v)
		}
	}
	for _, res := range api.Resources {
		if len(res.Methods) == 0 || slices.ContainsFunc(res.Methods, func(m *model.Method) bool { return m.HTTPMethod == "OPTIONS" }) {
			continue
		}
		allow := methods
		if allow == "" {
			var verbs []string
			for _, m := range res.Methods {
				if m.HTTPMethod == "ANY" {
					verbs = append(verbs, "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
				} else {
					verbs = append(verbs, m.HTTPMethod)
				}
			}
			verbs = append(verbs, "OPTIONS")
			slices.Sort(verbs)
			allow = "'" + strings.Join(slices.Compact(verbs), ",") + "'"
		}
		params := map[string]string{"method.response.header.Access-Control-Allow-Origin": origin, "method.response.header.Access-Control-Allow-Methods": allow}
		if headers != "" {
			params["method.response.header.Access-Control-Allow-Headers"] = headers
		}
		if maxAge != "" {
			params["method.response.header.Access-Control-Max-Age"] = maxAge
		}
		if creds {
			params["method.response.header.Access-Control-Allow-Credentials"] = "'true'"
		}
		declared := map[string]bool{}
		for k := range params {
			declared[k] = false
		}
		m := &model.Method{LogicalID: api.LogicalID, HTTPMethod: "OPTIONS", AuthorizationType: "NONE", Range: cors.node.Range(),
			MethodResponses: []model.MethodResponse{{StatusCode: "200", ResponseParameters: declared, Range: cors.node.Range()}},
			Integration: &model.Integration{Type: model.IntegrationMock, Range: cors.node.Range(),
				RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
				Responses:        []model.IntegrationResponse{{StatusCode: "200", ResponseParameters: params, ResponseTemplates: map[string]string{"application/json": ""}, Range: cors.node.Range()}}}}
		l.samDefaultAuth(m, nil, apiAuth)
		res.Methods = append(res.Methods, m)
	}
}

func (r *resource) attrsOrEmpty(key string) string {
	if r == nil || r.attrs == nil {
		return ""
	}
	return r.attrs[key]
}

// samAPISetting is the node of an AWS::Serverless::Api property, falling
// back to Globals.Api; nil when neither sets it.
func (s *stack) samAPISetting(r *resource, key string) *cfn.Node {
	if n := r.props.Get(key); n != nil {
		return n
	}
	return s.root.Get("Globals").Get("Api").Get(key)
}

// samTags are a SAM Api's Tags, which the transform puts on its stage:
// Globals' Api Tags merged with the API's own (a map property: the API's
// keys win). propagate is PropagateTags (the API's, or Globals'): the
// transform then tags the RestApi too. Its type is the schema check's to
// report.
func (l *lowerer) samTags(p *props) (tags model.Tags, propagate bool) {
	g := l.bareProps(p.id, l.s.root.Get("Globals").Get("Api"))
	if g.has("Tags") {
		tags = g.tags("Tags")
	}
	for k, v := range p.tags("Tags") {
		if tags == nil {
			tags = model.Tags{}
		}
		tags[k] = v
	}
	pt := g
	if p.has("PropagateTags") {
		pt = p
	}
	return tags, strings.EqualFold(pt.str("PropagateTags"), "true")
}

// samSetting reads an AWS::Serverless::Api property, falling back to
// Globals.Api, as the SAM transform does; nil when neither sets it.
func (l *lowerer) samSetting(p *props, key string) *props {
	if p.has(key) {
		return p.sub(key)
	}
	g := l.bareProps("", l.s.root.Get("Globals").Get("Api"))
	if g.node != nil && g.has(key) {
		return g.sub(key)
	}
	return nil
}

var ruleSAMCors = define(Rule{ID: "W3226", Level: "warning",
	Summary: "SAM Cors value the transform drops or that is not one quoted literal (AllowCredentials as a string, an origin such as \"'*''\")",
	Why: "SAM drops a non-boolean AllowCredentials silently (the header is never sent), and puts AllowOrigin, " +
		"AllowHeaders, AllowMethods and MaxAge into response parameter mappings, where only one single-quoted " +
		"literal ('*') is a static value."})

// checkCorsLiteral warns when a SAM Cors header value is not one
// single-quoted literal, the only form API Gateway maps as a static value.
func (l *lowerer) checkCorsLiteral(res, key, v string, rng diag.Range) {
	if v == "" || len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' && !strings.Contains(v[1:len(v)-1], "'") {
		return
	}
	l.s.warnf(ruleSAMCors, rng, res, fmt.Sprintf("Write the value as one quoted literal inside the YAML string, e.g. %s: \"'*'\" (SAM passes it to API Gateway as a mapping value).", key),
		"Cors %s %q is not one single-quoted literal; API Gateway reads it as a mapping expression, not as the header value", key, v)
}

// unmanagedEvent is a function's Api event on an API whose definition SAM
// does not write: a SAM Api with a DefinitionBody or DefinitionUri of its
// own (and no MergeDefinitions), or an AWS::ApiGateway::RestApi.
type unmanagedEvent struct {
	api        *model.RestAPI
	fn, event  string
	path, verb string
	rng        diag.Range
	sam        bool // the API is an AWS::Serverless::Api
}

var ruleSAMEventNotAdded = define(Rule{ID: "W3228", Level: "warning",
	Summary: "SAM Api event whose route the API's own definition (DefinitionBody, DefinitionUri, or an AWS::ApiGateway::RestApi) does not have",
	Why: "The transform adds an event's path and method only to a definition it writes itself (or with MergeDefinitions: true); " +
		"to a DefinitionBody of the user's, or an AWS::ApiGateway::RestApi, it adds the permission and nothing else, so the route " +
		"does not exist on AWS (403 Missing Authentication Token). sam local start-api serves it all the same."})

// checkUnmanagedEvents reports the Api events whose route the API's own
// definition lacks, once the definitions and the declared methods are
// lowered; such routes are not served, as on AWS.
func (l *lowerer) checkUnmanagedEvents() {
	for _, ev := range l.unmanaged {
		want := "/" + strings.Trim(ev.path, "/")
		found := false
		for _, r := range ev.api.Resources {
			if resourcePath(r) != want {
				continue
			}
			found = slices.ContainsFunc(r.Methods, func(m *model.Method) bool { return m.HTTPMethod == ev.verb || m.HTTPMethod == "ANY" })
			break
		}
		if found {
			continue
		}
		hint := "Add the path and method to the DefinitionBody with its x-amazon-apigateway-integration, or set MergeDefinitions: true on " + ev.api.LogicalID + "."
		if !ev.sam {
			hint = "Add an AWS::ApiGateway::Method for it to " + ev.api.LogicalID + ": an Api event adds no method to an AWS::ApiGateway::RestApi."
		}
		l.s.warnf(ruleSAMEventNotAdded, ev.rng, ev.fn, hint,
			"event %s of %s: %s %s is not in %s's definition, and SAM does not add it there: the route does not exist on AWS", ev.event, ev.fn, ev.verb, want, ev.api.LogicalID)
	}
}

// resourcePath is a resource's full path, from its parents' path parts.
func resourcePath(r *model.Resource) string {
	var parts []string
	for ; r != nil && r.Parent != nil; r = r.Parent {
		parts = append(parts, r.PathPart)
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}
