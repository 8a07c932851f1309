package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Hazards about deployments: changes that never go live, and stages that
// switch what they serve.

var hazardDeploymentNotUpdated = hazardKind{
	Kind: "deployment-not-updated", Severity: SeverityDanger,
	When: "CloudFormation: endpoints, authorizers, models, gateway responses or validators changed but the " +
		"`AWS::ApiGateway::Deployment` keeps its logical id and is not replaced. CloudFormation creates a deployment only " +
		"when that resource is created or replaced, so the stage keeps serving the old snapshot. Changes that only a stage " +
		"applies (stage variables, HTTP/2) do not count, nor does re-creating a method with identical settings. Deployments " +
		"made by the SAM transform are exempt — SAM names them after a hash of the API definition, so a change gets a new " +
		"one (reported as `stage-new-deployment`).",
	check: func(in *hazardInput, report func(Hazard)) {
		forEachStaleDeployment(in, model.CloudFormation, func(i int, d *model.Deployment, stages []string) {
			report(Hazard{Address: d.LogicalID, Location: loc(d.Range),
				Message: fmt.Sprintf("%s keeps its logical id while %s changed: CloudFormation will not create a new deployment, so %s keep%s serving the old API",
					d.LogicalID, listSome(in.pairChanges(i)), stageWords(stages), plural(stages)),
				Detail: "CloudFormation creates an API Gateway deployment only when the AWS::ApiGateway::Deployment resource is created or replaced. " +
					fmt.Sprintf("Give it a new logical id (for example %sV2, or one carrying a hash of the API definition) so this change is deployed.", d.LogicalID)})
		})
	},
}

var hazardTerraformNotTriggered = hazardKind{
	Kind: "terraform-deployment-not-triggered", Severity: SeverityDanger,
	When: "Terraform: the same, for an `aws_api_gateway_deployment` whose `triggers` neither change as written nor refer to " +
		"something that changes (an `.id` or another identity attribute — `arn`, `rest_api_id`, `resource_id`, `http_method`, … — " +
		"only changes when the resource is replaced; other attributes or whole objects change when it is updated; " +
		"`cfnrun validate` reports the same configs as TF030)",
	Detail: "aws_api_gateway_deployment is only re-created when its triggers (or another ForceNew argument) change. " +
		"Add the changed resources to triggers as whole objects (their ids do not change on in-place updates), e.g. " +
		"triggers = { redeployment = sha1(jsonencode([aws_api_gateway_resource.x, aws_api_gateway_method.x, aws_api_gateway_integration.x])) }, " +
		"with lifecycle { create_before_destroy = true }.",
	check: func(in *hazardInput, report func(Hazard)) {
		forEachStaleDeployment(in, model.Terraform, func(i int, d *model.Deployment, stages []string) {
			if triggered(d.LogicalID, in.newNodes, in.oldNodes, in.rs) {
				return
			}
			report(Hazard{Address: d.LogicalID, Location: loc(d.Range),
				Message: fmt.Sprintf("%s is not re-created although %s changed: %s keep%s serving the old configuration",
					d.LogicalID, listSome(in.pairChanges(i)), stageWords(stages), plural(stages))})
		})
	},
}

// forEachStaleDeployment calls fn for every deployment of format that
// exists on both sides, is declared in the template, is not replaced, and
// belongs to an API whose deployable parts changed: the deployments that
// do not carry the change unless something re-creates them.
func forEachStaleDeployment(in *hazardInput, format model.Format, fn func(pair int, d *model.Deployment, stages []string)) {
	if in.old.Format != in.new.Format || in.new.Format != format {
		return
	}
	for i, p := range in.rd.pairs {
		if p.old == nil || p.new == nil || len(in.pairChanges(i)) == 0 {
			continue
		}
		for _, d := range p.new.Deployments {
			if !hasDeployment(p.old, d.LogicalID) || in.rs.replaced(d.LogicalID) {
				continue
			}
			if _, declared := in.newNodes[d.LogicalID]; !declared && format == model.CloudFormation {
				continue // made by the SAM transform: see stage-new-deployment
			}
			fn(i, d, stagesOf(p.new, d.LogicalID))
		}
	}
}

var hazardStageNewDeployment = hazardKind{
	Kind: "stage-new-deployment", Severity: SeverityWarning,
	When:   "a stage points at another (or a replaced) deployment: everything in the API at that moment goes live",
	Detail: "Everything in the API at the time of this deployment goes live on the stage at once.",
	check: func(in *hazardInput, report func(Hazard)) {
		// A deployment made by the SAM transform, which names it after a
		// hash of the API definition: the change gets a new deployment,
		// and the stage switches to it.
		if in.old.Format == in.new.Format && in.new.Format == model.CloudFormation {
			for i, p := range in.rd.pairs {
				if p.old == nil || p.new == nil || len(in.pairChanges(i)) == 0 {
					continue
				}
				for _, d := range p.new.Deployments {
					if _, declared := in.newNodes[d.LogicalID]; declared || !hasDeployment(p.old, d.LogicalID) || in.rs.replaced(d.LogicalID) {
						continue
					}
					for _, st := range stagesOf(p.new, d.LogicalID) {
						report(Hazard{Address: d.LogicalID, Location: loc(d.Range),
							Message: fmt.Sprintf("stage %s of API %s points at a new deployment: the SAM transform creates one because %s changed", st, p.name, listSome(in.pairChanges(i)))})
					}
				}
			}
		}
		// A stage switched to another deployment.
		for _, s := range in.rd.stages {
			if s.Action != "change" {
				continue
			}
			for _, f := range s.Changes {
				if f.Field == "deployment" && f.Old != "" && f.New != "" {
					report(Hazard{Location: s.Location,
						Message: fmt.Sprintf("stage %s of API %s switches from deployment %s to %s", s.Stage, s.API, f.Old, f.New),
						Detail:  "Everything in the API at the time of this deployment goes live on the stage at once, including changes made outside this diff."})
				}
			}
		}
		// A stage whose deployment keeps its name but is replaced
		// (Terraform triggers changed, or a create-only property changed).
		for _, p := range in.rd.pairs {
			if p.old == nil || p.new == nil {
				continue
			}
			for _, st := range p.new.Stages {
				dep := deploymentOf(p.new, st)
				if dep == "" || !in.rs.replaced(dep) || st.Implicit {
					continue
				}
				if os := p.old.Stage(st.Name); os == nil || deploymentOf(p.old, os) != dep {
					continue
				}
				report(Hazard{Address: dep, Location: loc(st.Range),
					Message: fmt.Sprintf("stage %s of API %s points at a new deployment: %s is replaced", st.Name, p.name, dep)})
			}
		}
	},
}

var hazardCanaryStageName = hazardKind{
	Kind: "canary-stage-name", Severity: SeverityDanger,
	When: "CloudFormation: `DeploymentCanarySettings` is added to an `AWS::ApiGateway::Deployment` that creates its stage " +
		"through `StageName`. API Gateway makes a canary deployment the stage's canary, not its deployment, and refuses one " +
		"for a stage that does not exist yet: the replaced deployment reaches only `PercentTraffic` of requests (0 when " +
		"unset) while the stage keeps the old one, or, for a new stage, the create fails",
	Detail: "A canary deployment needs an existing stage and only shadows it. Declare the stage as an AWS::ApiGateway::Stage " +
		"(DeploymentId, and CanarySetting for the canary) and remove StageName from the deployment; promote the canary when it has proved itself.",
	check: func(in *hazardInput, report func(Hazard)) {
		if !in.bothCloudFormation() {
			return
		}
		for _, p := range in.rd.pairs {
			if p.new == nil {
				continue
			}
			for _, d := range p.new.Deployments {
				n := in.newNodes[d.LogicalID]
				if n == nil || n.Type != "AWS::ApiGateway::Deployment" || n.Properties().Get("DeploymentCanarySettings") == nil {
					continue
				}
				stage := implicitStage(p.new, d.LogicalID)
				if stage == "" {
					continue
				}
				before := in.oldNodes[d.LogicalID]
				if c := in.rs.byNew[d.LogicalID]; c != nil && c.OldAddress != "" {
					before = in.oldNodes[c.OldAddress]
				}
				if before != nil && before.Properties().Get("DeploymentCanarySettings") != nil {
					continue // not added by this change
				}
				existed := p.old != nil && p.old.Stage(stage) != nil
				if !existed {
					report(Hazard{Address: d.LogicalID, Location: loc(keyRange(n.Properties(), "DeploymentCanarySettings", n.Range)),
						Message: fmt.Sprintf("%s creates stage %s through StageName with DeploymentCanarySettings: "+
							"API Gateway refuses a canary deployment to a stage that does not exist yet, so the create fails", d.LogicalID, stage)})
					continue
				}
				report(Hazard{Address: d.LogicalID, Location: loc(keyRange(n.Properties(), "DeploymentCanarySettings", n.Range)),
					Message: fmt.Sprintf("DeploymentCanarySettings added to %s, which creates stage %s through StageName: "+
						"the replacement becomes the stage's canary, so %s of requests reach this change and the rest keep the old deployment",
						d.LogicalID, stage, canaryPercent(n.Properties().Get("DeploymentCanarySettings")))})
			}
		}
	},
}

// implicitStage returns the name of the stage deployment dep creates
// through StageName, or "".
func implicitStage(a *model.RestAPI, dep string) string {
	for _, st := range a.Stages {
		if st.Implicit && st.LogicalID == dep {
			return st.Name
		}
	}
	return ""
}

// canaryPercent renders DeploymentCanarySettings.PercentTraffic ("10%"; API
// Gateway's default is 0).
func canaryPercent(settings *model.Value) string {
	v := settings.Get("PercentTraffic")
	if v == nil || (v.Kind != model.Number && v.Kind != model.String) {
		return "0% (PercentTraffic unset)"
	}
	return strings.TrimSpace(v.Str) + "%"
}

func hasDeployment(a *model.RestAPI, id string) bool {
	for _, d := range a.Deployments {
		if d.LogicalID == id {
			return true
		}
	}
	return false
}

func stagesOf(a *model.RestAPI, dep string) []string {
	var out []string
	for _, st := range a.Stages {
		if deploymentOf(a, st) == dep {
			out = append(out, st.Name)
		}
	}
	return out
}

func stageWords(stages []string) string {
	switch len(stages) {
	case 0:
		return "its stages"
	case 1:
		return "stage " + stages[0]
	}
	return "stages " + strings.Join(stages, ", ")
}

func plural(stages []string) string {
	if len(stages) == 1 {
		return "s"
	}
	return ""
}

// deployableNodeChanges lists changed API Gateway resources of api that reach
// clients only through a new deployment (authorizers, models, gateway
// responses, validators...), as "Address (Type)". Methods and resources are
// already covered by the route comparison; they are listed only when
// withRoutes is set (the route table did not change, but a method's
// resolved values will, because a resource it refers to is replaced).
func deployableNodeChanges(api *model.RestAPI, rs *resourceDiff, nodes map[string]*model.Node, withRoutes bool) []string {
	var out []string
	for _, c := range rs.changes {
		if isRestAPIType(c.Type) && c.Address == api.LogicalID && c.Action == ActionUpdate &&
			slices.ContainsFunc(c.Changes, func(p PropertyChange) bool {
				top := topProp(p.Path)
				return top == "Body" || top == "BodyS3Location" || top == "body"
			}) {
			// An OpenAPI definition is deployed like methods are.
			out = append(out, c.Address+" (API definition)")
			continue
		}
		if c.Action == ActionRemove || c.Action == ActionMove || !isDeployable(c.Type) {
			continue
		}
		n := nodes[c.Address]
		if n == nil || !refersTo(n, api.LogicalID, nodes) {
			continue
		}
		routeLevel := c.Type == "AWS::ApiGateway::Method" || c.Type == "AWS::ApiGateway::Resource" ||
			c.Type == "aws_api_gateway_method" || c.Type == "aws_api_gateway_resource" || c.Type == "aws_api_gateway_integration"
		if routeLevel && (!withRoutes || !slices.ContainsFunc(c.Changes, func(p PropertyChange) bool { return p.Kind == PropDependency })) {
			// Shown as endpoint changes; a rename or a re-created method
			// with the same settings changes nothing a deployment carries.
			continue
		}
		out = append(out, c.Address)
	}
	return out
}

func refersTo(n *model.Node, addr string, nodes map[string]*model.Node) bool {
	found := false
	walkRefs(n.Properties(), func(t string) {
		if a, _ := resolveAddr(t, nodes); a == addr {
			found = true
		}
	})
	return found
}

// identityAttrs are attributes whose values change only when the resource
// is replaced, so a trigger that reads only them misses in-place updates.
// parser/tf's TF030 rule uses the same set, so validate and diff agree.
var identityAttrs = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{
		"id": true, "rest_api_id": true, "resource_id": true, "http_method": true, "parent_id": true,
		"arn": true, "execution_arn": true, "root_resource_id": true, "created_date": true,
	}
}}

// triggered reports whether a Terraform deployment's triggers evaluate to a
// new value: they changed as written, or they refer to a resource that is
// replaced (its id changes) or, through an attribute other than id or the
// whole object, to one that is updated.
func triggered(addr string, newNodes, oldNodes map[string]*model.Node, rs *resourceDiff) bool {
	n, o := newNodes[addr], oldNodes[addr]
	if n == nil || o == nil {
		return true
	}
	tn, to := n.Properties().Get("triggers"), o.Properties().Get("triggers")
	if !model.Equal(tn, to) {
		return true
	}
	fired := false
	walkRefs(tn, func(t string) {
		a, attr := resolveAddr(t, newNodes)
		if a == "" {
			return
		}
		if rs.replaced(a) || (!identityAttrs.Get()[attr] && rs.changed(a)) {
			fired = true
		}
	})
	return fired
}
