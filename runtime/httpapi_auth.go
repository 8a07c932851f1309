package runtime

// HTTP API authorizers: Lambda authorizers (REQUEST, payload format 1.0 or
// 2.0, simple {"isAuthorized": bool, "context": {...}} or IAM policy
// answers, cached by identity for AuthorizerResultTtlInSeconds) and JWT
// authorizers (the token verified against the issuer's keys; iss, aud or
// client_id, exp, nbf and the route's AuthorizationScopes checked), as
// "Control access to HTTP APIs with AWS Lambda authorizers" and "... with
// JWT authorizers" describe. A missing identity is 401 Unauthorized; a
// denial 403 Forbidden; an authorizer that fails 500.
//
// JWT keys: an issuer that is a Cognito user pool
// (https://cognito-idp.REGION.amazonaws.com/POOL_ID) takes tokens signed by
// the `cfnrun token` key (Config.TokenKeys) and by the pool's JWKS when one
// was given (Config.CognitoKeys, `up --jwks`), offline; any other issuer's
// keys are fetched from {issuer}/.well-known/openid-configuration's
// jwks_uri (jwksCache), with a short timeout, and kept for an hour.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// chauth is an HTTP API route's compiled authorizer.
type chauth struct {
	name   string
	jwt    *chjwt
	lambda *chlambda
	// scopes are the route's AuthorizationScopes (JWT).
	scopes []string
}

type chjwt struct {
	issuer   string
	audience []string
	header   string // the identity source header
	// pool is the Cognito user pool the issuer names, "" for another
	// issuer.
	pool string
	keys []jwt.Key // the pool's JWKS and the local token key
}

type chlambda struct {
	name, fn, region string
	v2, simple       bool
	ttl              time.Duration
	sources          []httpIdentity
	cache            AuthCache
}

// httpIdentity is one identity source: $request.header.X,
// $request.querystring.X, $context.X or $stageVariables.X.
type httpIdentity struct {
	kind srcKind
	name string
}

// httpAuthResult is what a route's authorizer decided, for the event.
type httpAuthResult struct {
	// event2 and event1 are requestContext.authorizer in payload format
	// 2.0 and 1.0 events.
	event2, event1 []byte
}

func parseHTTPIdentity(s string) (httpIdentity, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "$request.header."):
		return httpIdentity{srcHeader, s[len("$request.header."):]}, true
	case strings.HasPrefix(s, "$request.querystring."):
		return httpIdentity{srcQuery, s[len("$request.querystring."):]}, true
	case strings.HasPrefix(s, "$context."):
		return httpIdentity{srcContext, s[len("$context."):]}, true
	case strings.HasPrefix(s, "$stageVariables."):
		return httpIdentity{srcStageVar, s[len("$stageVariables."):]}, true
	case strings.HasPrefix(s, "method.request.header."): // as a REST API writes it
		return httpIdentity{srcHeader, s[len("method.request.header."):]}, true
	}
	return httpIdentity{}, false
}

// compileHTTPAuthorizer compiles the route's JWT or Lambda authorizer into
// ep.hauth; a route whose authorizer cannot run is not served.
func (g *Gateway) compileHTTPAuthorizer(ep *endpoint, cs *cstage, res *model.Resource, m *model.Method, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) {
	notServed := func(rng diag.Range, reason, hint string) {
		ep.fail, ep.reason = errAuthorizerConfig, reason
		*ds = append(*ds, diag.NewWarning(ruleNotServed, rng,
			"route %s is not served: %s", ep.routeKey, reason).
			WithResource(m.LogicalID).
			WithHint(hint))
	}
	var au *model.Authorizer
	for _, a := range cs.api.authorizers {
		if m.AuthorizerID != "" && (a.ID == m.AuthorizerID || a.LogicalID == m.AuthorizerID || a.Name == m.AuthorizerID) {
			au = a
			break
		}
	}
	if au == nil {
		notServed(m.Props.At("AuthorizerId", m.Range), "its AuthorizationType is "+m.AuthorizationType+" and it names no authorizer of the API",
			"Set AuthorizerId to an authorizer of the same HTTP API.")
		return
	}
	ha := &chauth{name: au.Name, scopes: m.AuthorizationScopes}
	rngOf := func(k string) diag.Range { return au.Props.At(k, au.Range) }
	switch strings.ToUpper(au.Type) {
	case "JWT":
		src := au.IdentitySource
		if src == "" {
			src = "$request.header.Authorization"
		}
		id, ok := parseHTTPIdentity(strings.Split(src, ",")[0])
		if !ok || id.kind != srcHeader {
			notServed(rngOf("IdentitySource"), "JWT authorizer "+au.Name+" needs a $request.header.NAME identity source",
				"Set IdentitySource to $request.header.Authorization.")
			return
		}
		if au.JWTIssuer == "" {
			notServed(rngOf("JwtConfiguration"), "JWT authorizer "+au.Name+" has no issuer",
				"Set JwtConfiguration.Issuer (for a Cognito user pool, https://cognito-idp.REGION.amazonaws.com/POOL_ID).")
			return
		}
		j := &chjwt{issuer: strings.TrimSuffix(au.JWTIssuer, "/"), audience: au.JWTAudience, header: id.name}
		if p, ok := model.ParseCognitoIssuer(j.issuer); ok {
			j.pool = p.ID
			j.keys = append(append(j.keys, g.cfg.CognitoKeys[p.ID]...), g.cfg.TokenKeys...)
		}
		ha.jwt = j
	case "REQUEST":
		lc, ok := cs.api.http.lambdas[au]
		if !ok {
			lc = g.compileHTTPLambdaAuthorizer(cs, au, t, ls, ds)
			if cs.api.http.lambdas == nil {
				cs.api.http.lambdas = map[*model.Authorizer]*chlambda{}
			}
			cs.api.http.lambdas[au] = lc
		}
		if lc == nil {
			ep.fail, ep.reason = errAuthorizerConfig, "authorizer "+au.Name+" cannot run (see its finding)"
			return
		}
		ha.lambda = lc
	default:
		notServed(rngOf("AuthorizerType"), "authorizer "+au.Name+" has type "+au.Type,
			"HTTP APIs take JWT and REQUEST (Lambda) authorizers.")
		return
	}
	ep.hauth = ha
}

// compileHTTPLambdaAuthorizer compiles a Lambda authorizer; nil (with a
// finding) when it cannot run.
func (g *Gateway) compileHTTPLambdaAuthorizer(cs *cstage, au *model.Authorizer, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) *chlambda {
	fail := func(rng diag.Range, reason, hint string) *chlambda {
		*ds = append(*ds, diag.NewWarning(ruleNotServed, rng, "authorizer %s cannot run: %s; its routes answer 500", au.Name, reason).
			WithResource(au.LogicalID).WithHint(hint))
		return nil
	}
	rngOf := func(k string) diag.Range { return au.Props.At(k, au.Range) }
	lt := au.Function
	if lt != nil && lt.StageVariable {
		lt = t.ResolveLambdaURI(model.SubstituteStageVariables(au.AuthorizerURI, cs.vars))
	}
	var name string
	switch {
	case lt == nil || lt.StageVariable:
		return fail(rngOf("AuthorizerUri"), "it has no usable Lambda AuthorizerUri", "Give the authorizer an AuthorizerUri naming a Lambda function of the template.")
	case lt.Function != nil:
		name = lt.Function.Name
	case ls.external[lt.Name]:
		name = lt.Name
	default:
		return fail(rngOf("AuthorizerUri"), "it names function "+lt.ARN+", which the template does not define", "Pass --lambda "+lt.Name+"=URL|COMMAND to supply the function.")
	}
	if g.cfg.Lambda == nil {
		return fail(au.Range, "no Lambda service runs it", "Serve the template with cfnrun up, which runs Lambda functions.")
	}
	if why := ls.unusable[name]; why != "" {
		return fail(rngOf("AuthorizerUri"), "function "+name+": "+why, "Pass --code NAME=PATH for code that is not local, or --lambda "+name+"=URL|COMMAND.")
	}
	lc := &chlambda{name: au.Name, fn: name, region: "us-east-1", v2: au.PayloadFormatVersion != "1.0",
		ttl: time.Duration(au.ResultTTLSeconds) * time.Second}
	lc.simple = lc.v2 && au.SimpleResponses
	if r, ok := uriRegion(au.AuthorizerURI); ok {
		lc.region = r
	}
	for _, s := range strings.Split(au.IdentitySource, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		id, ok := parseHTTPIdentity(s)
		if !ok {
			return fail(rngOf("IdentitySource"), fmt.Sprintf("identity source %q is not one API Gateway reads", strings.TrimSpace(s)),
				"Use $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME.")
		}
		lc.sources = append(lc.sources, id)
	}
	if lc.ttl > 0 {
		var b strings.Builder
		b.WriteString("httpapi/" + cs.api.id + "/" + au.ID + "/" + lc.fn + "/" + strconv.FormatInt(int64(lc.ttl/time.Second), 10))
		for _, s := range lc.sources {
			b.WriteString("/" + strconv.Itoa(int(s.kind)) + ":" + s.name)
		}
		lc.cache = g.counters.AuthCache(b.String())
		if _, mem := lc.cache.(*memAuthCache); !mem {
			lc.cache = newLocalAuthCache(lc.cache)
		}
	}
	return lc
}

// authorizeHTTP runs the route's authorizer; a nil error sets rs.hauthRes.
func (g *Gateway) authorizeHTTP(rs *reqState) error {
	ha := rs.ep.hauth
	if ha.jwt != nil {
		return g.authorizeJWT(rs, ha)
	}
	return g.authorizeHTTPLambda(rs, ha.lambda)
}

func (g *Gateway) authorizeJWT(rs *reqState, ha *chauth) error {
	j := ha.jwt
	deny := func(why string) error { return rs.fail(errUnauthorized, "JWT authorizer "+ha.name+": "+why) }
	raw := strings.TrimSpace(rs.r.Header.Get(j.header))
	if b, ok := strings.CutPrefix(raw, "Bearer "); ok {
		raw = strings.TrimSpace(b)
	} else if b, ok := strings.CutPrefix(raw, "bearer "); ok {
		raw = strings.TrimSpace(b)
	}
	if raw == "" {
		return deny("no token in the " + j.header + " header")
	}
	tok, err := jwt.Parse(raw)
	if err != nil {
		return deny(err.Error())
	}
	if iss, _ := tok.Claims["iss"].(string); strings.TrimSuffix(iss, "/") != j.issuer {
		return deny("iss " + strconvQuote(iss) + " is not the authorizer's issuer " + j.issuer)
	}
	keys := j.keys
	if j.pool == "" || !tok.HasKey(keys) {
		fetched, err := rs.api.http.jwks.keys(rs.r.Context(), j.issuer, tok.Kid)
		if err != nil {
			g.log.Warn("JWT authorizer could not get the issuer's keys", slog.String("authorizer", ha.name),
				slog.String("issuer", j.issuer), slog.String("error", err.Error()), slog.String("requestId", rs.requestID()))
			return deny("the issuer's keys: " + err.Error())
		}
		keys = append(slices.Clip(keys), fetched...)
	}
	if err := tok.Verify(keys); err != nil {
		return deny(err.Error())
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
	if iat, ok := numClaim(tok.Claims["iat"]); ok && now+300 < iat {
		return deny("the token was issued in the future (iat)")
	}
	if len(j.audience) > 0 {
		var auds []string
		switch a := tok.Claims["aud"].(type) {
		case string:
			auds = []string{a}
		case []any:
			for _, v := range a {
				if s, ok := v.(string); ok {
					auds = append(auds, s)
				}
			}
		}
		// "API Gateway validates client_id only if aud is not present."
		if c, ok := tok.Claims["client_id"].(string); ok && tok.Claims["aud"] == nil {
			auds = append(auds, c)
		}
		if !slices.ContainsFunc(auds, func(a string) bool { return slices.Contains(j.audience, a) }) {
			return deny("the token's aud / client_id (" + strings.Join(auds, ", ") + ") is not one of the audience " + strings.Join(j.audience, ", "))
		}
	}
	var scopes []string
	switch s := tok.Claims["scope"].(type) {
	case string:
		scopes = strings.Fields(s)
	}
	if s, ok := tok.Claims["scp"].([]any); ok {
		for _, v := range s {
			if str, ok := v.(string); ok {
				scopes = append(scopes, str)
			}
		}
	}
	if len(ha.scopes) > 0 && !slices.ContainsFunc(ha.scopes, func(s string) bool { return slices.Contains(scopes, s) }) {
		return rs.fail(errAccessDenied, "JWT authorizer "+ha.name+": the token's scopes ("+strings.Join(scopes, " ")+") have none of "+strings.Join(ha.scopes, ", "))
	}
	claims := map[string]string{}
	for k, v := range tok.Claims {
		switch v := v.(type) {
		case string:
			claims[k] = v
		case json.Number:
			claims[k] = v.String()
		case []any:
			// As AWS writes a list claim: "[a b]".
			parts := make([]string, 0, len(v))
			for _, e := range v {
				parts = append(parts, fmt.Sprint(e))
			}
			claims[k] = "[" + strings.Join(parts, " ") + "]"
		default:
			b, _ := json.Marshal(v)
			claims[k] = string(b)
		}
	}
	var sc any = scopes
	if len(scopes) == 0 {
		sc = nil
	}
	inner, _ := json.Marshal(map[string]any{"claims": claims, "scopes": sc})
	rs.hauthRes = &httpAuthResult{event1: inner, event2: append(append([]byte(`{"jwt":`), inner...), '}')}
	return nil
}

func (g *Gateway) authorizeHTTPLambda(rs *reqState, lc *chlambda) error {
	values := make([]string, len(lc.sources))
	for i, s := range lc.sources {
		values[i] = rs.sourceValue(valueSource{kind: s.kind, name: s.name})
		if values[i] == "" {
			return rs.fail(errUnauthorized, "authorizer "+lc.name+": the request has no value for identity source "+s.name)
		}
	}
	var key string
	var answer []byte
	if lc.cache != nil {
		key = strings.Join(values, "\x00")
		if a, ok := lc.cache.Get(rs.r.Context(), key, g.cfg.Now()); ok {
			answer = a.JSON
			if a.parsed != nil {
				answer = a.parsed.json // as Put below keeps it in memory
			}
		}
	}
	arn := "arn:aws:execute-api:" + lc.region + ":" + g.cfg.AccountID + ":" + rs.api.id + "/" + rs.stage.name + "/" + rs.method + rs.rest
	if answer == nil {
		res, err := g.invoke(rs, lc.fn, httpAuthorizerEvent(rs, lc, values, arn), false)
		if err != nil {
			rs.gerr.kind = errAuthorizerConfig
			return &rs.gerr
		}
		if res.FunctionError != "" {
			if msg, _ := jsonField(res.Payload, "errorMessage"); msg == "Unauthorized" {
				return rs.fail(errUnauthorized, "authorizer "+lc.name+": the function answered Unauthorized")
			}
			g.log.Warn("authorizer function failed", slog.String("authorizer", lc.name), slog.String("function", lc.fn),
				slog.String("errorType", res.ErrorType), slog.String("error", truncate(res.Payload, 1024)), slog.String("requestId", rs.requestID()))
			return rs.fail(errAuthorizerFailure, "authorizer "+lc.name+": function "+lc.fn+" failed ("+res.ErrorType+")")
		}
		answer = res.Payload
		if lc.cache != nil {
			// The in-memory cache keeps parsed answers only: the
			// answer's JSON rides in one.
			lc.cache.Put(rs.r.Context(), key, AuthAnswer{JSON: answer, parsed: &authResult{json: slices.Clone(answer)}}, g.cfg.Now(), lc.ttl)
		}
	}
	res, allow, err := parseHTTPAuthorizerAnswer(answer, lc.simple, arn)
	if err != nil {
		g.log.Warn("authorizer answer is not usable", slog.String("authorizer", lc.name), slog.String("function", lc.fn),
			slog.String("error", err.Error()), slog.String("response", truncate(answer, 1024)), slog.String("requestId", rs.requestID()))
		return rs.fail(errAuthorizerConfig, "authorizer "+lc.name+": "+err.Error())
	}
	if !allow {
		return rs.fail(errAccessDenied, "authorizer "+lc.name+" denied "+arn)
	}
	rs.hauthRes = res
	return nil
}

// httpAuthorizerEvent is a Lambda authorizer's event: payload format 2.0
// (the integration's 2.0 event without the body, with type, routeArn and
// identitySource as a list) or 1.0 (the REST REQUEST authorizer event with
// version, identitySource and authorizationToken).
func httpAuthorizerEvent(rs *reqState, lc *chlambda, values []string, arn string) []byte {
	var b []byte
	if lc.v2 {
		ev := rs.httpEvent(nil)
		ev.authorizer = nil
		e := appendHTTPEvent(nil, &ev)
		e = e[len(`{"version":"2.0",`) : len(e)-len(`,"isBase64Encoded":false}`)]
		b = append(b, `{"version":"2.0","type":"REQUEST","routeArn":`...)
		b = appendJSONString(b, arn)
		b = append(b, `,"identitySource":[`...)
		for i, v := range values {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, v)
		}
		b = append(b, "],"...)
		b = append(b, e...)
		return append(b, '}')
	}
	ev := rs.proxyEvent(nil)
	ev.authorizer = nil
	e := appendProxyEvent(nil, &ev)
	e = []byte(strings.TrimSuffix(string(e), `,"body":null,"isBase64Encoded":false}`))
	b = append(b, `{"version":"1.0","type":"REQUEST","methodArn":`...)
	b = appendJSONString(b, arn)
	joined := strings.Join(values, ",")
	b = append(b, `,"identitySource":`...)
	b = appendJSONString(b, joined)
	b = append(b, `,"authorizationToken":`...)
	b = appendJSONString(b, joined)
	b = append(b, ',')
	b = append(b, e[1:]...)
	return append(b, '}')
}

// parseHTTPAuthorizerAnswer reads a Lambda authorizer's answer: a simple
// response ({"isAuthorized": bool, "context": {...}}) or an IAM policy
// (principalId, policyDocument, context) evaluated against arn.
func parseHTTPAuthorizerAnswer(p []byte, simple bool, arn string) (*httpAuthResult, bool, error) {
	var raw struct {
		IsAuthorized *bool          `json:"isAuthorized"`
		Context      map[string]any `json:"context"`
	}
	if err := json.Unmarshal(p, &raw); err != nil {
		return nil, false, fmt.Errorf("the answer is not a JSON object: %v", err)
	}
	ctx := raw.Context
	if ctx == nil {
		ctx = map[string]any{}
	}
	if simple {
		if raw.IsAuthorized == nil {
			return nil, false, errors.New(`the answer has no boolean "isAuthorized" (the authorizer has EnableSimpleResponses)`)
		}
		c, _ := json.Marshal(ctx)
		return &httpAuthResult{event2: append(append([]byte(`{"lambda":`), c...), '}'), event1: c}, *raw.IsAuthorized, nil
	}
	ar, err := parseAuthorizerResult(p)
	if err != nil {
		return nil, false, err
	}
	c, _ := json.Marshal(ctx)
	return &httpAuthResult{event2: append(append([]byte(`{"lambda":`), c...), '}'), event1: ar.json}, ar.evaluate(arn) == policyAllow, nil
}

// jwksCache holds issuers' keys, fetched through OpenID Connect discovery.
// A fetch runs without the lock: requests to other issuers, and to the
// same issuer while keys it holds still serve, do not wait for it; the
// requests that need the fetch's answer wait for that one fetch.
type jwksCache struct {
	client *http.Client
	mu     sync.Mutex
	byIss  map[string]*issuerKeys
}

type issuerKeys struct {
	keys    []jwt.Key
	fetched time.Time
	err     error
	// pending is closed when the fetch in flight ends; nil when none.
	pending chan struct{}
}

// jwksTTL is how long fetched keys are kept; jwksRetry how soon a fetch
// is tried again after it failed or missed a kid.
const (
	jwksTTL     = time.Hour
	jwksRetry   = 30 * time.Second
	jwksTimeout = 5 * time.Second
	jwksMaxBody = 1 << 20
)

func newJWKSCache() *jwksCache {
	return &jwksCache{client: &http.Client{Timeout: jwksTimeout}, byIss: map[string]*issuerKeys{}}
}

// keys returns the issuer's keys, fetching them when none are held, they
// are old, or they lack kid (at most once per jwksRetry).
func (c *jwksCache) keys(ctx context.Context, issuer, kid string) ([]jwt.Key, error) {
	c.mu.Lock()
	for {
		ik := c.byIss[issuer]
		if ik == nil || ik.pending == nil {
			break
		}
		p := ik.pending
		c.mu.Unlock()
		select {
		case <-p:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
	}
	now := time.Now()
	ik := c.byIss[issuer]
	fresh := ik != nil && now.Sub(ik.fetched) < jwksTTL
	if fresh && ik.err == nil && (kid == "" || slices.ContainsFunc(ik.keys, func(k jwt.Key) bool { return k.ID == kid })) {
		c.mu.Unlock()
		return ik.keys, nil
	}
	if ik != nil && now.Sub(ik.fetched) < jwksRetry {
		c.mu.Unlock()
		return ik.keys, ik.err
	}
	next := &issuerKeys{pending: make(chan struct{})}
	if ik != nil {
		next.keys, next.fetched, next.err = ik.keys, ik.fetched, ik.err
	}
	c.byIss[issuer] = next
	c.mu.Unlock()
	// The fetch runs apart from the request that started it: its answer is
	// kept for every request to the issuer, so it is not cut short by this
	// request's cancellation (fetch bounds it with jwksTimeout), and this
	// request stops waiting for it when its client goes away, as the
	// requests that wait on pending above do.
	var keys []jwt.Key
	var err error
	go func() {
		keys, err = c.fetch(context.WithoutCancel(ctx), issuer)
		c.mu.Lock()
		c.byIss[issuer] = &issuerKeys{keys: keys, fetched: time.Now(), err: err}
		close(next.pending)
		c.mu.Unlock()
	}()
	select {
	case <-next.pending:
		return keys, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *jwksCache) fetch(ctx context.Context, issuer string) ([]jwt.Key, error) {
	get := func(u string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, jwksTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := c.client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, jwksMaxBody))
	}
	doc, err := get(issuer + "/.well-known/openid-configuration")
	if err != nil {
		return nil, err
	}
	var oc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(doc, &oc); err != nil || oc.JWKSURI == "" {
		return nil, fmt.Errorf("%s/.well-known/openid-configuration has no jwks_uri", issuer)
	}
	set, err := get(oc.JWKSURI)
	if err != nil {
		return nil, err
	}
	return jwt.ParseJWKS(set)
}
