package resolver

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Access and traffic: API keys, usage plans and their keys, resource
// policies, and what the SAM transform generates for them (Auth.UsagePlan,
// Auth.ResourcePolicy, GatewayResponses), lowered into the model.

// lowerAccess runs after every API, stage and method is lowered.
func (l *lowerer) lowerAccess() {
	s := l.s
	for _, r := range l.live("AWS::ApiGateway::RestApi") {
		p := l.propsOf(r)
		if api := l.apiByID[r.attrs["Ref"]]; api != nil && p.has("Policy") {
			api.Policy = p.jsonDoc("Policy")
		}
	}
	for _, r := range l.live("AWS::ApiGateway::ApiKey") {
		if r.implied {
			continue
		}
		p := l.propsOf(r)
		k := &model.APIKey{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"), Description: p.str("Description"),
			Value: p.str("Value"), Enabled: p.boolean("Enabled"), CustomerID: p.str("CustomerId"), Tags: p.tags("Tags"), Range: r.keyRange, Props: p.ranges()}
		if k.Name == "" {
			// Not physicalName: the mark it sets on r is the graph's, which
			// was taken before lowering (and now runs beside it).
			k.Name, _ = s.nameOf(r)
		}
		l.keyValue(k)
		for _, sk := range p.items("StageKeys") {
			k.StageKeys = append(k.StageKeys, model.StageKey{APIID: sk.str("RestApiId"), Stage: sk.str("StageName"), Range: sk.node.Range()})
		}
		l.t.APIKeys = append(l.t.APIKeys, k)
	}
	plans := map[string]*model.UsagePlan{}
	for _, r := range l.live("AWS::ApiGateway::UsagePlan") {
		if r.implied {
			continue
		}
		p := l.propsOf(r)
		up := &model.UsagePlan{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("UsagePlanName"), Description: p.str("Description"),
			Tags: p.tags("Tags"), Range: r.keyRange, Props: p.ranges()}
		if up.Name == "" {
			up.Name = r.id
		}
		for _, st := range p.items("ApiStages") {
			ps := model.UsagePlanStage{APIID: st.str("ApiId"), Stage: st.str("Stage"), Range: st.node.Range(), Props: st.ranges()}
			if th := st.node.Get("Throttle"); th != nil && th.Kind == cfn.Mapping {
				tp := st.sub("Throttle")
				for _, f := range th.Fields {
					ps.Methods = append(ps.Methods, model.MethodThrottle{Path: f.Key, Throttle: throttleOf(tp.sub(f.Key)), Range: f.KeyRange()})
				}
			}
			up.Stages = append(up.Stages, ps)
		}
		if p.has("Throttle") {
			th := throttleOf(p.sub("Throttle"))
			up.Throttle = &th
		}
		if p.has("Quota") {
			up.Quota = quotaOf(p.sub("Quota"), p.at("Quota", r.keyRange))
		}
		plans[up.ID] = up
		l.t.UsagePlans = append(l.t.UsagePlans, up)
	}
	for _, r := range l.live("AWS::ApiGateway::UsagePlanKey") {
		if r.implied {
			continue
		}
		p := l.propsOf(r)
		pk := model.UsagePlanKey{LogicalID: r.id, KeyID: p.str("KeyId"), KeyType: p.str("KeyType"), Range: r.keyRange}
		planID := p.str("UsagePlanId")
		up := plans[planID]
		if up == nil {
			if p.has("UsagePlanId") && !unresolved(planID) {
				s.infof(ruleNotServed, p.at("UsagePlanId", r.keyRange), r.id, "Reference an AWS::ApiGateway::UsagePlan of this template with !Ref to have cfnrun enforce it.",
					"usage plan %q is not defined in this template; cfnrun up does not know its stages, so the key is not accepted through it", planID)
			}
			continue
		}
		up.Keys = append(up.Keys, pk)
	}
	for _, r := range l.live("AWS::Cognito::UserPoolClient") {
		p := l.propsOf(r)
		l.t.UserPoolClients = append(l.t.UserPoolClients, &model.UserPoolClient{LogicalID: r.id, ID: l.s.attr(r, "Ref", r.keyRange, evalCtx{}),
			Name: p.str("ClientName"), PoolID: p.str("UserPoolId"), Range: r.keyRange})
	}
	l.samAccess()
}

// keyValue gives a key without a Value the one cfnrun generates: stable for
// the same stack and logical id, as API ids are.
func (l *lowerer) keyValue(k *model.APIKey) {
	if k.Value == "" {
		k.Value = model.StableKeyValue(l.s.stackName, k.LogicalID)
		k.GeneratedValue = true
	}
}

func throttleOf(p *props) model.Throttle {
	return model.Throttle{BurstLimit: p.integer("BurstLimit", -1), RateLimit: p.float("RateLimit", -1)}
}

func quotaOf(p *props, rng diag.Range) *model.Quota {
	return &model.Quota{Limit: p.integer("Limit", 0), Offset: p.integer("Offset", 0), Period: strings.ToUpper(p.str("Period")), Range: rng}
}

// samAccess lowers what the SAM transform generates for each
// AWS::Serverless::Api: the usage plan, API key and usage plan key of
// Auth.UsagePlan (PER_API: {Api}UsagePlan, {Api}ApiKey, {Api}UsagePlanKey;
// SHARED: ServerlessUsagePlan, ServerlessApiKey, ServerlessUsagePlanKey for
// every API that shares it), the gateway responses of GatewayResponses, and
// the resource policy of Auth.ResourcePolicy.
func (l *lowerer) samAccess() {
	s := l.s
	if !s.isSAM() {
		return
	}
	var shared *model.UsagePlan
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Api" {
			continue
		}
		api := l.apiByID[r.attrs["Ref"]]
		if api == nil {
			continue
		}
		p := l.propsOf(r)
		stage := ""
		if len(api.Stages) > 0 {
			stage = api.Stages[0].Name
		}
		if gr := l.samSetting(p, "GatewayResponses"); gr != nil && gr.node != nil && gr.node.Kind == cfn.Mapping {
			l.samGatewayResponses(api, id, gr)
		}
		auth := l.samSetting(p, "Auth")
		if auth == nil || auth.node == nil {
			continue
		}
		if rp := auth.sub("ResourcePolicy"); rp.node != nil {
			l.samResourcePolicy(api, id, stage, rp)
		}
		plan := auth.sub("UsagePlan")
		if plan.node == nil {
			continue
		}
		mode := strings.ToUpper(plan.str("CreateUsagePlan"))
		apiStage := model.UsagePlanStage{APIID: api.ID, Stage: stage, Range: plan.node.Range()}
		newPlan := func(prefix string) *model.UsagePlan {
			up := &model.UsagePlan{LogicalID: prefix + "UsagePlan", ID: l.impliedRef(prefix+"UsagePlan", 6, "usageplan"), Name: plan.str("UsagePlanName"),
				Description: plan.str("Description"), Range: plan.node.Range(), Props: plan.ranges()}
			if up.Name == "" {
				up.Name = up.LogicalID
			}
			if plan.has("Throttle") {
				th := throttleOf(plan.sub("Throttle"))
				up.Throttle = &th
			}
			if plan.has("Quota") {
				up.Quota = quotaOf(plan.sub("Quota"), plan.at("Quota", plan.node.Range()))
			}
			k := &model.APIKey{LogicalID: prefix + "ApiKey", ID: l.impliedRef(prefix+"ApiKey", 10, "apikey"), Enabled: true, Range: plan.node.Range()}
			k.Name = s.physicalName(&resource{id: k.LogicalID})
			l.keyValue(k)
			l.t.APIKeys = append(l.t.APIKeys, k)
			up.Keys = append(up.Keys, model.UsagePlanKey{LogicalID: prefix + "UsagePlanKey", KeyID: k.ID, KeyType: "API_KEY", Range: plan.node.Range()})
			l.t.UsagePlans = append(l.t.UsagePlans, up)
			return up
		}
		switch mode {
		case "PER_API":
			up := newPlan(id)
			up.Stages = append(up.Stages, apiStage)
			l.t.APIKeys[len(l.t.APIKeys)-1].StageKeys = []model.StageKey{{APIID: api.ID, Stage: stage, Range: plan.node.Range()}}
		case "SHARED":
			if shared == nil {
				shared = newPlan("Serverless")
			}
			shared.Stages = append(shared.Stages, apiStage)
			for _, k := range l.t.APIKeys {
				if k.LogicalID == "ServerlessApiKey" {
					k.StageKeys = append(k.StageKeys, model.StageKey{APIID: api.ID, Stage: stage, Range: plan.node.Range()})
				}
			}
		}
	}
}

// impliedRef is the Ref of a resource the SAM transform generates (see
// samImplied), or an id derived the same way when it is not registered.
func (l *lowerer) impliedRef(id string, n int, kind string) string {
	if r := l.s.res[id]; r != nil && r.attrs["Ref"] != "" {
		return r.attrs["Ref"]
	}
	return model.StableID(n, kind, l.s.stackName, id)
}

// samGatewayResponses lowers an AWS::Serverless::Api's GatewayResponses:
// ResponseParameters.Headers / Paths / QueryStrings become
// gatewayresponse.header|path|querystring.NAME, as the transform writes them.
func (l *lowerer) samGatewayResponses(api *model.RestAPI, owner string, gr *props) {
	for _, f := range gr.node.Fields {
		rp := l.bareProps(owner, f.Value)
		g := &model.GatewayResponse{LogicalID: owner, ResponseType: f.Key, StatusCode: rp.str("StatusCode"), ResponseTemplates: rp.strMap("ResponseTemplates"), Range: f.KeyRange()}
		params := rp.sub("ResponseParameters")
		for _, kind := range []struct{ key, prefix string }{{"Headers", "gatewayresponse.header."}, {"Paths", "gatewayresponse.path."}, {"QueryStrings", "gatewayresponse.querystring."}} {
			for k, v := range params.strMap(kind.key) {
				if g.ResponseParameters == nil {
					g.ResponseParameters = map[string]string{}
				}
				g.ResponseParameters[kind.prefix+k] = v
			}
		}
		api.GatewayResponses = append(api.GatewayResponses, g)
	}
}

// samResourcePolicy builds the policy the transform generates from
// Auth.ResourcePolicy: for each method of the API, an Allow for everyone,
// then Deny statements for IpRangeBlacklist (IpAddress) and IpRangeWhitelist
// (NotIpAddress), account and VPC lists (Deny with aws:PrincipalAccount /
// aws:SourceVpce conditions, which cfnrun does not evaluate) and
// CustomStatements as written.
func (l *lowerer) samResourcePolicy(api *model.RestAPI, owner, stage string, rp *props) {
	var resources []any
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			verb := m.HTTPMethod
			if verb == "ANY" {
				verb = "*"
			}
			resources = append(resources, "execute-api:/"+stage+"/"+verb+samPolicyPath(pathFor(res)))
		}
	}
	if len(resources) == 0 {
		return
	}
	var stmts []any
	stmt := func(effect string, cond map[string]any) {
		st := map[string]any{"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke", "Resource": resources}
		if cond != nil {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	stmt("Allow", nil)
	list := func(key string) []any {
		var out []any
		for _, v := range rp.list(key) {
			out = append(out, v)
		}
		return out
	}
	if ips := list("IpRangeBlacklist"); len(ips) > 0 {
		stmt("Deny", map[string]any{"IpAddress": map[string]any{"aws:SourceIp": ips}})
	}
	if ips := list("IpRangeWhitelist"); len(ips) > 0 {
		stmt("Deny", map[string]any{"NotIpAddress": map[string]any{"aws:SourceIp": ips}})
	}
	if accts := list("AwsAccountBlacklist"); len(accts) > 0 {
		stmt("Deny", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": accts}})
	}
	if accts := list("AwsAccountWhitelist"); len(accts) > 0 {
		stmt("Deny", map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalAccount": accts}})
	}
	for _, k := range []struct{ key, op, cond string }{{"SourceVpcBlacklist", "StringEquals", "aws:SourceVpce"}, {"SourceVpcWhitelist", "StringNotEquals", "aws:SourceVpce"}} {
		if v := list(k.key); len(v) > 0 {
			stmt("Deny", map[string]any{k.op: map[string]any{k.cond: v}})
		}
	}
	if n := rp.node.Get("CustomStatements"); n != nil {
		switch x := rp.typed(n).(type) {
		case []any:
			stmts = append(stmts, x...)
		case nil:
		default:
			stmts = append(stmts, x)
		}
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": stmts}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	api.Policy = model.CanonicalJSON(string(b))
	api.Props.Set("Policy", rp.node.Range())
}

// samPolicyPath writes a resource path as the transform's resource policy
// does: every path parameter ({id}, {proxy+}) is *.
func samPolicyPath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

// jsonDoc renders a property that holds a JSON document (a model's
// Schema, a Policy) as JSON text, as CloudFormation passes it on: written
// as YAML or JSON, numbers and booleans keep their type (minimum: 0 is a
// number, additionalProperties: false a boolean); written as a string, it
// is taken as the JSON text it holds. Object keys come out sorted.
func (p *props) jsonDoc(key string) string {
	n := p.node.Get(key)
	if n == nil {
		return ""
	}
	v := p.typed(n)
	if s, ok := v.(string); ok {
		return model.CanonicalJSON(s)
	}
	b, err := json.Marshal(v)
	if err != nil || !p.l.s.spendBytes(len(b), n) {
		return ""
	}
	return string(b)
}

// typed evaluates n keeping the type of every scalar written as a YAML or
// JSON scalar; intrinsics evaluate as usual. AWS::NoValue drops the entry.
func (p *props) typed(n *cfn.Node) any {
	if _, _, ok := n.Intrinsic(false); ok {
		v := p.l.s.eval(n, evalCtx{resource: p.id})
		if v == noValue {
			return nil
		}
		return toJSON(v)
	}
	switch n.Kind {
	case cfn.Mapping:
		m := make(map[string]any, len(n.Fields))
		for _, f := range n.Fields {
			if _, _, isFn := f.Value.Intrinsic(false); isFn && p.l.s.eval(f.Value, evalCtx{resource: p.id}) == noValue {
				continue
			}
			m[f.Key] = p.typed(f.Value)
		}
		return m
	case cfn.Sequence:
		out := make([]any, 0, len(n.Items))
		for _, it := range n.Items {
			if _, _, isFn := it.Intrinsic(false); isFn && p.l.s.eval(it, evalCtx{resource: p.id}) == noValue {
				continue
			}
			out = append(out, p.typed(it))
		}
		return out
	}
	switch n.Type {
	case cfn.Bool:
		return strings.EqualFold(n.Value, "true")
	case cfn.Int:
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case cfn.Float:
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	}
	return n.Value
}
