package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// get-export: the served API of one stage as an OpenAPI document (oas30
// or swagger), with API Gateway's x-amazon-apigateway-* extensions when
// asked for (extensions=integrations: the integrations; extensions=
// apigateway: every extension), as AWS exports it.

// omap is a JSON object that keeps its keys in insertion order, so the
// export reads in the order AWS writes it.
type omap struct {
	keys []string
	vals map[string]any
}

func newOmap() *omap { return &omap{vals: map[string]any{}} }

func (m *omap) set(k string, v any) *omap {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
	return m
}

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(m.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// sortedStrMap is m with its keys sorted, as an omap.
func sortedStrMap[V any](m map[string]V) *omap {
	out := newOmap()
	for _, k := range sortedKeys(m) {
		out.set(k, m[k])
	}
	return out
}

type exportOptions struct {
	oas3         bool
	integrations bool // x-amazon-apigateway-integration
	apigateway   bool // every x-amazon-apigateway-* extension
	authorizers  bool // the authorizers' security schemes
}

var openAPIVerbs = map[string]string{"GET": "get", "PUT": "put", "POST": "post", "DELETE": "delete",
	"OPTIONS": "options", "HEAD": "head", "PATCH": "patch", "ANY": "x-amazon-apigateway-any-method"}

func getExport(rq *request) (int, any, error) {
	t, a, st, err := rq.stage()
	if err != nil {
		return 0, nil, err
	}
	o := exportOptions{}
	switch rq.segs[5] {
	case "oas30":
		o.oas3 = true
	case "swagger":
	default:
		return 0, nil, badRequest("Invalid export type %q: cfnrun exports oas30 and swagger", rq.segs[5])
	}
	for _, e := range strings.Split(rq.q.Get("extensions"), ",") {
		switch strings.TrimSpace(e) {
		case "integrations":
			o.integrations = true
		case "apigateway":
			o.integrations, o.apigateway, o.authorizers = true, true, true
		case "authorizers":
			o.authorizers = true
		case "postman", "":
		default:
			return 0, nil, badRequest("Invalid extensions value %q (want integrations, apigateway, authorizers or postman)", e)
		}
	}
	doc := rq.p.export(t, a, st, o)
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return 0, nil, err
	}
	ct, ext := "application/json", "json"
	if accept := rq.r.Header.Get("Accept"); strings.Contains(accept, "yaml") {
		body, err = jsonToYAML(body)
		if err != nil {
			return 0, nil, err
		}
		ct, ext = "application/yaml", "yaml"
	}
	name := a.Name + "-" + st.Name + "-" + rq.segs[5] + "." + ext
	if o.apigateway {
		name = a.Name + "-" + st.Name + "-" + rq.segs[5] + "-apigateway." + ext
	}
	return http.StatusOK, rawBody{headers: map[string]string{"Content-Type": ct,
		"Content-Disposition": `attachment; filename="` + name + `"`}, body: body}, nil
}

// jsonToYAML re-encodes a JSON document as block-style YAML, keys in the
// same order.
func jsonToYAML(b []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	var unflow func(*yaml.Node)
	unflow = func(n *yaml.Node) {
		n.Style &^= yaml.FlowStyle
		if n.Kind == yaml.ScalarNode && n.Style&yaml.DoubleQuotedStyle != 0 {
			n.Style &^= yaml.DoubleQuotedStyle
		}
		for _, c := range n.Content {
			unflow(c)
		}
	}
	unflow(&n)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// pathParam is compiled on first use, not at every command's start.
var pathParam = lazy.Value[*regexp.Regexp]{New: func() *regexp.Regexp { return regexp.MustCompile(`\{([^}+]+)\+?\}`) }}

// export builds the OpenAPI document of api as stage st serves it.
func (p *Plane) export(t *model.Template, a *model.RestAPI, st *model.Stage, o exportOptions) *omap {
	doc := newOmap()
	info := newOmap().set("title", a.Name)
	if a.Description != "" {
		info.set("description", a.Description)
	}
	info.set("version", p.started.UTC().Format("2006-01-02T15:04:05Z"))
	host := a.ID + ".execute-api." + p.opts.Region + ".amazonaws.com"
	if o.oas3 {
		doc.set("openapi", "3.0.1").set("info", info)
		doc.set("servers", []any{newOmap().set("url", "https://"+host+"/{basePath}").
			set("variables", newOmap().set("basePath", newOmap().set("default", st.Name)))})
	} else {
		doc.set("swagger", "2.0").set("info", info).set("host", host).set("basePath", "/"+st.Name).set("schemes", []string{"https"})
	}
	schemas := map[string]any{}
	security := newOmap()
	validators := map[string]string{} // id -> name
	for _, v := range a.Validators {
		validators[v.ID] = v.Name
	}
	authorizers := map[string]*model.Authorizer{}
	for _, au := range a.Authorizers {
		authorizers[au.ID] = au
	}
	paths := newOmap()
	for _, r := range a.Resources {
		if len(r.Methods) == 0 {
			continue
		}
		item := newOmap()
		for _, m := range r.Methods {
			item.set(openAPIVerbs[m.HTTPMethod], p.exportOperation(a, r, m, o, schemas, security, validators, authorizers))
		}
		paths.set(r.Path, item)
	}
	doc.set("paths", paths)
	for _, m := range modelsOf(a) {
		if _, used := schemas[m.Name]; !used {
			continue
		}
		var s any
		if json.Unmarshal([]byte(m.Schema), &s) != nil {
			s = map[string]any{"type": "object"}
		}
		if sm, ok := s.(map[string]any); ok {
			delete(sm, "$schema") // OpenAPI schemas are not JSON Schema documents
		}
		schemas[m.Name] = s
	}
	for name, s := range schemas {
		if s == nil { // a model the template names but does not define
			schemas[name] = map[string]any{"title": name, "type": "object"}
		}
	}
	if o.oas3 {
		comps := newOmap()
		if len(schemas) > 0 {
			comps.set("schemas", sortedStrMap(schemas))
		}
		if len(security.keys) > 0 {
			comps.set("securitySchemes", security)
		}
		if len(comps.keys) > 0 {
			doc.set("components", comps)
		}
	} else {
		if len(schemas) > 0 {
			doc.set("definitions", sortedStrMap(schemas))
		}
		if len(security.keys) > 0 {
			doc.set("securityDefinitions", security)
		}
	}
	if o.apigateway {
		if len(a.Validators) > 0 {
			vs := newOmap()
			for _, v := range a.Validators {
				vs.set(v.Name, newOmap().set("validateRequestBody", v.ValidateRequestBody).set("validateRequestParameters", v.ValidateRequestParameters))
			}
			doc.set("x-amazon-apigateway-request-validators", vs)
		}
		if len(a.GatewayResponses) > 0 {
			grs := newOmap()
			for _, gr := range a.GatewayResponses {
				g := newOmap()
				if gr.StatusCode != "" {
					g.set("statusCode", gr.StatusCode)
				}
				if len(gr.ResponseParameters) > 0 {
					g.set("responseParameters", sortedStrMap(gr.ResponseParameters))
				}
				if len(gr.ResponseTemplates) > 0 {
					g.set("responseTemplates", sortedStrMap(gr.ResponseTemplates))
				}
				grs.set(gr.ResponseType, g)
			}
			doc.set("x-amazon-apigateway-gateway-responses", grs)
		}
		if len(a.BinaryMediaTypes) > 0 {
			doc.set("x-amazon-apigateway-binary-media-types", a.BinaryMediaTypes)
		}
		if a.MinimumCompressionSize >= 0 {
			doc.set("x-amazon-apigateway-minimum-compression-size", a.MinimumCompressionSize)
		}
		if a.APIKeySource != "" {
			doc.set("x-amazon-apigateway-api-key-source", a.APIKeySource)
		}
		if a.Policy != "" {
			var pol any
			if json.Unmarshal([]byte(a.Policy), &pol) == nil {
				doc.set("x-amazon-apigateway-policy", pol)
			}
		}
	}
	return doc
}

func (p *Plane) exportOperation(a *model.RestAPI, r *model.Resource, m *model.Method, o exportOptions,
	schemas map[string]any, security *omap, validators map[string]string, authorizers map[string]*model.Authorizer) *omap {
	op := newOmap()
	if m.OperationName != "" {
		op.set("operationId", m.OperationName)
	}
	var params []any
	// Path parameters first, in path order, then the method's others.
	seen := map[string]bool{}
	for _, mm := range pathParam.Get().FindAllStringSubmatch(r.Path, -1) {
		seen["method.request.path."+mm[1]] = true
		params = append(params, p.param(mm[1], "path", true, o))
	}
	for _, k := range sortedKeys(m.RequestParameters) {
		if seen[k] {
			continue
		}
		rest, ok := strings.CutPrefix(k, "method.request.")
		if !ok {
			continue
		}
		kind, name, _ := strings.Cut(rest, ".")
		in := map[string]string{"path": "path", "querystring": "query", "header": "header",
			"multivaluequerystring": "query", "multivalueheader": "header"}[kind]
		if in == "" || name == "" {
			continue
		}
		params = append(params, p.param(name, in, m.RequestParameters[k] || in == "path", o))
	}
	if len(params) > 0 {
		op.set("parameters", params)
	}
	if len(m.RequestModels) > 0 {
		if o.oas3 {
			content := newOmap()
			for _, ct := range sortedKeys(m.RequestModels) {
				schemas[m.RequestModels[ct]] = nil
				content.set(ct, newOmap().set("schema", newOmap().set("$ref", "#/components/schemas/"+m.RequestModels[ct])))
			}
			op.set("requestBody", newOmap().set("content", content).set("required", true))
		} else {
			for _, ct := range sortedKeys(m.RequestModels) {
				schemas[m.RequestModels[ct]] = nil
				params = append(params, newOmap().set("in", "body").set("name", m.RequestModels[ct]).set("required", true).
					set("schema", newOmap().set("$ref", "#/definitions/"+m.RequestModels[ct])))
				break // Swagger 2.0 has one body parameter
			}
			op.set("parameters", params)
		}
	}
	responses := newOmap()
	for _, mr := range m.MethodResponses {
		resp := newOmap().set("description", mr.StatusCode+" response")
		if len(mr.ResponseParameters) > 0 {
			hs := newOmap()
			for _, k := range sortedKeys(mr.ResponseParameters) {
				if h, ok := strings.CutPrefix(k, "method.response.header."); ok {
					if o.oas3 {
						hs.set(h, newOmap().set("schema", newOmap().set("type", "string")))
					} else {
						hs.set(h, newOmap().set("type", "string"))
					}
				}
			}
			resp.set("headers", hs)
		}
		if len(mr.ResponseModels) > 0 {
			if o.oas3 {
				content := newOmap()
				for _, ct := range sortedKeys(mr.ResponseModels) {
					schemas[mr.ResponseModels[ct]] = nil
					content.set(ct, newOmap().set("schema", newOmap().set("$ref", "#/components/schemas/"+mr.ResponseModels[ct])))
				}
				resp.set("content", content)
			} else {
				for _, ct := range sortedKeys(mr.ResponseModels) {
					schemas[mr.ResponseModels[ct]] = nil
					resp.set("schema", newOmap().set("$ref", "#/definitions/"+mr.ResponseModels[ct]))
					break
				}
			}
		}
		responses.set(mr.StatusCode, resp)
	}
	if len(responses.keys) == 0 {
		// OpenAPI requires responses; AWS writes none for such a
		// method, which its own import then refuses.
		responses.set("default", newOmap().set("description", "Default response"))
	}
	op.set("responses", responses)
	var sec []any
	if m.APIKeyRequired {
		sec = append(sec, newOmap().set("api_key", []string{}))
		security.set("api_key", newOmap().set("type", "apiKey").set("name", "x-api-key").set("in", "header"))
	}
	if m.AuthorizationType == "AWS_IAM" {
		sec = append(sec, newOmap().set("sigv4", []string{}))
		security.set("sigv4", newOmap().set("type", "apiKey").set("name", "Authorization").set("in", "header").
			set("x-amazon-apigateway-authtype", "awsSigv4"))
	}
	if au := authorizers[m.AuthorizerID]; au != nil && (m.AuthorizationType == "CUSTOM" || m.AuthorizationType == "COGNITO_USER_POOLS") {
		scopes := m.AuthorizationScopes
		if scopes == nil {
			scopes = []string{}
		}
		sec = append(sec, newOmap().set(au.Name, scopes))
		security.set(au.Name, authorizerScheme(au, o))
	}
	if len(sec) > 0 {
		op.set("security", sec)
	}
	if o.apigateway && m.RequestValidatorID != "" {
		if name, ok := validators[m.RequestValidatorID]; ok {
			op.set("x-amazon-apigateway-request-validator", name)
		}
	}
	if o.integrations && m.Integration != nil {
		op.set("x-amazon-apigateway-integration", exportIntegration(r, m.Integration))
	}
	return op
}

func (p *Plane) param(name, in string, required bool, o exportOptions) *omap {
	out := newOmap().set("name", name).set("in", in).set("required", required)
	if o.oas3 {
		out.set("schema", newOmap().set("type", "string"))
	} else {
		out.set("type", "string")
	}
	return out
}

func authorizerScheme(au *model.Authorizer, o exportOptions) *omap {
	name := "Authorization"
	if s, ok := strings.CutPrefix(au.IdentitySource, "method.request.header."); ok && !strings.Contains(s, ",") {
		name = s
	}
	out := newOmap().set("type", "apiKey").set("name", name).set("in", "header")
	if au.Type == "COGNITO_USER_POOLS" {
		out.set("x-amazon-apigateway-authtype", "cognito_user_pools")
	} else {
		out.set("x-amazon-apigateway-authtype", "custom")
	}
	if !o.authorizers {
		return out
	}
	x := newOmap().set("type", strings.ToLower(au.Type))
	if au.AuthorizerURI != "" {
		x.set("authorizerUri", au.AuthorizerURI)
	}
	if au.Credentials != "" {
		x.set("authorizerCredentials", au.Credentials)
	}
	if len(au.ProviderARNs) > 0 {
		x.set("providerARNs", au.ProviderARNs)
	}
	if au.IdentitySource != "" {
		x.set("identitySource", au.IdentitySource)
	}
	if au.IdentityValidationExpression != "" {
		x.set("identityValidationExpression", au.IdentityValidationExpression)
	}
	x.set("authorizerResultTtlInSeconds", au.ResultTTLSeconds)
	return out.set("x-amazon-apigateway-authorizer", x)
}

// exportIntegration writes an integration as AWS's export does: type and
// passthroughBehavior in lower case, responses keyed by selection pattern
// ("default" for the default response).
func exportIntegration(r *model.Resource, in *model.Integration) *omap {
	x := newOmap().set("type", strings.ToLower(in.Type))
	if in.Credentials != "" {
		x.set("credentials", in.Credentials)
	}
	if in.HTTPMethod != "" {
		x.set("httpMethod", in.HTTPMethod)
	}
	if in.URI != "" {
		x.set("uri", in.URI)
	}
	if len(in.Responses) > 0 {
		rs := newOmap()
		for _, ir := range in.Responses {
			key := ir.SelectionPattern
			if key == "" {
				key = "default"
			}
			e := newOmap().set("statusCode", ir.StatusCode)
			if len(ir.ResponseParameters) > 0 {
				e.set("responseParameters", sortedStrMap(ir.ResponseParameters))
			}
			if len(ir.ResponseTemplates) > 0 {
				e.set("responseTemplates", sortedStrMap(ir.ResponseTemplates))
			}
			if ir.ContentHandling != "" {
				e.set("contentHandling", ir.ContentHandling)
			}
			rs.set(key, e)
		}
		x.set("responses", rs)
	}
	if len(in.RequestParameters) > 0 {
		x.set("requestParameters", sortedStrMap(in.RequestParameters))
	}
	if len(in.RequestTemplates) > 0 {
		x.set("requestTemplates", sortedStrMap(in.RequestTemplates))
	}
	if in.PassthroughBehavior != "" {
		x.set("passthroughBehavior", strings.ToLower(in.PassthroughBehavior))
	}
	if in.ConnectionType != "" && in.ConnectionType != model.ConnectionInternet {
		x.set("connectionType", in.ConnectionType)
	}
	if in.ConnectionID != "" {
		x.set("connectionId", in.ConnectionID)
	}
	if in.ContentHandling != "" {
		x.set("contentHandling", in.ContentHandling)
	}
	if in.TimeoutMillis != 0 && in.TimeoutMillis != model.DefaultTimeoutMillis {
		x.set("timeoutInMillis", in.TimeoutMillis)
	}
	ns := in.CacheNamespace
	if ns == "" {
		ns = r.ID
	}
	x.set("cacheNamespace", ns)
	keys := in.CacheKeyParameters
	if keys == nil {
		keys = []string{}
	}
	x.set("cacheKeyParameters", slices.Clone(keys))
	return x
}
