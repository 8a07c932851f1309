package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Hazard kinds, in the order they are printed within a severity.
var hazardOrder = []string{
	"api-removed", "stage-removed", "route-removed", "auth-weakened",
	"deployment-not-updated", "terraform-deployment-not-triggered",
	"replace-collision", "api-replaced", "data-loss", "export-removed", "stage-new-deployment",
}

func hazards(old, new *model.Template, rs *resourceDiff, rd *routeDiff) []Hazard {
	out := []Hazard{}
	add := func(h Hazard) { out = append(out, h) }
	newNodes := map[string]*model.Node{}
	for _, n := range new.Nodes {
		newNodes[n.Address] = n
	}
	oldNodes := map[string]*model.Node{}
	for _, n := range old.Nodes {
		oldNodes[n.Address] = n
	}

	removedStage := map[string]bool{}
	for _, s := range rd.stages {
		if s.Action == ActionRemove {
			removedStage[s.API+"\x00"+s.Stage] = true
		}
	}
	for _, p := range rd.pairs {
		if p.new == nil {
			add(Hazard{Kind: "api-removed", Severity: SeverityDanger, Address: p.old.LogicalID, Location: loc(p.old.Range),
				Message: fmt.Sprintf("REST API %s is removed: every endpoint of every stage stops answering", p.name),
				Detail:  "Clients calling its invoke URL get 403/404 once the change is deployed. Keep the API until clients have moved."})
		}
	}
	for _, s := range rd.stages {
		if s.Action != ActionRemove || apiGone(rd, s.API) {
			continue
		}
		add(Hazard{Kind: "stage-removed", Severity: SeverityDanger, Location: s.Location,
			Message: fmt.Sprintf("stage %s of API %s is removed: its invoke URL stops answering", s.Stage, s.API),
			Detail:  "Every client of this stage gets errors after the deploy. Keep the stage, or move clients to another stage first."})
	}
	for _, r := range rd.routes {
		if r.Action != ActionRemove || apiGone(rd, r.API) || removedStage[r.API+"\x00"+r.Stage] {
			continue
		}
		detail := "Clients calling it will get 403 Missing Authentication Token (API Gateway's answer for an unknown route)."
		moved := ""
		if r.MovedTo != "" {
			moved = " (moved to " + r.MovedTo + ")"
			detail += " Keep the old path until clients use " + r.MovedTo + "."
		}
		add(Hazard{Kind: "route-removed", Severity: SeverityDanger, Location: r.Location,
			Message: fmt.Sprintf("route %s %s removed%s%s", r.Method, r.Path, onStage(r.API, r.Stage, len(rd.pairs)), moved),
			Detail:  detail})
	}
	for _, r := range rd.weakened {
		var what []string
		for _, f := range r.Changes {
			if f.Field == "authorization" || f.Field == "apiKeyRequired" || f.Field == "authorizer" {
				what = append(what, fmt.Sprintf("%s %s -> %s", f.Field, orNone(f.Old), orNone(f.New)))
			}
		}
		add(Hazard{Kind: "auth-weakened", Severity: SeverityDanger, Location: r.Location,
			Message: fmt.Sprintf("route %s %s%s is less protected: %s", r.Method, r.Path, onStage(r.API, r.Stage, len(rd.pairs)), strings.Join(what, ", ")),
			Detail:  "Anyone who can reach the endpoint can call it without the credential it required before. Make sure that is intended."})
	}

	for i, p := range rd.pairs {
		if p.old == nil || p.new == nil || old.Format != new.Format {
			continue
		}
		changes := rd.endpointChanges[i]
		changes = append(changes, deployableNodeChanges(p.new, rs, newNodes, len(changes) == 0)...)
		if len(changes) == 0 {
			continue
		}
		for _, d := range p.new.Deployments {
			if !hasDeployment(p.old, d.LogicalID) || rs.replaced(d.LogicalID) {
				continue
			}
			stages := stagesOf(p.new, d.LogicalID)
			if _, declared := newNodes[d.LogicalID]; !declared && new.Format == model.CloudFormation {
				// Made by the SAM transform, which names the deployment
				// after a hash of the API definition: the change gets a
				// new deployment, and the stage switches to it.
				for _, st := range stages {
					add(Hazard{Kind: "stage-new-deployment", Severity: SeverityWarning, Address: d.LogicalID, Location: loc(d.Range),
						Message: fmt.Sprintf("stage %s of API %s points at a new deployment: the SAM transform creates one because %s changed", st, p.name, listSome(changes)),
						Detail:  "Everything in the API at the time of this deployment goes live on the stage at once."})
				}
				continue
			}
			if new.Format == model.Terraform {
				if triggered(d.LogicalID, newNodes, oldNodes, rs) {
					continue
				}
				add(Hazard{Kind: "terraform-deployment-not-triggered", Severity: SeverityDanger, Address: d.LogicalID, Location: loc(d.Range),
					Message: fmt.Sprintf("%s is not re-created although %s changed: %s keep%s serving the old configuration",
						d.LogicalID, listSome(changes), stageWords(stages), plural(stages)),
					Detail: "aws_api_gateway_deployment is only re-created when its triggers (or another ForceNew argument) change. " +
						"Add the changed resources to triggers as whole objects (their ids do not change on in-place updates), e.g. triggers = { redeployment = sha1(jsonencode([aws_api_gateway_resource.x, aws_api_gateway_method.x, aws_api_gateway_integration.x])) }, " +
						"with lifecycle { create_before_destroy = true }."})
				continue
			}
			add(Hazard{Kind: "deployment-not-updated", Severity: SeverityDanger, Address: d.LogicalID, Location: loc(d.Range),
				Message: fmt.Sprintf("%s keeps its logical id while %s changed: CloudFormation will not create a new deployment, so %s keep%s serving the old API",
					d.LogicalID, listSome(changes), stageWords(stages), plural(stages)),
				Detail: "CloudFormation creates an API Gateway deployment only when the AWS::ApiGateway::Deployment resource is created or replaced. " +
					fmt.Sprintf("Give it a new logical id (for example %sV2, or one carrying a hash of the API definition) so this change is deployed.", d.LogicalID)})
		}
	}

	for _, s := range rd.stages {
		if s.Action != "change" {
			continue
		}
		for _, f := range s.Changes {
			if f.Field == "deployment" && f.Old != "" && f.New != "" {
				add(Hazard{Kind: "stage-new-deployment", Severity: SeverityWarning, Location: s.Location,
					Message: fmt.Sprintf("stage %s of API %s switches from deployment %s to %s", s.Stage, s.API, f.Old, f.New),
					Detail:  "Everything in the API at the time of this deployment goes live on the stage at once, including changes made outside this diff."})
			}
		}
	}
	// A stage whose deployment keeps its name but is replaced (Terraform
	// triggers changed, or a create-only property changed) also points at a
	// new deployment.
	for _, p := range rd.pairs {
		if p.old == nil || p.new == nil {
			continue
		}
		for _, st := range p.new.Stages {
			dep := deploymentOf(p.new, st)
			if dep == "" || !rs.replaced(dep) || st.Implicit {
				continue
			}
			if os := p.old.Stage(st.Name); os == nil || deploymentOf(p.old, os) != dep {
				continue
			}
			add(Hazard{Kind: "stage-new-deployment", Severity: SeverityWarning, Address: dep, Location: loc(st.Range),
				Message: fmt.Sprintf("stage %s of API %s points at a new deployment: %s is replaced", st.Name, p.name, dep),
				Detail:  "Everything in the API at the time of this deployment goes live on the stage at once."})
		}
	}

	for _, c := range rs.changes {
		if c.Action == ActionReplace && isRestAPIType(c.Type) {
			add(Hazard{Kind: "api-replaced", Severity: SeverityDanger, Address: c.Address, Location: c.Location,
				Message: fmt.Sprintf("REST API %s is replaced (%s): it gets a new API id, so every invoke URL changes", c.Address, c.Reason),
				Detail:  "Clients and custom domain mappings that use the execute-api URL break. Avoid the replacing change, or plan the cut-over."})
		}
		if (c.Action == ActionReplace || c.Action == ActionRemove) && (statefulTypes[c.Type] || statefulTypes[c.OldType]) {
			verb := "removed"
			if c.Action == ActionReplace {
				verb = "replaced (" + c.Reason + ")"
			}
			add(Hazard{Kind: "data-loss", Severity: SeverityDanger, Address: c.Address, Location: c.Location,
				Message: fmt.Sprintf("%s (%s) is %s: the data it holds is lost unless its DeletionPolicy retains it", c.Address, c.Type, verb),
				Detail:  "Set DeletionPolicy/UpdateReplacePolicy: Retain (CloudFormation) or lifecycle { prevent_destroy = true } (Terraform), or export the data first."})
		}
	}

	if old.Format == model.CloudFormation && new.Format == model.CloudFormation {
		for _, h := range replaceCollisions(old, new, oldNodes, newNodes, rs) {
			add(h)
		}
	}

	sortHazards(out)
	return slices.CompactFunc(out, func(a, b Hazard) bool { return a.Kind == b.Kind && a.Message == b.Message })
}

func sortHazards(hs []Hazard) {
	slices.SortStableFunc(hs, func(a, b Hazard) int {
		return cmp.Or(
			cmp.Compare(sevRank(a.Severity), sevRank(b.Severity)),
			cmp.Compare(slices.Index(hazardOrder, a.Kind), slices.Index(hazardOrder, b.Kind)),
			cmp.Compare(a.Message, b.Message))
	})
}

func sevRank(s string) int {
	if s == SeverityDanger {
		return 0
	}
	return 1
}

func apiGone(rd *routeDiff, name string) bool {
	for _, p := range rd.pairs {
		if p.name == name && p.new != nil {
			return false
		}
	}
	return true
}

func onStage(api, stage string, apis int) string {
	var parts []string
	if stage != "" {
		parts = append(parts, "on stage "+stage)
	}
	if apis > 1 {
		parts = append(parts, "of API "+api)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
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

func listSome(items []string) string {
	const show = 3
	if len(items) <= show {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:show], ", "), len(items)-show)
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
	walkRefs(n.Props, func(t string) {
		if a, _ := resolveAddr(t, nodes); a == addr {
			found = true
		}
	})
	return found
}

// identityAttrs are attributes whose values change only when the resource
// is replaced, so a trigger that reads only them misses in-place updates.
// parser/tf's TF030 rule uses the same set, so validate and diff agree.
var identityAttrs = map[string]bool{
	"id": true, "rest_api_id": true, "resource_id": true, "http_method": true, "parent_id": true,
	"arn": true, "execution_arn": true, "root_resource_id": true, "created_date": true,
}

// triggered reports whether a Terraform deployment's triggers evaluate to a
// new value: they changed as written, or they refer to a resource that is
// replaced (its id changes) or, through an attribute other than id or the
// whole object, to one that is updated.
func triggered(addr string, newNodes, oldNodes map[string]*model.Node, rs *resourceDiff) bool {
	n, o := newNodes[addr], oldNodes[addr]
	if n == nil || o == nil {
		return true
	}
	tn, to := n.Props.Get("triggers"), o.Props.Get("triggers")
	if !model.Equal(tn, to) {
		return true
	}
	fired := false
	walkRefs(tn, func(t string) {
		a, attr := resolveAddr(t, newNodes)
		if a == "" {
			return
		}
		if rs.replaced(a) || (!identityAttrs[attr] && rs.changed(a)) {
			fired = true
		}
	})
	return fired
}

// naturalKeys maps the key API Gateway identifies an element by (a method
// by API, path and verb; a resource by API and path; a stage by API and
// name) to the logical id that declares it.
func naturalKeys(t *model.Template) map[string]string {
	keys := map[string]string{}
	for _, api := range t.APIs {
		for _, r := range api.Resources {
			if r.LogicalID != "" {
				keys["resource "+api.ID+" "+r.Path] = r.LogicalID
			}
			for _, m := range r.Methods {
				keys["method "+api.ID+" "+m.HTTPMethod+" "+r.Path] = m.LogicalID
			}
		}
		for _, st := range api.Stages {
			if !st.Implicit {
				keys["stage "+api.ID+" "+st.Name] = st.LogicalID
			}
		}
	}
	return keys
}

// replaceCollisions finds elements whose replacement keeps the key API
// Gateway knows them by. CloudFormation creates a replacement before it
// deletes the old resource, so the create fails ("Method already exists",
// "Another resource with the same parent already has this name", "Stage
// already exists") and the stack rolls back: a renamed Method, or a
// Resource replaced with the same path part.
func replaceCollisions(old, new *model.Template, oldNodes, newNodes map[string]*model.Node, rs *resourceDiff) []Hazard {
	oldKeys := naturalKeys(old)
	var out []Hazard
	newKeys := naturalKeys(new)
	keys := make([]string, 0, len(newKeys))
	for k := range newKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		nl := newKeys[k]
		ol, ok := oldKeys[k]
		if !ok || nl == "" || ol == "" {
			continue
		}
		_, oldStays := newNodes[ol]
		_, newExisted := oldNodes[nl]
		collides := (nl != ol && !oldStays && !newExisted) || (nl == ol && rs.replaced(nl))
		if !collides {
			continue
		}
		kind, what, _ := strings.Cut(k, " ")
		parts := strings.SplitN(what, " ", 2)
		label := kind + " " + parts[len(parts)-1]
		how := fmt.Sprintf("%s replaces %s", nl, ol)
		if nl == ol {
			how = nl + " is replaced"
		}
		n := newNodes[nl]
		location := ""
		if n != nil {
			location = loc(n.Range)
		}
		out = append(out, Hazard{Kind: "replace-collision", Severity: SeverityDanger, Address: nl, Location: location,
			Message: fmt.Sprintf("%s but keeps %s: CloudFormation creates the replacement before deleting the old one, so API Gateway rejects it as a duplicate and the stack rolls back", how, label),
			Detail:  "Keep the logical id (rename only what you must), or deploy in two steps: first remove the old " + kind + ", then add the new one."})
	}
	return out
}
