package tf

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleOutside = newRule("TF050", sevWarning|sevError,
	"element refers to a REST API or resource outside the configuration (warning), or to a parent in another REST API (error)",
	"Deploys if it exists elsewhere, but cfnrun cannot serve it.")

var ruleMethodRef = newRule("TF051", sevError,
	"duplicate method, integration/response for an undeclared method, integration response without integration",
	"API Gateway fails with \"Invalid Method identifier specified\".")

var ruleStageRef = newRule("TF052", sevError,
	"method settings for a stage that does not exist",
	"API Gateway fails with \"Invalid stage identifier specified\".")

// lowering state: the API objects by the ids references evaluate to.
type lowering struct {
	l       *loader
	t       *model.Template
	apiByID map[string]*model.RestAPI
	resByID map[string]*model.Resource
	resAPI  map[*model.Resource]*model.RestAPI
	methods map[string]*model.Method // apiID \x00 resourceID \x00 VERB
	stages  map[string]*model.Stage  // apiID \x00 name
	skipped map[string]bool          // ids of resources not lowered
	// pendingFns are the Lambda functions named only after apply.
	pendingFns []pendingFn
}

// lower turns the evaluated aws_api_gateway_* instances into the model,
// and every managed resource instance into a graph node.
func (l *loader) lower(t *model.Template) {
	lw := &lowering{l: l, t: t, apiByID: map[string]*model.RestAPI{}, resByID: map[string]*model.Resource{},
		resAPI: map[*model.Resource]*model.RestAPI{}, methods: map[string]*model.Method{}, stages: map[string]*model.Stage{}, skipped: map[string]bool{}}
	byType := map[string][]*instance{}
	for _, in := range l.insts {
		if in.res.data {
			continue
		}
		if in.idAddr != in.addr {
			if t.Moved == nil {
				t.Moved = map[string]string{}
			}
			t.Moved[in.addr] = in.idAddr
		}
		t.Nodes = append(t.Nodes, &model.Node{Address: in.addr, Type: in.res.typ, Range: toRange(in.res.declRange),
			Props: in.props, Deps: in.deps, Attrs: in.attrs, Placeholder: in.placeholder})
		if in.template {
			continue // stands for instances not known before apply: t.Pending
		}
		byType[in.res.typ] = append(byType[in.res.typ], in)
	}
	defer func() {
		t.Pending = slices.Clone(l.pending)
		slices.SortFunc(t.Pending, func(a, b model.Pending) int {
			return cmp.Or(strings.Compare(a.Address, b.Address), strings.Compare(a.What, b.What))
		})
	}()
	lw.functions(byType)
	for _, in := range byType["aws_api_gateway_rest_api"] {
		lw.restAPI(in)
	}
	for _, in := range byType["aws_api_gateway_resource"] {
		lw.resource(in)
	}
	for _, in := range byType["aws_api_gateway_method"] {
		lw.method(in)
	}
	for _, in := range byType["aws_api_gateway_integration"] {
		lw.integration(in)
	}
	for _, in := range byType["aws_api_gateway_method_response"] {
		lw.methodResponse(in)
	}
	for _, in := range byType["aws_api_gateway_integration_response"] {
		lw.integrationResponse(in)
	}
	for _, in := range byType["aws_api_gateway_rest_api"] {
		if api := lw.apiByID[in.attrs["id"]]; api != nil {
			lw.importBody(api, in)
		}
	}
	for _, in := range byType["aws_api_gateway_deployment"] {
		lw.deployment(in)
	}
	for _, in := range byType["aws_api_gateway_stage"] {
		lw.stage(in)
	}
	for _, in := range byType["aws_api_gateway_method_settings"] {
		lw.methodSettings(in)
	}
	for _, in := range byType["aws_api_gateway_authorizer"] {
		if api := lw.api(in); api != nil {
			api.Authorizers = append(api.Authorizers, &model.Authorizer{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"),
				Type: strings.ToUpper(orDefault(in.str("type"), "TOKEN")), IdentitySource: in.str("identity_source"), AuthorizerURI: in.text("authorizer_uri"),
				ProviderARNs: in.list("provider_arns"), ResultTTLSeconds: in.num("authorizer_result_ttl_in_seconds", model.DefaultAuthorizerTTL),
				IdentityValidationExpression: in.str("identity_validation_expression"), Credentials: in.text("authorizer_credentials"),
				Range: in.rng(), Props: in.cfnRanges()})
		}
	}
	for _, in := range byType["aws_api_gateway_gateway_response"] {
		if api := lw.api(in); api != nil {
			api.GatewayResponses = append(api.GatewayResponses, &model.GatewayResponse{LogicalID: in.addr, ResponseType: in.str("response_type"),
				StatusCode: in.str("status_code"), ResponseParameters: in.smap("response_parameters"), ResponseTemplates: in.smap("response_templates"), Range: in.rng()})
		}
	}
	for _, in := range byType["aws_api_gateway_model"] {
		if api := lw.api(in); api != nil {
			api.Models = append(api.Models, &model.APIModel{LogicalID: in.addr, Name: in.str("name"), ContentType: in.str("content_type"), Schema: in.str("schema"), Range: in.rng()})
		}
	}
	for _, in := range byType["aws_api_gateway_request_validator"] {
		if api := lw.api(in); api != nil {
			api.Validators = append(api.Validators, &model.RequestValidator{LogicalID: in.addr, ID: in.attrs["id"], Name: in.str("name"),
				ValidateRequestBody: in.boolean("validate_request_body"), ValidateRequestParameters: in.boolean("validate_request_parameters"), Range: in.rng()})
		}
	}
	lw.httpAPIs(byType)
	lw.access(byType)
	lw.domains(byType)
	lw.linkPendingFunctions()
}

// ---- typed accessors on an instance's evaluated arguments ----

func (in *instance) get(name string) cty.Value {
	v, ok := in.argv[name] // schema names: ASCII, as cty normalises them
	if !ok {
		return cty.NilVal
	}
	return v
}

func (in *instance) str(name string) string { return ctyString(in.get(name)) }

// text is str, or for a value not known before apply the text it stands
// for ("${var.backend_url}/pets"), as the model keeps unresolved values.
func (in *instance) text(name string) string {
	if t, ok := in.unknownText[name]; ok {
		return t
	}
	return in.str(name)
}

// unknown reports whether argument name is set to a value not known
// before apply.
func (in *instance) unknown(name string) bool {
	v := in.get(name)
	return v != cty.NilVal && !v.IsWhollyKnown()
}

// pending records that argument name of the instance is not known before
// apply, so the element it defines is not served, and says so.
func (lw *lowering) pending(in *instance, name, what string) {
	rng := in.ranges[name]
	e, noted := in.exprs[name]
	if noted && e == nil {
		return // its evaluation failed, and that is reported
	}
	deps := []string{"values known only after apply"}
	if e != nil {
		deps = in.mi.unknownSources(e, nil)
	}
	lw.l.addPending(in.addr, name, deps, rng)
	lw.l.diagOnce(rulePending.infof(rng, in.addr, "Until "+strings.Join(deps, ", ")+" is known (give variables a value with -var or a tfvars file), cfnrun serves no route for it.",
		"the %s of %s is not known before apply (it depends on %s): %s", name, in.addr, strings.Join(deps, ", "), what))
}

func (in *instance) has(name string) bool {
	v := in.get(name)
	return v != cty.NilVal && !v.IsNull()
}

func (in *instance) boolean(name string) bool { return valBool(in.get(name)) }

func valBool(v cty.Value) bool {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return false
	}
	b, err := convert.Convert(v, cty.Bool)
	return err == nil && !b.IsNull() && b.True()
}

func (in *instance) list(name string) []string { return valList(in.get(name)) }

func valList(v cty.Value) []string {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
		return nil
	}
	var out []string
	for _, x := range elements(v) {
		out = append(out, ctyString(x))
	}
	return out
}

func (in *instance) smap(name string) map[string]string { return valMap(in.get(name)) }

func valMap(v cty.Value) map[string]string {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		out[k.AsString()] = ctyString(x)
	}
	return out
}

// tags is the tags argument, without the values not known before apply
// (nil when none is left).
func (in *instance) tags() model.Tags {
	v := in.get("tags")
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil
	}
	v, _ = v.UnmarkDeep()
	var out model.Tags
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		if x.IsNull() || !x.IsKnown() {
			continue
		}
		if out == nil {
			out = model.Tags{}
		}
		out[k.AsString()] = ctyString(x)
	}
	return out
}

func (in *instance) bmap(name string) map[string]bool {
	v := in.get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil
	}
	out := map[string]bool{}
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		out[k.AsString()] = valBool(x)
	}
	return out
}

// num returns an integer argument, or def when unset.
func (in *instance) num(name string, def int) int {
	v := in.get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return def
	}
	if v.Type() == cty.String && v.AsString() == "" {
		return def
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil || n.IsNull() {
		return def
	}
	i, _ := n.AsBigFloat().Int64()
	return int(i)
}

// accessLog reads a stage's access_log_settings block: its format and
// destination_arn.
func accessLog(in *instance) (format, destination string) {
	b := in.block("access_log_settings")
	if b == cty.NilVal {
		return "", ""
	}
	return ctyString(attrOf(b, "format")), ctyString(attrOf(b, "destination_arn"))
}

// throttleSetting is a route settings block's throttling_* attribute
// name: 0 when it is absent or null (the provider sends 0), -1 (unset:
// the account's limit) when it is known only after apply or not a number.
func throttleSetting(s cty.Value, name string) float64 {
	v := attrOf(s, name)
	if v == cty.NilVal || v.IsNull() {
		return 0
	}
	return settingNum(s, name, -1)
}

// settingNum is the number attribute name of block s, def when it is
// absent, null, unknown or not a number.
func settingNum(s cty.Value, name string, def float64) float64 {
	v := attrOf(s, name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return def
	}
	f, err := strconv.ParseFloat(ctyString(v), 64)
	if err != nil {
		return def
	}
	return f
}

// block returns the first instance of a nested block (or a JSON object).
func (in *instance) block(name string) cty.Value {
	return firstBlock(in.get(name))
}

func firstBlock(v cty.Value) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return cty.NilVal
	}
	if v.Type().IsObjectType() {
		return v
	}
	if (v.Type().IsTupleType() || v.Type().IsListType()) && v.LengthInt() > 0 {
		return elements(v)[0]
	}
	return cty.NilVal
}

func attrOf(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NilVal
	}
	return obj.GetAttr(name)
}

func (in *instance) rng() diag.Range { return toRange(in.res.declRange) }

// cfnRanges maps the instance's top-level argument ranges to
// CloudFormation property names. The instances of a resource whose body
// has no dynamic block share their ranges (evalInstance): those are mapped
// once per resource and each instance gets its own copy (a Props.Set by
// lowering replaces an element in place), not a walk of the map with a
// look-up and a conversion per argument for each of 200 routes.
func (in *instance) cfnRanges() model.Ranges {
	r := in.res
	if r.ranges == nil || mapPointer(in.ranges) != mapPointer(r.ranges) {
		return cfnRangesOf(in.ranges)
	}
	if r.cfnRanges == nil {
		r.cfnRanges = cfnRangesOf(r.ranges)
	}
	return slices.Clone(r.cfnRanges)
}

// cfnRangesOf is cfnRanges of the argument ranges m.
func cfnRangesOf(m map[string]hcl.Range) model.Ranges {
	// At most one element per range: sized once instead of grown by
	// doubling, in one pass over the map instead of a count and a fill
	// (an instance has a few ranges, nearly all of them arguments with a
	// CloudFormation name).
	names := cfnName.Get()
	var r model.Ranges
	for n, rng := range m {
		if strings.Contains(n, ".") {
			continue
		}
		if c, ok := names[n]; ok {
			if r == nil {
				r = make(model.Ranges, 0, len(m))
			}
			r.Set(c, toRange(rng))
		}
	}
	if r == nil {
		r = model.Ranges{}
	}
	return r
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ---- lowering per type ----

func (lw *lowering) restAPI(in *instance) {
	api := &model.RestAPI{LogicalID: in.addr, ID: in.attrs["id"], Name: in.text("name"), Description: in.str("description"),
		BinaryMediaTypes: in.list("binary_media_types"), MinimumCompressionSize: in.num("minimum_compression_size", -1),
		APIKeySource: in.str("api_key_source"), DisableExecuteAPIEndpoint: in.boolean("disable_execute_api_endpoint"),
		Tags: in.tags(), Range: in.rng(), Props: in.cfnRanges()}
	if ec := in.block("endpoint_configuration"); ec != cty.NilVal {
		api.EndpointTypes = valList(attrOf(ec, "types"))
	}
	api.Root = &model.Resource{ID: in.attrs["root_resource_id"], Path: "/", Range: api.Range, Props: model.Ranges{}}
	api.Resources = []*model.Resource{api.Root}
	lw.apiByID[api.ID] = api
	lw.resByID[api.Root.ID] = api.Root
	lw.resAPI[api.Root] = api
	lw.t.APIs = append(lw.t.APIs, api)
}

// api finds the REST API an instance's rest_api_id names. An unknown
// value (an undeclared reference, already reported) gives nil quietly.
func (lw *lowering) api(in *instance) *model.RestAPI {
	id := in.str("rest_api_id")
	if id == "" {
		return nil
	}
	api := lw.apiByID[id]
	if api == nil {
		lw.l.diagOnce(ruleOutside.warnf(in.ranges["rest_api_id"], in.addr, "cfnrun serves only APIs declared in the configuration; declare the aws_api_gateway_rest_api here to serve its routes.", "rest_api_id %q is not a REST API of this configuration; %s is skipped", id, in.addr))
	}
	return api
}

func (lw *lowering) resource(in *instance) {
	api := lw.api(in)
	if api == nil {
		return
	}
	if !in.has("path_part") {
		// Reported as a missing argument (TF011) or an evaluation error;
		// elements on this resource are skipped without more findings.
		lw.skipped[in.attrs["id"]] = true
		return
	}
	if in.unknown("path_part") {
		lw.pending(in, "path_part", "the resource and the methods under it are not served")
		lw.skipped[in.attrs["id"]] = true
		return
	}
	res := &model.Resource{LogicalID: in.addr, ID: in.attrs["id"], PathPart: in.str("path_part"), Range: in.rng(), Props: in.cfnRanges()}
	parentID := in.str("parent_id")
	parent := lw.resByID[parentID]
	switch {
	case parent == nil:
		lw.l.diagOnce(ruleOutside.warnf(in.ranges["parent_id"], in.addr, "Use the API's root_resource_id or another aws_api_gateway_resource's id; cfnrun places the resource under the root.", "parent_id %q is not a resource of this configuration", parentID))
		parent = api.Root
	case lw.resAPI[parent] != api:
		lw.l.diagOnce(ruleOutside.errorf(in.ranges["parent_id"], in.addr, "A resource's parent must belong to the same REST API.", "parent_id belongs to another REST API (%s)", lw.resAPI[parent].LogicalID))
	}
	res.Parent = parent
	lw.resByID[res.ID] = res
	lw.resAPI[res] = api
	api.Resources = append(api.Resources, res)
}

func methodKey(api, res, verb string) string {
	return api + "\x00" + res + "\x00" + strings.ToUpper(verb)
}

// target finds the resource an instance's resource_id names.
func (lw *lowering) target(in *instance) (*model.RestAPI, *model.Resource) {
	api := lw.api(in)
	if api == nil {
		return nil, nil
	}
	id := in.str("resource_id")
	res := lw.resByID[id]
	if res == nil {
		if id != "" && !lw.skipped[id] {
			lw.l.diagOnce(ruleOutside.warnf(in.ranges["resource_id"], in.addr, "Use an aws_api_gateway_resource's id, or the API's root_resource_id; cfnrun skips this element.", "resource_id %q is not a resource of this configuration", id))
		}
		return nil, nil
	}
	if lw.resAPI[res] != api {
		lw.l.diagOnce(ruleOutside.errorf(in.ranges["resource_id"], in.addr, "The resource and the method must belong to the same REST API.", "resource_id belongs to another REST API (%s)", lw.resAPI[res].LogicalID))
		return nil, nil
	}
	return api, res
}

func (lw *lowering) method(in *instance) {
	api, res := lw.target(in)
	if res == nil {
		return
	}
	if in.unknown("http_method") {
		lw.pending(in, "http_method", "the method is not served")
		return
	}
	m := &model.Method{LogicalID: in.addr, HTTPMethod: strings.ToUpper(in.str("http_method")), AuthorizationType: in.str("authorization"),
		AuthorizerID: in.str("authorizer_id"), AuthorizationScopes: in.list("authorization_scopes"), APIKeyRequired: in.boolean("api_key_required"),
		OperationName: in.str("operation_name"), RequestParameters: in.bmap("request_parameters"), RequestModels: in.smap("request_models"),
		RequestValidatorID: in.str("request_validator_id"), Range: in.rng(), Props: in.cfnRanges()}
	k := methodKey(api.ID, res.ID, m.HTTPMethod)
	if prev := lw.methods[k]; prev != nil {
		lw.l.diagOnce(ruleMethodRef.errorf(in.ranges["http_method"], in.addr, fmt.Sprintf("%s already defines %s on %s; remove one.", prev.LogicalID, m.HTTPMethod, res.LogicalID), "duplicate method %s on the same resource", m.HTTPMethod))
		return
	}
	lw.methods[k] = m
	res.Methods = append(res.Methods, m)
}

// methodOf finds the method an integration or response belongs to.
func (lw *lowering) methodOf(in *instance) *model.Method {
	api, res := lw.target(in)
	if res == nil {
		return nil
	}
	verb := strings.ToUpper(in.str("http_method"))
	m := lw.methods[methodKey(api.ID, res.ID, verb)]
	if m == nil && verb != "" {
		lw.l.diagOnce(ruleMethodRef.errorf(in.ranges["http_method"], in.addr, "Declare the aws_api_gateway_method first, and refer to its http_method (aws_api_gateway_method.x.http_method) so Terraform creates it first.", "no %s method on this resource", verb))
	}
	return m
}

func (lw *lowering) integration(in *instance) {
	m := lw.methodOf(in)
	if m == nil {
		return
	}
	if m.Integration != nil {
		lw.l.diagOnce(ruleMethodRef.errorf(in.rng_(), in.addr, "A method has one integration; remove one of them.", "method %s already has an integration", m.LogicalID))
		return
	}
	ig := &model.Integration{Type: strings.ToUpper(in.str("type")), HTTPMethod: strings.ToUpper(in.text("integration_http_method")),
		URI: in.text("uri"), ConnectionType: in.str("connection_type"), ConnectionID: in.str("connection_id"), Credentials: in.text("credentials"),
		TimeoutMillis: in.num("timeout_milliseconds", 0), RequestParameters: in.smap("request_parameters"), RequestTemplates: in.smap("request_templates"),
		PassthroughBehavior: in.str("passthrough_behavior"), ContentHandling: in.str("content_handling"), CacheKeyParameters: in.list("cache_key_parameters"),
		CacheNamespace: in.str("cache_namespace"), Range: in.rng(), Props: in.cfnRanges()}
	m.Integration = ig
}

func (in *instance) rng_() hcl.Range { return in.res.declRange }

func (lw *lowering) methodResponse(in *instance) {
	m := lw.methodOf(in)
	if m == nil {
		return
	}
	m.MethodResponses = append(m.MethodResponses, model.MethodResponse{StatusCode: in.text("status_code"),
		ResponseParameters: in.bmap("response_parameters"), ResponseModels: in.smap("response_models"), Range: in.rng()})
}

func (lw *lowering) integrationResponse(in *instance) {
	m := lw.methodOf(in)
	if m == nil {
		return
	}
	if m.Integration == nil {
		lw.l.diagOnce(ruleMethodRef.errorf(in.rng_(), in.addr, "Declare an aws_api_gateway_integration for the method and add depends_on = [aws_api_gateway_integration.x].", "integration response for method %s, which has no integration", m.LogicalID))
		return
	}
	m.Integration.Responses = append(m.Integration.Responses, model.IntegrationResponse{StatusCode: in.text("status_code"),
		SelectionPattern: in.str("selection_pattern"), ResponseParameters: in.smap("response_parameters"),
		ResponseTemplates: in.smap("response_templates"), ContentHandling: in.str("content_handling"), Range: in.rng()})
}

func (lw *lowering) deployment(in *instance) {
	api := lw.api(in)
	if api == nil {
		return
	}
	name, standsFor := lw.stageName(in)
	d := &model.Deployment{LogicalID: in.addr, ID: in.attrs["id"], Description: in.str("description"), StageName: name, Range: in.rng(), Props: in.cfnRanges()}
	api.Deployments = append(api.Deployments, d)
	if d.StageName == "" {
		return
	}
	st := &model.Stage{LogicalID: in.addr, Name: d.StageName, NameStandsFor: standsFor, DeploymentID: d.ID, Description: in.str("stage_description"),
		Variables: in.smap("variables"), Implicit: true, Range: in.rng(), Props: model.Ranges{}}
	if r, ok := in.ranges["stage_name"]; ok {
		st.Props.Set("StageName", toRange(r))
	}
	lw.addStage(api, st)
}

// stageName returns the stage_name of in, or, when it is not known before
// apply, the stand-in the stage is served under and the text it stands
// for.
func (lw *lowering) stageName(in *instance) (name, standsFor string) {
	if !in.unknown("stage_name") {
		return in.str("stage_name"), ""
	}
	standsFor = in.text("stage_name")
	name = standIn(standsFor)
	if in.res.typ != "aws_api_gateway_method_settings" {
		deps := []string{"values known only after apply"}
		if e := in.exprs["stage_name"]; e != nil {
			deps = in.mi.unknownSources(e, nil)
		}
		lw.l.diagOnce(rulePending.infof(in.ranges["stage_name"], in.addr, fmt.Sprintf("The stage is served as %s until %s has a value; cfnrun routes and the route table say what it stands for.", name, strings.Join(deps, ", ")),
			"the stage name %q is not known before apply: served as stage %q", standsFor, name))
	}
	return name, standsFor
}

func (lw *lowering) addStage(api *model.RestAPI, st *model.Stage) {
	api.Stages = append(api.Stages, st)
	k := api.ID + "\x00" + st.Name
	if _, ok := lw.stages[k]; !ok {
		lw.stages[k] = st
	}
}

func (lw *lowering) stage(in *instance) {
	api := lw.api(in)
	if api == nil {
		return
	}
	name, standsFor := lw.stageName(in)
	st := &model.Stage{LogicalID: in.addr, Name: name, NameStandsFor: standsFor, DeploymentID: in.text("deployment_id"), Description: in.str("description"),
		Variables: in.smap("variables"), TracingEnabled: in.boolean("xray_tracing_enabled"), CacheClusterEnabled: in.boolean("cache_cluster_enabled"),
		CacheClusterSize: in.str("cache_cluster_size"), Tags: in.tags(), Range: in.rng(), Props: in.cfnRanges()}
	st.AccessLogFormat, st.AccessLogDestination = accessLog(in)
	if in.has("http2_enabled") {
		b := in.boolean("http2_enabled")
		// cfnrun's extension: the shared model rules report it (E9001)
		// at Props["Http2Enabled"], honouring --allow-extensions.
		st.HTTP2Enabled = &b
	}
	lw.addStage(api, st)
}

func (lw *lowering) methodSettings(in *instance) {
	api := lw.api(in)
	if api == nil {
		return
	}
	name, _ := lw.stageName(in)
	st := lw.stages[api.ID+"\x00"+name]
	if st == nil && in.unknown("stage_name") {
		// stage_name = aws_api_gateway_stage.s.stage_name, itself not
		// known: the stage it reads.
		for _, e := range in.deps {
			for _, cand := range api.Stages {
				if e.Attr == "stage_name" && cand.LogicalID == e.To {
					st = cand
				}
			}
		}
		if st == nil {
			return // not known before apply; nothing to check it against
		}
	}
	if st == nil {
		if name != "" {
			lw.l.diagOnce(ruleStageRef.errorf(in.ranges["stage_name"], in.addr, "Declare the stage (aws_api_gateway_stage) and refer to its stage_name.", "stage %q does not exist in %s", name, api.LogicalID))
		}
		return
	}
	ms := model.MethodSetting{ThrottlingBurstLimit: -1, ThrottlingRateLimit: -1, Range: in.rng()}
	mp := in.str("method_path")
	if mp == "*/*" {
		ms.ResourcePath, ms.HTTPMethod = "/*", "*"
	} else if i := strings.LastIndex(mp, "/"); i >= 0 {
		p := mp[:i]
		if p == "*" {
			ms.ResourcePath = "/*"
		} else {
			ms.ResourcePath = "/" + strings.ReplaceAll("/"+strings.TrimPrefix(p, "/"), "/", "~1")
		}
		ms.HTTPMethod = mp[i+1:]
	} else {
		lw.l.diagOnce(ruleEnum.errorf(in.ranges["method_path"], in.addr, "method_path is RESOURCE_PATH/HTTP_METHOD, such as \"*/*\" or \"pets/GET\".", "invalid method_path %q", mp))
		return
	}
	s := in.block("settings")
	if s != cty.NilVal {
		ms.ThrottlingBurstLimit = int(settingNum(s, "throttling_burst_limit", -1))
		ms.ThrottlingRateLimit = settingNum(s, "throttling_rate_limit", -1)
		ms.LoggingLevel = ctyString(attrOf(s, "logging_level"))
		ms.MetricsEnabled = valBool(attrOf(s, "metrics_enabled"))
		ms.DataTraceEnabled = valBool(attrOf(s, "data_trace_enabled"))
		ms.CachingEnabled = valBool(attrOf(s, "caching_enabled"))
	}
	st.MethodSettings = append(st.MethodSettings, ms)
}
