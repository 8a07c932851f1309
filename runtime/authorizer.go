package runtime

// Lambda authorizers (TOKEN and REQUEST), as API Gateway runs them: the
// identity is taken from the request (a missing one is 401 without calling
// the function; a TOKEN that fails IdentityValidationExpression too), the
// function returns an IAM policy, and the policy is evaluated against the
// method ARN: an explicit Deny or no Allow is 403. The policy, principalId
// and context are cached per identity for AuthorizerResultTtlInSeconds and
// evaluated again for each method, as on AWS. The context reaches the
// integration as requestContext.authorizer, $context.authorizer.x and
// context.authorizer.x.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/policy"
)

// cauthorizer is a compiled Lambda authorizer, shared by the methods that
// use it within one template version.
type cauthorizer struct {
	name string
	typ  string // TOKEN or REQUEST
	fn   string // the function the service invokes
	// region is the authorizer URI's region, for method ARNs.
	region string
	ttl    time.Duration
	// validate is IdentityValidationExpression (TOKEN), nil for none.
	validate *regexp.Regexp
	sources  []identitySource
	// cache holds answers for ttl (Counters.AuthCache); nil when ttl is 0.
	cache AuthCache
}

type identitySource struct {
	kind srcKind // srcHeader, srcQuery, srcStageVar, srcContext
	name string
}

// authResult is what an authorizer function returned, parsed.
type authResult struct {
	principalID string
	statements  []policyStatement
	// context are the policy's context values as strings, sorted by key.
	context [][2]string
	// usageIdentifierKey is the API key the authorizer names (API key
	// source AUTHORIZER).
	usageIdentifierKey string
	// json is requestContext.authorizer: principalId and the context.
	json []byte
	// claims are a Cognito token's claims ($context.authorizer.claims),
	// nil for a Lambda authorizer.
	claims map[string]any
}

type policyStatement struct {
	allow     bool
	actions   []string
	resources []string
}

// compileAuthorizer compiles the method's Lambda authorizer into ep.auth,
// reusing one compiled authorizer per model authorizer (auths). It returns
// false when the method cannot be served.
func compileAuthorizer(ep *endpoint, cs *cstage, res *model.Resource, m *model.Method, g *Gateway, t *model.Template, ls *lambdaSet, auths map[*model.Authorizer]*cauthorizer, ds *diag.Diagnostics) bool {
	notServed := func(rng diag.Range, reason, hint string) bool {
		ep.fail, ep.reason = errAuthorizerConfig, reason
		*ds = append(*ds, diag.NewWarning(ruleNotServed, rng,
			"method %s %s is not served: %s", m.HTTPMethod, res.Path, reason).
			WithResource(m.LogicalID).
			WithHint(hint))
		return false
	}
	var au *model.Authorizer
	for _, a := range cs.api.authorizers {
		if m.AuthorizerID != "" && (a.ID == m.AuthorizerID || a.LogicalID == m.AuthorizerID || a.Name == m.AuthorizerID) {
			au = a
			break
		}
	}
	if au == nil {
		return notServed(m.Props.At("AuthorizerId", m.Range), "its AuthorizationType is CUSTOM and it names no authorizer of the API",
			"Set AuthorizerId to an AWS::ApiGateway::Authorizer of the same API.")
	}
	if ca, ok := auths[au]; ok {
		ep.auth = ca
		return true
	}
	rngOf := func(k string) diag.Range { return au.Props.At(k, au.Range) }
	lt := au.Function
	if lt != nil && lt.StageVariable {
		lt = t.ResolveLambdaURI(model.SubstituteStageVariables(au.AuthorizerURI, cs.vars))
		ep.perStage = true
	}
	var name string
	switch {
	case lt == nil || lt.StageVariable:
		return notServed(rngOf("AuthorizerUri"), "authorizer "+au.Name+" has no usable Lambda AuthorizerUri",
			"Give the authorizer an AuthorizerUri naming a Lambda function.")
	case lt.Function != nil:
		name = lt.Function.Name
	case ls.external[lt.Name]:
		name = lt.Name
	default:
		return notServed(rngOf("AuthorizerUri"), "authorizer "+au.Name+" names function "+lt.ARN+", which the template does not define",
			"Pass --lambda "+lt.Name+"=URL|COMMAND to supply the function.")
	}
	if g.cfg.Lambda == nil {
		return notServed(au.Range, "no Lambda service runs authorizer "+au.Name, "Serve the template with cfnrun up, which runs Lambda functions.")
	}
	if why := ls.unusable[name]; why != "" {
		return notServed(rngOf("AuthorizerUri"), "authorizer "+au.Name+": function "+name+": "+why,
			"Pass --code NAME=PATH for code that is not local, or --lambda "+name+"=URL|COMMAND.")
	}
	ca := &cauthorizer{name: au.Name, typ: strings.ToUpper(au.Type), fn: name, region: "us-east-1",
		ttl: time.Duration(au.ResultTTLSeconds) * time.Second}
	if r, ok := uriRegion(au.AuthorizerURI); ok {
		ca.region = r
	}
	if ca.typ == "" {
		ca.typ = "TOKEN"
	}
	for _, s := range strings.Split(au.IdentitySource, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		src, ok := parseIdentitySource(s)
		if !ok {
			return notServed(rngOf("IdentitySource"), fmt.Sprintf("authorizer %s: identity source %q is not one API Gateway reads", au.Name, s),
				"Use method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME.")
		}
		ca.sources = append(ca.sources, src)
	}
	if ca.typ == "TOKEN" && (len(ca.sources) != 1 || ca.sources[0].kind != srcHeader) {
		return notServed(rngOf("IdentitySource"), "TOKEN authorizer "+au.Name+" needs one method.request.header.NAME identity source",
			"Set IdentitySource to method.request.header.Authorization (or another header).")
	}
	if ca.typ != "TOKEN" && ca.typ != "REQUEST" {
		return notServed(rngOf("Type"), "authorizer "+au.Name+" has type "+au.Type, "Use TOKEN or REQUEST (COGNITO_USER_POOLS is not emulated).")
	}
	if e := au.IdentityValidationExpression; e != "" && ca.typ == "TOKEN" {
		re, err := regexp.Compile("^(?:" + e + ")$")
		if err != nil {
			*ds = append(*ds, diag.NewWarning(ruleUnsupported, rngOf("IdentityValidationExpression"),
				"IdentityValidationExpression %q does not compile: %v", e, err).
				WithResource(au.LogicalID).
				WithHint("cfnrun uses Go's RE2 syntax; Java-only constructs (lookarounds, backreferences) are not available. Tokens are not checked before the function is called."))
		} else {
			ca.validate = re
		}
	}
	if ca.ttl > 0 {
		ca.cache = g.counters.AuthCache(authCacheName(cs.api.id, au, ca))
		if _, mem := ca.cache.(*memAuthCache); !mem {
			ca.cache = newLocalAuthCache(ca.cache)
		}
	}
	auths[au] = ca
	ep.auth = ca
	return true
}

// authCacheName names an authorizer's cache by what decides its answers,
// so replicas serving one template share it and a changed authorizer
// starts anew.
func authCacheName(apiID string, au *model.Authorizer, ca *cauthorizer) string {
	var b strings.Builder
	b.WriteString(apiID + "/" + au.ID + "/" + ca.fn + "/" + ca.typ + "/" + strconv.FormatInt(int64(ca.ttl/time.Second), 10))
	for _, s := range ca.sources {
		b.WriteString("/" + strconv.Itoa(int(s.kind)) + ":" + s.name)
	}
	return b.String()
}

func uriRegion(uri string) (string, bool) {
	// arn:{partition}:apigateway:{region}:lambda:path/...
	parts := strings.SplitN(uri, ":", 5)
	if len(parts) == 5 && parts[2] == "apigateway" && parts[3] != "" {
		return parts[3], true
	}
	return "", false
}

func parseIdentitySource(s string) (identitySource, bool) {
	switch {
	case strings.HasPrefix(s, "method.request.header."):
		return identitySource{srcHeader, s[len("method.request.header."):]}, true
	case strings.HasPrefix(s, "method.request.querystring."):
		return identitySource{srcQuery, s[len("method.request.querystring."):]}, true
	case strings.HasPrefix(s, "stageVariables."):
		return identitySource{srcStageVar, s[len("stageVariables."):]}, true
	case strings.HasPrefix(s, "context."):
		return identitySource{srcContext, s[len("context."):]}, true
	}
	return identitySource{}, false
}

// methodARN is the ARN of the method being called, as the authorizer sees
// it: arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}.
func (rs *reqState) methodARN(region string) string {
	return "arn:aws:execute-api:" + region + ":" + rs.g.cfg.AccountID + ":" + rs.api.id + "/" + rs.stage.name + "/" + rs.method + rs.rest
}

// authorize runs the method's authorizer. A nil error lets the request
// through with rs.authRes set.
func (g *Gateway) authorize(rs *reqState) error {
	ca := rs.ep.auth
	values := make([]string, len(ca.sources))
	missing := false
	for i, src := range ca.sources {
		values[i] = rs.sourceValue(valueSource{kind: src.kind, name: src.name})
		if values[i] == "" {
			missing = true
		}
	}
	// A missing identity is 401 without calling the function (a REQUEST
	// authorizer without caching takes the request as it is).
	if missing && (ca.typ == "TOKEN" || ca.ttl > 0) {
		return rs.fail(errUnauthorized, "authorizer "+ca.name+": the request has no identity source value")
	}
	if ca.validate != nil && !ca.validate.MatchString(values[0]) {
		return rs.fail(errUnauthorized, "authorizer "+ca.name+": the token does not match IdentityValidationExpression")
	}
	arn := rs.methodARN(ca.region)
	var key string
	var res *authResult
	if ca.cache != nil {
		key = strings.Join(values, "\x00")
		res = ca.cached(rs, key)
	}
	if res == nil {
		var answer []byte
		var err error
		if res, answer, err = g.callAuthorizer(rs, ca, values, arn); err != nil {
			return err
		}
		if ca.cache != nil {
			ca.cache.Put(rs.r.Context(), key, AuthAnswer{JSON: answer, parsed: res}, g.cfg.Now(), ca.ttl)
		}
	}
	switch res.evaluate(arn) {
	case policyDeny:
		return rs.failMessage(errAccessDenied, "User is not authorized to access this resource with an explicit deny", "authorizer "+ca.name+": the policy denies "+arn)
	case policyNone:
		return rs.fail(errAccessDenied, "authorizer "+ca.name+": the policy does not allow "+arn)
	}
	rs.authRes = res
	return nil
}

// cached is the answer the cache holds for key, nil for none (an answer
// from a shared store that no longer parses is logged and is a miss).
func (ca *cauthorizer) cached(rs *reqState, key string) *authResult {
	a, ok := ca.cache.Get(rs.r.Context(), key, rs.g.cfg.Now())
	if !ok {
		return nil
	}
	if a.parsed != nil {
		return a.parsed
	}
	res, err := parseAuthorizerResult(a.JSON)
	if err != nil {
		rs.g.log.Warn("ignoring a cached authorizer answer that does not parse", slog.String("authorizer", ca.name), slog.String("error", err.Error()))
		return nil
	}
	if lc, ok := ca.cache.(*localAuthCache); ok && !a.Expires.IsZero() {
		lc.local.keep(key, res, a.Expires)
	}
	return res
}

// callAuthorizer invokes the authorizer function and parses its answer;
// it returns the answer's JSON too, for the cache.
func (g *Gateway) callAuthorizer(rs *reqState, ca *cauthorizer, values []string, arn string) (*authResult, []byte, error) {
	var payload []byte
	if ca.typ == "TOKEN" {
		payload = append(payload, `{"type":"TOKEN","methodArn":`...)
		payload = appendJSONString(payload, arn)
		payload = append(payload, `,"authorizationToken":`...)
		payload = appendJSONString(payload, values[0])
		payload = append(payload, '}')
	} else {
		// The proxy event's request fields, without the body.
		ev := rs.proxyEvent(nil)
		ev.authorizer = nil
		ev.names.authorizer = true
		b := appendProxyEvent(nil, &ev)
		b = []byte(strings.TrimSuffix(string(b), `,"body":null,"isBase64Encoded":false}`) + "}")
		payload = append(payload, `{"type":"REQUEST","methodArn":`...)
		payload = appendJSONString(payload, arn)
		payload = append(payload, ',')
		payload = append(payload, b[1:]...)
	}
	res, err := g.invoke(rs, ca.fn, payload, false)
	if err != nil {
		// Lambda refused or the call timed out: the authorizer could not
		// be reached.
		rs.gerr.kind = errAuthorizerConfig
		return nil, nil, &rs.gerr
	}
	if res.FunctionError != "" {
		if msg, _ := jsonField(res.Payload, "errorMessage"); msg == "Unauthorized" {
			return nil, nil, rs.fail(errUnauthorized, "authorizer "+ca.name+": the function answered Unauthorized")
		}
		g.log.Warn("authorizer function failed", slog.String("authorizer", ca.name), slog.String("function", ca.fn),
			slog.String("errorType", res.ErrorType), slog.String("error", truncate(res.Payload, 1024)), slog.String("requestId", rs.requestID()))
		return nil, nil, rs.fail(errAuthorizerFailure, "authorizer "+ca.name+": function "+ca.fn+" failed ("+res.ErrorType+")")
	}
	ar, err := parseAuthorizerResult(res.Payload)
	if err != nil {
		g.log.Warn("Execution failed due to configuration error: Invalid JSON in response from authorizer", slog.String("authorizer", ca.name),
			slog.String("function", ca.fn), slog.String("error", err.Error()), slog.String("response", truncate(res.Payload, 1024)),
			slog.String("requestId", rs.requestID()))
		return nil, nil, rs.fail(errAuthorizerConfig, "authorizer "+ca.name+": "+err.Error())
	}
	return ar, res.Payload, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// parseAuthorizerResult reads an authorizer's answer: principalId, a
// policyDocument with Statement (an object or a list; Action and Resource
// strings or lists), context (string, number or boolean values) and
// usageIdentifierKey.
func parseAuthorizerResult(p []byte) (*authResult, error) {
	var raw struct {
		PrincipalID        any            `json:"principalId"`
		PolicyDocument     map[string]any `json:"policyDocument"`
		Context            map[string]any `json:"context"`
		UsageIdentifierKey string         `json:"usageIdentifierKey"`
	}
	if err := json.Unmarshal(p, &raw); err != nil {
		return nil, fmt.Errorf("the answer is not a JSON object: %v", err)
	}
	if raw.PolicyDocument == nil {
		return nil, fmt.Errorf("the answer has no policyDocument")
	}
	res := &authResult{usageIdentifierKey: raw.UsageIdentifierKey}
	switch v := raw.PrincipalID.(type) {
	case string:
		res.principalID = v
	case nil:
		return nil, fmt.Errorf("the answer has no principalId")
	default:
		b, _ := json.Marshal(v)
		res.principalID = string(b)
	}
	var stmts []any
	switch s := policy.Field(raw.PolicyDocument, "Statement").(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return nil, fmt.Errorf("the policyDocument has no Statement")
	}
	for _, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("a Statement is not an object")
		}
		effect, _ := policy.Field(m, "Effect").(string)
		st := policyStatement{allow: strings.EqualFold(effect, "Allow")}
		if !st.allow && !strings.EqualFold(effect, "Deny") {
			return nil, fmt.Errorf("a Statement's Effect is %q, not Allow or Deny", effect)
		}
		st.actions = policy.Strings(policy.Field(m, "Action"))
		st.resources = policy.Strings(policy.Field(m, "Resource"))
		res.statements = append(res.statements, st)
	}
	for k, v := range raw.Context {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case bool:
			s = strconv.FormatBool(v)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
			continue
		default:
			return nil, fmt.Errorf("context value %q is an object or array; API Gateway accepts strings, numbers and booleans", k)
		}
		res.context = append(res.context, [2]string{k, s})
	}
	slices.SortFunc(res.context, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	b := []byte(`{"principalId":`)
	b = appendJSONString(b, res.principalID)
	for _, kv := range res.context {
		if kv[0] == "principalId" {
			continue
		}
		b = append(b, ',')
		b = appendJSONString(b, kv[0])
		b = append(b, ':')
		b = appendJSONString(b, kv[1])
	}
	res.json = append(b, '}')
	return res, nil
}

type policyDecision uint8

const (
	policyNone policyDecision = iota
	policyAllow
	policyDeny
)

// evaluate decides the policy for arn: an explicit Deny wins, then an
// Allow; nothing is a denial.
func (ar *authResult) evaluate(arn string) policyDecision {
	d := policyNone
	for _, st := range ar.statements {
		if !slices.ContainsFunc(st.actions, func(a string) bool { return policy.Match(strings.ToLower(a), "execute-api:invoke") }) {
			continue
		}
		if !slices.ContainsFunc(st.resources, func(r string) bool { return policy.Match(r, arn) }) {
			continue
		}
		if !st.allow {
			return policyDeny
		}
		d = policyAllow
	}
	return d
}

// value is $context.authorizer.key: principalId or a context value.
func (ar *authResult) value(key string) string {
	if key == "principalId" {
		return ar.principalID
	}
	for _, kv := range ar.context {
		if kv[0] == key {
			return kv[1]
		}
	}
	return ""
}

// vtlMap is $context.authorizer for mapping templates (empty without an
// authorizer).
func (ar *authResult) vtlMap() map[string]any {
	m := map[string]any{}
	if ar == nil {
		return m
	}
	if ar.claims != nil {
		m["claims"] = ar.claims
		return m
	}
	for _, kv := range ar.context {
		m[kv[0]] = kv[1]
	}
	m["principalId"] = ar.principalID
	return m
}
