package runtime

// Access control and access logs of WebSocket APIs, as API Gateway applies
// them:
//
//   - API keys. A route with ApiKeyRequired (on AWS: $connect) admits a
//     client whose key — the x-api-key header of the handshake, or with
//     ApiKeySelectionExpression $context.authorizer.usageIdentifierKey
//     the usageIdentifierKey $connect's authorizer returned — is an
//     enabled key of a usage plan whose ApiStages name the API and stage;
//     else 403 Forbidden. The key is the connection's: a message route
//     with ApiKeyRequired is refused ({"message": "Forbidden", ...}) on a
//     connection that connected without one.
//   - Throttles, narrowest first, as for REST and HTTP APIs: the usage
//     plan's per-key limit (for the connection's key), the stage's
//     RouteSettings for the route (else its DefaultRouteSettings), the
//     account; then the plan's quota. $connect and every message take a
//     token ($disconnect, best effort on AWS, takes none). A refused
//     handshake gets 429 {"message":"Too Many Requests"} (quota: "Limit
//     Exceeded"); a refused message gets the WebSocket error message
//     {"message": "Too Many Requests", "connectionId", "requestId"} and
//     its route does not run.
//   - Access logs. A stage's AccessLogSettings Format is written to
//     Config.StageLog once per event: each CONNECT (admitted or refused),
//     MESSAGE and DISCONNECT, with the $context variables of WebSocket
//     access logs.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// wsKeyFromAuthorizer is the ApiKeySelectionExpression that takes the key
// from $connect's authorizer.
const wsKeyFromAuthorizer = "$context.authorizer.usageIdentifierKey"

// wsStageAccess is what a WebSocket stage enforces beyond its routes'
// integrations.
type wsStageAccess struct {
	// keys maps an API key value to its grant on the stage; byID the
	// same grants by key id (a connection's key after a reload).
	keys, byID map[string]*stageKey
	// keyFromAuthorizer: the key is the authorizer's usageIdentifierKey,
	// not the x-api-key header.
	keyFromAuthorizer bool
	// account is the account-wide throttle; nil with --no-throttle.
	account Limiter
	// log is the stage's access log format, nil for none.
	log *logFormat
}

// compileWSAccess binds the usage plans, route settings and access log of
// the model's stage st to cs, whose routes are compiled.
func (g *Gateway) compileWSAccess(t *model.Template, api *model.WebSocketAPI, st *model.Stage, cs *cwsStage, ds *diag.Diagnostics) {
	acc := &cs.access
	acc.keyFromAuthorizer = api.APIKeySelectionExpression == wsKeyFromAuthorizer
	if st.AccessLogFormat != "" {
		acc.log = compileLogFormat(st.AccessLogFormat)
	}
	if !g.cfg.NoThrottle {
		acc.account = g.counters.Bucket("account", g.cfg.AccountRateLimit, g.cfg.AccountBurstLimit)
		g.compileWSRouteSettings(api, st, cs)
	}
	needsKey := false
	for _, rt := range cs.routes {
		needsKey = needsKey || rt.apiKey
	}
	acc.keys, acc.byID = map[string]*stageKey{}, map[string]*stageKey{}
	for _, p := range t.PlansFor(api.ID, st.Name) {
		for _, ps := range p.Stages {
			if ps.APIID == api.ID && ps.Stage == st.Name && len(ps.Methods) > 0 {
				*ds = append(*ds, diag.NewWarning(ruleIgnored, ps.Props.At("Throttle", ps.Range),
					"usage plan %s sets per-method throttles for stage %q of WebSocket API %s, which has routes, not methods: cfnrun up applies the plan's own throttle to every route", p.Name, st.Name, api.LogicalID).
					WithResource(p.LogicalID))
			}
		}
		for _, pk := range p.Keys {
			k := t.APIKey(pk.KeyID)
			if k == nil || !k.Enabled || k.Value == "" {
				continue
			}
			if prev := acc.keys[k.Value]; prev != nil {
				if prev.plan != p {
					*ds = append(*ds, diag.NewWarning(ruleIgnored, pk.Range,
						"API key %s is in usage plans %s and %s, which both cover stage %q of WebSocket API %s; cfnrun up applies %s's limits", k.Name, prev.plan.Name, p.Name, st.Name, api.LogicalID, prev.plan.Name).
						WithResource(pk.LogicalID).
						WithHint("API Gateway refuses to add a key to two usage plans of the same stage; remove it from one."))
				}
				continue
			}
			sk := &stageKey{id: k.ID, name: k.Name, value: k.Value, plan: p}
			if !g.cfg.NoThrottle {
				g.bindPlanLimits(sk, p, nil, nil, st, nil)
			}
			acc.keys[k.Value] = sk
			acc.byID[k.ID] = sk
		}
	}
	if needsKey && len(acc.keys) == 0 {
		*ds = append(*ds, diag.NewWarning(ruleIgnored, st.Range,
			"stage %q of WebSocket API %s has routes with ApiKeyRequired but no usage plan with an enabled key covers it: every client is refused with 403 Forbidden, as on AWS", st.Name, api.LogicalID).
			WithResource(st.LogicalID).
			WithHint("Add an AWS::ApiGateway::UsagePlan whose ApiStages names this API (ApiId) and stage, with an UsagePlanKey for an enabled API key."))
	}
}

// compileWSRouteSettings gives each route of cs (but $disconnect) the
// throttle of the stage's route settings: its RouteSettings entry, else
// DefaultRouteSettings. A RouteSettings entry replaces the defaults whole
// (a limit it leaves out is the account's), as for HTTP APIs.
func (g *Gateway) compileWSRouteSettings(api *model.WebSocketAPI, st *model.Stage, cs *cwsStage) {
	var def *model.MethodSetting
	for i := range st.MethodSettings {
		if ms := &st.MethodSettings[i]; ms.RouteKey == "" && ms.ResourcePath == "/*" && ms.HTTPMethod == "*" {
			def = ms
		}
	}
	for key, rt := range cs.routes {
		if key == model.RouteKeyDisconnect {
			continue
		}
		set := def
		for i := range st.MethodSettings {
			if ms := &st.MethodSettings[i]; ms.RouteKey == key {
				set = ms
			}
		}
		if set == nil || set.ThrottlingRateLimit < 0 && set.ThrottlingBurstLimit < 0 {
			continue
		}
		th := model.Throttle{RateLimit: set.ThrottlingRateLimit, BurstLimit: set.ThrottlingBurstLimit}
		rt.throttle = g.bucket("wsstage/"+api.ID+"/"+st.Name+"/"+key, th, g.accountThrottle())
	}
}

// wsRefusal is why access control refused a handshake or a message: the
// error kind (errInvalidAPIKey, errThrottled, errQuotaExceeded) and what
// the gateway's log says.
type wsRefusal struct {
	kind   errKind
	detail string
}

// wsKey finds the API key a handshake to cs presents: the x-api-key
// header, or the authorizer's usageIdentifierKey (authKey). It returns
// nil and a refusal when rt requires a key the stage does not grant.
func (cs *cwsStage) wsKey(r *http.Request, rt *cwsRoute, authKey string) (*stageKey, *wsRefusal) {
	if !rt.apiKey {
		return nil, nil
	}
	value := r.Header.Get("X-Api-Key")
	if cs.access.keyFromAuthorizer {
		value = authKey
	}
	if value == "" {
		if cs.access.keyFromAuthorizer {
			return nil, &wsRefusal{errInvalidAPIKey, "ApiKeyRequired and the authorizer returned no usageIdentifierKey"}
		}
		return nil, &wsRefusal{errInvalidAPIKey, "ApiKeyRequired and no x-api-key header"}
	}
	sk := cs.access.keys[value]
	if sk == nil {
		return nil, &wsRefusal{errInvalidAPIKey, "the API key is not an enabled key of a usage plan for this stage"}
	}
	return sk, nil
}

// admitWS takes the tokens of one event on route rt of stage cs for the
// key sk (nil: none): the plan's throttle, the route's, the account's,
// then the plan's quota. A refused event takes no quota. With a shared
// store (--state) the four are one round trip, as for REST requests.
func (g *Gateway) admitWS(cs *cwsStage, rt *cwsRoute, sk *stageKey, now time.Time) *wsRefusal {
	if g.cfg.NoThrottle {
		return nil
	}
	var ls [4]Limiter
	var why [4]wsRefusal
	n := 0
	add := func(l Limiter, kind errKind, detail string) {
		if l != nil {
			ls[n], why[n] = l, wsRefusal{kind, detail}
			n++
		}
	}
	if sk != nil {
		add(sk.throttle, errThrottled, "usage plan throttle for the API key")
	}
	add(rt.throttle, errThrottled, "stage route throttle")
	add(cs.access.account, errThrottled, "account throttle")
	if sk != nil {
		add(sk.quota, errQuotaExceeded, "usage plan quota for the API key")
	}
	if g.chain == nil {
		for i := range n {
			if !g.take(ls[i], now) {
				return &why[i]
			}
		}
		return nil
	}
	if i := g.takeAllFresh(now, ls[:n]); i >= 0 {
		return &why[i]
	}
	return nil
}

// wsLogEvent is one event for a stage's access log.
type wsLogEvent struct {
	c  *wsConn
	rc *wsRequestContext
	// status is the event's status: the handshake's answer, 200 for a
	// message whose route ran (its integration's status when it has
	// one), the refusal's for a refused one.
	status int
	// integrationStatus is the integration's status, 0 when none ran.
	integrationStatus int
	// errKind is the error the event ended with (errNone: none).
	errKind errKind
	start   time.Time
	// integrationLatency is how long the integration ran; -1: it did
	// not run.
	integrationLatency time.Duration
}

// wsLog writes ev's line to the stage's access log, when it has one.
func (g *Gateway) wsLog(cs *cwsStage, ev *wsLogEvent) {
	lf := cs.access.log
	if lf == nil || g.cfg.StageLog == nil {
		return
	}
	now := g.cfg.Now()
	b := make([]byte, 0, 256)
	for _, p := range lf.parts {
		if p.name == "" {
			b = append(b, p.lit...)
			continue
		}
		v := ev.value(p.name, now)
		if v == "" {
			v = "-"
		}
		b = append(b, v...)
	}
	b = append(b, '\n')
	g.stageLogMu.Lock()
	g.cfg.StageLog.Write(b)
	g.stageLogMu.Unlock()
}

// value is $context.name of a WebSocket access log line; "" for one
// without a value here.
func (ev *wsLogEvent) value(name string, now time.Time) string {
	rc, c := ev.rc, ev.c
	switch name {
	case "apiId":
		return rc.APIID
	case "stage":
		return rc.Stage
	case "connectionId":
		return rc.ConnectionID
	case "connectedAt":
		return strconv.FormatInt(rc.ConnectedAt, 10)
	case "domainName":
		return rc.DomainName
	case "eventType":
		return rc.EventType
	case "routeKey":
		return rc.RouteKey
	case "messageId":
		return rc.MessageID
	case "messageDirection":
		return rc.MessageDirection
	case "requestId", "extendedRequestId":
		return rc.RequestID
	case "requestTime":
		return rc.RequestTime
	case "requestTimeEpoch":
		return strconv.FormatInt(rc.RequestTimeEpoch, 10)
	case "identity.sourceIp":
		return rc.Identity.SourceIP
	case "identity.apiKey", "identity.apiKeyId":
		if c == nil || c.key == nil {
			return ""
		}
		if name == "identity.apiKey" {
			return c.key.value
		}
		return c.key.id
	case "identity.userAgent":
		return rc.Identity.UserAgent
	case "status":
		if ev.status == 0 {
			return ""
		}
		return strconv.Itoa(ev.status)
	case "integrationStatus", "integration.status", "integration.integrationStatus":
		if ev.integrationStatus == 0 {
			return ""
		}
		return strconv.Itoa(ev.integrationStatus)
	case "integrationLatency", "integration.latency":
		if ev.integrationLatency < 0 {
			return ""
		}
		return strconv.FormatInt(ev.integrationLatency.Milliseconds(), 10)
	case "responseLatency":
		return strconv.FormatInt(now.Sub(ev.start).Milliseconds(), 10)
	case "error.message", "error.messageString", "error.responseType":
		return errorLogValue(name, ev.errKind, "")
	case "disconnectStatusCode":
		if rc.DisconnectStatusCode == nil {
			return ""
		}
		return strconv.Itoa(*rc.DisconnectStatusCode)
	case "disconnectReason":
		if rc.DisconnectReason == nil {
			return ""
		}
		return *rc.DisconnectReason
	}
	if prop, ok := strings.CutPrefix(name, "authorizer."); ok && c != nil && len(c.authorizer) > 0 {
		return authorizerLogValue(c.authorizer, prop)
	}
	return ""
}

// authorizerLogValue is $context.authorizer.prop of a connection whose
// authorizer answered az (principalId, the context's keys,
// integrationLatency): a string as it is, anything else as JSON.
func authorizerLogValue(az json.RawMessage, prop string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(az, &m) != nil {
		return ""
	}
	v, ok := m[prop]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}
