package runtime

// API keys, usage plans, throttles and quotas, as API Gateway enforces
// them.
//
// Compile binds, per stage, every enabled API key of every usage plan that
// covers the stage (value → stageKey) and asks Counters for each bucket and
// quota once; a request then costs a map lookup and a few compare-and-swaps.
//
// The order of the checks (Gateway.checkAccess), as API Gateway runs them:
// the API key (ApiKeyRequired methods: a key of a usage plan tied to the
// stage, enabled, else 403 Forbidden), then the throttles from the narrowest
// to the widest — the usage plan's per-method limit for the key (else the
// plan-wide per-key limit), the stage's MethodSettings for the method (else
// its /*/* default), the account (10,000 rps, burst 5,000) — each refusing
// with 429 Too Many Requests, and last the plan's quota for the key (429
// Limit Exceeded). A refused request is not counted against the quota.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// API key sources (RestApi ApiKeySourceType).
const (
	keySourceHeader     = "HEADER"
	keySourceAuthorizer = "AUTHORIZER"
)

// accessState is the per-request part of access control; it lives in the
// pooled reqState.
type accessState struct {
	// key is the API key the request was admitted with; nil when the
	// method requires none.
	key *stageKey
	// validation is $context.error.validationErrorString.
	validation string
}

// stageAccess is what a compiled stage knows about API keys.
type stageAccess struct {
	// keys maps an API key value to its grant on the stage.
	keys map[string]*stageKey
	// arnPrefix starts the ARN of the stage's methods, for the resource
	// policy (see policyARNPrefix); "" when the API has none.
	arnPrefix string
}

// epAccess is what a compiled endpoint enforces beyond its integration.
type epAccess struct {
	// throttle is the stage's MethodSettings limit for the method; nil
	// when the stage sets none (only the account limit applies).
	throttle Limiter
}

// stageKey is an API key's grant on one stage, through one usage plan.
type stageKey struct {
	// id is the key's id, value what the client sends.
	id, name, value string
	plan            *model.UsagePlan
	// throttle is the plan-wide per-key limit; methods the plan's
	// per-method limits for this key on this stage. nil: none.
	throttle Limiter
	methods  map[*endpoint]Limiter
	// quota is the plan's per-key quota; nil: none.
	quota Limiter
}

// checkAccess enforces API keys, throttles and quotas for the resolved
// endpoint.
func (g *Gateway) checkAccess(r *http.Request, rs *reqState) error {
	ep := rs.ep
	if ep.cognito != nil {
		if err := g.authorizeCognito(rs); err != nil {
			return err
		}
	}
	if rs.api.policy != nil {
		if err := g.checkPolicy(r, rs); err != nil {
			return err
		}
	}
	var sk *stageKey
	if ep.apiKey {
		var value string
		switch {
		case rs.api.keySource != keySourceAuthorizer:
			// Servers store header names canonical: a map read skips
			// Header.Get's canonicalization (a tenth of this check).
			if v := r.Header["X-Api-Key"]; len(v) > 0 {
				value = v[0]
			}
		case rs.authRes != nil:
			value = rs.authRes.usageIdentifierKey
		}
		if value == "" {
			if rs.api.keySource == keySourceAuthorizer {
				return rs.fail(errInvalidAPIKey, "ApiKeyRequired and the authorizer returned no usageIdentifierKey")
			}
			return rs.fail(errInvalidAPIKey, "ApiKeyRequired and no x-api-key header")
		}
		sk = rs.stage.access.keys[value]
		if sk == nil {
			return rs.fail(errInvalidAPIKey, "the API key is not an enabled key of a usage plan for this stage")
		}
		rs.access.key = sk
	}
	if g.cfg.NoThrottle {
		return nil
	}
	now := rs.start
	if g.chain != nil {
		return g.takeChain(rs, sk, now)
	}
	if sk != nil {
		l := sk.methods[ep]
		if l == nil {
			l = sk.throttle
		}
		if l != nil && !g.take(l, now) {
			return rs.fail(errThrottled, "usage plan throttle for the API key")
		}
	}
	if l := ep.access.throttle; l != nil && !g.take(l, now) {
		return rs.fail(errThrottled, "stage method throttle")
	}
	if l := rs.stage.api.account; l != nil && !g.take(l, now) {
		return rs.fail(errThrottled, "account throttle")
	}
	if sk != nil && sk.quota != nil && !g.take(sk.quota, now) {
		return rs.fail(errQuotaExceeded, "usage plan quota for the API key")
	}
	return nil
}

// take takes from l at now, the request's start. A request that waited
// between its start and here (for its authorizer, or for a CPU on a busy
// machine: seconds were seen at load 20) is older than requests that took
// from l meanwhile: a token bucket takes it for one that came that much
// too early and refuses it, at any rate (burst 5,000 at 10,000/s refuses a
// request half a second older than the latest). So a refusal is checked
// again at the clock's time; only refusals read the clock.
func (g *Gateway) take(l Limiter, now time.Time) bool {
	if l.Take(now) {
		return true
	}
	fresh := g.cfg.Now()
	return fresh.After(now) && l.Take(fresh)
}

// takeChain is the throttles and quota of checkAccess taken in one call
// (a shared store's round trip), in the same order with the same answers.
func (g *Gateway) takeChain(rs *reqState, sk *stageKey, now time.Time) error {
	const (
		plan = iota
		stage
		account
		quota
	)
	var ls [4]Limiter
	var what [4]int
	n := 0
	add := func(l Limiter, w int) {
		if l != nil {
			ls[n], what[n] = l, w
			n++
		}
	}
	if sk != nil {
		l := sk.methods[rs.ep]
		if l == nil {
			l = sk.throttle
		}
		add(l, plan)
	}
	add(rs.ep.access.throttle, stage)
	add(rs.stage.api.account, account)
	if sk != nil {
		add(sk.quota, quota)
	}
	i := g.takeAllFresh(now, ls[:n])
	if i < 0 {
		return nil
	}
	switch what[i] {
	case plan:
		return rs.fail(errThrottled, "usage plan throttle for the API key")
	case stage:
		return rs.fail(errThrottled, "stage method throttle")
	case account:
		return rs.fail(errThrottled, "account throttle")
	}
	return rs.fail(errQuotaExceeded, "usage plan quota for the API key")
}

// takeAllFresh takes ls in one call to the shared store (g.chain) at now,
// the request's start; as take, a refusal is taken again at the clock's
// time (those before it stay taken). It returns the index of the limiter
// that refused, or -1.
func (g *Gateway) takeAllFresh(now time.Time, ls []Limiter) int {
	n := len(ls)
	i := g.chain.TakeAll(now, ls)
	if i >= 0 && i < n {
		if fresh := g.cfg.Now(); fresh.After(now) {
			if j := g.chain.TakeAll(fresh, ls[i:n]); j < 0 {
				i = -1
			} else {
				i += j
			}
		}
	}
	if i >= n {
		return -1
	}
	return i
}

// compileAccess binds the API keys and usage plans of t to the stages of
// ca, and the stages' MethodSettings to their endpoints. It runs once per
// version, after the endpoints are compiled.
func (g *Gateway) compileAccess(t *model.Template, api *model.RestAPI, ca *capi, stages []*model.Stage, ds *diag.Diagnostics) {
	if ca.policy = compilePolicy(api, ds); ca.policy != nil {
		region := templateRegion(t)
		for _, cs := range ca.stages {
			cs.access.arnPrefix = policyARNPrefix(region, g.cfg.AccountID, ca.id, cs.name)
		}
	}
	ca.keySource = api.APIKeySource
	if ca.keySource == "" {
		ca.keySource = keySourceHeader
	}
	if !g.cfg.NoThrottle {
		ca.account = g.counters.Bucket("account", g.cfg.AccountRateLimit, g.cfg.AccountBurstLimit)
	}
	needsKey := false
	for _, st := range stages {
		cs := ca.stages[st.Name]
		if cs == nil {
			continue
		}
		eps := cs.endpoints()
		if cs.defaultEP != nil {
			eps = append(eps, cs.defaultEP)
		}
		for _, ep := range eps {
			needsKey = needsKey || ep.apiKey
		}
		if !g.cfg.NoThrottle {
			g.compileMethodSettings(ca, cs, st, eps)
		}
		cs.access.keys = map[string]*stageKey{}
		for _, p := range t.PlansFor(api.ID, st.Name) {
			var ps *model.UsagePlanStage
			for i := range p.Stages {
				if p.Stages[i].APIID == api.ID && p.Stages[i].Stage == st.Name {
					ps = &p.Stages[i]
					break
				}
			}
			for _, pk := range p.Keys {
				k := t.APIKey(pk.KeyID)
				if k == nil || !k.Enabled || k.Value == "" {
					continue
				}
				if prev := cs.access.keys[k.Value]; prev != nil {
					if prev.plan != p && st == stages[0] {
						*ds = append(*ds, diag.NewWarning(ruleIgnored, pk.Range,
							"API key %s is in usage plans %s and %s, which both cover stage %q; cfnrun up applies %s's limits", k.Name, prev.plan.Name, p.Name, st.Name, prev.plan.Name).
							WithResource(pk.LogicalID).
							WithHint("API Gateway refuses to add a key to two usage plans of the same stage; remove it from one."))
					}
					continue
				}
				sk := &stageKey{id: k.ID, name: k.Name, value: k.Value, plan: p}
				if !g.cfg.NoThrottle {
					g.bindPlanLimits(sk, p, ps, api, st, eps)
				}
				cs.access.keys[k.Value] = sk
			}
		}
	}
	if needsKey {
		for _, st := range stages {
			if cs := ca.stages[st.Name]; cs != nil && len(cs.access.keys) == 0 {
				*ds = append(*ds, diag.NewWarning(ruleIgnored, st.Range,
					"stage %q has methods with ApiKeyRequired but no usage plan with an enabled key covers it: every call to them answers 403 Forbidden, as on AWS", st.Name).
					WithResource(st.LogicalID).
					WithHint("Add an AWS::ApiGateway::UsagePlan whose ApiStages names this stage, with an UsagePlanKey for an enabled API key."))
			}
		}
	}
}

// templateRegion is the Region of the template's Lambda functions (the
// first with one), else us-east-1: what the ARNs in resource-policy
// answers show.
func templateRegion(t *model.Template) string {
	for _, fn := range t.Functions {
		if r, ok := model.ParseFunctionRef(fn.ARN); ok && r.Region != "" {
			return r.Region
		}
	}
	return "us-east-1"
}

// bindPlanLimits asks Counters for the plan's buckets and quota for one key
// on one stage. The plan-wide throttle and the quota are per key across
// every stage of the plan, so their names leave out the stage.
func (g *Gateway) bindPlanLimits(sk *stageKey, p *model.UsagePlan, ps *model.UsagePlanStage, api *model.RestAPI, st *model.Stage, eps []*endpoint) {
	base := "plan/" + p.ID + "/key/" + sk.id
	if p.Throttle != nil {
		sk.throttle = g.bucket(base, *p.Throttle, g.accountThrottle())
	}
	if p.Quota != nil {
		sk.quota = g.counters.Quota(base+"/quota", p.Quota.Limit, p.Quota.Period, p.Quota.Offset)
	}
	if ps == nil || len(ps.Methods) == 0 {
		return
	}
	fallback := g.accountThrottle()
	if p.Throttle != nil {
		fallback = fill(*p.Throttle, fallback)
	}
	for _, ep := range eps {
		var mt *model.MethodThrottle
		for i := range ps.Methods {
			m := &ps.Methods[i]
			if m.Path == ep.resPath+"/"+ep.method || mt == nil && m.Path == "/*/*" {
				mt = m
			}
		}
		if mt == nil {
			continue
		}
		if sk.methods == nil {
			sk.methods = map[*endpoint]Limiter{}
		}
		sk.methods[ep] = g.bucket(base+"/"+api.ID+"/"+st.Name+mt.Path, mt.Throttle, fallback)
	}
}

// compileMethodSettings gives each endpoint of the stage the throttle its
// MethodSettings set: the entry for its resource and method (an HTTP API
// route's: the entry for its route key, its RouteSettings), else the
// /*/* entry (an HTTP API's DefaultRouteSettings); a limit left unset
// comes from the /*/* entry (not for an HTTP API's RouteSettings, which
// replace the defaults), then the account.
func (g *Gateway) compileMethodSettings(ca *capi, cs *cstage, st *model.Stage, eps []*endpoint) {
	var def *model.MethodSetting
	for i := range st.MethodSettings {
		ms := &st.MethodSettings[i]
		if ms.ResourcePath == "/*" && ms.HTTPMethod == "*" {
			def = ms
		}
	}
	account := g.accountThrottle()
	for _, ep := range eps {
		set := def
		for i := range st.MethodSettings {
			ms := &st.MethodSettings[i]
			if ms.RouteKey != "" {
				if ms.RouteKey == ep.routeKey {
					set = ms
				}
				continue
			}
			if unescapeSettingPath(ms.ResourcePath) == ep.resPath && (ms.HTTPMethod == ep.method || ms.HTTPMethod == "*") {
				set = ms
			}
		}
		if set == nil || set.ThrottlingRateLimit < 0 && set.ThrottlingBurstLimit < 0 {
			continue
		}
		th := model.Throttle{RateLimit: set.ThrottlingRateLimit, BurstLimit: set.ThrottlingBurstLimit}
		fb := account
		// An HTTP API route's RouteSettings replace the stage's defaults
		// whole: a limit it leaves out is the account's, as on AWS.
		if def != nil && set != def && set.RouteKey == "" {
			fb = fill(model.Throttle{RateLimit: def.ThrottlingRateLimit, BurstLimit: def.ThrottlingBurstLimit}, account)
		}
		ep.access.throttle = g.bucket("stage/"+ca.id+"/"+cs.name+"/"+ep.method+" "+ep.resPath, th, fb)
	}
}

// bucket returns the Counters bucket for th, its unset limits taken from
// fallback.
func (g *Gateway) bucket(name string, th, fallback model.Throttle) Limiter {
	th = fill(th, fallback)
	return g.counters.Bucket(name, th.RateLimit, th.BurstLimit)
}

// countersAreLocal reports whether taking a throttle or quota never
// blocks (in memory, or all off), so an endpoint may run inline on the
// HTTP/2 connection's reader (see endpoint.inline).
func (g *Gateway) countersAreLocal() bool {
	_, mem := g.counters.(*MemoryCounters)
	return mem || g.cfg.NoThrottle
}

// accountThrottle is the account-level limit, what an unset limit falls
// back to.
func (g *Gateway) accountThrottle() model.Throttle {
	return model.Throttle{RateLimit: g.cfg.AccountRateLimit, BurstLimit: g.cfg.AccountBurstLimit}
}

// fill replaces th's unset (-1) limits with fallback's.
func fill(th, fallback model.Throttle) model.Throttle {
	if th.RateLimit < 0 {
		th.RateLimit = fallback.RateLimit
	}
	if th.BurstLimit < 0 {
		th.BurstLimit = fallback.BurstLimit
	}
	return th
}

// unescapeSettingPath turns a MethodSettings ResourcePath ("/~1pets~1{id}")
// into a resource path ("/pets/{id}").
func unescapeSettingPath(p string) string {
	if !strings.Contains(p, "~") {
		return p
	}
	p = strings.ReplaceAll(p, "~1", "/")
	p = strings.ReplaceAll(p, "~0", "~")
	if strings.HasPrefix(p, "//") {
		p = p[1:]
	}
	return p
}

// endpoints lists the stage's compiled endpoints, in tree order.
func (cs *cstage) endpoints() []*endpoint {
	var out []*endpoint
	var walk func(n *rnode)
	walk = func(n *rnode) {
		for _, ep := range n.endpoints {
			if ep != nil {
				out = append(out, ep)
			}
		}
		for _, c := range n.static {
			walk(c)
		}
		if n.param != nil {
			walk(n.param)
		}
		if n.greedy != nil {
			walk(n.greedy)
		}
	}
	walk(cs.root)
	return out
}

// AccessInfo is what up prints about access control at start.
type AccessInfo struct {
	// Keys are the API keys, with the value clients send.
	Keys []KeyInfo
	// Limits describes each throttle and quota enforced, one line each.
	Limits []string
	// Authorizers says how each Cognito user pool's tokens are checked.
	Authorizers []string
	// KeysFromAuthorizer names the served APIs that take the API key from
	// their Lambda authorizer's usageIdentifierKey, not x-api-key (a REST
	// API's ApiKeySourceType AUTHORIZER, a WebSocket API's
	// ApiKeySelectionExpression $context.authorizer.usageIdentifierKey).
	KeysFromAuthorizer []string
}

// KeyInfo is one API key as up prints it.
type KeyInfo struct {
	Name, ID, Value string
	// Generated is true when the template sets no Value: the value is
	// cfnrun's, stable for the template.
	Generated bool
	Enabled   bool
	// Stages are "apiId/stage (plan NAME)" for each stage the key may
	// call.
	Stages []string
}

// Access describes the served version's API keys and limits.
func (g *Gateway) Access() AccessInfo {
	v := g.cur.Load()
	if v == nil {
		return AccessInfo{}
	}
	return v.access
}

// describeAccess builds the AccessInfo of a version.
func (g *Gateway) describeAccess(t *model.Template, v *version) AccessInfo {
	var info AccessInfo
	served := map[string]bool{}
	for _, ca := range v.apis {
		for name := range ca.stages {
			served[ca.id+"/"+name] = true
		}
	}
	for _, ca := range v.ws {
		for name := range ca.stages {
			served[ca.id+"/"+name] = true
		}
	}
	for _, k := range t.APIKeys {
		ki := KeyInfo{Name: k.Name, ID: k.ID, Value: k.Value, Generated: k.GeneratedValue, Enabled: k.Enabled}
		for _, p := range t.UsagePlans {
			if !slices.ContainsFunc(p.Keys, func(pk model.UsagePlanKey) bool { return pk.KeyID == k.ID }) {
				continue
			}
			for _, s := range p.Stages {
				if served[s.APIID+"/"+s.Stage] {
					ki.Stages = append(ki.Stages, fmt.Sprintf("%s/%s (plan %s)", s.APIID, s.Stage, p.Name))
				}
			}
		}
		info.Keys = append(info.Keys, ki)
	}
	info.Authorizers = g.cognitoLines(t, v)
	for _, api := range t.APIs {
		if v.byID[api.ID] != nil && api.APIKeySource == keySourceAuthorizer {
			info.KeysFromAuthorizer = append(info.KeysFromAuthorizer, api.Name)
		}
	}
	for _, api := range t.WebSocketAPIs {
		if v.ws[api.ID] != nil && api.APIKeySelectionExpression == wsKeyFromAuthorizer {
			info.KeysFromAuthorizer = append(info.KeysFromAuthorizer, api.Name)
		}
	}
	if g.cfg.NoThrottle {
		info.Limits = append(info.Limits, "throttles and quotas: off (--no-throttle)")
		return info
	}
	acct := fmt.Sprintf("account: %s requests/s, burst %d", strconv.FormatFloat(g.cfg.AccountRateLimit, 'f', -1, 64), g.cfg.AccountBurstLimit)
	if g.cfg.AccountRateLimit == model.AccountRateLimit && g.cfg.AccountBurstLimit == model.AccountBurstLimit {
		acct += " (API Gateway's default)"
	}
	info.Limits = append(info.Limits, acct)
	if _, mem := g.counters.(*MemoryCounters); !mem {
		info.Limits = append(info.Limits, "shared (--state): every gateway using the same state counts together")
	}
	for _, p := range t.UsagePlans {
		var parts []string
		if p.Throttle != nil {
			parts = append(parts, "per key "+p.Throttle.String())
		}
		if q := p.Quota; q != nil {
			parts = append(parts, fmt.Sprintf("quota %d per %s", q.Limit, strings.ToLower(q.Period)))
		}
		for _, s := range p.Stages {
			if v.ws[s.APIID] != nil {
				continue // a WebSocket stage has routes, not methods: the plan's own throttle applies (with a warning)
			}
			for _, m := range s.Methods {
				parts = append(parts, fmt.Sprintf("%s %s per key %s", s.Stage, m.Path, m.Throttle))
			}
		}
		if len(parts) > 0 {
			info.Limits = append(info.Limits, "usage plan "+p.Name+": "+strings.Join(parts, "; "))
		}
	}
	for _, api := range t.APIs {
		if v.byID[api.ID] == nil {
			continue
		}
		for _, st := range api.Stages {
			for _, ms := range st.MethodSettings {
				if ms.ThrottlingRateLimit < 0 && ms.ThrottlingBurstLimit < 0 {
					continue
				}
				th := model.Throttle{RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit}
				switch {
				case ms.RouteKey != "":
					info.Limits = append(info.Limits, fmt.Sprintf("API %s stage %s route %s: %s", api.Name, st.Name, ms.RouteKey, th))
				case api.IsHTTP():
					info.Limits = append(info.Limits, fmt.Sprintf("API %s stage %s: %s per route", api.Name, st.Name, th))
				default:
					info.Limits = append(info.Limits, fmt.Sprintf("stage %s %s %s: %s per method", st.Name, ms.HTTPMethod, unescapeSettingPath(ms.ResourcePath), th))
				}
			}
		}
	}
	for _, api := range t.WebSocketAPIs {
		if v.ws[api.ID] == nil {
			continue
		}
		for _, st := range api.Stages {
			for _, ms := range st.MethodSettings {
				if ms.ThrottlingRateLimit < 0 && ms.ThrottlingBurstLimit < 0 || ms.RouteKey == model.RouteKeyDisconnect {
					continue // $disconnect takes no token
				}
				th := model.Throttle{RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit}
				if ms.RouteKey != "" {
					info.Limits = append(info.Limits, fmt.Sprintf("WebSocket API %s stage %s route %s: %s", api.Name, st.Name, ms.RouteKey, th))
				} else {
					info.Limits = append(info.Limits, fmt.Sprintf("WebSocket API %s stage %s: %s per route", api.Name, st.Name, th))
				}
			}
		}
	}
	return info
}
