package resolver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Model rules about stages and deployments (see registry.go).

var (
	stageNameRe  = lazy.Regexp{Pattern: `^[a-zA-Z0-9_-]+$`}
	stageVarName = lazy.Regexp{Pattern: `^[a-zA-Z0-9_]+$`}
	stageVarVal  = lazy.Regexp{Pattern: `^[A-Za-z0-9\-._~:/?#&=,]+$`}
)

// The fix for E3201, in each template language.
const (
	hintStageTwiceCFN = "Remove StageName from the deployment and keep the AWS::ApiGateway::Stage, or use another stage name."
	hintStageTwiceTF  = "Remove stage_name from the aws_api_gateway_deployment and keep the aws_api_gateway_stage, or use another stage name."
)

var _ = define(Rule{
	ID: "E3201", Level: "error",
	Summary: "stage created twice",
	Why:     "A Deployment's StageName creates a stage; a Stage resource with the same name fails with \"Stage already exists\".",
	API: func(r report, api *model.RestAPI) {
		stages := slices.Clone(api.Stages)
		slices.SortStableFunc(stages, func(a, b *model.Stage) int {
			if a.Implicit != b.Implicit { // implicit stages are created with their deployment, first
				if a.Implicit {
					return -1
				}
				return 1
			}
			return a.Range.Start.Line - b.Range.Start.Line
		})
		// A deployment that names a stage which a Stage resource creates,
		// and depends on that Stage resource, updates the existing stage
		// (the canary-deployment pattern): it does not create it again.
		updates := map[*model.Stage]bool{}
		for _, st := range stages {
			if !st.Implicit {
				continue
			}
			for _, x := range stages {
				if !x.Implicit && x.Name == st.Name && reaches(r.template(), st.LogicalID, func(id string) bool { return id == x.LogicalID }) {
					updates[st] = true
				}
			}
		}
		byName := map[string]*model.Stage{}
		for _, st := range stages {
			first, dup := byName[st.Name]
			switch {
			case updates[st]:
				// updates the stage created by the Stage resource
			case dup:
				by := "stage " + first.LogicalID
				if first.Implicit {
					by = r.pick("the StageName", "the stage_name") + " of deployment " + first.LogicalID
				}
				hint := fmt.Sprintf("%s fails with \"%s already exists\". ", r.pick("CloudFormation", "terraform apply"), st.Name) +
					r.pick(hintStageTwiceCFN, hintStageTwiceTF)
				r.add(r.rule.errorf(st.Props.At("StageName", st.Range), st.LogicalID, hint, "stage %q is created twice", st.Name).
					WithRelated(first.Props.At("StageName", first.Range), "first created by %s", by))
			default:
				byName[st.Name] = st
			}
		}
	},
})

var _ = define(Rule{
	ID: "E3202", Level: "error",
	Summary: "stage without DeploymentId",
	Why:     "API Gateway needs a deployment to create a stage.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		if !st.Implicit && st.DeploymentID == "" {
			r.errorf(st.Range, st.LogicalID, r.pick("Add DeploymentId: !Ref <your AWS::ApiGateway::Deployment>",
				"Set deployment_id = aws_api_gateway_deployment.<name>.id")+"; API Gateway cannot create a stage without a deployment.",
				"stage %q has no DeploymentId", st.Name)
		}
	},
})

var _ = define(Rule{
	ID: "E3203", Level: "error",
	Summary: "stage points at a deployment of another API",
	Why:     "API Gateway rejects the stage.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		if st.Implicit || st.DeploymentID == "" || notKnown(st.DeploymentID) {
			return
		}
		if !slices.ContainsFunc(api.Deployments, func(d *model.Deployment) bool { return d.ID == st.DeploymentID }) {
			r.errorf(st.Props.At("DeploymentId", st.Range), st.LogicalID, "Reference a deployment of the same REST API.",
				"stage %q: DeploymentId %q is not a deployment of API %s", st.Name, st.DeploymentID, api.LogicalID)
		}
	},
})

var _ = define(Rule{
	ID: "E3219", Level: "error",
	Summary: "invalid stage name",
	Why:     "Stage names allow a-z, A-Z, 0-9, - and _.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		if st.Name != "" && !stageNameRe.Get().MatchString(st.Name) {
			r.errorf(st.Props.At("StageName", st.Range), st.LogicalID, "Stage names may contain only a-z, A-Z, 0-9, - and _.", "invalid stage name %q", st.Name)
		}
	},
})

var _ = define(Rule{
	ID: "E3223", Level: "error",
	Summary: "invalid stage variable name or value",
	Why:     "API Gateway rejects the stage.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		for k, v := range st.Variables {
			if !stageVarName.Get().MatchString(k) {
				r.errorf(st.Props.At("Variables", st.Range), st.LogicalID, "Stage variable names may contain only A-Z, a-z, 0-9 and _.", "invalid stage variable name %q", k)
			}
			if v != "" && !stageVarVal.Get().MatchString(v) {
				r.errorf(st.Props.At("Variables", st.Range), st.LogicalID, "Stage variable values may contain only A-Z, a-z, 0-9 and - . _ ~ : / ? # & = ,", "invalid value for stage variable %q: %q", k, v)
			}
		}
	},
})

var _ = define(Rule{
	ID: "E9001", Level: "error (info with --allow-extensions)",
	Summary: "Http2Enabled on a stage: a cfnrun extension",
	Why:     "AWS::ApiGateway::Stage has no Http2Enabled; CloudFormation rejects it. cfnrun honours it: false makes the stage HTTP/1.1-only.",
	Stage: func(r report, api *model.RestAPI, st *model.Stage) {
		if st.HTTP2Enabled != nil {
			r.extension(st.Props.At("Http2Enabled", st.Range), st.LogicalID,
				r.pick("Http2Enabled is a cfnrun extension from the seed article: AWS::ApiGateway::Stage has no such property and CloudFormation rejects the template;",
					"http2_enabled is a cfnrun extension from the seed article: aws_api_gateway_stage has no such "+
						"argument and terraform validate rejects it;")+" REST APIs negotiate HTTP/2 with clients on their own.",
				"Http2Enabled is not an AWS property")
		}
	},
})

var _ = define(Rule{
	ID: "W3220", Level: "warning",
	Summary: "API with methods but no stage",
	Why:     "Nothing is deployed; `cfnrun up` serves the API at stage `local` all the same (as `sam local start-api` serves it) and says so.",
	API: func(r report, api *model.RestAPI) {
		if len(api.Stages) > 0 {
			return
		}
		for _, res := range api.Resources {
			if len(res.Methods) > 0 {
				r.warnf(api.Range, api.LogicalID, r.pick("Add an AWS::ApiGateway::Deployment and an AWS::ApiGateway::Stage (or a deployment with StageName)",
					"Add an aws_api_gateway_deployment and an aws_api_gateway_stage")+"; cfnrun serves stages only.",
					"API %s has methods but no stage, so nothing is deployed", api.LogicalID)
				return
			}
		}
	},
})

var _ = define(Rule{
	ID: "E3224", Level: "error",
	Summary: "deployment that does not depend on any method of its API",
	Why:     "CloudFormation may create the deployment first and fail with \"The REST API doesn't contain any methods\".",
	// A deployment must depend on the API's methods, or CloudFormation
	// may create it first. Terraform orders deployments by their
	// triggers and depends_on, which parser/tf checks itself.
	API: func(r report, api *model.RestAPI) {
		t := r.template()
		if t.Format != model.CloudFormation {
			return
		}
		var methodIDs []string
		isMethod := map[string]bool{}
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				methodIDs = append(methodIDs, m.LogicalID)
				isMethod[m.LogicalID] = true
			}
		}
		if len(methodIDs) == 0 {
			return
		}
		for _, d := range api.Deployments {
			if n := t.Node(d.LogicalID); n == nil || n.Origin != "" {
				continue // generated by a transform, which orders it itself
			}
			if !reaches(t, d.LogicalID, func(id string) bool { return isMethod[id] }) {
				r.errorf(d.Range, d.LogicalID,
					fmt.Sprintf("Add DependsOn: [%s] to the deployment; without it CloudFormation may create the deployment before "+
						"any method and fail with \"The REST API doesn't contain any methods\", or deploy a snapshot without "+
						"the newest methods.", strings.Join(methodIDs, ", ")),
					"deployment %s does not depend on any method of %s", d.LogicalID, api.LogicalID)
			}
		}
	},
})

// reaches reports whether from reaches, through its dependencies (one or
// more edges), a node that target accepts. It stops at the first: a
// deployment that depends on its methods directly is answered from its own
// edges, not from the closure of the whole template.
func reaches(t *model.Template, from string, target func(string) bool) bool {
	var seen map[string]bool
	stack := []string{from}
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := t.Node(a)
		if n == nil {
			continue
		}
		for _, e := range n.Deps {
			if target(e.To) {
				return true
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			if !seen[e.To] {
				seen[e.To] = true
				stack = append(stack, e.To)
			}
		}
	}
	return false
}
