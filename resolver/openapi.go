package resolver

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/openapi"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// openAPIMethods maps OpenAPI operation keys to API Gateway methods.
var openAPIMethods = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
		"head": "HEAD", "patch": "PATCH", "x-amazon-apigateway-any-method": "ANY",
	}
}}

// importOpenAPI lowers an inline OpenAPI 2.0 / 3.x definition (a RestApi's
// Body, or a SAM Api's DefinitionBody) into api's resource tree, as API
// Gateway's import does: one resource per path segment, one method per
// operation, the integration from x-amazon-apigateway-integration.
//
// opAuth, when not nil, is called for each method once it is built, with
// its operation (a SAM API's DefinitionBody gets the API's Auth from it).
// It reports whether the definition was read (false after the finding
// that says why not).
func (l *lowerer) importOpenAPI(api *model.RestAPI, owner string, body *props, opAuth func(m *model.Method, op *props)) bool {
	body = l.definition(owner, body)
	if body == nil {
		return false
	}
	// The definition's binary media types join the API's own, as SAM
	// merges BinaryMediaTypes into a DefinitionBody and API Gateway's
	// import keeps both.
	for _, t := range body.list("x-amazon-apigateway-binary-media-types") {
		if !slices.Contains(api.BinaryMediaTypes, t) {
			api.BinaryMediaTypes = append(api.BinaryMediaTypes, t)
		}
	}
	paths := body.sub("paths")
	if paths.node == nil || paths.node.Kind != cfn.Mapping {
		return true
	}
	ensure := func(path string, at *cfn.Field) *model.Resource { return l.ensurePath(api, owner, path, at.KeyRange()) }
	var auths map[string]*model.Authorizer
	if api.IsHTTP() {
		var list []*model.Authorizer
		list, auths = openapi.HTTPAuthorizers(oaNode{body}, owner, func(name string) string {
			return model.StableID(6, "authorizer", l.s.stackName, api.LogicalID, name)
		})
		for _, a := range list {
			l.checkAuthorizerFormat(a, owner)
		}
		api.Authorizers = append(api.Authorizers, list...)
	} else {
		auths = l.openAPIAuthorizers(api, owner, body)
	}
	oa := l.openAPIImport(api, owner, body)
	defValidator := oa.Validation()
	for i := range paths.node.Fields {
		pf := &paths.node.Fields[i]
		if !strings.HasPrefix(pf.Key, "/") && !(api.IsHTTP() && pf.Key == model.RouteKeyDefault) || pf.Value.Kind != cfn.Mapping {
			continue
		}
		var res *model.Resource
		if !api.IsHTTP() {
			res = ensure(pf.Key, pf)
		}
		item := l.bareProps(owner, pf.Value)
		shared := openAPIParams(item)
		for j := range pf.Value.Fields {
			of := &pf.Value.Fields[j]
			verb, ok := openAPIMethods.Get()[strings.ToLower(of.Key)]
			if !ok || of.Value.Kind != cfn.Mapping {
				continue
			}
			op := l.newProps(owner, of.Value)
			m := &model.Method{LogicalID: owner, HTTPMethod: verb, AuthorizationType: "NONE", OperationName: op.str("operationId"),
				RequestParameters: map[string]bool{}, Range: of.KeyRange(), Props: model.Ranges{{Key: "HttpMethod", Range: of.KeyRange()}}}
			for k, v := range shared {
				m.RequestParameters[k] = v
			}
			for k, v := range openAPIParams(op) {
				m.RequestParameters[k] = v
			}
			if len(m.RequestParameters) == 0 {
				m.RequestParameters = nil
			}
			m.RequestValidatorID = cmp.Or(op.str("x-amazon-apigateway-request-validator"), defValidator)
			if m.RequestModels = oa.RequestModels(oaNode{op}, pf.Key, verb); m.RequestModels != nil {
				m.Props.Set("RequestModels", of.KeyRange())
			}
			if api.IsHTTP() {
				openapi.HTTPRouteAuth(m, oaNode{op}, oaNode{body}, auths)
			} else {
				openAPIMethodAuth(m, op, body, auths)
			}
			if sec := op.node.Get("security"); sec != nil && sec.Kind == cfn.Sequence {
				for _, s := range sec.Items {
					for _, f := range s.Fields {
						if strings.Contains(strings.ToLower(f.Key), "api_key") || strings.EqualFold(f.Key, "api-key") {
							m.APIKeyRequired = true
						}
					}
				}
			}
			if rs := op.node.Get("responses"); rs != nil && rs.Kind == cfn.Mapping {
				for _, f := range rs.Fields {
					if f.Key == "default" {
						continue
					}
					mr := model.MethodResponse{StatusCode: f.Key, Range: f.KeyRange()}
					if hs := f.Value.Get("headers"); hs != nil && hs.Kind == cfn.Mapping {
						mr.ResponseParameters = map[string]bool{}
						for _, h := range hs.Fields {
							mr.ResponseParameters["method.response.header."+h.Key] = false
						}
					}
					m.MethodResponses = append(m.MethodResponses, mr)
				}
			}
			if x := op.node.Field("x-amazon-apigateway-integration"); x != nil {
				ip := op.sub("x-amazon-apigateway-integration")
				in := &model.Integration{Type: strings.ToUpper(ip.str("type")), HTTPMethod: strings.ToUpper(ip.str("httpMethod")), URI: ip.str("uri"),
					ConnectionType: strings.ToUpper(ip.str("connectionType")), ConnectionID: ip.str("connectionId"), Credentials: ip.str("credentials"),
					TimeoutMillis: ip.integer("timeoutInMillis", 0), RequestParameters: ip.strMap("requestParameters"), RequestTemplates: ip.strMap("requestTemplates"),
					PassthroughBehavior: strings.ToUpper(ip.str("passthroughBehavior")), ContentHandling: ip.str("contentHandling"),
					CacheKeyParameters: ip.list("cacheKeyParameters"), CacheNamespace: ip.str("cacheNamespace"), Range: x.KeyRange(), Props: model.Ranges{}}
				if ip.node != nil {
					for i := range ip.node.Fields {
						in.Props.Set(openAPIIntegrationKey(ip.node.Fields[i].Key), ip.node.Fields[i].KeyRange())
					}
				}
				if rs := ip.node.Get("responses"); rs != nil && rs.Kind == cfn.Mapping {
					for _, f := range rs.Fields {
						rp := l.bareProps(owner, f.Value)
						pattern := f.Key
						if pattern == "default" {
							pattern = ""
						}
						in.Responses = append(in.Responses, model.IntegrationResponse{StatusCode: rp.str("statusCode"), SelectionPattern: pattern,
							ResponseParameters: rp.strMap("responseParameters"), ResponseTemplates: rp.strMap("responseTemplates"), ContentHandling: rp.str("contentHandling"), Range: f.KeyRange()})
					}
				}
				m.Integration = in
			}
			if opAuth != nil {
				opAuth(m, op)
			}
			if api.IsHTTP() {
				l.httpOperation(api, owner, m, pf.Key, of)
				continue
			}
			if slices.ContainsFunc(res.Methods, func(o *model.Method) bool { return o.HTTPMethod == verb }) {
				continue
			}
			res.Methods = append(res.Methods, m)
		}
	}
	return true
}

// definition returns the OpenAPI document a Body (or SAM DefinitionBody)
// holds: the branch an Fn::If picks, or nil — after an I3103 finding, so
// an API is never served without routes in silence — when the document
// comes from elsewhere (AWS::Include from S3, another macro) or is not a
// map.
func (l *lowerer) definition(owner string, body *props) *props {
	n := body.node
	for n != nil {
		name, arg, ok := n.Intrinsic(false)
		if !ok || name != "Fn::If" || arg.Kind != cfn.Sequence || len(arg.Items) != 3 || arg.Items[0].Kind != cfn.Scalar {
			break
		}
		if l.s.condition(arg.Items[0].Value, arg.Items[0].Range()) {
			n = arg.Items[1]
		} else {
			n = arg.Items[2]
		}
	}
	if n == nil || n.Kind == cfn.Null {
		return nil
	}
	if name, arg, ok := n.Intrinsic(false); ok {
		if name == "Fn::Transform" && arg.Get("Name").String() == "AWS::Include" {
			loc := l.s.stringify(l.s.eval(arg.Get("Parameters").Get("Location"), evalCtx{resource: owner}), n)
			if doc := l.localDefinition(owner, loc, n.Range()); doc != nil {
				return doc
			}
			l.s.infof(ruleNotServed, n.Range(), owner, "Inline the OpenAPI document in the template (or declare AWS::ApiGateway::Resource and Method resources) to have cfnrun serve it.",
				"%s's OpenAPI definition comes from AWS::Include (%s), which cfnrun cannot read; no routes are served from it", owner, cmp.Or(loc, "no Location"))
			return nil
		}
		l.s.infof(ruleNotServed, n.Range(), owner, "Write the OpenAPI document inline to have cfnrun serve it.",
			"%s's OpenAPI definition comes from %s, which cfnrun does not evaluate into a document; no routes are served from it", owner, name)
		return nil
	}
	if n.Kind != cfn.Mapping {
		l.s.infof(ruleNotServed, n.Range(), owner, "Write the OpenAPI document as a YAML or JSON map to have cfnrun serve it.",
			"%s's OpenAPI definition is %s, not a map; no routes are served from it", owner, n.KindName())
		return nil
	}
	q := l.newProps(owner, n)
	return q
}

// localDefinition reads an OpenAPI document from a file beside the
// template (AWS::Include's Location, SAM's DefinitionUri, as written
// before sam package uploads it to S3), as sam local start-api reads it;
// the document's intrinsics resolve in the template's stack. nil when loc
// is not a local path (s3://, https://) or the file cannot be read or
// parsed, which is then reported.
func (l *lowerer) localDefinition(owner, loc string, rng diag.Range) *props {
	if loc == "" || strings.Contains(loc, "://") || l.s.file == "" {
		return nil
	}
	path := loc
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(l.s.file), filepath.FromSlash(loc))
	}
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is loc, said already
		}
		l.s.infof(ruleNotServed, rng, owner, "Check the path: it is relative to the template's directory.",
			"%s's OpenAPI definition %s cannot be read: %v", owner, loc, err)
		return nil
	}
	if l.s.files != nil {
		l.s.files.Add(path, src) // so findings in it quote its lines
	}
	doc, ds := cfn.Parse(path, src)
	for _, d := range ds {
		l.s.add(d)
	}
	if doc == nil || doc.Kind != cfn.Mapping {
		return nil
	}
	if !slices.Contains(l.t.Files, path) {
		l.t.Files = append(l.t.Files, path) // saving it reloads, as for the template
	}
	return l.newProps(owner, doc)
}

func openAPIIntegrationKey(k string) string {
	switch k {
	case "uri":
		return "Uri"
	case "type":
		return "Type"
	case "httpMethod":
		return "IntegrationHttpMethod"
	case "connectionType":
		return "ConnectionType"
	case "timeoutInMillis":
		return "TimeoutInMillis"
	case "requestParameters":
		return "RequestParameters"
	case "requestTemplates":
		return "RequestTemplates"
	}
	return k
}

// openAPIParams reads an operation's or path item's parameters into API
// Gateway's method.request.* form.
func openAPIParams(p *props) map[string]bool {
	out := map[string]bool{}
	ps := p.node.Get("parameters")
	if ps == nil || ps.Kind != cfn.Sequence {
		return out
	}
	for _, it := range ps.Items {
		in, name := it.Get("in").String(), it.Get("name").String()
		if name == "" {
			continue
		}
		kind := map[string]string{"path": "path", "query": "querystring", "header": "header"}[in]
		if kind == "" {
			continue
		}
		out["method.request."+kind+"."+name] = strings.EqualFold(it.Get("required").String(), "true")
	}
	return out
}

// ensurePath returns the resource for path in api, creating the missing
// segments as API Gateway's import does. Resources are found through
// l.children, so importing N paths costs N lookups, not N scans.
func (l *lowerer) ensurePath(api *model.RestAPI, owner, path string, rng diag.Range) *model.Resource {
	if !l.indexed[api] {
		// Declared resources (AWS::ApiGateway::Resource) are linked by now.
		for _, r := range api.Resources {
			if r.Parent != nil {
				if _, dup := l.children[childKey{r.Parent, r.PathPart}]; !dup {
					l.children[childKey{r.Parent, r.PathPart}] = r
				}
			}
		}
		l.indexed[api] = true
	}
	cur, curPath := api.Root, ""
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg == "" {
			continue
		}
		curPath += "/" + seg
		next := l.children[childKey{cur, seg}]
		if next == nil {
			next = &model.Resource{ID: model.StableID(6, "resource", l.s.stackName, owner, curPath), PathPart: seg, Parent: cur,
				Range: rng, Props: model.Ranges{{Key: "PathPart", Range: rng}}}
			api.Resources = append(api.Resources, next)
			l.resAPI[next] = api
			l.children[childKey{cur, seg}] = next
		}
		cur = next
	}
	return cur
}
