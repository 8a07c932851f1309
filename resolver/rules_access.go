package resolver

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Model rules about access (see registry.go): usage plans, API keys,
// request validators and models, Cognito authorizers. They run on the
// shared model, so CloudFormation, SAM and Terraform get the same
// findings. Each reports only what is certain from the template: a value
// not known before apply (Terraform), an API or usage plan of another
// stack, is never a finding.

// known reports whether a model value is known before deployment: not
// empty, not an unresolved ${...} (a Terraform value known only after
// apply, or a CloudFormation reference cfnrun could not resolve).
func known(v string) bool {
	return v != "" && !strings.Contains(v, "${")
}

// stagesNamed reports whether every stage has a name known before apply
// (a Terraform stage_name built from a random_id has not).
func stagesNamed(stages []*model.Stage) bool {
	return !slices.ContainsFunc(stages, func(st *model.Stage) bool { return st.NameStandsFor != "" || !known(st.Name) })
}

var _ = define(Rule{
	ID: "E3601", Level: "error",
	Summary: "usage plan bound to a stage the REST or WebSocket API does not have",
	Why: "API Gateway refuses the usage plan (\"Invalid stage identifier specified\"), so the deployment fails; " +
		"the API's keys never reach the stage.",
	Template: func(r report, t *model.Template) {
		for _, p := range t.UsagePlans {
			for _, ps := range p.Stages {
				if !known(ps.APIID) || !known(ps.Stage) {
					continue
				}
				var logicalID string
				var stages []*model.Stage
				cfnStage, tfStage := "AWS::ApiGateway::Stage", "aws_api_gateway_stage.<name>.stage_name"
				if api := t.API(ps.APIID); api != nil && !api.IsHTTP() {
					logicalID, stages = api.LogicalID, api.Stages
				} else if ws := t.WebSocketAPI(ps.APIID); ws != nil {
					logicalID, stages = ws.LogicalID, ws.Stages
					cfnStage, tfStage = "AWS::ApiGatewayV2::Stage", "aws_apigatewayv2_stage.<name>.name"
				}
				if logicalID == "" || !stagesNamed(stages) {
					continue // an API of another stack, stage names known only after apply, or an HTTP API (E3606)
				}
				if slices.ContainsFunc(stages, func(st *model.Stage) bool { return st.Name == ps.Stage }) {
					continue
				}
				var names []string
				for _, st := range stages {
					if !slices.Contains(names, st.Name) {
						names = append(names, st.Name)
					}
				}
				have := "it has no stage"
				if len(names) > 0 {
					slices.Sort(names)
					have = "its stages are " + strings.Join(names, ", ")
				}
				hint := r.pick(fmt.Sprintf("Name a stage of %s in ApiStages (Stage: !Ref <your %s>, which also orders the "+
					"usage plan after the stage), or create stage %q.", logicalID, cfnStage, ps.Stage),
					fmt.Sprintf("Name a stage of %s in api_stages (stage = %s, which also orders the "+
						"usage plan after the stage), or create stage %q.", logicalID, tfStage, ps.Stage))
				r.errorf(ps.Props.At("Stage", ps.Range), p.LogicalID, hint,
					"usage plan %s is bound to stage %q of API %s, which does not exist (%s)", p.Name, ps.Stage, logicalID, have)
			}
		}
	},
})

var _ = define(Rule{
	ID: "E3510", Level: "error",
	Summary: "HTTP or WebSocket API stage RouteSettings for a route key the API does not have",
	Why:     "API Gateway refuses the stage (\"Unable to find Route by key ... within the provided RouteSettings\"), so the deployment fails.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.WebSocketAPIs {
			keys := map[string]bool{}
			for _, m := range api.Routes {
				keys[m.RouteKey] = true
			}
			unknownRouteSettings(r, api.Stages, keys, "WebSocket API "+api.LogicalID)
		}
		for _, api := range t.APIs {
			if !api.IsHTTP() {
				continue
			}
			keys := map[string]bool{}
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					keys[m.RouteKey] = true
				}
			}
			if api.DefaultRoute != nil {
				keys[api.DefaultRoute.RouteKey] = true
			}
			unknownRouteSettings(r, api.Stages, keys, "API "+api.LogicalID)
		}
	},
})

// unknownRouteSettings reports (E3510) the stages' RouteSettings entries
// for a route key not among keys, the API's (named by what).
func unknownRouteSettings(r report, stages []*model.Stage, keys map[string]bool, what string) {
	for _, st := range stages {
		for _, ms := range st.MethodSettings {
			if ms.RouteKey == "" || keys[ms.RouteKey] || !known(ms.RouteKey) {
				continue
			}
			r.errorf(ms.Range, st.LogicalID, routeKeyHint(r, ms.RouteKey, keys),
				"stage %s has route settings for %q, which is not a route of %s", st.Name, ms.RouteKey, what)
		}
	}
}

var _ = define(Rule{
	ID: "E3607", Level: "error",
	Summary: "stage access log Format without $context.requestId or $context.extendedRequestId",
	Why: "API Gateway's documentation requires at least one of the two in an access log format (\"Access logging for REST APIs\"; " +
		"HTTP APIs likewise), and it refuses the stage's settings without it (BadRequestException), so the deployment fails.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.APIs {
			for _, st := range api.Stages {
				f := st.AccessLogFormat
				if f == "" || !known(f) || strings.Contains(f, "$context.requestId") || strings.Contains(f, "$context.extendedRequestId") {
					continue
				}
				rng := st.Props.At("AccessLogSetting", st.Props.At("AccessLogSettings", st.Range))
				r.errorf(rng, st.LogicalID,
					"Add $context.requestId (or $context.extendedRequestId) to the Format; both, as AWS advises, let a log line be matched to the x-amzn-RequestId and x-amz-apigw-id a client saw.",
					"the access log format of stage %s has neither $context.requestId nor $context.extendedRequestId", st.Name)
			}
		}
	},
})

var _ = define(Rule{
	ID: "E3606", Level: "error",
	Summary: "usage plan bound to an HTTP API (API Gateway v2)",
	Why: "Usage plans and API keys belong to REST APIs: an HTTP API has neither, and API Gateway refuses a usage plan " +
		"whose ApiStages name one, so the deployment fails.",
	Template: func(r report, t *model.Template) {
		for _, p := range t.UsagePlans {
			for _, ps := range p.Stages {
				if !known(ps.APIID) {
					continue
				}
				api := t.API(ps.APIID)
				if api == nil || !api.IsHTTP() {
					continue
				}
				r.errorf(ps.Props.At("ApiId", ps.Range), p.LogicalID,
					r.pick("Remove the stage from ApiStages; to limit an HTTP API's clients use the stage's DefaultRouteSettings "+
						"(ThrottlingRateLimit, ThrottlingBurstLimit) or an authorizer, or serve the API as a REST API (AWS::ApiGateway::RestApi).",
						"Remove the api_stages block; to limit an HTTP API's clients use the stage's default_route_settings "+
							"(throttling_rate_limit, throttling_burst_limit) or an authorizer, or serve the API as a REST API (aws_api_gateway_rest_api)."),
					"usage plan %s is bound to API %s, an HTTP API: usage plans and API keys apply to REST APIs only", p.Name, api.LogicalID)
			}
		}
	},
})

var _ = define(Rule{
	ID: "W3602", Level: "warning",
	Summary: "methods with ApiKeyRequired on a stage no usage plan covers, while the template's usage plans cover other stages of the API",
	Why: "A key reaches a stage only through a usage plan bound to it: without one, every call to the method answers 403 Forbidden. " +
		"Reported only when the template binds usage plans to the same API (so its plans are managed here): a plan in another stack may cover an API the template binds none to.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		t := r.template()
		if !known(st.Name) || st.NameStandsFor != "" {
			return
		}
		if covered, bound, unknown := planCoverage(t, api.ID, st.Name); covered || !bound || unknown {
			return
		}
		var keyed []*model.Method
		var paths []string
		for _, res := range api.StageResources(st) {
			for _, m := range res.Methods {
				if m.APIKeyRequired {
					keyed = append(keyed, m)
					paths = append(paths, m.HTTPMethod+" "+res.Path)
				}
			}
		}
		if len(keyed) == 0 {
			return
		}
		const show = 3
		list := strings.Join(paths[:min(show, len(paths))], ", ")
		if len(paths) > show {
			list += fmt.Sprintf(" and %d more", len(paths)-show)
		}
		hint := r.pick("Add the stage to a usage plan's ApiStages (or a plan of its own, with an AWS::ApiGateway::UsagePlanKey for an enabled API key).",
			"Add the stage to a usage plan's api_stages (or a plan of its own, with an aws_api_gateway_usage_plan_key for an enabled aws_api_gateway_api_key).")
		d := r.rule.warnf(st.Props.At("StageName", st.Range), st.LogicalID, hint,
			"stage %q of API %s has methods with ApiKeyRequired (%s) but none of the template's usage plans covers it: every call to them answers 403 Forbidden",
			st.Name, api.LogicalID, list)
		for _, m := range keyed[:min(show, len(keyed))] {
			d = d.WithRelated(m.Props.At("ApiKeyRequired", m.Range), "%s requires an API key", m.LogicalID)
		}
		r.add(d)
	},
})

var _ = define(Rule{
	ID: "E3603", Level: "error",
	Summary: "RequestModels names a model the REST API does not define",
	Why:     "API Gateway refuses the method (\"Invalid model identifier specified\"); the built-in models are Empty and Error.",
	Method: func(r report, mc methodCheck) {
		api := mc.api
		if api.ID == "" || len(mc.m.RequestModels) == 0 {
			return // a method of no API of the template: its models are not known
		}
		for _, ct := range slices.Sorted(maps.Keys(mc.m.RequestModels)) {
			name := mc.m.RequestModels[ct]
			if !known(name) || builtinModel(name) || slices.ContainsFunc(api.Models, func(x *model.APIModel) bool { return x.Name == name }) {
				continue
			}
			var names []string
			for _, x := range api.Models {
				names = append(names, x.Name)
			}
			hint := r.pick(fmt.Sprintf("Define an AWS::ApiGateway::Model named %q on %s (and reference it with !Ref, which also orders the method after it)",
				name, api.LogicalID), fmt.Sprintf("Define an aws_api_gateway_model named %q on %s (and reference its name, aws_api_gateway_model.<name>.name)",
				name, api.LogicalID))
			hint += ". " + diag.DidYouMean(name, append(names, "Empty", "Error"))
			r.errorf(mc.m.Props.At("RequestModels", mc.m.Range), mc.m.LogicalID, strings.TrimSpace(hint),
				"%s: %s[%q] names model %q, which API %s does not define", mc.where(), r.pick("RequestModels", "request_models"), ct, name, api.LogicalID)
		}
	},
})

// builtinModel reports whether name is one of the models every REST API
// has.
func builtinModel(name string) bool { return name == "Empty" || name == "Error" }

var _ = define(Rule{
	ID: "W3604", Level: "warning",
	Summary: "request validator with nothing to validate on the method",
	Why: "A validator checks the body only against RequestModels and only the RequestParameters marked required: " +
		"a method with neither (for what the validator checks) accepts every request, which is rarely what was meant.",
	Method: func(r report, mc methodCheck) {
		m := mc.m
		if m.RequestValidatorID == "" || !known(m.RequestValidatorID) {
			return
		}
		i := slices.IndexFunc(mc.api.Validators, func(v *model.RequestValidator) bool {
			return v.ID == m.RequestValidatorID || v.LogicalID == m.RequestValidatorID
		})
		if i < 0 {
			return
		}
		v := mc.api.Validators[i]
		required := slices.Contains(slices.Collect(maps.Values(m.RequestParameters)), true)
		body := v.ValidateRequestBody && len(m.RequestModels) > 0
		params := v.ValidateRequestParameters && required
		if body || params {
			return
		}
		var what string
		switch {
		case !v.ValidateRequestBody && !v.ValidateRequestParameters:
			what = "validates neither the body nor the parameters"
		case !v.ValidateRequestParameters:
			what = "validates the body, and the method has no RequestModels"
		case !v.ValidateRequestBody:
			what = "validates the parameters, and the method marks none of its RequestParameters required"
		default:
			what = "validates the body and the parameters, and the method has no RequestModels and no required RequestParameters"
		}
		hint := r.pick("Add RequestModels (content type → model name) and/or mark RequestParameters true (required), or remove RequestValidatorId.",
			"Add request_models (content type → model name) and/or mark request_parameters true (required), or remove request_validator_id.")
		r.add(r.rule.warnf(m.Props.At("RequestValidatorId", m.Range), m.LogicalID, hint,
			"%s: request validator %s %s, so it checks nothing", mc.where(), v.Name, what).
			WithRelated(v.Range, "validator %s", v.LogicalID))
	},
})

var _ = define(Rule{
	ID: "E3605", Level: "error",
	Summary: "Cognito user pool authorizer without ProviderARNs",
	Why:     "API Gateway refuses a COGNITO_USER_POOLS authorizer that names no user pool.",
	API: func(r report, api *model.RestAPI) {
		for _, au := range api.Authorizers {
			if !strings.EqualFold(au.Type, "COGNITO_USER_POOLS") || len(au.ProviderARNs) > 0 {
				continue
			}
			if _, written := au.Props.Lookup("ProviderARNs"); written && r.template().Format == model.Terraform {
				continue // provider_arns set to a value known only after apply
			}
			r.errorf(au.Props.At("ProviderARNs", au.Range), au.LogicalID,
				r.pick("Set ProviderARNs to the user pools whose tokens the authorizer accepts: [!GetAtt UserPool.Arn] (SAM: UserPoolArn).",
					"Set provider_arns = [aws_cognito_user_pool.<name>.arn]."),
				"Cognito authorizer %s has no %s", au.Name, r.pick("ProviderARNs", "provider_arns"))
		}
	},
})

var _ = define(Rule{
	ID: "W3608", Level: "warning",
	Summary: "WebSocket API that takes its API key from the authorizer, with ApiKeyRequired on a $connect route that has no Lambda authorizer",
	Why: "With ApiKeySelectionExpression $context.authorizer.usageIdentifierKey the key is what $connect's Lambda REQUEST authorizer returns; " +
		"without one (AuthorizationType CUSTOM) no key is ever found, so API Gateway refuses every client with 403 Forbidden.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.WebSocketAPIs {
			if api.APIKeySelectionExpression != "$context.authorizer.usageIdentifierKey" {
				continue
			}
			m := api.Route(model.RouteKeyConnect)
			if m == nil || !m.APIKeyRequired || m.AuthorizationType == "CUSTOM" {
				continue
			}
			r.warnf(m.Props.At("ApiKeyRequired", m.Range), m.LogicalID,
				r.pick("Give $connect a Lambda REQUEST authorizer (AuthorizationType: CUSTOM, AuthorizerId) that returns usageIdentifierKey, "+
					"or set the API's ApiKeySelectionExpression to $request.header.x-api-key.",
					"Give the $connect route a Lambda REQUEST authorizer (authorization_type = \"CUSTOM\", authorizer_id) that returns usageIdentifierKey, "+
						"or set the API's api_key_selection_expression to \"$request.header.x-api-key\"."),
				"$connect of WebSocket API %s requires an API key taken from the authorizer's usageIdentifierKey, but has no Lambda authorizer: every client is refused", api.LogicalID)
		}
	},
})

var _ = define(Rule{
	ID: "W3609", Level: "warning",
	Summary: "ApiKeyRequired on an HTTP API route",
	Why: "AWS documents a route's ApiKeyRequired as supported only for WebSocket APIs: HTTP APIs have no API keys or usage plans " +
		"(E3606), so no key is ever checked on the route. cfnrun up does not check one either.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.APIs {
			if !api.IsHTTP() {
				continue
			}
			check := func(m *model.Method) {
				if m != nil && m.APIKeyRequired {
					r.warnf(m.Props.At("ApiKeyRequired", m.Range), m.LogicalID,
						r.pick("Remove ApiKeyRequired; to limit an HTTP API's clients use an authorizer (JWT or Lambda) and the stage's throttles, or serve the API as a REST API (AWS::ApiGateway::RestApi) with a usage plan.",
							"Remove api_key_required; to limit an HTTP API's clients use an authorizer (JWT or Lambda) and the stage's throttles, or serve the API as a REST API (aws_api_gateway_rest_api) with a usage plan."),
						"route %s of HTTP API %s has ApiKeyRequired, which only WebSocket APIs take: no API key is checked", m.RouteKey, api.LogicalID)
				}
			}
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					check(m)
				}
			}
			check(api.DefaultRoute)
		}
	},
})

var _ = define(Rule{
	ID: "E3511", Level: "error (warning in Terraform)",
	Summary: "execution logging settings (LoggingLevel, DataTraceEnabled) on an HTTP API stage",
	Why: "AWS documents a stage's LoggingLevel and DataTraceEnabled as supported only for WebSocket APIs; API Gateway refuses them on an " +
		"HTTP API (BadRequestException: Execution logs are not supported on protocolType HTTP), so the deployment fails. The Terraform " +
		"provider drops them for HTTP APIs (older versions sent them and failed), so there they are a warning: they do nothing.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.APIs {
			if !api.IsHTTP() {
				continue
			}
			for _, st := range api.Stages {
				for _, ms := range st.MethodSettings {
					tf := t.Format == model.Terraform
					names := map[bool][4]string{false: {"LoggingLevel ", "DataTraceEnabled", "DefaultRouteSettings", "RouteSettings for "},
						true: {"logging_level ", "data_trace_enabled", "default_route_settings", "route_settings for "}}[tf]
					var what []string
					if ms.LoggingLevel != "" && ms.LoggingLevel != "OFF" {
						what = append(what, names[0]+ms.LoggingLevel)
					}
					if ms.DataTraceEnabled {
						what = append(what, names[1])
					}
					if len(what) == 0 {
						continue
					}
					where := names[2]
					if ms.RouteKey != "" {
						where = names[3] + strconv.Quote(ms.RouteKey)
					}
					if tf {
						r.warnf(ms.Range, st.LogicalID,
							"Remove logging_level and data_trace_enabled from the block: HTTP APIs have no execution logs (use access_log_settings).",
							"%s of HTTP API stage %s sets %s, which only WebSocket APIs take: the provider drops it", where, st.Name, strings.Join(what, " and "))
						continue
					}
					r.errorf(ms.Range, st.LogicalID,
						"Remove LoggingLevel and DataTraceEnabled: HTTP APIs have no execution logs (use AccessLogSettings for an access log).",
						"%s of HTTP API stage %s sets %s, which only WebSocket APIs take: API Gateway refuses the stage", where, st.Name, strings.Join(what, " and "))
				}
			}
		}
	},
})

var _ = define(Rule{
	ID: "W3610", Level: "warning",
	Summary: "WebSocket routes with ApiKeyRequired on a stage no usage plan covers, while the template's usage plans cover other stages of the API",
	Why: "A key reaches a WebSocket stage only through a usage plan bound to it: without one, every client of a keyed $connect is refused " +
		"with 403 Forbidden (W3602 for REST APIs). Reported only when the template binds usage plans to the same API.",
	Template: func(r report, t *model.Template) {
		for _, api := range t.WebSocketAPIs {
			var keyed []*model.Method
			for _, m := range api.Routes {
				if m.APIKeyRequired {
					keyed = append(keyed, m)
				}
			}
			if len(keyed) == 0 {
				continue
			}
			for _, st := range api.Stages {
				if !known(st.Name) || st.NameStandsFor != "" {
					continue
				}
				covered, bound, unknown := planCoverage(t, api.ID, st.Name)
				if unknown {
					return
				}
				if covered || !bound {
					continue
				}
				var keys []string
				for _, m := range keyed {
					keys = append(keys, m.RouteKey)
				}
				d := r.rule.warnf(st.Props.At("StageName", st.Range), st.LogicalID,
					r.pick("Add the stage to a usage plan's ApiStages (ApiId: the WebSocket API, Stage: this stage), with an AWS::ApiGateway::UsagePlanKey for an enabled API key.",
						"Add the stage to a usage plan's api_stages (api_id: the WebSocket API, stage: this stage), with an aws_api_gateway_usage_plan_key for an enabled aws_api_gateway_api_key."),
					"stage %q of WebSocket API %s has routes with ApiKeyRequired (%s) but none of the template's usage plans covers it: every client is refused with 403 Forbidden",
					st.Name, api.LogicalID, strings.Join(keys, ", "))
				for _, m := range keyed[:min(3, len(keyed))] {
					d = d.WithRelated(m.Props.At("ApiKeyRequired", m.Range), "%s requires an API key", m.LogicalID)
				}
				r.add(d)
			}
		}
	},
})

// routeKeyHint is E3510's fix: the key that differs only in case when
// there is one, else the API's route keys (a few).
func routeKeyHint(r report, key string, keys map[string]bool) string {
	names := slices.Sorted(maps.Keys(keys))
	for _, k := range names {
		if strings.EqualFold(k, key) {
			return r.pick(fmt.Sprintf("Did you mean %q? Route keys are case-sensitive.", k),
				fmt.Sprintf("Did you mean route_key = %q? Route keys are case-sensitive.", k))
		}
	}
	list := "the API has no routes"
	if len(names) > 0 {
		q := make([]string, 0, len(names))
		for _, k := range names {
			q = append(q, strconv.Quote(k))
		}
		list = "its routes are " + listFew(q)
	}
	return r.pick("Key RouteSettings by one of the API's route keys ("+list+"), or add the route.",
		"Set route_key to one of the API's route keys ("+list+"), or add the route.")
}

// listFew joins the first five items, saying how many more there are.
func listFew(items []string) string {
	if len(items) <= 5 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:5], ", "), len(items)-5)
}

var _ = define(Rule{
	ID: "E3522", Level: "error",
	Summary: "WebSocket integration through a VPC link V2 (AWS::ApiGatewayV2::VpcLink, aws_apigatewayv2_vpc_link)",
	Why: "A WebSocket API's private integrations use VPC links of REST APIs (AWS::ApiGateway::VpcLink, to a Network Load Balancer); " +
		"a V2 link (to an ALB, NLB or Cloud Map service) serves HTTP APIs only, and API Gateway refuses the integration " +
		"(\"invalid vpclink id ... referenced in integration\"), so the deployment fails.",
	Template: func(r report, t *model.Template) {
		if len(t.WebSocketAPIs) == 0 {
			return
		}
		v2Links := map[string]string{} // id -> address
		for _, n := range t.Nodes {
			if n.Type == "AWS::ApiGatewayV2::VpcLink" || n.Type == "aws_apigatewayv2_vpc_link" {
				for _, k := range []string{"Ref", "VpcLinkId", "id"} {
					if v := n.Attrs[k]; v != "" {
						v2Links[v] = n.Address
					}
				}
			}
		}
		if len(v2Links) == 0 {
			return
		}
		// One finding per integration (the model copies it into each
		// route that targets it), naming its routes.
		type hit struct {
			in     *model.Integration
			owner  string
			link   string
			routes []string
		}
		var hits []*hit
		byDecl := map[string]*hit{}
		for _, api := range t.WebSocketAPIs {
			for _, m := range api.Routes {
				in := m.Integration
				if in == nil || !strings.EqualFold(in.ConnectionType, "VPC_LINK") {
					continue
				}
				link, ok := v2Links[in.ConnectionID]
				if !ok {
					continue
				}
				k := api.ID + "\x00" + in.Range.String()
				if h := byDecl[k]; h != nil {
					h.routes = append(h.routes, m.RouteKey)
					continue
				}
				h := &hit{in: in, owner: m.LogicalID, link: link, routes: []string{m.RouteKey}}
				byDecl[k] = h
				hits = append(hits, h)
			}
		}
		for _, h := range hits {
			r.errorf(h.in.Props.At("ConnectionId", h.in.Range), h.owner,
				r.pick("Use an AWS::ApiGateway::VpcLink (a REST API VPC link, to a Network Load Balancer) as ConnectionId, with the NLB's URL as IntegrationUri.",
					"Use an aws_api_gateway_vpc_link (a REST API VPC link, to a Network Load Balancer) as connection_id, with the NLB's URL as integration_uri."),
				"the integration of WebSocket routes %s goes through %s, a VPC link V2, which only HTTP APIs take", listFew(h.routes), h.link)
		}
	},
})

// planCoverage says whether the template's usage plans cover stage of the
// API apiID (covered), are bound to some stage of that API (bound: its
// plans are managed here), or name a stage known only after apply
// (unknown: a Terraform api_stages block with an unknown value; such a
// plan may cover any stage, so no finding).
func planCoverage(t *model.Template, apiID, stage string) (covered, bound, unknown bool) {
	for _, p := range t.UsagePlans {
		if _, written := p.Props.Lookup("ApiStages"); written && len(p.Stages) == 0 {
			return false, false, true
		}
		for _, ps := range p.Stages {
			if !known(ps.APIID) || !known(ps.Stage) {
				return false, false, true
			}
			if ps.APIID == apiID && ps.Stage == stage {
				covered = true
			}
			bound = bound || ps.APIID == apiID
		}
	}
	return covered, bound, false
}
