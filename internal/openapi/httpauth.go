package openapi

import (
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// HTTP APIs declare their authorizers in an OpenAPI definition as security
// schemes with x-amazon-apigateway-authorizer, in the form API Gateway's
// HTTP API import reads (and SAM's HttpApi Auth writes):
//
//	jwt:     {type: jwt, identitySource, jwtConfiguration: {issuer, audience}}
//	request: {type: request, identitySource, authorizerUri, authorizerCredentials,
//	          authorizerPayloadFormatVersion, enableSimpleResponses,
//	          authorizerResultTtlInSeconds}
//
// identitySource is a string (comma-separated) or a list. A scheme with
// x-amazon-apigateway-authtype awsSigv4 is IAM authorization. REST APIs
// read the same extension with other fields (type token, request,
// cognito_user_pools); the front ends read those themselves.

// httpAuthorizerKeys maps the extension's keys to the property names of
// AWS::ApiGatewayV2::Authorizer, under which a finding finds them.
var httpAuthorizerKeys = [...][2]string{
	{"type", "AuthorizerType"}, {"identitySource", "IdentitySource"}, {"jwtConfiguration", "JwtConfiguration"},
	{"authorizerUri", "AuthorizerUri"}, {"authorizerCredentials", "AuthorizerCredentialsArn"},
	{"authorizerPayloadFormatVersion", "AuthorizerPayloadFormatVersion"}, {"enableSimpleResponses", "EnableSimpleResponses"},
	{"authorizerResultTtlInSeconds", "AuthorizerResultTtlInSeconds"},
}

// HTTPAuthorizers returns the authorizers an HTTP API's definition
// declares, in the order written, and the same by scheme name. owner is
// their LogicalID; id gives the ID of the authorizer of a scheme. A scheme
// whose extension has a type other than jwt or request is returned with
// that type, for the runtime to say why its routes are not served.
func HTTPAuthorizers(root Node, owner string, id func(scheme string) string) ([]*model.Authorizer, map[string]*model.Authorizer) {
	var list []*model.Authorizer
	var byName map[string]*model.Authorizer
	each := func(schemes Node) {
		if schemes == nil {
			return
		}
		schemes.Each(func(name string, sc Node, at diag.Range) {
			x := sc.Get("x-amazon-apigateway-authorizer")
			if x == nil || !x.IsMap() {
				return
			}
			a := &model.Authorizer{LogicalID: owner, ID: id(name), Name: name, Type: strings.ToUpper(x.Str("type")),
				IdentitySource: strings.Join(stringOrList(x, "identitySource"), ","), AuthorizerURI: x.Str("authorizerUri"),
				Credentials: x.Str("authorizerCredentials"), PayloadFormatVersion: x.Str("authorizerPayloadFormatVersion"),
				SimpleResponses: x.Bool("enableSimpleResponses"), Range: at, Props: model.Ranges{}}
			if t, err := strconv.Atoi(x.Str("authorizerResultTtlInSeconds")); err == nil {
				a.ResultTTLSeconds = t
			}
			if j := x.Get("jwtConfiguration"); j != nil {
				a.JWTIssuer = j.Str("issuer")
				a.JWTAudience = stringOrList(j, "audience")
			}
			x.Each(func(k string, _ Node, kat diag.Range) {
				for _, p := range httpAuthorizerKeys {
					if p[0] == k {
						a.Props.Set(p[1], kat)
					}
				}
			})
			list = append(list, a)
			if byName == nil {
				byName = map[string]*model.Authorizer{}
			}
			byName[name] = a
		})
	}
	each(get(root, "components", "securitySchemes"))
	each(root.Get("securityDefinitions"))
	return list, byName
}

// HTTPRouteAuth gives route m the authorization its operation's security
// requirement names (the document's when the operation has none): JWT with
// the requirement's scopes, CUSTOM for a Lambda authorizer, AWS_IAM for a
// scheme marked awsSigv4. An empty requirement list (security: []) leaves
// the route open, as OpenAPI says.
func HTTPRouteAuth(m *model.Method, op, root Node, auths map[string]*model.Authorizer) {
	sec := op.Get("security")
	if sec == nil {
		sec = root.Get("security")
	}
	if sec == nil {
		return
	}
	for _, req := range sec.Items() {
		done := false
		req.Each(func(name string, _ Node, _ diag.Range) {
			if done {
				return
			}
			if a := auths[name]; a != nil {
				m.AuthorizerID, m.AuthorizationType = a.ID, "CUSTOM"
				if a.Type == "JWT" {
					m.AuthorizationType = "JWT"
					m.AuthorizationScopes = req.Strs(name)
					if len(m.AuthorizationScopes) == 0 {
						m.AuthorizationScopes = nil
					}
				}
				done = true
				return
			}
			sc := get(root, "components", "securitySchemes", name)
			if sc == nil {
				sc = get(root, "securityDefinitions", name)
			}
			if sc != nil && strings.EqualFold(sc.Str("x-amazon-apigateway-authtype"), "awsSigv4") {
				m.AuthorizationType = "AWS_IAM"
				done = true
			}
		})
		if done {
			return
		}
	}
}

// stringOrList is key's value as a list of strings: a list's elements, or
// a string split at its commas.
func stringOrList(n Node, key string) []string {
	v := n.Get(key)
	if v == nil {
		return nil
	}
	if v.Items() != nil {
		return n.Strs(key)
	}
	var out []string
	for _, s := range strings.Split(n.Str(key), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
