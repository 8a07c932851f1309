package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Hazards about replacements: what a replaced resource takes with it (its
// id, its data, its key) and replacements CloudFormation cannot carry out.

var hazardReplaceCollision = hazardKind{
	Kind: "replace-collision", Severity: SeverityDanger,
	When: "CloudFormation: a method, resource or stage is replaced (renamed, or replaced through a dependency) but keeps " +
		"the key API Gateway knows it by — verb and path, path, or stage name. CloudFormation creates the replacement before " +
		"it deletes the old resource, so API Gateway rejects the duplicate (\"already exists\") and the stack rolls back",
	check: func(in *hazardInput, report func(Hazard)) {
		if !in.bothCloudFormation() {
			return
		}
		for _, h := range replaceCollisions(in.old, in.new, in.oldNodes, in.newNodes, in.rs) {
			report(h)
		}
	},
}

var hazardNameCollision = hazardKind{
	Kind: "name-collision", Severity: SeverityDanger,
	When: "CloudFormation: a resource with a custom name (an API key's or model's `Name`, `FunctionName`, `TableName`, " +
		"`BucketName`, `RoleName`, …) is replaced, or renamed, while keeping that name. CloudFormation creates the " +
		"replacement before deleting the old resource, so the name is taken and the update fails (\"CloudFormation cannot " +
		"update a stack when a custom-named resource requires replacing\")",
	Detail: "Give the resource a new name in the same change (the replacement then coexists with the old one until it is deleted), " +
		"or remove the name property and let CloudFormation generate one.",
	check: func(in *hazardInput, report func(Hazard)) {
		if !in.bothCloudFormation() {
			return
		}
		for _, c := range in.rs.changes {
			cn, ok := customNames.Get()[c.Type]
			if c.Action != ActionReplace || c.Replacement == ReplaceType || !ok {
				continue
			}
			n := in.newNodes[c.Address]
			if n == nil {
				continue
			}
			name := n.Properties().Get(cn.prop)
			if name == nil || name.Kind == model.Null || propChanged(c, cn.prop) || (cn.scope != "" && propChanged(c, cn.scope)) {
				continue
			}
			report(Hazard{Address: c.Address, Location: loc(keyRange(n.Properties(), cn.prop, n.Range)),
				Message: fmt.Sprintf("%s (%s) is replaced (%s) but keeps its %s %s: CloudFormation creates the replacement first, the name is taken, and the update fails",
					c.Address, c.Type, c.Reason, cn.prop, name.String())})
		}
	},
}

// customName is the property holding a resource's custom name, and the
// property the name is unique within ("" for the account and region).
type customName struct{ prop, scope string }

// customNames lists the CloudFormation types whose documentation says of
// their name property: "If you specify a name, you cannot perform updates
// that require replacement of this resource." Ref returns that name for
// the types in refIsName.
var customNames = lazy.Value[map[string]customName]{New: func() map[string]customName {
	return map[string]customName{
		"AWS::ApiGateway::ApiKey":   {prop: "Name"},
		"AWS::ApiGateway::Model":    {prop: "Name", scope: "RestApiId"},
		"AWS::Lambda::Function":     {prop: "FunctionName"},
		"AWS::Serverless::Function": {prop: "FunctionName"},
		"AWS::IAM::Role":            {prop: "RoleName"},
		"AWS::IAM::ManagedPolicy":   {prop: "ManagedPolicyName"},
		"AWS::DynamoDB::Table":      {prop: "TableName"},
		"AWS::S3::Bucket":           {prop: "BucketName"},
		"AWS::SQS::Queue":           {prop: "QueueName"},
		"AWS::SNS::Topic":           {prop: "TopicName"},
		"AWS::Logs::LogGroup":       {prop: "LogGroupName"},
	}
}}

// propChanged reports whether c changes property prop (or anything under
// it), as written or through a dependency.
func propChanged(c ResourceChange, prop string) bool {
	return slices.ContainsFunc(c.Changes, func(p PropertyChange) bool { return topProp(p.Path) == prop })
}

var hazardAPIKeyChanges = hazardKind{
	Kind: "api-key-changed", Severity: SeverityDanger,
	When: "an API key (`AWS::ApiGateway::ApiKey`, `aws_api_gateway_api_key`) is replaced without a fixed `Value`: API " +
		"Gateway generates a new key, and clients sending the old one get 403 Forbidden",
	Detail: "Set Value (value in Terraform) to the key clients use today, unchanged, or give clients the new key before the deploy.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, c := range in.rs.changes {
			if c.Action != ActionReplace || (c.Type != "AWS::ApiGateway::ApiKey" && c.Type != "aws_api_gateway_api_key") {
				continue
			}
			n := in.newNodes[c.Address]
			if n == nil {
				continue
			}
			prop := "Value"
			if strings.HasPrefix(c.Type, "aws_") {
				prop = "value"
			}
			if v := n.Properties().Get(prop); v != nil && v.Kind != model.Null {
				continue
			}
			report(Hazard{Address: c.Address, Location: c.Location,
				Message: fmt.Sprintf("API key %s is replaced (%s) without a fixed %s: API Gateway generates a new key, and clients sending the old one get 403 Forbidden", c.Address, c.Reason, prop)})
		}
	},
}

var hazardAPIReplaced = hazardKind{
	Kind: "api-replaced", Severity: SeverityDanger,
	When:   "the REST API itself is replaced: new API id, every invoke URL changes",
	Detail: "Clients and custom domain mappings that use the execute-api URL break. Avoid the replacing change, or plan the cut-over.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, c := range in.rs.changes {
			if c.Action == ActionReplace && isRestAPIType(c.Type) {
				report(Hazard{Address: c.Address, Location: c.Location,
					Message: fmt.Sprintf("REST API %s is replaced (%s): it gets a new API id, so every invoke URL changes", c.Address, c.Reason)})
			}
		}
	},
}

var hazardDataLoss = hazardKind{
	Kind: "data-loss", Severity: SeverityDanger,
	When:   "a DynamoDB table, S3 bucket, SQS queue, log group, RDS instance or cluster, Cognito user pool or KMS key is replaced or removed",
	Detail: "Set DeletionPolicy/UpdateReplacePolicy: Retain (CloudFormation) or lifecycle { prevent_destroy = true } (Terraform), or export the data first.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, c := range in.rs.changes {
			if (c.Action != ActionReplace && c.Action != ActionRemove) || !(statefulTypes.Get()[c.Type] || statefulTypes.Get()[c.OldType]) {
				continue
			}
			verb := "removed"
			if c.Action == ActionReplace {
				verb = "replaced (" + c.Reason + ")"
			}
			report(Hazard{Address: c.Address, Location: c.Location,
				Message: fmt.Sprintf("%s (%s) is %s: the data it holds is lost unless its DeletionPolicy retains it", c.Address, c.Type, verb)})
		}
	},
}

// naturalKeys maps the key API Gateway identifies an element by (a method
// by API, path and verb; a resource by API and path; a stage by API and
// name) to the logical id that declares it.
func naturalKeys(t *model.Template) map[string]string {
	n := 0
	for _, api := range t.APIs {
		n += len(api.Stages)
		for _, r := range api.Resources {
			n += 1 + len(r.Methods)
		}
	}
	keys := make(map[string]string, n)
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

// mayCollide reports whether replaceCollisions can find anything: a key
// collides when its element is replaced, or when it passes from a logical
// id the new side does not declare to one the old side did not. Most diffs
// have neither, and the two templates' keys (every method, resource and
// stage) need not be built and sorted to know it.
func mayCollide(old, new *model.Template, oldNodes, newNodes map[string]*model.Node, rs *resourceDiff) bool {
	for _, c := range rs.changes {
		if c.Action == ActionReplace {
			return true
		}
	}
	return keyedOutside(new, oldNodes) && keyedOutside(old, newNodes)
}

// keyedOutside reports whether an element naturalKeys keys in t has a
// logical id that is not in nodes.
func keyedOutside(t *model.Template, nodes map[string]*model.Node) bool {
	outside := func(id string) bool {
		_, ok := nodes[id]
		return id != "" && !ok
	}
	for _, api := range t.APIs {
		for _, r := range api.Resources {
			if outside(r.LogicalID) {
				return true
			}
			for _, m := range r.Methods {
				if outside(m.LogicalID) {
					return true
				}
			}
		}
		for _, st := range api.Stages {
			if !st.Implicit && outside(st.LogicalID) {
				return true
			}
		}
	}
	return false
}

// replaceCollisions finds elements whose replacement keeps the key API
// Gateway knows them by. CloudFormation creates a replacement before it
// deletes the old resource, so the create fails ("Method already exists",
// "Another resource with the same parent already has this name", "Stage
// already exists") and the stack rolls back: a renamed Method, or a
// Resource replaced with the same path part.
func replaceCollisions(old, new *model.Template, oldNodes, newNodes map[string]*model.Node, rs *resourceDiff) []Hazard {
	if !mayCollide(old, new, oldNodes, newNodes, rs) {
		return nil
	}
	return keyCollisions(old, new, oldNodes, newNodes, rs)
}

// keyCollisions is replaceCollisions without the shortcut.
func keyCollisions(old, new *model.Template, oldNodes, newNodes map[string]*model.Node, rs *resourceDiff) []Hazard {
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
