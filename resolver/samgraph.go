package resolver

import (
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// The SAM transform moves references: a function's Api event names its
// RestApiId, but after the transform only the AWS::Lambda::Permission it
// generates refers to the API, and it is the API's definition that refers
// to the function (its integration Uri). Reading a SAM template's
// references where they are written makes the standard pattern — an API
// whose DefinitionBody uses ${Fn.Arn}, a function whose event has
// RestApiId: !Ref Api — a cycle CloudFormation never sees. samGraph gives
// each reference the place the transform gives it: written resources keep
// the references that stay on them, and the resources the transform
// generates become graph nodes (model.Node.Origin) with theirs. SAM's
// hashed suffixes (ApiDeployment8251bafb48, FnVersion640128d35d) are left
// out of the ids: cfnrun does not compute SAM's hashes.
// sam_oracle_test.go compares this shape with aws-sam-translator's output.

// samGraph collects the generated nodes and the edges the transform adds
// to declared resources.
type samGraph struct {
	s     *stack
	nodes []*model.Node
	byID  map[string]*model.Node
	// extra are edges the transform adds to declared resources (an API's
	// definition naming the functions of its events).
	extra map[string][]model.Edge
	// httpDefault are the functions (with the API) an HttpApi event made
	// the API's $default route.
	httpDefault map[string]bool
}

func newSAMGraph(s *stack) *samGraph {
	return &samGraph{s: s, byID: map[string]*model.Node{}, extra: map[string][]model.Edge{}}
}

// node returns the generated node id, creating it.
func (g *samGraph) node(id, typ, origin string, rng diag.Range) *model.Node {
	if n := g.byID[id]; n != nil {
		return n
	}
	n := &model.Node{Address: id, Type: typ, Range: rng, Origin: origin, Attrs: g.s.res[id].attrsMap()}
	g.byID[id] = n
	g.nodes = append(g.nodes, n)
	return n
}

func (r *resource) attrsMap() map[string]string {
	if r == nil {
		return nil
	}
	return r.attrs
}

// to adds an edge from (a generated node or, through extra, a declared
// resource) to.
func (g *samGraph) to(from, to string, kind model.EdgeKind, attr string, rng diag.Range) {
	e := model.Edge{To: to, Kind: kind, Attr: attr, Range: rng}
	if n := g.byID[from]; n != nil {
		n.Deps = append(n.Deps, e)
		return
	}
	g.extra[from] = append(g.extra[from], e)
}

// walk collects the references of n as edges of the node from.
func (g *samGraph) walk(from string, n *cfn.Node) []model.Edge {
	w := &refWalker{s: g.s, from: from}
	w.walk(n)
	return w.edges
}

// samWalk collects a SAM resource's references the way the transform
// places them: into w for those that stay on r, into g for the rest. It
// reports whether r is a SAM type it shaped (otherwise the caller walks
// r's properties as they are).
func (g *samGraph) samWalk(w *refWalker, r *resource) bool {
	switch r.typ {
	case "AWS::Serverless::Function":
		g.function(w, r)
	case "AWS::Serverless::Api":
		g.api(w, r)
	case "AWS::Serverless::HttpApi":
		g.httpAPI(w, r)
	default:
		return false
	}
	return true
}

// samRoleProps are the function properties that become its generated
// role's.
var samRoleProps = map[string]bool{"Policies": true, "PermissionsBoundary": true, "RolePath": true, "AssumeRolePolicyDocument": true}

// samMergedGlobals are the Globals.Function properties SAM merges with the
// function's own (maps) or appends to (lists) rather than overrides.
var samMergedGlobals = map[string]bool{"Environment": true, "Tags": true, "Layers": true}

// samEventTypes are the resource types SAM generates, under {Fn}{Event},
// for each event type (the permissions some also need are not separate
// nodes here unless they carry references of their own).
var samEventTypes = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"SQS": "AWS::Lambda::EventSourceMapping", "Kinesis": "AWS::Lambda::EventSourceMapping", "DynamoDB": "AWS::Lambda::EventSourceMapping",
		"MSK": "AWS::Lambda::EventSourceMapping", "MQ": "AWS::Lambda::EventSourceMapping", "SelfManagedKafka": "AWS::Lambda::EventSourceMapping",
		"DocumentDB": "AWS::Lambda::EventSourceMapping", "SNS": "AWS::SNS::Subscription", "Schedule": "AWS::Events::Rule",
		"CloudWatchEvent": "AWS::Events::Rule", "EventBridgeRule": "AWS::Events::Rule", "CloudWatchLogs": "AWS::Logs::SubscriptionFilter",
		"IoTRule": "AWS::IoT::TopicRule", "ScheduleV2": "AWS::Scheduler::Schedule",
	}
}}

func (g *samGraph) function(w *refWalker, r *resource) {
	id := r.id
	roleGenerated := r.props.Get("Role") == nil
	for _, f := range propFields(r.props) {
		switch {
		case f.Key == "Events":
		case roleGenerated && samRoleProps[f.Key]:
		default:
			w.walk(f.Value)
		}
	}
	// Globals.Function's properties are the function's own where it does
	// not set them (maps merge, lists append): their references are the
	// function's, and use the parameters they name.
	var globals []cfn.Field
	if gl := g.s.samGlobals(); gl != nil && gl.Kind == cfn.Mapping {
		for _, f := range gl.Fields {
			if r.props.Get(f.Key) == nil || samMergedGlobals[f.Key] {
				globals = append(globals, f)
			}
		}
	}
	for _, f := range globals {
		if !(roleGenerated && samRoleProps[f.Key]) {
			w.walk(f.Value)
		}
	}
	if roleGenerated {
		role := g.node(id+"Role", "AWS::IAM::Role", id, r.keyRange)
		for _, f := range append(slices.Clip(propFields(r.props)), globals...) {
			if samRoleProps[f.Key] {
				role.Deps = append(role.Deps, g.walk(role.Address, f.Value)...)
			}
		}
		w.edges = append(w.edges, model.Edge{To: role.Address, Kind: model.EdgeGetAtt, Attr: "Arn", Range: r.keyRange})
	}
	// With AutoPublishAlias, events invoke the alias.
	target, targetKind, targetAttr := id, model.EdgeGetAtt, "Arn"
	if alias := g.s.samProp(r, "AutoPublishAlias"); alias != "" {
		v := g.node(id+"Version", "AWS::Lambda::Version", id, r.keyRange)
		v.Deps = append(v.Deps, model.Edge{To: id, Kind: model.EdgeRef, Range: r.keyRange})
		a := g.node(id+"Alias"+alias, "AWS::Lambda::Alias", id, r.keyRange)
		a.Deps = append(a.Deps, model.Edge{To: id, Kind: model.EdgeRef, Range: r.keyRange}, model.Edge{To: v.Address, Kind: model.EdgeGetAtt, Attr: "Version", Range: r.keyRange})
		target, targetKind, targetAttr = a.Address, model.EdgeRef, ""
	}
	for _, ev := range samEvents(r) {
		switch ev.typ {
		case "Api":
			g.apiEvent(r, ev, target, targetKind, targetAttr)
		case "HttpApi":
			g.httpAPIEvent(r, ev, target, targetKind, targetAttr)
		default:
			typ := samEventTypes.Get()[ev.typ]
			if typ == "" {
				typ = "AWS::Serverless::Function event " + ev.typ
			}
			n := g.node(id+ev.name, typ, id, ev.rng)
			n.Deps = append(n.Deps, g.walk(n.Address, ev.props)...)
			n.Deps = append(n.Deps, model.Edge{To: target, Kind: targetKind, Attr: targetAttr, Range: ev.rng})
		}
	}
}

// apiEvent shapes a function's Api event: the permission SAM generates
// refers to the function and to the API; the API's definition refers to
// the function.
func (g *samGraph) apiEvent(r *resource, ev samEvent, target string, kind model.EdgeKind, attr string) {
	api, stage := "ServerlessRestApi", "Prod"
	if rest := ev.props.Get("RestApiId"); rest != nil {
		api, stage = "", "AllStages"
		if name, arg, ok := rest.Intrinsic(false); ok && name == "Ref" && arg.Kind == cfn.Scalar {
			api = arg.Value
			stage = samEventStage(g.s.res[api], stage)
		} else if a := samPlainRestAPI(g.s, ev.props); a != nil {
			api = a.id
			stage = samEventStage(a, stage)
		}
	} else {
		g.implicitAPI(r, ev)
	}
	perm := g.node(r.id+ev.name+"Permission"+stage, "AWS::Lambda::Permission", r.id, ev.rng)
	perm.Deps = append(perm.Deps, model.Edge{To: target, Kind: model.EdgeRef, Range: ev.rng})
	perm.Deps = append(perm.Deps, g.walk(perm.Address, ev.props)...)
	if api == "ServerlessRestApi" {
		perm.Deps = append(perm.Deps, model.Edge{To: api, Kind: model.EdgeRef, Range: ev.rng})
	}
	// The route (and so the reference to the function) joins only a
	// definition SAM writes: the implicit API's, or a SAM Api's without
	// a DefinitionBody / DefinitionUri of its own unless MergeDefinitions.
	if a := g.s.res[api]; api == "ServerlessRestApi" || a != nil && a.typ == "AWS::Serverless::Api" &&
		(a.props.Get("DefinitionBody") == nil && a.props.Get("DefinitionUri") == nil || strings.EqualFold(a.props.Get("MergeDefinitions").String(), "true")) {
		g.to(api, target, kind, attr, ev.rng)
	}
}

// httpAPIEvent shapes an HttpApi event: the implicit ServerlessHttpApi
// (and its $default stage) unless ApiId names one, a permission on the
// function for the API, and the API's routes naming the function.
func (g *samGraph) httpAPIEvent(r *resource, ev samEvent, target string, kind model.EdgeKind, attr string) {
	api := "ServerlessHttpApi"
	if ref := ev.props.Get("ApiId"); ref != nil {
		api = ""
		if name, arg, ok := ref.Intrinsic(false); ok && name == "Ref" && arg.Kind == cfn.Scalar {
			api = arg.Value
		}
	} else if g.byID[api] == nil {
		n := g.node(api, "AWS::ApiGatewayV2::Api", r.id, ev.rng)
		n.Deps = append(n.Deps, g.walk(api, g.s.root.Get("Globals").Get("HttpApi"))...)
		st := g.node(api+"ApiGatewayDefaultStage", "AWS::ApiGatewayV2::Stage", r.id, ev.rng)
		st.Deps = append(st.Deps, model.Edge{To: api, Kind: model.EdgeRef, Range: ev.rng})
		if ir := g.s.res[api]; ir != nil {
			g.samDomainNodes(ir, st.Address) // Globals.HttpApi.Domain
		}
	}
	if api != "" {
		g.to(api, target, kind, attr, ev.rng)
	}
	// After the function's $default event, its other events on the API
	// get no permission (samHTTPPermission).
	key := r.id + "\x00" + api
	if g.httpDefault[key] {
		return
	}
	if path := ev.props.Get("Path").String(); path == "" && ev.props.Get("Method").String() == "" || path == model.RouteKeyDefault {
		if g.httpDefault == nil {
			g.httpDefault = map[string]bool{}
		}
		g.httpDefault[key] = true
	}
	perm := g.node(r.id+ev.name+"Permission", "AWS::Lambda::Permission", r.id, ev.rng)
	perm.Deps = append(perm.Deps, model.Edge{To: target, Kind: model.EdgeRef, Range: ev.rng})
	perm.Deps = append(perm.Deps, g.walk(perm.Address, ev.props)...)
	if api == "ServerlessHttpApi" {
		perm.Deps = append(perm.Deps, model.Edge{To: api, Kind: model.EdgeRef, Range: ev.rng})
	}
}

// samHTTPStageProps are the AWS::Serverless::HttpApi properties that become
// its generated stage's.
var samHTTPStageProps = map[string]bool{"StageName": true, "StageVariables": true, "AccessLogSettings": true, "DefaultRouteSettings": true, "RouteSettings": true}

// httpAPI shapes an AWS::Serverless::HttpApi: the stage the transform
// always generates ({Api}{Stage}Stage, or {Api}ApiGatewayDefaultStage for
// $default) holds the stage's references; the API keeps the rest.
func (g *samGraph) httpAPI(w *refWalker, r *resource) {
	stage := model.StageDefault
	var stageProps []*cfn.Node
	for _, f := range propFields(r.props) {
		if f.Key == "Domain" {
			continue // the generated domain name's (samDomainNodes)
		}
		if samHTTPStageProps[f.Key] {
			stageProps = append(stageProps, f.Value)
			if f.Key == "StageName" && f.Value.Kind == cfn.Scalar && f.Value.Value != "" {
				stage = f.Value.Value
			}
			continue
		}
		w.walk(f.Value)
	}
	st := g.node(samHTTPStageID(r.id, stage), "AWS::ApiGatewayV2::Stage", r.id, r.keyRange)
	st.Deps = append(st.Deps, model.Edge{To: r.id, Kind: model.EdgeRef, Range: r.keyRange})
	for _, n := range stageProps {
		st.Deps = append(st.Deps, g.walk(st.Address, n)...)
	}
	g.samDomainNodes(r, st.Address)
}

// implicitAPI adds the API SAM creates for Api events without RestApiId.
func (g *samGraph) implicitAPI(r *resource, ev samEvent) {
	if g.byID["ServerlessRestApi"] != nil {
		return
	}
	api := g.node("ServerlessRestApi", "AWS::ApiGateway::RestApi", r.id, ev.rng)
	api.Deps = append(api.Deps, g.walk(api.Address, g.s.root.Get("Globals").Get("Api"))...)
	g.stage(api.Address, "Prod", r.id, ev.rng, nil)
	if ir := g.s.res[api.Address]; ir != nil {
		g.samDomainNodes(ir, api.Address+"ProdStage") // Globals.Api.Domain
	}
}

// stage adds an API's generated deployment and stage.
func (g *samGraph) stage(api, stage, origin string, rng diag.Range, stageEdges []model.Edge) {
	dep := g.node(api+"Deployment", "AWS::ApiGateway::Deployment", origin, rng)
	dep.Deps = append(dep.Deps, model.Edge{To: api, Kind: model.EdgeRef, Range: rng})
	st := g.node(api+stage+"Stage", "AWS::ApiGateway::Stage", origin, rng)
	st.Deps = append(st.Deps, model.Edge{To: api, Kind: model.EdgeRef, Range: rng}, model.Edge{To: dep.Address, Kind: model.EdgeRef, Range: rng})
	st.Deps = append(st.Deps, stageEdges...)
}

// samStageProps are the AWS::Serverless::Api properties that become its
// generated stage's.
var samStageProps = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{"StageName": true, "Variables": true, "MethodSettings": true, "AccessLogSetting": true, "CanarySetting": true,
		"TracingEnabled": true, "CacheClusterEnabled": true, "CacheClusterSize": true}
}}

func (g *samGraph) api(w *refWalker, r *resource) {
	var stageProps []*cfn.Node
	for _, f := range propFields(r.props) {
		if samStageProps.Get()[f.Key] {
			stageProps = append(stageProps, f.Value)
			continue
		}
		if f.Key == "Domain" {
			continue // the generated domain name's (samDomainNodes)
		}
		w.walk(f.Value)
	}
	stage := r.props.Get("StageName")
	if stage == nil || stage.Kind == cfn.Scalar && stage.Value == "" {
		return
	}
	// A StageName that is an intrinsic (!Ref ApiVersion) names the stage
	// {Api}Stage, as the transform does; its properties (Variables,
	// CanarySetting, ...) refer to parameters all the same.
	name := ""
	if stage.Kind == cfn.Scalar {
		name = stage.Value
	}
	var edges []model.Edge
	for _, n := range stageProps {
		edges = append(edges, g.walk(r.id+name+"Stage", n)...)
	}
	g.stage(r.id, name, r.id, r.keyRange, edges)
	g.usagePlan(r, r.id+name+"Stage")
	g.samDomainNodes(r, r.id+name+"Stage")
	// Lambda authorizers get a permission that refers to the API and to
	// the function.
	if az := r.props.Get("Auth").Get("Authorizers"); az != nil && az.Kind == cfn.Mapping {
		for _, f := range az.Fields {
			if fa := f.Value.Get("FunctionArn"); fa != nil {
				p := g.node(r.id+f.Key+"AuthorizerPermission", "AWS::Lambda::Permission", r.id, f.KeyRange())
				p.Deps = append(p.Deps, model.Edge{To: r.id, Kind: model.EdgeRef, Range: f.KeyRange()})
				p.Deps = append(p.Deps, g.walk(p.Address, fa)...)
			}
		}
	}
}

// usagePlan adds the usage plan, API key and usage plan key the
// transform generates for an API's Auth.UsagePlan (PER_API: {Api}UsagePlan
// ...; SHARED: ServerlessUsagePlan ..., one for every API that shares
// it): the plan and the key refer to the API and its stage, the key
// depends on the plan, the plan key refers to both.
func (g *samGraph) usagePlan(r *resource, stage string) {
	prefix := ""
	switch strings.ToUpper(g.s.samAPISetting(r, "Auth").Get("UsagePlan").Get("CreateUsagePlan").String()) {
	case "PER_API":
		prefix = r.id
	case "SHARED":
		prefix = "Serverless"
	default:
		return
	}
	add := func(n *model.Node, to string) {
		for _, e := range n.Deps {
			if e.To == to {
				return
			}
		}
		n.Deps = append(n.Deps, model.Edge{To: to, Kind: model.EdgeRef, Range: r.keyRange})
	}
	plan := g.node(prefix+"UsagePlan", "AWS::ApiGateway::UsagePlan", r.id, r.keyRange)
	key := g.node(prefix+"ApiKey", "AWS::ApiGateway::ApiKey", r.id, r.keyRange)
	pk := g.node(prefix+"UsagePlanKey", "AWS::ApiGateway::UsagePlanKey", r.id, r.keyRange)
	for _, to := range []string{r.id, stage} {
		add(plan, to)
		add(key, to)
	}
	add(key, plan.Address)
	add(pk, key.Address)
	add(pk, plan.Address)
}

func propFields(n *cfn.Node) []cfn.Field {
	if n == nil || n.Kind != cfn.Mapping {
		return nil
	}
	return n.Fields
}

// samTypeAfter is the type a declared SAM resource has after the
// transform (the same logical id).
func samTypeAfter(typ string) string {
	switch typ {
	case "AWS::Serverless::Function":
		return "AWS::Lambda::Function"
	case "AWS::Serverless::Api":
		return "AWS::ApiGateway::RestApi"
	case "AWS::Serverless::HttpApi":
		return "AWS::ApiGatewayV2::Api"
	case "AWS::Serverless::SimpleTable":
		return "AWS::DynamoDB::Table"
	case "AWS::Serverless::Application":
		return "AWS::CloudFormation::Stack"
	case "AWS::Serverless::StateMachine":
		return "AWS::StepFunctions::StateMachine"
	}
	return strings.Clone(typ)
}

// samEventStage is the stage suffix of the permission SAM generates for an
// Api event on the API resource a (resources_to_link_for_rest_api): the
// API's StageName when it is a literal, "Stage" when it is missing or an
// intrinsic (an AWS::ApiGateway::RestApi has none), and none (the caller's
// AllStages) when the API is not in the template.
// samPlainRestAPI is the REST API an Api event's RestApiId names by its
// plain logical id (RestApiId: MyApi, not !Ref MyApi), which the transform
// takes as the resource of that id (Api.get_rest_api_id_string), or nil.
// The permission it writes keeps the literal string in its SourceArn.
func samPlainRestAPI(s *stack, props *cfn.Node) *resource {
	n := props.Get("RestApiId")
	if n == nil || n.Kind != cfn.Scalar {
		return nil
	}
	if a := s.res[n.Value]; a != nil && (a.typ == "AWS::Serverless::Api" || a.typ == "AWS::ApiGateway::RestApi") {
		return a
	}
	return nil
}

func samEventStage(a *resource, none string) string {
	if a == nil {
		return none
	}
	if st := a.props.Get("StageName"); st != nil && st.Kind == cfn.Scalar && st.Value != "" {
		return st.Value
	}
	return "Stage"
}
