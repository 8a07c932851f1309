package resolver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Rules about API Gateway structure found while lowering (see registry.go).
var (
	ruleOwner = define(Rule{ID: "E3101", Level: "error", Summary: "API Gateway element points at a resource or API that is not in the template, or of another API",
		Why: "CloudFormation or API Gateway rejects it (\"Invalid Resource identifier specified\")."})
	ruleBadValue = define(Rule{ID: "E3102", Level: "error", Summary: "API Gateway property of the wrong shape (not a number, not a boolean)",
		Why: "CloudFormation rejects the value."})
	ruleNotServed = define(Rule{ID: "I3103", Level: "info", Summary: "API Gateway element cfnrun cannot serve (an API imported from outside, an OpenAPI Body)",
		Why: "It deploys, but cfnrun does not serve it locally."})
	ruleDuplicateMethod = define(Rule{ID: "E3221", Level: "error", Summary: "the same HTTP method defined twice on one resource",
		Why: "API Gateway fails with \"Method already exists\"."})
)

// lowerer turns the live API Gateway resources of a stack into the model.
type lowerer struct {
	s       *stack
	t       *model.Template
	apiByID map[string]*model.RestAPI
	resByID map[string]*model.Resource
	resAPI  map[*model.Resource]*model.RestAPI
	// links are the declared resources of served APIs with their
	// ParentId, in declaration order.
	links []parentLink
	// children indexes every resource of the tree by parent and path part
	// (ensurePath).
	children map[childKey]*model.Resource
	indexed  map[*model.RestAPI]bool
	// byType are the live resources by type (live).
	byType map[string][]*resource
	// unmanaged are the SAM Api events whose API's definition SAM does
	// not write (checkUnmanagedEvents).
	unmanaged []unmanagedEvent
	// rangeSlab is where props.ranges cuts the elements' Props from: one
	// allocation for many elements instead of one each.
	rangeSlab []model.KeyRange
}

type parentLink struct {
	res *model.Resource
	id  string // the ParentId
	rng diag.Range
}

type childKey struct {
	parent *model.Resource
	part   string
}

// props is a property accessor for one resource.
type props struct {
	l    *lowerer
	id   string
	node *cfn.Node
	// rng are where node's keys are written, built on first use: most
	// accessors (sub, items) only read values.
	rng   model.Ranges
	built bool
}

// newProps is an accessor for node, a property map of resource id.
func (l *lowerer) newProps(id string, node *cfn.Node) *props {
	return &props{l: l, id: id, node: node}
}

// bareProps is an accessor for node that knows no key's range: findings
// about its values point at the whole node (or the fallback given).
func (l *lowerer) bareProps(id string, node *cfn.Node) *props {
	return &props{l: l, id: id, node: node, built: true}
}

func (l *lowerer) propsOf(r *resource) *props { return l.newProps(r.id, r.props) }

func (p *props) sub(key string) *props { return p.l.newProps(p.id, p.node.Get(key)) }

// ranges returns where each key of the node is written (the model's
// Props of the element lowered from it).
func (p *props) ranges() model.Ranges {
	if !p.built {
		p.built = true
		if p.node != nil && len(p.node.Fields) > 0 {
			p.rng = p.l.rangesOf((*nodeKeys)(p.node), p.node)
		}
	}
	return p.rng
}

// rangesOf returns Ranges for the keys of node (a mapping with fields),
// src telling where they are written. For a caller that reads the
// findings and the model once and exits (validate, diff) they are
// model.RangesOf(src), read from the parsed template when a rule asks:
// copying every key's range into each element was ~1.2 MB and ~2 M
// instructions of a 2,000-resource template's resolve, for the handful
// of lookups the rules make. Otherwise (up serves the model for as long
// as it runs) they are copied, so the model does not keep the parsed
// template alive.
func (l *lowerer) rangesOf(src model.KeySource, node *cfn.Node) model.Ranges {
	if l.s.opts.FindingsOnly || l.s.opts.LazyProps {
		r := l.newRanges(1)
		r[0].Keys = src
		return r
	}
	r := l.newRanges(len(node.Fields))
	for i := range node.Fields {
		r[i] = model.KeyRange{Key: node.Fields[i].Key, Range: node.Fields[i].KeyRange()}
	}
	return r
}

// newRanges returns Ranges of length n cut from the lowerer's slab. Their
// capacity is n: a Set that adds a key copies them rather than write over
// the next element's.
func (l *lowerer) newRanges(n int) model.Ranges {
	const slab = 512 // 48 KiB
	if n > slab/4 {
		return make(model.Ranges, n)
	}
	if len(l.rangeSlab) < n {
		l.rangeSlab = make([]model.KeyRange, slab)
	}
	r := l.rangeSlab[:n:n]
	l.rangeSlab = l.rangeSlab[n:]
	return r
}

// nodeKeys is a property mapping as the source of its element's Ranges:
// where each key is written, the last of a key written twice.
type nodeKeys cfn.Node

func (n *nodeKeys) KeyRange(key string) (diag.Range, bool) {
	for i := len(n.Fields) - 1; i >= 0; i-- {
		if n.Fields[i].Key == key {
			return n.Fields[i].KeyRange(), true
		}
	}
	return diag.Range{}, false
}

// functionKeys is a Lambda function's property mapping as the source of
// its Ranges: nodeKeys, and "Environment.NAME" where the variable NAME is
// written under Environment.Variables, so findings point at the key.
type functionKeys cfn.Node

func (n *functionKeys) KeyRange(key string) (diag.Range, bool) {
	if name, ok := strings.CutPrefix(key, "Environment."); ok {
		if vars := (*cfn.Node)(n).Get("Environment").Get("Variables"); vars != nil {
			if rng, ok := (*nodeKeys)(vars).KeyRange(name); ok {
				return rng, true
			}
		}
	}
	return (*nodeKeys)(n).KeyRange(key)
}

// at returns where key is written, or fallback.
func (p *props) at(key string, fallback diag.Range) diag.Range {
	if p.built {
		return p.rng.At(key, fallback)
	}
	if p.node != nil {
		for i := len(p.node.Fields) - 1; i >= 0; i-- {
			if p.node.Fields[i].Key == key {
				return p.node.Fields[i].KeyRange()
			}
		}
	}
	return fallback
}

func (p *props) val(key string) any {
	n := p.node.Get(key)
	if n == nil {
		return nil
	}
	return p.l.s.eval(n, evalCtx{resource: p.id})
}

func (p *props) str(key string) string {
	n := p.node.Get(key)
	switch {
	case n == nil:
		return ""
	case n.Kind == cfn.Scalar:
		return n.Value // what eval and stringify make of it, without boxing it
	}
	return p.l.s.evalString(n, evalCtx{resource: p.id})
}

func (p *props) list(key string) []string {
	v := p.val(key)
	l, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr && s != "" {
			return []string{s}
		}
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, p.l.s.stringify(e, p.node.Get(key)))
	}
	return out
}

func (p *props) boolean(key string) bool {
	s := p.str(key)
	switch strings.ToLower(s) {
	case "", "false":
		return false
	case "true":
		return true
	}
	p.l.s.errorf(ruleBadValue, p.at(key, p.node.Range()), p.id, "Write true or false.", "%s must be a boolean, not %q", key, s)
	return false
}

func (p *props) optBool(key string) *bool {
	if p.node.Get(key) == nil {
		return nil
	}
	b := p.boolean(key)
	return &b
}

func (p *props) integer(key string, def int) int {
	s := p.str(key)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) {
			return int(f)
		}
		p.l.s.errorf(ruleBadValue, p.at(key, p.node.Range()), p.id, "Write a whole number.", "%s must be a whole number, not %q", key, s)
		return def
	}
	return n
}

func (p *props) float(key string, def float64) float64 {
	s := p.str(key)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		p.l.s.errorf(ruleBadValue, p.at(key, p.node.Range()), p.id, "Write a number.", "%s must be a number, not %q", key, s)
		return def
	}
	return f
}

// scalarMap returns the mapping at key when it is not an intrinsic and all
// its values are scalars, after charging it to the budget as evaluating it
// would (ok false when the budget stops there): what strMap and boolMap
// would read from its evaluation, without building it (an object, a map
// and a boxed string per value, on every method of a large template).
func (p *props) scalarMap(key string) (n *cfn.Node, fast, ok bool) {
	n = p.node.Get(key)
	if n == nil || n.Kind != cfn.Mapping || len(n.Fields) == 0 {
		return nil, false, false
	}
	if _, _, fn := n.Intrinsic(false); fn {
		return nil, false, false
	}
	for _, f := range n.Fields {
		if f.Value.Kind != cfn.Scalar {
			return nil, false, false
		}
	}
	return n, true, p.l.s.spendValues(1, n)
}

func (p *props) strMap(key string) map[string]string {
	if n, fast, ok := p.scalarMap(key); fast {
		if !ok {
			return nil
		}
		m := make(map[string]string, len(n.Fields))
		for _, f := range n.Fields {
			m[f.Key] = f.Value.Value
		}
		return m
	}
	o, ok := p.val(key).(*object)
	if !ok || len(o.keys) == 0 {
		return nil
	}
	m := make(map[string]string, len(o.keys))
	for _, k := range o.keys {
		m[k] = p.l.s.stringify(o.vals[k], p.node.Get(key))
	}
	return m
}

func (p *props) boolMap(key string) map[string]bool {
	if n, fast, ok := p.scalarMap(key); fast {
		if !ok {
			return nil
		}
		m := make(map[string]bool, len(n.Fields))
		for _, f := range n.Fields {
			m[f.Key] = strings.EqualFold(f.Value.Value, "true")
		}
		return m
	}
	o, ok := p.val(key).(*object)
	if !ok || len(o.keys) == 0 {
		return nil
	}
	m := make(map[string]bool, len(o.keys))
	for _, k := range o.keys {
		m[k] = strings.EqualFold(p.l.s.stringify(o.vals[k], p.node.Get(key)), "true")
	}
	return m
}

// tags evaluates the Tags property key: CloudFormation's list of
// {Key, Value} or SAM's map. Pairs without both, and pairs Fn::If drops,
// are left out; nil when none is left.
func (p *props) tags(key string) model.Tags {
	n := p.node.Get(key)
	if n == nil {
		return nil
	}
	var out model.Tags
	add := func(k, v any) {
		if k == nil || v == nil || k == noValue || v == noValue {
			return
		}
		if out == nil {
			out = model.Tags{}
		}
		out[p.l.s.stringify(k, n)] = p.l.s.stringify(v, n)
	}
	switch v := p.l.s.eval(n, evalCtx{resource: p.id}).(type) {
	case []any:
		for _, e := range v {
			if o, ok := e.(*object); ok {
				add(o.vals["Key"], o.vals["Value"])
			}
		}
	case *object:
		for _, k := range v.keys {
			add(k, v.vals[k])
		}
	}
	return out
}

// items returns the list elements of key as sub-accessors.
func (p *props) items(key string) []*props {
	n := p.node.Get(key)
	if n == nil || n.Kind != cfn.Sequence {
		return nil
	}
	var out []*props
	for _, it := range n.Items {
		// An element may itself be an Fn::If; evaluate to see whether it
		// survives.
		if _, _, isFn := it.Intrinsic(false); isFn {
			if p.l.s.eval(it, evalCtx{resource: p.id}) == noValue {
				continue
			}
			if name, arg, _ := it.Intrinsic(false); name == "Fn::If" && arg.Kind == cfn.Sequence && len(arg.Items) == 3 {
				if p.l.s.condition(arg.Items[0].Value, arg.Items[0].Range()) {
					it = arg.Items[1]
				} else {
					it = arg.Items[2]
				}
			}
		}
		out = append(out, p.l.newProps(p.id, it))
	}
	return out
}

func (p *props) has(key string) bool { return p.node.Get(key) != nil }

// live returns the live resources of type typ in declaration order: the
// first call sorts every resource by type, in one pass.
func (l *lowerer) live(typ string) []*resource {
	if l.byType == nil {
		l.byType = map[string][]*resource{}
		for _, r := range l.s.resources() {
			if r.live {
				l.byType[r.typ] = append(l.byType[r.typ], r)
			}
		}
	}
	return l.byType[typ]
}

// api finds the API an element's RestApiId names.
func (l *lowerer) api(p *props, what string) *model.RestAPI {
	id := p.str("RestApiId")
	if a, ok := l.apiByID[id]; ok {
		return a
	}
	if !p.has("RestApiId") || unresolved(id) {
		return nil // reported by the schema check (required property) or the graph pass (unknown name)
	}
	l.s.infof(ruleNotServed, p.at("RestApiId", p.node.Range()), p.id, "Reference an AWS::ApiGateway::RestApi of this template with !Ref to have cfnrun serve it.",
		"%s %s belongs to REST API %q, which is not defined in this template; it is not served", what, p.id, id)
	return nil
}

// run lowers the template's API Gateway resources, one function per type
// (as parser/tf's lowering does), in the order their references need:
// APIs and resources, then functions and SAM, then imported bodies,
// methods, deployments and stages, and the rest.
func (l *lowerer) run() {
	l.apiByID = map[string]*model.RestAPI{}
	l.resByID = map[string]*model.Resource{}
	l.resAPI = map[*model.Resource]*model.RestAPI{}
	l.children = map[childKey]*model.Resource{}
	l.indexed = map[*model.RestAPI]bool{}
	var bodies []pendingBody
	for _, r := range l.live("AWS::ApiGateway::RestApi") {
		if b, ok := l.restAPI(r); ok {
			bodies = append(bodies, b)
		}
	}
	for _, r := range l.live("AWS::ApiGateway::Resource") {
		l.resource(r)
	}
	l.linkParents()
	l.checkParentCycles()
	l.lowerFunctions()
	l.lowerSAM()
	l.lowerHTTPAPIs()
	for _, b := range bodies {
		l.importOpenAPI(b.api, b.owner, b.body, nil)
	}
	l.samAuthorizers()
	for _, r := range l.live("AWS::ApiGateway::Method") {
		l.method(r)
	}
	for _, r := range l.live("AWS::ApiGateway::Deployment") {
		l.deployment(r)
	}
	for _, r := range l.live("AWS::ApiGateway::Stage") {
		l.stage(r)
	}
	for _, r := range l.live("AWS::ApiGateway::Authorizer") {
		l.authorizer(r)
	}
	for _, r := range l.live("AWS::ApiGateway::GatewayResponse") {
		l.gatewayResponse(r)
	}
	for _, r := range l.live("AWS::ApiGateway::Model") {
		l.apiModel(r)
	}
	for _, r := range l.live("AWS::ApiGateway::RequestValidator") {
		l.requestValidator(r)
	}
	l.lowerAccess()
	l.lowerDomains()
	l.checkUnmanagedEvents()
	l.nestedStacks()
}

// pendingBody is a RestApi's inline OpenAPI Body, imported once every
// function and SAM resource is lowered.
type pendingBody struct {
	api   *model.RestAPI
	owner string
	body  *props
}

// restAPI lowers an AWS::ApiGateway::RestApi; ok is true when it has a
// Body to import.
func (l *lowerer) restAPI(r *resource) (_ pendingBody, ok bool) {
	p := l.propsOf(r)
	api := &model.RestAPI{
		LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"), Description: p.str("Description"),
		EndpointTypes: p.sub("EndpointConfiguration").list("Types"), BinaryMediaTypes: p.list("BinaryMediaTypes"),
		MinimumCompressionSize: p.integer("MinimumCompressionSize", -1), APIKeySource: p.str("ApiKeySourceType"),
		DisableExecuteAPIEndpoint: p.boolean("DisableExecuteApiEndpoint"), Tags: p.tags("Tags"), Range: r.keyRange, Props: p.ranges(),
	}
	api.Root = &model.Resource{ID: r.attrs["RootResourceId"], Range: r.keyRange}
	api.Resources = []*model.Resource{api.Root}
	l.resByID[api.Root.ID] = api.Root
	l.resAPI[api.Root] = api
	if api.Name == "" && !p.has("Body") && !p.has("BodyS3Location") {
		// Name is required unless the API is imported from a definition.
		api.Name = r.id
	}
	var body pendingBody
	if p.has("Body") {
		if api.Name == "" {
			api.Name = p.sub("Body").sub("info").str("title")
		}
		body, ok = pendingBody{api, r.id, p.sub("Body")}, true
	} else if loc := p.node.Get("BodyS3Location"); loc != nil && loc.Kind == cfn.Scalar && !strings.Contains(loc.Value, "://") {
		// A local path, as written before `aws cloudformation package`
		// uploads it (W3002): the file is the definition AWS imports.
		if doc := l.localDefinition(r.id, loc.Value, p.at("BodyS3Location", r.keyRange)); doc != nil {
			if api.Name == "" {
				api.Name = doc.sub("info").str("title")
			}
			body, ok = pendingBody{api, r.id, doc}, true
		}
	} else if p.has("BodyS3Location") {
		l.s.infof(ruleNotServed, p.at("BodyS3Location", r.keyRange), r.id,
			"Inline the definition as Body (or declare AWS::ApiGateway::Resource and Method resources) to have cfnrun serve it.",
			"%s imports its routes from S3 (BodyS3Location), which cfnrun cannot read; only resources declared in the template are served", r.id)
	}
	l.apiByID[api.ID] = api
	l.t.APIs = append(l.t.APIs, api)
	return body, ok
}

// resource lowers an AWS::ApiGateway::Resource; its parent is linked by
// linkParents once every resource exists.
func (l *lowerer) resource(r *resource) {
	p := l.propsOf(r)
	api := l.api(p, "resource")
	res := &model.Resource{LogicalID: r.id, ID: r.attrs["Ref"], PathPart: p.str("PathPart"), Range: r.keyRange, Props: p.ranges()}
	l.resByID[res.ID] = res
	if api == nil {
		return
	}
	l.resAPI[res] = api
	api.Resources = append(api.Resources, res)
	l.links = append(l.links, parentLink{res: res, id: p.str("ParentId"), rng: p.at("ParentId", r.keyRange)})
}

// linkParents links each resource to its parent, now that every resource
// exists.
func (l *lowerer) linkParents() {
	for _, pr := range l.links {
		res := pr.res
		parent, ok := l.resByID[pr.id]
		api := l.resAPI[res]
		switch {
		case !ok && unresolved(pr.id):
			res.Parent = api.Root // the unknown name is reported by the graph pass
		case !ok:
			l.s.errorf(ruleOwner, pr.rng, res.LogicalID, "Use !GetAtt MyApi.RootResourceId for a top-level resource, or !Ref another AWS::ApiGateway::Resource.",
				"ParentId %q is not a resource of this template", pr.id)
			res.Parent = api.Root
		case l.resAPI[parent] != api:
			l.s.errorf(ruleOwner, pr.rng, res.LogicalID,
				"A resource's parent must belong to the same RestApiId.",
				"ParentId belongs to API %s, but the resource belongs to %s", apiName(l.resAPI[parent]), apiName(api))
			res.Parent = api.Root
		default:
			res.Parent = parent
		}
	}
}

// deployment lowers an AWS::ApiGateway::Deployment, and the stage its
// StageName creates.
func (l *lowerer) deployment(r *resource) {
	p := l.propsOf(r)
	api := l.api(p, "deployment")
	if api == nil {
		return
	}
	d := &model.Deployment{LogicalID: r.id, ID: r.attrs["Ref"], Description: p.str("Description"), StageName: p.str("StageName"), Range: r.keyRange, Props: p.ranges()}
	api.Deployments = append(api.Deployments, d)
	if d.StageName == "" {
		return
	}
	sd := p.sub("StageDescription")
	st := &model.Stage{LogicalID: r.id, Name: d.StageName, DeploymentID: d.ID, Implicit: true, Description: sd.str("Description"),
		Variables: sd.strMap("Variables"), TracingEnabled: sd.boolean("TracingEnabled"), CacheClusterEnabled: sd.boolean("CacheClusterEnabled"), CacheClusterSize: sd.str("CacheClusterSize"),
		Tags: sd.tags("Tags"), Range: p.at("StageName", r.keyRange), Props: model.Ranges{{Key: "StageName", Range: p.at("StageName", r.keyRange)}}}
	st.MethodSettings = l.methodSettings(sd)
	st.AccessLogFormat, st.AccessLogDestination = accessLog(sd.sub("AccessLogSetting"))
	if sd.has("Http2Enabled") {
		st.HTTP2Enabled = sd.optBool("Http2Enabled")
		st.Props.Set("Http2Enabled", sd.at("Http2Enabled", r.keyRange))
	}
	api.Stages = append(api.Stages, st)
}

// stage lowers an AWS::ApiGateway::Stage.
func (l *lowerer) stage(r *resource) {
	p := l.propsOf(r)
	api := l.api(p, "stage")
	if api == nil {
		return
	}
	st := &model.Stage{LogicalID: r.id, Name: r.attrs["Ref"], DeploymentID: p.str("DeploymentId"), Description: p.str("Description"),
		Variables: p.strMap("Variables"), HTTP2Enabled: p.optBool("Http2Enabled"), TracingEnabled: p.boolean("TracingEnabled"),
		CacheClusterEnabled: p.boolean("CacheClusterEnabled"), CacheClusterSize: p.str("CacheClusterSize"), Tags: p.tags("Tags"), Range: r.keyRange, Props: p.ranges()}
	st.MethodSettings = l.methodSettings(p)
	st.AccessLogFormat, st.AccessLogDestination = accessLog(p.sub("AccessLogSetting"))
	api.Stages = append(api.Stages, st)
}

// accessLog reads a stage's AccessLogSetting (REST) or AccessLogSettings
// (HTTP API): its Format and DestinationArn; p may have no node.
func accessLog(p *props) (format, destination string) {
	if p == nil || p.node == nil {
		return "", ""
	}
	return p.str("Format"), p.str("DestinationArn")
}

// authorizer lowers an AWS::ApiGateway::Authorizer.
func (l *lowerer) authorizer(r *resource) {
	p := l.propsOf(r)
	if api := l.api(p, "authorizer"); api != nil {
		api.Authorizers = append(api.Authorizers, &model.Authorizer{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"), Type: strings.ToUpper(p.str("Type")),
			IdentitySource: p.str("IdentitySource"), AuthorizerURI: p.str("AuthorizerUri"), ProviderARNs: p.list("ProviderARNs"),
			ResultTTLSeconds: p.integer("AuthorizerResultTtlInSeconds", model.DefaultAuthorizerTTL), IdentityValidationExpression: p.str("IdentityValidationExpression"),
			Credentials: p.str("AuthorizerCredentials"), Range: r.keyRange, Props: p.ranges()})
	}
}

// gatewayResponse lowers an AWS::ApiGateway::GatewayResponse.
func (l *lowerer) gatewayResponse(r *resource) {
	p := l.propsOf(r)
	if api := l.api(p, "gateway response"); api != nil {
		api.GatewayResponses = append(api.GatewayResponses, &model.GatewayResponse{LogicalID: r.id, ResponseType: p.str("ResponseType"), StatusCode: p.str("StatusCode"),
			ResponseParameters: p.strMap("ResponseParameters"), ResponseTemplates: p.strMap("ResponseTemplates"), Range: r.keyRange})
	}
}

// apiModel lowers an AWS::ApiGateway::Model.
func (l *lowerer) apiModel(r *resource) {
	p := l.propsOf(r)
	if api := l.api(p, "model"); api != nil {
		sch := p.jsonDoc("Schema")
		api.Models = append(api.Models, &model.APIModel{LogicalID: r.id, Name: r.attrs["Ref"], ContentType: p.str("ContentType"), Schema: sch, Range: r.keyRange})
	}
}

// requestValidator lowers an AWS::ApiGateway::RequestValidator.
func (l *lowerer) requestValidator(r *resource) {
	p := l.propsOf(r)
	if api := l.api(p, "request validator"); api != nil {
		api.Validators = append(api.Validators, &model.RequestValidator{LogicalID: r.id, ID: r.attrs["Ref"], Name: p.str("Name"),
			ValidateRequestBody: p.boolean("ValidateRequestBody"), ValidateRequestParameters: p.boolean("ValidateRequestParameters"), Range: r.keyRange})
	}
}

// unresolved reports whether v is the placeholder a reference to an
// unknown name evaluates to ("${Name}" or "${Name.Attr}"); the graph pass
// has reported that name already, with a did-you-mean.
func unresolved(v string) bool {
	return strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && strings.Count(v, "${") == 1
}

func apiName(a *model.RestAPI) string {
	if a == nil {
		return "(none)"
	}
	return a.LogicalID
}

// checkParentCycles cuts every ParentId cycle at its first member in
// declaration order (reporting it), then bounds the tree's depth, in one
// pass over the resources each.
func (l *lowerer) checkParentCycles() {
	const done = -1
	order := make(map[*model.Resource]int, len(l.links))
	for i, ln := range l.links {
		order[ln.res] = i
	}
	// state: 0 not seen, done, or 1+ the position on the current path.
	state := make(map[*model.Resource]int, len(l.links))
	var path []*model.Resource
	for _, ln := range l.links {
		path = path[:0]
		x := ln.res
		for x != nil && state[x] == 0 {
			path = append(path, x)
			state[x] = len(path)
			x = x.Parent
		}
		if x != nil && state[x] > 0 {
			cycle := path[state[x]-1:]
			first := cycle[0]
			for _, c := range cycle {
				if order[c] < order[first] {
					first = c
				}
			}
			l.s.errorf(ruleCycle, first.Range, first.LogicalID, "A resource's ParentId chain must end at the API's root resource.", "resource %s is its own ancestor", first.LogicalID)
			first.Parent = l.resAPI[first].Root
		}
		for _, p := range path {
			state[p] = done
		}
	}
	depth := make(map[*model.Resource]int, len(l.links))
	for _, ln := range l.links {
		path = path[:0]
		x := ln.res
		for ; x != nil && x.Parent != nil; x = x.Parent {
			if _, known := depth[x]; known {
				break
			}
			path = append(path, x)
		}
		d := depth[x]
		for i := len(path) - 1; i >= 0; i-- {
			d++
			depth[path[i]] = d
			if d > maxResourceDepth {
				r := path[i]
				l.s.stopAt(r.Props.At("ParentId", r.Range), fmt.Sprintf("a resource path deeper than %d levels, cfnrun's limit", maxResourceDepth),
					"API Gateway paths this deep are not something a client can call; flatten the resource tree.")
				r.Parent = l.resAPI[r].Root
				d = 1
				depth[r] = d
			}
		}
	}
}

func (l *lowerer) methodSettings(p *props) []model.MethodSetting {
	var out []model.MethodSetting
	for _, it := range p.items("MethodSettings") {
		out = append(out, model.MethodSetting{
			ResourcePath: it.str("ResourcePath"), HTTPMethod: it.str("HttpMethod"),
			ThrottlingBurstLimit: it.integer("ThrottlingBurstLimit", -1), ThrottlingRateLimit: it.float("ThrottlingRateLimit", -1),
			LoggingLevel: it.str("LoggingLevel"), MetricsEnabled: it.boolean("MetricsEnabled"), DataTraceEnabled: it.boolean("DataTraceEnabled"),
			CachingEnabled: it.boolean("CachingEnabled"), Range: it.node.Range(),
		})
	}
	return out
}

func (l *lowerer) method(r *resource) {
	s := l.s
	p := l.propsOf(r)
	api := l.api(p, "method")
	if api == nil {
		s.orphans = append(s.orphans, l.buildMethod(r, p))
		return
	}
	resID := p.str("ResourceId")
	res, ok := l.resByID[resID]
	if !ok {
		if p.has("ResourceId") && !unresolved(resID) {
			s.errorf(ruleOwner, p.at("ResourceId", r.keyRange), r.id, "Use !Ref to an AWS::ApiGateway::Resource, or !GetAtt MyApi.RootResourceId for the root path.",
				"ResourceId %q is not a resource of this template", resID)
		}
		s.orphans = append(s.orphans, l.buildMethod(r, p))
		return
	}
	if owner := l.resAPI[res]; owner == nil {
		s.orphans = append(s.orphans, l.buildMethod(r, p))
		return // the resource itself is not served; reported there
	} else if owner != api {
		s.errorf(ruleOwner, p.at("ResourceId", r.keyRange), r.id, fmt.Sprintf("Use the same RestApiId as the resource (%s), or a resource of %s.", apiName(owner), api.LogicalID),
			"method %s is on a resource of API %s but its RestApiId is %s", r.id, apiName(owner), api.LogicalID)
		s.orphans = append(s.orphans, l.buildMethod(r, p))
		return
	}
	m := l.buildMethod(r, p)
	for _, other := range res.Methods {
		if other.HTTPMethod == m.HTTPMethod {
			s.errorf(ruleDuplicateMethod, p.at("HttpMethod", r.keyRange), r.id, fmt.Sprintf("%s already defines %s %s; remove one of them.", other.LogicalID, m.HTTPMethod, pathFor(res)),
				"method %s %s is defined twice", m.HTTPMethod, pathFor(res))
			return
		}
	}
	res.Methods = append(res.Methods, m)
}

// buildMethod reads a Method resource's properties into the model.
func (l *lowerer) buildMethod(r *resource, p *props) *model.Method {
	m := &model.Method{LogicalID: r.id, HTTPMethod: strings.ToUpper(p.str("HttpMethod")), AuthorizationType: strings.ToUpper(p.str("AuthorizationType")),
		AuthorizerID: p.str("AuthorizerId"), AuthorizationScopes: p.list("AuthorizationScopes"), APIKeyRequired: p.boolean("ApiKeyRequired"),
		OperationName: p.str("OperationName"), RequestParameters: p.boolMap("RequestParameters"), RequestModels: p.strMap("RequestModels"),
		RequestValidatorID: p.str("RequestValidatorId"), Range: r.keyRange, Props: p.ranges()}
	for _, mr := range p.items("MethodResponses") {
		m.MethodResponses = append(m.MethodResponses, model.MethodResponse{StatusCode: mr.str("StatusCode"), ResponseParameters: mr.boolMap("ResponseParameters"),
			ResponseModels: mr.strMap("ResponseModels"), Range: mr.node.Range()})
	}
	if p.has("Integration") {
		ip := p.sub("Integration")
		in := &model.Integration{Type: strings.ToUpper(ip.str("Type")), HTTPMethod: strings.ToUpper(ip.str("IntegrationHttpMethod")), URI: ip.str("Uri"),
			ConnectionType: strings.ToUpper(ip.str("ConnectionType")), ConnectionID: ip.str("ConnectionId"), Credentials: ip.str("Credentials"),
			TimeoutMillis: ip.integer("TimeoutInMillis", 0), RequestParameters: ip.strMap("RequestParameters"), RequestTemplates: ip.strMap("RequestTemplates"),
			PassthroughBehavior: strings.ToUpper(ip.str("PassthroughBehavior")), ContentHandling: ip.str("ContentHandling"),
			CacheKeyParameters: ip.list("CacheKeyParameters"), CacheNamespace: ip.str("CacheNamespace"), Range: p.at("Integration", r.keyRange), Props: ip.ranges()}
		// Entries of the parameter mappings get their own ranges, so a
		// finding about one mapping points at its line.
		if rp := ip.node.Get("RequestParameters"); rp != nil && rp.Kind == cfn.Mapping {
			in.Props = slices.Grow(in.Props, len(rp.Fields)) // one copy, not one per entry
			for _, f := range rp.Fields {
				in.Props.Set("RequestParameters."+f.Key, f.KeyRange())
			}
		}
		for _, ir := range ip.items("IntegrationResponses") {
			in.Responses = append(in.Responses, model.IntegrationResponse{StatusCode: ir.str("StatusCode"), SelectionPattern: ir.str("SelectionPattern"),
				ResponseParameters: ir.strMap("ResponseParameters"), ResponseTemplates: ir.strMap("ResponseTemplates"), ContentHandling: ir.str("ContentHandling"), Range: ir.node.Range()})
		}
		m.Integration = in
	}
	return m
}

func pathFor(r *model.Resource) string {
	var parts []string
	for x := r; x != nil && x.Parent != nil; x = x.Parent {
		parts = append([]string{x.PathPart}, parts...)
	}
	return "/" + strings.Join(parts, "/")
}
