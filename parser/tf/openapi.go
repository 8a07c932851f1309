package tf

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"gopkg.in/yaml.v3"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/openapi"
)

var ruleBody = newRule("TF053", sevWarning,
	"REST or HTTP API `body` that is not JSON or YAML",
	"cfnrun serves no routes from it.")

// importBody adds the routes of a REST API's body (an OpenAPI 3 or
// Swagger 2 document with API Gateway's x-amazon-apigateway-* extensions,
// JSON or YAML) to the API, as API Gateway's import does. Many Terraform
// configurations define their whole API this way.
func (lw *lowering) importBody(api *model.RestAPI, in *instance) {
	if imp := lw.readBody(api, in); imp != nil {
		imp.run()
	}
}

// readBody decodes the instance's body attribute (text known after apply
// rendered by partialBody) into an import into api; nil, after the finding
// that says why when there is something to say, when it holds no document.
func (lw *lowering) readBody(api *model.RestAPI, in *instance) *openAPIImport {
	body := in.str("body")
	if body == "" && in.unknown("body") {
		if body = in.partialBody(); body == "" {
			lw.pending(in, "body", "cfnrun serves no routes from it")
			return nil
		}
	}
	if strings.TrimSpace(body) == "" {
		return nil
	}
	rng := toRange(in.ranges["body"])
	doc, err := decodeDocument(body)
	if err != nil {
		lw.l.diagOnce(ruleBody.at(diag.Warning, rng, in.addr, "Check the document (jsonencode({...}), file(\"openapi.json\") or a YAML file); cfnrun serves no routes from it.", "body is not a JSON or YAML document: %s", err))
		return nil
	}
	root, ok := doc.(map[string]any)
	if !ok {
		lw.l.diagOnce(ruleBody.at(diag.Warning, rng, in.addr, "The body must be an OpenAPI 3 or Swagger 2 object.", "body is not an OpenAPI document"))
		return nil
	}
	where, why := lw.bodyWhere(in, body)
	if where == nil {
		lw.t.Unplaced = append(lw.t.Unplaced, model.Unplaced{Range: rng, Why: "cfnrun knows where the body attribute is, not the place inside it: " + why + "."})
	}
	return &openAPIImport{api: api, root: root, rng: rng, lw: lw, in: in, doc: &openapi.Doc{Root: root, Fallback: rng, Where: where}}
}

// partialBody renders a body known only after apply — jsonencode({...})
// whose integration URIs interpolate the ARN of a function named with a
// random_uuid, as aws-sam-cli's Terraform start-api test data does — as
// Terraform would after apply, with each string known only after apply
// written as the text it stands for ("${aws_lambda_function.x.arn}"),
// which linkPendingFunctions then links like any other reference. It is ""
// when the body is not jsonencode of constructors whose unknown parts are
// strings (or when the API has several instances).
func (in *instance) partialBody() string {
	e, ok := unwrapExpr(in.exprs["body"]).(*hclsyntax.FunctionCallExpr)
	if !ok || e.Name != "jsonencode" || len(e.Args) != 1 || in.key != cty.NilVal {
		return ""
	}
	v, ok := in.mi.partialValue(e.Args[0], in.mi.instanceCtx(in.res, nil), 0)
	if !ok {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// partialValue is the JSON value of expr, with an unknown string as the
// text it stands for; ok is false for an unknown of another type.
func (mi *modInst) partialValue(expr hclsyntax.Expression, ctx *hcl.EvalContext, depth int) (_ any, ok bool) {
	if depth > 64 {
		return nil, false
	}

	expr, _ = unwrapExpr(expr).(hclsyntax.Expression)
	if expr == nil {
		return nil, false
	}
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		// local.NAME stands for the local's expression, whose unknown
		// strings are then written as the text they stand for.
		if name, ok := attrStep(e.Traversal, 1); ok && len(e.Traversal) == 2 && e.Traversal.RootName() == "local" {
			if a := mi.m.locals[name]; a != nil {
				if x, ok := unwrapExpr(a.Expr).(hclsyntax.Expression); ok {
					if v, ds := e.Value(ctx); !ds.HasErrors() && !v.IsWhollyKnown() {
						return mi.partialValue(x, mi.ctxFor(x, nil), depth+1)
					}
				}
			}
		}
	case *hclsyntax.ObjectConsExpr:
		m := make(map[string]any, len(e.Items))
		for _, item := range e.Items {
			k, ds := item.KeyExpr.Value(ctx)
			if ds.HasErrors() || !k.IsKnown() || k.IsNull() {
				return nil, false
			}
			ks, err := convert.Convert(k, cty.String)
			if err != nil {
				return nil, false
			}
			if m[ks.AsString()], ok = mi.partialValue(item.ValueExpr, ctx, depth+1); !ok {
				return nil, false
			}
		}
		return m, true
	case *hclsyntax.TupleConsExpr:
		l := make([]any, len(e.Exprs))
		for i, x := range e.Exprs {
			if l[i], ok = mi.partialValue(x, ctx, depth+1); !ok {
				return nil, false
			}
		}
		return l, true
	}
	v, ds := expr.Value(ctx)
	switch {
	case ds.HasErrors():
		return nil, false
	case v.IsWhollyKnown():
		b, err := ctyjson.Marshal(v, v.Type())
		var out any
		if err != nil || json.Unmarshal(b, &out) != nil {
			return nil, false
		}
		return out, true
	case v.Type() == cty.String || v.Type() == cty.DynamicPseudoType:
		return mi.unknownString(expr, ctx), true
	}
	return nil, false
}

// unwrapExpr removes the wrappers evaluation puts around expressions
// (chargedExpr, for the evaluation budget).
func unwrapExpr(e hcl.Expression) hcl.Expression {
	for e != nil {
		u, ok := e.(interface{ UnwrapExpression() hcl.Expression })
		if !ok {
			break
		}
		e = u.UnwrapExpression()
	}
	return e
}

func decodeDocument(s string) (any, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		return v, nil
	}
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return normalizeYAML(v), nil
}

// normalizeYAML turns yaml.v3's map[any]any (non-string keys) into
// map[string]any.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	}
	return v
}

type openAPIImport struct {
	lw   *lowering
	in   *instance
	api  *model.RestAPI
	root map[string]any
	rng  diag.Range
	// doc is the document for internal/openapi's walk, oa that walk.
	doc *openapi.Doc
	oa  *openapi.Import
	// auths are the Lambda and Cognito authorizers the document's
	// security schemes declare, by scheme name.
	auths map[string]*model.Authorizer
	// validator is the request validator of operations that name none.
	validator string
}

var openAPIVerbs = map[string]string{"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "x-amazon-apigateway-any-method": "ANY"}

func (o *openAPIImport) run() {
	o.authorizers()
	o.validator = o.validation()
	paths, _ := o.root["paths"].(map[string]any)
	if v, ok := o.root["x-amazon-apigateway-binary-media-types"].([]any); ok && len(o.api.BinaryMediaTypes) == 0 {
		for _, t := range v {
			o.api.BinaryMediaTypes = append(o.api.BinaryMediaTypes, str(t))
		}
	}
	if s := str(o.root["x-amazon-apigateway-api-key-source"]); s != "" && o.api.APIKeySource == "" {
		o.api.APIKeySource = s
	}
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[p].(map[string]any)
		if item == nil {
			continue
		}
		res := o.resourceFor(p, o.at("paths", p))
		shared := params(item["parameters"])
		for _, k := range slices.Sorted(maps.Keys(item)) {
			verb, ok := openAPIVerbs[strings.ToLower(k)]
			if !ok {
				continue
			}
			op, _ := item[k].(map[string]any)
			if op == nil {
				continue
			}
			o.method(res, verb, op, shared, o.doc.Node().Get("paths").Get(p).Get(k).(openapi.Value))
		}
	}
}

// resourceFor returns the resource for path p, creating it and its
// ancestors as needed (reusing ones declared as aws_api_gateway_resource).
func (o *openAPIImport) resourceFor(p string, rng diag.Range) *model.Resource {
	cur := o.api.Root
	path := ""
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part == "" {
			continue
		}
		path += "/" + part
		var next *model.Resource
		for _, r := range o.api.Resources {
			if r.Parent == cur && r.PathPart == part {
				next = r
				break
			}
		}
		if next == nil {
			next = &model.Resource{LogicalID: o.api.LogicalID + ".body" + path, ID: model.StableID(6, "resource", o.api.LogicalID, path),
				PathPart: part, Parent: cur, Range: rng, Props: model.Ranges{}}
			o.api.Resources = append(o.api.Resources, next)
			o.lw.resByID[next.ID] = next
			o.lw.resAPI[next] = o.api
		}
		cur = next
	}
	return cur
}

func params(v any) map[string]bool {
	list, _ := v.([]any)
	out := map[string]bool{}
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m == nil {
			continue
		}
		loc := map[string]string{"path": "path", "query": "querystring", "header": "header"}[str(m["in"])]
		if loc == "" || str(m["name"]) == "" {
			continue
		}
		req, _ := m["required"].(bool)
		out["method.request."+loc+"."+str(m["name"])] = req || loc == "path"
	}
	return out
}

func (o *openAPIImport) method(res *model.Resource, verb string, op map[string]any, shared map[string]bool, opNode openapi.Value) {
	for _, m := range res.Methods {
		if m.HTTPMethod == verb {
			return // declared as aws_api_gateway_method too; that one wins
		}
	}
	m := &model.Method{LogicalID: o.api.LogicalID + ".body " + verb + " " + pathOfRes(res), HTTPMethod: verb, AuthorizationType: "NONE",
		OperationName: str(op["operationId"]), Range: o.at(opNode.Path()...), Props: model.Ranges{}}
	rp := map[string]bool{}
	for k, v := range shared {
		rp[k] = v
	}
	for k, v := range params(op["parameters"]) {
		rp[k] = v
	}
	if len(rp) > 0 {
		m.RequestParameters = rp
	}
	m.RequestValidatorID = cmp.Or(str(op["x-amazon-apigateway-request-validator"]), o.validator)
	m.RequestModels = o.requestModels(opNode, pathOfRes(res), verb)
	o.security(m, op)
	if rs, ok := op["responses"].(map[string]any); ok {
		for _, code := range slices.Sorted(maps.Keys(rs)) {
			if _, err := strconv.Atoi(code); err != nil {
				continue
			}
			mr := model.MethodResponse{StatusCode: code, Range: o.at(append(slices.Clip(opNode.Path()), "responses", code)...)}
			if r, ok := rs[code].(map[string]any); ok {
				if hs, ok := r["headers"].(map[string]any); ok && len(hs) > 0 {
					mr.ResponseParameters = map[string]bool{}
					for h := range hs {
						mr.ResponseParameters["method.response.header."+h] = false
					}
				}
			}
			m.MethodResponses = append(m.MethodResponses, mr)
		}
	}
	if ig, ok := op["x-amazon-apigateway-integration"].(map[string]any); ok {
		m.Integration = o.integration(ig, append(slices.Clip(opNode.Path()), "x-amazon-apigateway-integration"))
	}
	res.Methods = append(res.Methods, m)
	o.lw.methods[methodKey(o.api.ID, res.ID, verb)] = m
}

func pathOfRes(r *model.Resource) string {
	var parts []string
	for x := r; x != nil && x.Parent != nil; x = x.Parent {
		parts = append(parts, x.PathPart)
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}

// schemes are the document's security schemes (OpenAPI 3's
// components.securitySchemes, or Swagger 2's securityDefinitions).
func (o *openAPIImport) schemes() map[string]any {
	s, _ := o.schemesAt()
	return s
}

// schemesAt is schemes and the path to them in the document.
func (o *openAPIImport) schemesAt() (map[string]any, []string) {
	schemes, _ := o.root["securityDefinitions"].(map[string]any)
	at := []string{"securityDefinitions"}
	if comps, ok := o.root["components"].(map[string]any); ok {
		if s, ok := comps["securitySchemes"].(map[string]any); ok {
			schemes, at = s, []string{"components", "securitySchemes"}
		}
	}
	return schemes, at
}

// at is where the key at path is written in the body, the body's range
// when that is not known.
func (o *openAPIImport) at(path ...string) diag.Range {
	if o.doc.Where != nil {
		if k, _, ok := o.doc.Where(path); ok {
			return k
		}
	}
	return o.rng
}

// authorizers adds an authorizer to the API for each security scheme with
// x-amazon-apigateway-authorizer, as API Gateway's import creates them.
func (o *openAPIImport) authorizers() {
	schemes, at := o.schemesAt()
	for _, name := range slices.Sorted(maps.Keys(schemes)) {
		sc, _ := schemes[name].(map[string]any)
		az, _ := sc["x-amazon-apigateway-authorizer"].(map[string]any)
		if az == nil {
			continue
		}
		a := &model.Authorizer{LogicalID: o.api.LogicalID + ".body", ID: model.StableID(6, "authorizer", o.api.LogicalID, name), Name: name,
			Type: strings.ToUpper(str(az["type"])), IdentitySource: str(az["identitySource"]), AuthorizerURI: str(az["authorizerUri"]),
			Credentials: str(az["authorizerCredentials"]), ResultTTLSeconds: model.DefaultAuthorizerTTL,
			IdentityValidationExpression: str(az["identityValidationExpression"]), Range: o.at(append(slices.Clip(at), name)...), Props: model.Ranges{}}
		if t, err := strconv.Atoi(str(az["authorizerResultTtlInSeconds"])); err == nil {
			a.ResultTTLSeconds = t
		}
		if l, ok := az["providerARNs"].([]any); ok {
			for _, e := range l {
				a.ProviderARNs = append(a.ProviderARNs, str(e))
			}
		}
		if a.Type == "" {
			a.Type = "TOKEN"
		}
		if a.IdentitySource == "" && a.Type != "REQUEST" {
			// A token's header is the scheme's name (in: header).
			h := str(sc["name"])
			if h == "" {
				h = "Authorization"
			}
			a.IdentitySource = "method.request.header." + h
		}
		if o.auths == nil {
			o.auths = map[string]*model.Authorizer{}
		}
		o.auths[name] = a
		o.api.Authorizers = append(o.api.Authorizers, a)
	}
}

// security maps the operation's security requirements through the
// document's security schemes to API Gateway's authorization settings.
func (o *openAPIImport) security(m *model.Method, op map[string]any) {
	reqs, ok := op["security"].([]any)
	if !ok {
		reqs, _ = o.root["security"].([]any)
	}
	schemes := o.schemes()
	for _, r := range reqs {
		rm, _ := r.(map[string]any)
		for name := range rm {
			sc, _ := schemes[name].(map[string]any)
			if sc == nil {
				continue
			}
			switch {
			case str(sc["x-amazon-apigateway-authtype"]) == "awsSigv4":
				m.AuthorizationType = "AWS_IAM"
			case sc["x-amazon-apigateway-authorizer"] != nil:
				az, _ := sc["x-amazon-apigateway-authorizer"].(map[string]any)
				if strings.EqualFold(str(az["type"]), "cognito_user_pools") {
					m.AuthorizationType = "COGNITO_USER_POOLS"
				} else {
					m.AuthorizationType = "CUSTOM"
				}
				if a := o.auths[name]; a != nil {
					m.AuthorizerID = a.ID
				}
			case str(sc["type"]) == "apiKey":
				m.APIKeyRequired = true
			}
		}
	}
}

func (o *openAPIImport) integration(ig map[string]any, path []string) *model.Integration {
	out := &model.Integration{Type: strings.ToUpper(str(ig["type"])), HTTPMethod: strings.ToUpper(str(ig["httpMethod"])), URI: str(ig["uri"]),
		ConnectionType: strings.ToUpper(str(ig["connectionType"])), ConnectionID: str(ig["connectionId"]), Credentials: str(ig["credentials"]),
		PassthroughBehavior: strings.ToUpper(str(ig["passthroughBehavior"])), ContentHandling: strings.ToUpper(str(ig["contentHandling"])),
		CacheNamespace: str(ig["cacheNamespace"]), RequestParameters: strMap(ig["requestParameters"]), RequestTemplates: strMap(ig["requestTemplates"]),
		Range: o.at(path...), Props: model.Ranges{}}
	if t, err := strconv.Atoi(str(ig["timeoutInMillis"])); err == nil {
		out.TimeoutMillis = t
	}
	if l, ok := ig["cacheKeyParameters"].([]any); ok {
		for _, e := range l {
			out.CacheKeyParameters = append(out.CacheKeyParameters, str(e))
		}
	}
	if rs, ok := ig["responses"].(map[string]any); ok {
		for _, pattern := range slices.Sorted(maps.Keys(rs)) {
			r, _ := rs[pattern].(map[string]any)
			if r == nil {
				continue
			}
			sel := pattern
			if pattern == "default" {
				sel = ""
			}
			out.Responses = append(out.Responses, model.IntegrationResponse{StatusCode: str(r["statusCode"]), SelectionPattern: sel,
				ResponseParameters: strMap(r["responseParameters"]), ResponseTemplates: strMap(r["responseTemplates"]),
				ContentHandling: strings.ToUpper(str(r["contentHandling"])), Range: o.at(append(slices.Clip(path), "responses", pattern)...)})
		}
	}
	return out
}

func str(v any) string { return openapi.Text(v) }

func strMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		out[k] = str(e)
	}
	return out
}
