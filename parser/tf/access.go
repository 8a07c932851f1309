package tf

import (
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Access and traffic of a Terraform configuration: aws_api_gateway_api_key,
// aws_api_gateway_usage_plan (with its api_stages, throttle and quota
// blocks), aws_api_gateway_usage_plan_key, and resource policies (a REST
// API's policy argument or an aws_api_gateway_rest_api_policy), lowered
// into the same model as their CloudFormation twins.

// accessCFNName maps the access arguments to the CloudFormation property
// names model.Ranges are keyed by.
var accessCFNName = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"name": "Name", "description": "Description", "enabled": "Enabled", "value": "Value", "customer_id": "CustomerId",
		"api_stages": "ApiStages", "quota_settings": "Quota", "throttle_settings": "Throttle", "key_id": "KeyId",
		"key_type": "KeyType", "usage_plan_id": "UsagePlanId", "policy": "Policy",
	}
}}

func (in *instance) accessRanges() model.Ranges {
	r := model.Ranges{}
	for n, rng := range in.ranges {
		c, ok := accessCFNName.Get()[n]
		if n == "name" && in.res.typ == "aws_api_gateway_usage_plan" {
			c = "UsagePlanName"
		}
		if ok {
			r.Set(c, toRange(rng))
		}
	}
	return r
}

// blockRanges returns the range of each instance of nested block name.
func (in *instance) blockRanges(name string) []diag.Range {
	var out []diag.Range
	if v := in.props.Get(name); v != nil {
		for _, it := range v.Items {
			out = append(out, it.Range)
		}
	}
	return out
}

func (lw *lowering) access(byType map[string][]*instance) {
	for _, in := range byType["aws_api_gateway_rest_api"] {
		if api := lw.apiByID[in.attrs["id"]]; api != nil && in.has("policy") {
			api.Policy = model.CanonicalJSON(in.str("policy"))
			api.Props.Set("Policy", toRange(in.ranges["policy"]))
		}
	}
	for _, in := range byType["aws_api_gateway_rest_api_policy"] {
		if api := lw.api(in); api != nil {
			api.Policy = model.CanonicalJSON(in.str("policy"))
			api.Props.Set("Policy", toRange(in.ranges["policy"]))
		}
	}
	for _, in := range byType["aws_api_gateway_api_key"] {
		k := &model.APIKey{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"), Description: in.str("description"),
			Value: in.str("value"), Enabled: true, CustomerID: in.str("customer_id"), Tags: in.tags(), Range: in.rng(), Props: in.accessRanges()}
		if in.has("enabled") {
			k.Enabled = in.boolean("enabled")
		}
		if k.Value == "" {
			k.Value, k.GeneratedValue = in.attrs["value"], true
		}
		lw.t.APIKeys = append(lw.t.APIKeys, k)
	}
	plans := map[string]*model.UsagePlan{}
	for _, in := range byType["aws_api_gateway_usage_plan"] {
		up := &model.UsagePlan{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"), Description: in.str("description"),
			Tags: in.tags(), Range: in.rng(), Props: in.accessRanges()}
		rngs := in.blockRanges("api_stages")
		for i, b := range blocks(in.get("api_stages")) {
			st := model.UsagePlanStage{APIID: ctyString(attrOf(b, "api_id")), Stage: ctyString(attrOf(b, "stage")), Range: in.rng()}
			if i < len(rngs) {
				st.Range = rngs[i]
				st.Props = model.Ranges{}
				for arg, key := range map[string]string{"api_id": "ApiId", "stage": "Stage"} {
					if v := in.props.Get("api_stages").Items[i].Get(arg); v != nil {
						st.Props.Set(key, v.Range)
					}
				}
			}
			var trngs []diag.Range
			if i < len(rngs) {
				if v := in.props.Get("api_stages").Items[i].Get("throttle"); v != nil {
					for _, it := range v.Items {
						trngs = append(trngs, it.Range)
					}
				}
			}
			for j, t := range blocks(attrOf(b, "throttle")) {
				mt := model.MethodThrottle{Path: ctyString(attrOf(t, "path")), Throttle: throttleOf(t), Range: st.Range}
				if j < len(trngs) {
					mt.Range = trngs[j]
				}
				st.Methods = append(st.Methods, mt)
			}
			up.Stages = append(up.Stages, st)
		}
		if t := in.block("throttle_settings"); t != cty.NilVal {
			th := throttleOf(t)
			up.Throttle = &th
		}
		if q := in.block("quota_settings"); q != cty.NilVal {
			up.Quota = &model.Quota{Limit: numOf(attrOf(q, "limit"), 0), Offset: numOf(attrOf(q, "offset"), 0),
				Period: strings.ToUpper(ctyString(attrOf(q, "period"))), Range: toRange(in.ranges["quota_settings"])}
		}
		plans[up.ID] = up
		lw.t.UsagePlans = append(lw.t.UsagePlans, up)
	}
	for _, in := range byType["aws_cognito_user_pool_client"] {
		lw.t.UserPoolClients = append(lw.t.UserPoolClients, &model.UserPoolClient{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"),
			PoolID: in.str("user_pool_id"), Range: in.rng()})
	}
	for _, in := range byType["aws_api_gateway_usage_plan_key"] {
		id := in.str("usage_plan_id")
		up := plans[id]
		if up == nil {
			if id != "" {
				lw.l.diagOnce(ruleOutside.warnf(in.ranges["usage_plan_id"], in.addr, "Declare the aws_api_gateway_usage_plan here and refer to its id to have cfnrun enforce it.",
					"usage_plan_id %q is not a usage plan of this configuration; cfnrun up does not know its stages, so the key is not accepted through it", id))
			}
			continue
		}
		up.Keys = append(up.Keys, model.UsagePlanKey{LogicalID: in.addr, KeyID: in.str("key_id"), KeyType: in.str("key_type"), Range: in.rng()})
	}
}

// blocks returns the instances of a nested block: none when it is unset
// or not known before apply.
func blocks(v cty.Value) []cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsWhollyKnown() || !v.CanIterateElements() {
		return nil
	}
	var out []cty.Value
	for _, b := range elements(v) {
		if b.Type().IsObjectType() {
			out = append(out, b)
		}
	}
	return out
}

// throttleOf reads a throttle / throttle_settings block.
func throttleOf(b cty.Value) model.Throttle {
	return model.Throttle{BurstLimit: numOf(attrOf(b, "burst_limit"), -1), RateLimit: floatOf(attrOf(b, "rate_limit"), -1)}
}

func numOf(v cty.Value, def int) int {
	f := floatOf(v, float64(def))
	return int(f)
}

func floatOf(v cty.Value, def float64) float64 {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return def
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil || n.IsNull() {
		return def
	}
	f, _ := n.AsBigFloat().Float64()
	return f
}
