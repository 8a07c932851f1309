package resolver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// SAM (Transform: AWS::Serverless-2016-10-31) support: the logical ids the
// transform generates are made referable, and the REST APIs it creates —
// AWS::Serverless::Api resources and the implicit ServerlessRestApi of
// functions' Api events — are lowered into the model like any other API.

const samTransform = "AWS::Serverless-2016-10-31"

func (s *stack) isSAM() bool { return slices.Contains(s.transforms, samTransform) }

// samImplied adds placeholder entries for the resources SAM generates, so
// templates that reference them (ServerlessRestApi in Outputs, FnRole …)
// resolve as they do after the transform.
func (s *stack) samImplied() {
	if !s.isSAM() {
		return
	}
	addImplied := func(id, typ string, rng diag.Range, ref ...string) {
		if _, exists := s.res[id]; exists {
			return
		}
		r := &resource{id: id, typ: typ, keyRange: rng, live: true, implied: true}
		if len(ref) > 0 {
			r.attrs = map[string]string{"Ref": ref[0]}
		}
		s.res[id] = r
		s.resOrder = append(s.resOrder, id)
	}
	for _, id := range slices.Clone(s.resOrder) {
		r := s.res[id]
		switch r.typ {
		case "AWS::Serverless::Function":
			if r.props.Get("Role") == nil {
				addImplied(id+"Role", "AWS::IAM::Role", r.keyRange)
			}
			if alias := r.props.Get("AutoPublishAlias").String(); alias != "" {
				addImplied(id+"Alias"+alias, "AWS::Lambda::Alias", r.keyRange)
			}
			for _, ev := range samEvents(r) {
				if ev.typ == "Api" && ev.props.Get("RestApiId") == nil {
					addImplied("ServerlessRestApi", "AWS::Serverless::Api", ev.rng)
					addImplied("ServerlessRestApiProdStage", "AWS::ApiGateway::Stage", ev.rng, "Prod")
				}
			}
		case "AWS::Serverless::Api":
			if stage := r.props.Get("StageName").String(); stage != "" {
				addImplied(id+stage+"Stage", "AWS::ApiGateway::Stage", r.keyRange, stage)
			}
		}
	}
}

type samEvent struct {
	name  string
	typ   string
	props *cfn.Node
	rng   diag.Range
}

func samEvents(r *resource) []samEvent {
	evs := r.props.Get("Events")
	if evs == nil || evs.Kind != cfn.Mapping {
		return nil
	}
	var out []samEvent
	for _, f := range evs.Fields {
		out = append(out, samEvent{name: f.Key, typ: f.Value.Get("Type").String(), props: f.Value.Get("Properties"), rng: f.KeyRange})
	}
	return out
}

// lowerSAM adds the SAM APIs to the model.
func (l *lowerer) lowerSAM() {
	s := l.s
	if !s.isSAM() {
		return
	}
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Api" {
			continue
		}
		p := l.propsOf(r)
		api := &model.RestAPI{LogicalID: id, ID: r.attrs["Ref"], Name: p.str("Name"), Description: p.str("Description"),
			MinimumCompressionSize: -1, Range: r.keyRange, Props: p.rng}
		if api.Name == "" {
			api.Name = id
		}
		if ep := p.node.Get("EndpointConfiguration"); ep != nil {
			if ep.Kind == cfn.Scalar {
				api.EndpointTypes = []string{ep.Value}
			} else {
				api.EndpointTypes = p.sub("EndpointConfiguration").list("Type")
			}
		}
		api.Root = &model.Resource{ID: r.attrs["RootResourceId"], Range: r.keyRange}
		api.Resources = []*model.Resource{api.Root}
		l.resByID[api.Root.ID] = api.Root
		l.resAPI[api.Root] = api
		stage := p.str("StageName")
		if r.implied {
			stage = "Prod"
		}
		dep := &model.Deployment{LogicalID: id + "Deployment", ID: model.StableID(6, "deployment", s.stackName, id), Range: r.keyRange}
		api.Deployments = append(api.Deployments, dep)
		if stage != "" {
			st := &model.Stage{LogicalID: id + stage + "Stage", Name: stage, DeploymentID: dep.ID, Variables: p.strMap("Variables"),
				TracingEnabled: p.boolean("TracingEnabled"), CacheClusterEnabled: p.boolean("CacheClusterEnabled"), Range: p.rng.At("StageName", r.keyRange),
				Props: model.Ranges{"StageName": p.rng.At("StageName", r.keyRange)}}
			st.MethodSettings = l.methodSettings(p)
			api.Stages = append(api.Stages, st)
		}
		if p.has("DefinitionBody") {
			l.importOpenAPI(api, id, p.sub("DefinitionBody"))
		} else if p.has("DefinitionUri") {
			s.add(diag.Infof(ruleNotServed, p.rng.At("DefinitionUri", r.keyRange), id, "Inline the definition as DefinitionBody to have cfnrun serve it.",
				"%s reads its OpenAPI definition from DefinitionUri, which cfnrun does not load; only function events are served", id))
		}
		l.apiByID[api.ID] = api
		l.t.APIs = append(l.t.APIs, api)
	}
	// Function events of type Api become AWS_PROXY methods.
	for _, id := range s.resOrder {
		r := s.res[id]
		if !r.live || r.typ != "AWS::Serverless::Function" {
			continue
		}
		fnArn := r.attrs["Arn"]
		for _, ev := range samEvents(r) {
			if ev.typ != "Api" {
				continue
			}
			ep := &props{l: l, id: id, node: ev.props, rng: model.Ranges{}}
			if ev.props != nil {
				for _, f := range ev.props.Fields {
					ep.rng[f.Key] = f.KeyRange
				}
			}
			apiID := s.res["ServerlessRestApi"].attrsOrEmpty("Ref")
			if ep.has("RestApiId") {
				apiID = ep.str("RestApiId")
			}
			api := l.apiByID[apiID]
			if api == nil {
				continue
			}
			path, verb := ep.str("Path"), strings.ToUpper(ep.str("Method"))
			if verb == "" || path == "" {
				continue
			}
			if verb == "ANY" || verb == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
				verb = "ANY"
			}
			res := l.ensurePath(api, id, path, ev.rng)
			if slices.ContainsFunc(res.Methods, func(m *model.Method) bool { return m.HTTPMethod == verb }) {
				continue
			}
			res.Methods = append(res.Methods, &model.Method{LogicalID: id, HTTPMethod: verb, AuthorizationType: "NONE", Range: ev.rng,
				Props: model.Ranges{"HttpMethod": ep.rng.At("Method", ev.rng)},
				Integration: &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", Range: ev.rng,
					URI: fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", s.partition, s.region, fnArn)}})
		}
	}
}

func (r *resource) attrsOrEmpty(key string) string {
	if r == nil || r.attrs == nil {
		return ""
	}
	return r.attrs[key]
}
