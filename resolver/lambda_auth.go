package resolver

import (
	"fmt"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Lambda (and Cognito) authorizers that do not come from an
// AWS::ApiGateway::Authorizer resource: the securityDefinitions /
// components.securitySchemes of an imported OpenAPI body
// (x-amazon-apigateway-authorizer), and a SAM API's Auth.Authorizers, which
// the SAM transform writes into the body the same way.

// openAPIAuthorizers adds the authorizers an OpenAPI body declares to api
// and returns them by scheme name.
func (l *lowerer) openAPIAuthorizers(api *model.RestAPI, owner string, body *props) map[string]*model.Authorizer {
	out := map[string]*model.Authorizer{}
	for _, schemes := range []*props{body.sub("securityDefinitions"), body.sub("components").sub("securitySchemes")} {
		if schemes.node == nil || schemes.node.Kind != cfn.Mapping {
			continue
		}
		for _, f := range schemes.node.Fields {
			sp := l.bareProps(owner, f.Value)
			x := sp.sub("x-amazon-apigateway-authorizer")
			if x.node == nil {
				continue
			}
			a := &model.Authorizer{LogicalID: owner, ID: model.StableID(6, "authorizer", l.s.stackName, api.LogicalID, f.Key), Name: f.Key,
				Type: strings.ToUpper(x.str("type")), IdentitySource: x.str("identitySource"), AuthorizerURI: x.str("authorizerUri"),
				Credentials: x.str("authorizerCredentials"), ResultTTLSeconds: x.integer("authorizerResultTtlInSeconds", model.DefaultAuthorizerTTL),
				IdentityValidationExpression: x.str("identityValidationExpression"), ProviderARNs: x.list("providerARNs"), Range: f.KeyRange(),
				Props: model.Ranges{{Key: "AuthorizerUri", Range: x.at("authorizerUri", f.KeyRange())}, {Key: "IdentitySource", Range: x.at("identitySource", f.KeyRange())}}}
			if a.Type == "" {
				a.Type = "TOKEN"
			}
			if a.IdentitySource == "" && a.Type != "REQUEST" {
				// A token's header is the scheme's name (in: header).
				a.IdentitySource = "method.request.header." + cmpOrStr(sp.str("name"), "Authorization")
			}
			api.Authorizers = append(api.Authorizers, a)
			out[f.Key] = a
		}
	}
	return out
}

// openAPIMethodAuth applies an operation's security (or the document's
// default) to m when it names an authorizer.
func openAPIMethodAuth(m *model.Method, op, body *props, auths map[string]*model.Authorizer) {
	sec := op.node.Get("security")
	if sec == nil {
		sec = body.node.Get("security")
	}
	if sec == nil || sec.Kind != cfn.Sequence {
		return
	}
	for _, s := range sec.Items {
		for _, f := range s.Fields {
			if a := auths[f.Key]; a != nil {
				m.AuthorizerID = a.ID
				m.AuthorizationType = "CUSTOM"
				if a.Type == "COGNITO_USER_POOLS" {
					m.AuthorizationType = "COGNITO_USER_POOLS"
				}
				return
			}
			// A scheme API Gateway marks as SigV4 is AWS_IAM, as its
			// import (and get-export) write it.
			scheme := body.node.Get("components").Get("securitySchemes").Get(f.Key)
			if scheme == nil {
				scheme = body.node.Get("securityDefinitions").Get(f.Key)
			}
			if strings.EqualFold(scheme.Get("x-amazon-apigateway-authtype").String(), "awsSigv4") {
				m.AuthorizationType = "AWS_IAM"
				return
			}
		}
	}
}

func cmpOrStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// samAuthorizers lowers the Auth.Authorizers of the SAM APIs (and of the
// implicit ServerlessRestApi, from Globals.Api) into authorizers, points
// the methods samAuth gave an authorizer name at them, and adds the
// permission SAM generates for each Lambda authorizer
// ({Api}{Name}AuthorizerPermission, SourceArn .../authorizers/*).
func (l *lowerer) samAuthorizers() {
	s := l.s
	if !s.isSAM() {
		return
	}
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Api" {
			continue
		}
		api := l.apiByID[r.attrs["Ref"]]
		if api == nil {
			continue
		}
		auth := l.samSetting(l.propsOf(r), "Auth")
		if auth == nil || auth.node == nil {
			continue
		}
		defs := auth.sub("Authorizers")
		if defs.node == nil || defs.node.Kind != cfn.Mapping {
			continue
		}
		byName := map[string]*model.Authorizer{}
		for _, f := range defs.node.Fields {
			ap := l.newProps(id, f.Value)
			ident := ap.sub("Identity")
			a := &model.Authorizer{LogicalID: id + f.Key + "Authorizer", ID: model.StableID(6, "authorizer", s.stackName, id, f.Key), Name: f.Key,
				ResultTTLSeconds: ident.integer("ReauthorizeEvery", model.DefaultAuthorizerTTL), Range: f.KeyRange(),
				Props: model.Ranges{{Key: "AuthorizerUri", Range: ap.at("FunctionArn", f.KeyRange())}}}
			switch {
			case ap.has("UserPoolArn"):
				a.Type = "COGNITO_USER_POOLS"
				a.ProviderARNs = ap.list("UserPoolArn")
				a.IdentitySource = "method.request.header." + cmpOrStr(ident.str("Header"), "Authorization")
			case strings.EqualFold(ap.str("FunctionPayloadType"), "REQUEST"):
				a.Type = "REQUEST"
				var srcs []string
				for _, kind := range []struct{ key, prefix string }{{"Headers", "method.request.header."}, {"QueryStrings", "method.request.querystring."},
					{"StageVariables", "stageVariables."}, {"Context", "context."}} {
					for _, v := range ident.list(kind.key) {
						srcs = append(srcs, kind.prefix+v)
					}
				}
				a.IdentitySource = strings.Join(srcs, ", ")
			default:
				a.Type = "TOKEN"
				a.IdentitySource = "method.request.header." + cmpOrStr(ident.str("Header"), "Authorization")
				a.IdentityValidationExpression = ident.str("ValidationExpression")
			}
			if fnArn := ap.str("FunctionArn"); fnArn != "" {
				a.AuthorizerURI = fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.partition, s.region, fnArn)
				a.Credentials = ap.str("FunctionInvokeRole")
				if a.Credentials == "" {
					l.samAuthorizerPermission(api, id, f.Key, fnArn, f.KeyRange())
				}
			}
			api.Authorizers = append(api.Authorizers, a)
			byName[f.Key] = a
		}
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				if a := byName[m.AuthorizerID]; a != nil {
					m.AuthorizerID = a.ID
				}
			}
		}
	}
}

// samAuthorizerPermission adds SAM's permission for a Lambda authorizer to
// the function it names, when the template defines it.
func (l *lowerer) samAuthorizerPermission(api *model.RestAPI, apiID, name, fnArn string, rng diag.Range) {
	s := l.s
	for _, fn := range l.t.Functions {
		if fn.ARN != fnArn && fn.Name != fnArn {
			continue
		}
		fn.Permissions = append(fn.Permissions, model.Permission{LogicalID: apiID + name + "AuthorizerPermission", Action: "lambda:InvokeFunction",
			Principal: "apigateway.amazonaws.com", Generated: true, Range: rng,
			SourceArn: fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/authorizers/*", s.partition, s.region, s.account, api.ID)})
	}
}

// samBinaryMediaTypes is a SAM API's BinaryMediaTypes (or Globals.Api's),
// with SAM's ~1 escapes turned back into slashes as the transform does
// ("image~1gif" is image/gif).
func (l *lowerer) samBinaryMediaTypes(p *props) []string {
	var out []string
	if p.has("BinaryMediaTypes") {
		out = p.list("BinaryMediaTypes")
	} else if g := l.samSetting(p, "BinaryMediaTypes"); g != nil {
		gp := l.bareProps(p.id, l.s.root.Get("Globals").Get("Api"))
		out = gp.list("BinaryMediaTypes")
	}
	for i, v := range out {
		out[i] = strings.ReplaceAll(v, "~1", "/")
	}
	return out
}

// samVariables is a SAM API's stage Variables, or Globals.Api's.
func (l *lowerer) samVariables(p *props) map[string]string {
	if p.has("Variables") {
		return p.strMap("Variables")
	}
	if l.samSetting(p, "Variables") != nil {
		gp := l.bareProps(p.id, l.s.root.Get("Globals").Get("Api"))
		return gp.strMap("Variables")
	}
	return nil
}
