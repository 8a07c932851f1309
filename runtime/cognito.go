package runtime

// Cognito user pool authorizers (COGNITO_USER_POOLS), as API Gateway runs
// them: the JWT in the identity source header is checked — signature, exp
// (and nbf), iss against the authorizer's pools, and the token type: a
// method with AuthorizationScopes takes an access token whose scope claim
// holds one of them, a method without takes an ID token — and, when the
// template defines app clients for the pool (AWS::Cognito::UserPoolClient,
// aws_cognito_user_pool_client), its aud (ID token) or client_id (access
// token) names one of them. Anything else is 401 {"message":"Unauthorized"}.
// The claims reach the integration as $context.authorizer.claims.NAME and
// requestContext.authorizer.claims.
//
// Keys: a pool given a JWKS (Config.CognitoKeys, `up --jwks POOL=FILE|URL`)
// verifies against it only. Every pool also accepts tokens signed by
// Config.TokenKeys (the local key `cfnrun token` signs with). A pool
// without a JWKS cannot verify tokens Cognito itself issued: such tokens
// (a kid that is not a local key) are decoded and their claims checked,
// but the signature is not — start-up says so.

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// ccognito is a method's compiled Cognito authorizer.
type ccognito struct {
	name   string
	header string // the identity source header
	pools  []cognitoPool
	scopes []string // the method's AuthorizationScopes
}

type cognitoPool struct {
	id, issuer string
	keys       []jwt.Key // the pool's JWKS; nil when none was given
	// clients are the ids of the pool's app clients the template
	// defines: a token's aud (ID token) or client_id (access token) must
	// be one of them. nil when the template defines none (not checked).
	clients []string
}

// compileCognito compiles the Cognito authorizer of a COGNITO_USER_POOLS
// method; it marks the endpoint not served when the authorizer is
// unusable.
func (g *Gateway) compileCognito(t *model.Template, ep *endpoint, api *model.RestAPI, res *model.Resource, m *model.Method, ds *diag.Diagnostics) {
	if m.AuthorizationType != "COGNITO_USER_POOLS" || ep.fail != errNone {
		return
	}
	notServed := func(rng diag.Range, reason, hint string) {
		ep.fail, ep.reason = errAuthorizerConfig, reason
		*ds = append(*ds, diag.NewWarning(ruleNotServed, rng,
			"method %s %s is not served: %s", m.HTTPMethod, res.Path, reason).
			WithResource(m.LogicalID).
			WithHint(hint))
	}
	var au *model.Authorizer
	for _, a := range api.Authorizers {
		if m.AuthorizerID != "" && (a.ID == m.AuthorizerID || a.LogicalID == m.AuthorizerID || a.Name == m.AuthorizerID) {
			au = a
		}
	}
	if au == nil || !strings.EqualFold(au.Type, "COGNITO_USER_POOLS") {
		notServed(m.Props.At("AuthorizerId", m.Range), "its AuthorizationType is COGNITO_USER_POOLS and it names no Cognito authorizer of the API",
			"Set AuthorizerId to an AWS::ApiGateway::Authorizer of Type COGNITO_USER_POOLS.")
		return
	}
	header, ok := strings.CutPrefix(au.IdentitySource, "method.request.header.")
	if au.IdentitySource == "" {
		header, ok = "Authorization", true
	}
	if !ok || header == "" {
		notServed(au.Props.At("IdentitySource", au.Range), "Cognito authorizer "+au.Name+" needs a method.request.header.NAME identity source",
			"Set IdentitySource to method.request.header.Authorization.")
		return
	}
	cc := &ccognito{name: au.Name, header: header, scopes: m.AuthorizationScopes}
	for _, p := range au.Pools() {
		if p.ID == "" {
			*ds = append(*ds, diag.NewWarning(ruleIgnored, au.Props.At("ProviderARNs", au.Range),
				"ProviderARNs entry %q does not name a user pool; no token is accepted for it", p.ARN).
				WithResource(au.LogicalID).
				WithHint("Use the pool's ARN, arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID (!GetAtt UserPool.Arn)."))
			continue
		}
		cp := cognitoPool{id: p.ID, issuer: p.Issuer(), keys: g.cfg.CognitoKeys[p.ID]}
		for _, c := range t.PoolClients(p.ID) {
			cp.clients = append(cp.clients, c.ID)
		}
		cc.pools = append(cc.pools, cp)
	}
	if len(cc.pools) == 0 {
		notServed(au.Props.At("ProviderARNs", au.Range), "Cognito authorizer "+au.Name+" has no user pool in ProviderARNs",
			"List the user pools in ProviderARNs (!GetAtt UserPool.Arn).")
		return
	}
	ep.cognito = cc
}

// authorizeCognito checks the request's token; a nil error sets
// rs.authRes to the claims.
func (g *Gateway) authorizeCognito(rs *reqState) error {
	cc := rs.ep.cognito
	raw := strings.TrimSpace(rs.r.Header.Get(cc.header))
	if b, ok := strings.CutPrefix(raw, "Bearer "); ok {
		raw = strings.TrimSpace(b)
	}
	deny := func(why string) error { return rs.fail(errUnauthorized, "Cognito authorizer "+cc.name+": "+why) }
	if raw == "" {
		return deny("no token in the " + cc.header + " header")
	}
	tok, err := jwt.Parse(raw)
	if err != nil {
		return deny(err.Error())
	}
	iss, _ := tok.Claims["iss"].(string)
	i := slices.IndexFunc(cc.pools, func(p cognitoPool) bool { return p.issuer == iss })
	if i < 0 {
		return deny("iss " + iss + " is not a user pool of the authorizer")
	}
	pool := cc.pools[i]
	switch {
	case tok.HasKey(g.cfg.TokenKeys):
		if err := tok.Verify(g.cfg.TokenKeys); err != nil {
			return deny(err.Error())
		}
	case pool.keys != nil:
		if err := tok.Verify(pool.keys); err != nil {
			return deny(err.Error())
		}
	default:
		// No JWKS for the pool: decoded, not verified (said at start), but
		// never an unsigned token.
		if tok.Alg != "RS256" && tok.Alg != "ES256" {
			return deny("algorithm " + tok.Alg + " is not accepted")
		}
	}
	now := g.cfg.Now().Unix()
	exp, ok := numClaim(tok.Claims["exp"])
	if !ok {
		return deny("the token has no exp")
	}
	if now >= exp {
		return deny("the token expired")
	}
	if nbf, ok := numClaim(tok.Claims["nbf"]); ok && now < nbf {
		return deny("the token is not valid yet (nbf)")
	}
	use, _ := tok.Claims["token_use"].(string)
	if pool.clients != nil {
		claim := "aud"
		if use == "access" {
			claim = "client_id"
		}
		client, _ := tok.Claims[claim].(string)
		if !slices.Contains(pool.clients, client) {
			return deny("the token's " + claim + " " + strconvQuote(client) + " is not an app client of user pool " + pool.id + " in the template")
		}
	}
	if len(cc.scopes) == 0 {
		if use != "id" {
			return deny("the method has no AuthorizationScopes, so it takes an ID token (token_use id), not " + strconvQuote(use))
		}
	} else {
		if use != "access" {
			return deny("the method has AuthorizationScopes, so it takes an access token (token_use access), not " + strconvQuote(use))
		}
		scope, _ := tok.Claims["scope"].(string)
		have := strings.Fields(scope)
		if !slices.ContainsFunc(cc.scopes, func(s string) bool { return slices.Contains(have, s) }) {
			return deny("the token's scope " + strconvQuote(scope) + " has none of " + strings.Join(cc.scopes, ", "))
		}
	}
	rs.authRes = claimsResult(tok.Claims)
	return nil
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func numClaim(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		if f, err := n.Float64(); err == nil {
			return int64(f), true
		}
	case float64:
		return int64(n), true
	}
	return 0, false
}

// claimsResult is the authorizer result of a Cognito token: the claims as
// strings, as API Gateway passes them.
func claimsResult(claims map[string]any) *authResult {
	res := &authResult{claims: map[string]any{}}
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var s string
		switch v := claims[k].(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		default:
			b, _ := json.Marshal(v)
			s = string(b)
		}
		res.claims[k] = s
		res.context = append(res.context, [2]string{"claims." + k, s})
	}
	res.json, _ = json.Marshal(map[string]any{"claims": res.claims})
	return res
}

// cognitoLines say how the served version's Cognito authorizers check
// tokens, one line per user pool.
func (g *Gateway) cognitoLines(t *model.Template, v *version) []string {
	seen := map[string]bool{}
	var out []string
	for _, api := range t.APIs {
		if v.byID[api.ID] == nil {
			continue
		}
		for _, au := range api.Authorizers {
			if !strings.EqualFold(au.Type, "COGNITO_USER_POOLS") {
				continue
			}
			for _, p := range au.Pools() {
				if p.ID == "" || seen[p.ID] {
					continue
				}
				seen[p.ID] = true
				how := "tokens from `cfnrun token` are verified; other tokens are decoded but their signature is not verified (give the pool's JWKS with --jwks " + p.ID + "=FILE|URL)"
				if g.cfg.CognitoKeys[p.ID] != nil {
					how = "tokens are verified against the pool's JWKS (--jwks)"
					if len(g.cfg.TokenKeys) > 0 {
						how += " or the `cfnrun token` key"
					}
				}
				if clients := t.PoolClients(p.ID); len(clients) > 0 {
					var ids []string
					for _, c := range clients {
						ids = append(ids, c.ID+" ("+c.LogicalID+")")
					}
					how += "; aud / client_id must be one of its app clients: " + strings.Join(ids, ", ")
				} else {
					how += "; aud / client_id not checked (the template defines no app client for the pool)"
				}
				out = append(out, "Cognito user pool "+p.ID+" (authorizer "+au.Name+"): "+how)
			}
		}
	}
	return out
}
