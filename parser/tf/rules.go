package tf

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleArgument = newRule("TF010", sevError,
	"unsupported argument (did-you-mean), in aws_api_gateway_* and aws_apigatewayv2_* resources and module calls",
	"`terraform validate` fails with \"Unsupported argument\".")

var ruleRequired = newRule("TF011", sevError,
	"missing required argument",
	"`terraform validate` fails with \"Missing required argument\".")

var ruleEnum = newRule("TF012", sevError,
	"invalid enum value, an ARN argument (credentials_arn, destination_arn, certificate_arn, ...) that is not an ARN, or a value longer or outside the range the provider takes (a name over 128 characters, authorizer_result_ttl_in_seconds over 3600)",
	"The provider rejects it at plan time.")

var ruleBlockType = newRule("TF013", sevError,
	"unsupported block type, block/argument confusion, or a block given more often than the provider takes (at most one cors_configuration, settings, ...)",
	"`terraform validate` fails with \"Unsupported block type\".")

var ruleTriggers = newRule("TF030", sevWarning,
	"deployment whose `triggers` (or `depends_on`) would not change when the methods and integrations (an `aws_apigatewayv2_deployment` a stage serves without `auto_deploy`: the routes and integrations) change",
	"The deployment is immutable: `apply` updates the methods but never redeploys, so the change never goes live.")

var ruleResourceType = newRule("TF018", sevError,
	"an API Gateway resource type the AWS provider does not have, close to one it has (aws_api_gatewayv2_api, aws_apigateway2_route)",
	"`terraform validate` fails (\"The provider hashicorp/aws does not support resource type\"); cfnrun would otherwise read nothing of it.")

// apiGatewayTypes are the AWS provider's API Gateway resource types (v1
// and v2), modelled or not: a type close to one of them but not among them
// is a typo (TF018).
var apiGatewayTypes = []string{
	"aws_api_gateway_account", "aws_api_gateway_api_key", "aws_api_gateway_authorizer", "aws_api_gateway_base_path_mapping",
	"aws_api_gateway_client_certificate", "aws_api_gateway_deployment", "aws_api_gateway_documentation_part",
	"aws_api_gateway_documentation_version", "aws_api_gateway_domain_name", "aws_api_gateway_domain_name_access_association",
	"aws_api_gateway_gateway_response", "aws_api_gateway_integration", "aws_api_gateway_integration_response",
	"aws_api_gateway_method", "aws_api_gateway_method_response", "aws_api_gateway_method_settings", "aws_api_gateway_model",
	"aws_api_gateway_request_validator", "aws_api_gateway_resource", "aws_api_gateway_rest_api", "aws_api_gateway_rest_api_policy",
	"aws_api_gateway_rest_api_put", "aws_api_gateway_stage", "aws_api_gateway_usage_plan", "aws_api_gateway_usage_plan_key",
	"aws_api_gateway_vpc_link",
	"aws_apigatewayv2_api", "aws_apigatewayv2_api_mapping", "aws_apigatewayv2_authorizer", "aws_apigatewayv2_deployment",
	"aws_apigatewayv2_domain_name", "aws_apigatewayv2_integration", "aws_apigatewayv2_integration_response", "aws_apigatewayv2_model",
	"aws_apigatewayv2_route", "aws_apigatewayv2_route_response", "aws_apigatewayv2_routing_rule", "aws_apigatewayv2_stage",
	"aws_apigatewayv2_vpc_link",
}

// checkResourceType reports a resource type that misspells one of the
// provider's API Gateway types: compared without underscores, at most one
// letter apart (aws_api_gatewayv2_api, aws_apigateway2_api).
func (l *loader) checkResourceType(r *resource) {
	if !strings.HasPrefix(r.typ, "aws_") || !strings.Contains(r.typ, "gateway") && !strings.Contains(r.typ, "apigw") {
		return
	}
	if slices.Contains(apiGatewayTypes, r.typ) {
		return
	}
	squash := func(s string) string { return strings.ReplaceAll(s, "_", "") }
	norm := squash(r.typ)
	for _, k := range apiGatewayTypes {
		if editWithin1(norm, squash(k)) {
			l.diagOnce(ruleResourceType.errorf(r.typeRange, r.typ+"."+r.name, fmt.Sprintf("Did you mean %q?", k),
				"the AWS provider has no resource type %q", r.typ))
			return
		}
	}
}

// editWithin1 reports whether a and b are at most one insertion, deletion
// or substitution apart.
func editWithin1(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+min(1, len(a)-i):] == b[i+min(1, len(b)-i):]
	}
	return a[i+1:] == b[i:]
}

var ruleCycle = newRule("TF040", sevError,
	"dependency cycle, or a local that refers to itself",
	"Terraform fails with \"Cycle\"; printed from the smallest address.")

// validate runs what `terraform validate` with the AWS provider would
// reject on the modelled types, the deployment-triggers rule, and the
// cycle check.
func (l *loader) validate(t *model.Template) {
	checked := map[*resource]bool{}
	for _, in := range l.insts {
		if in.res.data {
			continue
		}
		s := schemas.Get()[in.res.typ]
		if s == nil {
			continue
		}
		// Schema problems are per configuration block, not per instance;
		// values differ per instance (each.value, count.index, a module
		// call's inputs), and one the provider refuses in any instance
		// fails the plan. A value that is the same in every instance is
		// reported once, at the first.
		if checked[in.res] {
			n := len(l.diags)
			l.checkInstanceValues(in, s)
			for i := n; i < len(l.diags); i++ {
				l.diags[i].Detail = strings.TrimSpace(l.diags[i].Detail + " (The value of " + in.addr + ".)")
			}
			continue
		}
		checked[in.res] = true
		l.checkSchema(in, s)
	}
	typed := map[*resource]bool{}
	for _, in := range l.insts {
		if !in.res.data && !typed[in.res] {
			typed[in.res] = true
			l.checkResourceType(in.res)
		}
		if !in.res.data && (in.res.typ == "aws_api_gateway_deployment" || in.res.typ == "aws_apigatewayv2_deployment") {
			l.checkTriggers(in)
		}
		in.mi.checkDependsOn(in.res.dependsOn, in.addr)
	}
	for _, c := range model.Cycles(t.Nodes) {
		first := c.Edges[0]
		l.diagOnce(ruleCycle.at(diag.Error, first.Range, c.Path[0], "Break the cycle: remove one of the references or depends_on entries.", "dependency cycle: %s", c))
	}
}

// checkSchema validates one resource block against its type's schema.
func (l *loader) checkSchema(in *instance, s *typeSchema) {
	l.checkBody(in, s, "", in.res.body, in.res.declRange)
}

func (l *loader) checkBody(in *instance, s *typeSchema, path string, body hcl.Body, blockRange hcl.Range) {
	names := map[string]bool{}
	written := map[string]int{} // literal (not dynamic) blocks by type
	cands := make([]string, 0, len(s.args))
	for n := range s.args {
		cands = append(cands, n)
	}
	slices.Sort(cands)
	report := func(n string, nameRange hcl.Range, isBlock bool) {
		// id: the plugin SDK gives every resource an optional, computed id
		// attribute (hashicorp/terraform-plugin-sdk#607), which terraform
		// validate accepts in a configuration and the provider ignores.
		if path == "" && (metaArgs[n] || n == "id" && !isBlock) {
			return
		}
		a, ok := s.args[n]
		what := "argument"
		if isBlock {
			what = "block type"
		}
		if !ok {
			rule := ruleArgument
			if isBlock {
				rule = ruleBlockType
			}
			hint := diag.DidYouMean(n, cands)
			if hint == "" && path == "" {
				for _, c := range otherVersionNames.Get()[n] {
					if _, ok := s.args[c]; ok {
						verb := "Did you mean %q?"
						if sb, ok := body.(*hclsyntax.Body); ok && sb.Attributes[c] != nil {
							verb = "Remove it: %q is set."
						}
						hint = fmt.Sprintf(verb+" %s is what %s calls it.", c, n, map[bool]string{true: "the REST API (aws_api_gateway_*) version", false: "the HTTP/WebSocket API (aws_apigatewayv2_*) version"}[strings.HasPrefix(in.res.typ, "aws_apigatewayv2_")])
						break
					}
				}
			}
			if hint == "" {
				hint = fmt.Sprintf("Valid names here: %s.", strings.Join(cands, ", "))
			}
			if n == "auto_deploy" {
				hint = "auto_deploy belongs to aws_apigatewayv2_stage (HTTP and WebSocket APIs); REST API stages are deployed with aws_api_gateway_deployment."
			}
			where := in.res.typ
			if path != "" {
				where = strings.TrimSuffix(path, ".") + " block of " + in.res.typ
			}
			if path == "" && !isBlock && slices.Contains(s.attrs, n) {
				// Terraform: "Value for unconfigurable attribute".
				l.diagOnce(rule.errorf(nameRange, in.addr, fmt.Sprintf("Remove it: AWS decides %s, and references read it as %s.%s.%s.", n, in.res.typ, in.res.name, n),
					"%q of %s is an attribute the provider computes, not an argument", n, in.res.typ))
				return
			}
			l.diagOnce(rule.errorf(nameRange, in.addr, hint, "unsupported %s %q in %s", what, n, where))
			return
		}
		if isBlock != (a.kind == kBlock) {
			if a.kind == kBlock {
				l.diagOnce(ruleBlockType.errorf(nameRange, in.addr, fmt.Sprintf("Write it as a block: %s { ... }.", n), "%q is a block, not an argument", n))
			} else {
				l.diagOnce(ruleArgument.errorf(nameRange, in.addr, fmt.Sprintf("Write it as an argument: %s = ....", n), "%q is an argument, not a block", n))
			}
		}
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for n, a := range sb.Attributes {
			names[n] = true
			report(n, a.NameRange, false)
		}
		for _, b := range sb.Blocks {
			typ := b.Type
			rng := b.TypeRange
			if typ == "dynamic" && len(b.Labels) == 1 {
				typ = b.Labels[0]
				rng = b.LabelRanges[0]
				names[typ] = true
				report(typ, rng, true)
				for _, cb := range b.Body.Blocks {
					if cb.Type == "content" {
						if a := s.args[typ]; a != nil && a.block != nil {
							l.checkBody(in, a.block, path+typ+".", cb.Body, cb.TypeRange)
						}
					}
				}
				continue
			}
			written[typ]++
			if written[typ] > 1 {
				if a := s.args[typ]; a != nil && a.kind == kBlock && !a.many {
					// Terraform: "Too many NAME blocks".
					l.diagOnce(ruleBlockType.errorf(rng, in.addr, fmt.Sprintf("Merge the %s blocks into one.", typ),
						"too many %s blocks in %s: the provider takes at most one", typ, in.res.typ))
				}
			}
			names[typ] = true
			report(typ, rng, true)
			if a := s.args[typ]; a != nil && a.block != nil {
				l.checkBody(in, a.block, path+typ+".", b.Body, b.TypeRange)
			}
		}
	} else if path == "" {
		attrs, _ := body.JustAttributes()
		for n, a := range attrs {
			if n == "dynamic" {
				// JSON's "dynamic": {"BLOCK_TYPE": {...}}: the block
				// types it makes are given (their contents are not
				// checked: cfnrun does not expand JSON dynamic blocks).
				pairs, _ := hcl.ExprMap(a.Expr)
				for _, p := range pairs {
					if k, ds := p.Key.Value(nil); !ds.HasErrors() && k.Type() == cty.String && k.IsKnown() {
						names[k.AsString()] = true
					}
				}
				continue
			}
			names[n] = true
			if _, ok := s.args[n]; !ok {
				report(n, a.NameRange, false)
			}
		}
	}
	for _, n := range cands {
		a := s.args[n]
		if a.required && !names[n] && !(path == "" && sharedRuleReports[in.res.typ+"."+n]) {
			if a.kind == kBlock {
				// Terraform: "Insufficient NAME blocks".
				l.diagOnce(ruleRequired.errorf(blockRange, in.addr, fmt.Sprintf("Add a %s { ... } block to the %s.", n, map[bool]string{true: "resource", false: "block"}[path == ""]), "missing required block %q in %s", path+n, in.res.typ))
				continue
			}
			l.diagOnce(ruleRequired.errorf(blockRange, in.addr, fmt.Sprintf("Add %s = ... to the %s.", n, map[bool]string{true: "resource block", false: "block"}[path == ""]), "missing required argument %q in %s", path+n, in.res.typ))
		}
	}
	if path != "" {
		return
	}
	// Values: enum and kind checks on every instance-independent value we
	// evaluated (the first instance's).
	l.checkInstanceValues(in, s)
}

func (l *loader) checkValues(in *instance, s *typeSchema, path string, obj cty.Value) {
	if obj == cty.NilVal || !obj.IsKnown() || obj.IsNull() || !obj.Type().IsObjectType() {
		return
	}
	l.checkArgs(in, s, path, func(n string) (cty.Value, bool) {
		if !obj.Type().HasAttribute(n) {
			return cty.NilVal, false
		}
		return obj.GetAttr(n), true
	})
}

// checkInstanceValues is checkValues on an instance's arguments, read
// from its map: building their object value (argsValue) for each of a
// for_each's instances was a fifth of validate's time on 200 routes.
func (l *loader) checkInstanceValues(in *instance, s *typeSchema) {
	l.checkArgs(in, s, "", func(n string) (cty.Value, bool) {
		v, ok := in.argv[n]
		return v, ok
	})
}

// checkArgs checks the arguments get finds (by name) against s.
func (l *loader) checkArgs(in *instance, s *typeSchema, path string, get func(string) (cty.Value, bool)) {
	for n, a := range s.args {
		v, ok := get(n)
		if !ok {
			continue
		}
		rng := in.ranges[path+n]
		if v.IsNull() || !v.IsWhollyKnown() {
			continue
		}
		switch a.kind {
		case kBlock:
			bs := blockList(v)
			if len(bs) > 1 && !a.many && path == "" && dynamicOf(in.res.body, n) {
				// A dynamic block that generates more than one (written
				// blocks are counted in checkBody).
				l.diagOnce(ruleBlockType.errorf(rng, in.addr, fmt.Sprintf("Give the dynamic %q block's for_each at most one element.", n),
					"too many %s blocks in %s: the dynamic block makes %d, the provider takes at most one", n, in.res.typ, len(bs)))
			}
			for _, b := range bs {
				if _, native := in.res.body.(*hclsyntax.Body); !native && b.Type().IsObjectType() {
					// A .tf.json block's names (checkBody reads a JSON
					// body's top-level names only).
					cands := slices.Sorted(maps.Keys(a.block.args))
					for _, bn := range slices.Sorted(maps.Keys(b.Type().AttributeTypes())) {
						if _, ok := a.block.args[bn]; !ok {
							l.diagOnce(ruleArgument.errorf(rng, in.addr, cmp.Or(diag.DidYouMean(bn, cands), "Valid names here: "+strings.Join(cands, ", ")+"."),
								"unsupported argument %q in %s block of %s", bn, path+n, in.res.typ))
						}
					}
					for _, bn := range cands {
						if a.block.args[bn].required && !b.Type().HasAttribute(bn) {
							l.diagOnce(ruleRequired.errorf(rng, in.addr, fmt.Sprintf("Add %q to the block.", bn),
								"missing required argument %q in %s", path+n+"."+bn, in.res.typ))
						}
					}
				}
				l.checkValues(in, a.block, path+n+".", b)
			}
			continue
		case kString:
			if !v.Type().IsPrimitiveType() {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give a string value.", "incorrect value type for %q: string required, got %s", n, typeString(v.Type())))
				continue
			}
			if a.maxLen > 0 {
				if s := ctyString(v); len(s) > a.maxLen && !strings.Contains(s, "${") {
					l.diagOnce(ruleEnum.errorf(rng, in.addr, fmt.Sprintf("Shorten it to %d characters or fewer.", a.maxLen),
						"%s is %d characters long; the provider takes at most %d", path+n, len(s), a.maxLen))
				}
			}
			if a.arn {
				// "${...}": the text an undeclared reference stands for
				// (reported as TF003), not a value.
				if s := ctyString(v); s != "" && !strings.Contains(s, "${") {
					if why := arnProblem(s); why != "" {
						l.diagOnce(ruleEnum.errorf(rng, in.addr, "Give the resource's ARN (its arn attribute, such as aws_iam_role.x.arn or aws_cloudwatch_log_group.x.arn), not its name or id.",
							"%s %q is not an ARN: %s", path+n, s, why))
					}
				}
			}
			if len(a.enum) > 0 {
				s := ctyString(v)
				if n == "connection_type" && strings.EqualFold(s, model.ConnectionHTTP2) {
					continue // cfnrun's extension; the shared model rules report it
				}
				if sharedRuleReports[in.res.typ+"."+path+n] {
					continue
				}
				if !slices.Contains(a.enum, s) && !(a.fold && slices.ContainsFunc(a.enum, func(e string) bool { return strings.EqualFold(e, s) })) {
					hint := diag.DidYouMean(s, a.enum)
					if hint == "" {
						hint = "Valid values: " + strings.Join(a.enum, ", ") + "."
					} else {
						hint += " Valid values: " + strings.Join(a.enum, ", ") + "."
					}
					l.diagOnce(ruleEnum.errorf(rng, in.addr, hint, "invalid value %q for %s", s, path+n))
				}
			}
		case kBool:
			if _, err := convert.Convert(v, cty.Bool); err != nil {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give true or false.", "incorrect value type for %q: bool required", n))
			}
		case kNumber:
			nv, err := convert.Convert(v, cty.Number)
			if err != nil {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give a number.", "incorrect value type for %q: number required", n))
			} else if a.hi > 0 {
				if f, _ := nv.AsBigFloat().Float64(); f < a.lo || f > a.hi {
					l.diagOnce(ruleEnum.errorf(rng, in.addr, fmt.Sprintf("Give a number from %g to %g.", a.lo, a.hi),
						"%s %g is outside %g–%g", path+n, f, a.lo, a.hi))
				}
			}
		case kList:
			if _, err := convert.Convert(v, cty.List(cty.String)); err != nil {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give a list of strings, such as [\"a\", \"b\"].", "incorrect value type for %q: list of string required, got %s", n, typeString(v.Type())))
			}
		case kMap:
			if _, err := convert.Convert(v, cty.Map(cty.String)); err != nil {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give a map of strings, such as { key = \"value\" }.", "incorrect value type for %q: map of string required, got %s", n, typeString(v.Type())))
			}
		case kMapB:
			if _, err := convert.Convert(v, cty.Map(cty.Bool)); err != nil {
				l.diagOnce(ruleValue.errorf(rng, in.addr, "Give a map of bools, such as { \"method.request.path.id\" = true }.", "incorrect value type for %q: map of bool required, got %s", n, typeString(v.Type())))
			}
		}
	}
}

// arnPatterns are verify.ValidARN's partition, region and account
// patterns, compiled on first use (not at every start-up); where provider
// versions differ, the more permissive (a region's number of one or two
// digits, the aws-marketplace account).
var arnPatterns = lazy.Value[[3]*regexp.Regexp]{New: func() [3]*regexp.Regexp {
	return [3]*regexp.Regexp{
		regexp.MustCompile(`^aws(-[a-z]+)*$`),
		regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`),
		regexp.MustCompile(`^(aws|aws-managed|aws-marketplace|third-party|\d{12}|cw.{10})$`),
	}
}}

// arnProblem is why the provider's verify.ValidARN refuses s ("" when it
// does not): arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, the partition
// aws or aws-*, the region empty or like us-east-1, the account empty, 12
// digits or aws, the resource not empty.
func arnProblem(s string) string {
	parts := strings.SplitN(s, ":", 6)
	re := arnPatterns.Get()
	arnPartition, arnRegion, arnAccount := re[0], re[1], re[2]
	switch {
	case !strings.HasPrefix(s, "arn:"):
		return "it does not start with arn:"
	case len(parts) < 6:
		return "it has fewer than six colon-separated sections"
	case !arnPartition.MatchString(parts[1]):
		return fmt.Sprintf("invalid partition %q", parts[1])
	case parts[3] != "" && !arnRegion.MatchString(parts[3]):
		return fmt.Sprintf("invalid region %q", parts[3])
	case parts[4] != "" && !arnAccount.MatchString(parts[4]):
		return fmt.Sprintf("invalid account ID %q", parts[4])
	case parts[5] == "":
		return "it has no resource part"
	}
	return ""
}

// dynamicOf reports whether body has a dynamic block generating typ.
func dynamicOf(body hcl.Body, typ string) bool {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return false
	}
	for _, b := range sb.Blocks {
		if b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ {
			return true
		}
	}
	return false
}

// otherVersionNames are the names one API Gateway version's resources
// give an argument the other version names otherwise
// (aws_api_gateway_stage's stage_name is aws_apigatewayv2_stage's name):
// the did-you-mean for an argument written in the other version's terms.
var otherVersionNames = lazy.Value[map[string][]string]{New: func() map[string][]string {
	return map[string][]string{
		"rest_api_id": {"api_id"}, "api_id": {"rest_api_id"},
		"stage_name": {"name"}, "name": {"stage_name"},
		"variables": {"stage_variables"}, "stage_variables": {"variables"},
		"type": {"integration_type", "authorizer_type"}, "integration_type": {"type"}, "authorizer_type": {"type"},
		"uri": {"integration_uri", "authorizer_uri"}, "integration_uri": {"uri"},
		"integration_http_method": {"integration_method"}, "integration_method": {"integration_http_method"},
		"content_handling": {"content_handling_strategy"}, "content_handling_strategy": {"content_handling"},
		"credentials": {"credentials_arn"}, "credentials_arn": {"credentials"},
		"authorizer_credentials": {"authorizer_credentials_arn"}, "authorizer_credentials_arn": {"authorizer_credentials"},
		"authorization": {"authorization_type"}, "authorization_type": {"authorization"},
		"identity_source": {"identity_sources"}, "identity_sources": {"identity_source"},
		"timeout_in_millis": {"timeout_milliseconds"},
	}
}}

// sharedRuleReports are required arguments whose absence the shared model
// rules already report (so one problem is one finding).
var sharedRuleReports = map[string]bool{
	"aws_api_gateway_stage.deployment_id": true, // E3202
	"aws_api_gateway_method.http_method":  true, // E3218 (enum)
}

func blockList(v cty.Value) []cty.Value {
	if v.Type().IsObjectType() {
		return []cty.Value{v}
	}
	if v.CanIterateElements() {
		return elements(v)
	}
	return nil
}

// checkTriggers is the deployment-triggers rule (TF030): an
// aws_api_gateway_deployment is immutable, so unless its triggers change
// when the API's methods and integrations change, `terraform apply`
// updates them and never redeploys: the change does not go live.
//
// An aws_apigatewayv2_deployment is as immutable; it matters only when a
// stage that does not deploy by itself (auto_deploy) serves it
// (deployment_id), and its routes and integrations are what change.
func (l *loader) checkTriggers(in *instance) {
	mi := in.mi
	v2 := in.res.typ == "aws_apigatewayv2_deployment"
	idArg, watchTypes, apiType := "rest_api_id", [2]string{"aws_api_gateway_method", "aws_api_gateway_integration"}, "aws_api_gateway_rest_api"
	if v2 {
		idArg, watchTypes, apiType = "api_id", [2]string{"aws_apigatewayv2_route", "aws_apigatewayv2_integration"}, "aws_apigatewayv2_api"
		if !l.pinnedV2Deployment(in) {
			return
		}
	}
	apiID := in.str(idArg)
	if apiID == "" {
		return
	}
	// What could change: methods and integrations of the same API (in
	// any module), and the API's body.
	var watched []string // module-local keys, or full addresses elsewhere
	watchedSet := map[string]bool{}
	apiKey := ""
	var apiBody hclsyntax.Expression // the REST API's body argument
	for _, other := range mi.l.insts {
		if other.res.data {
			continue
		}
		switch other.res.typ {
		case watchTypes[0], watchTypes[1]:
			if other.str(idArg) != apiID {
				continue
			}
			k := other.res.key()
			if other.mi != mi {
				k = strings.TrimSuffix(other.mi.prefix, ".") + "." + k
			}
			if !watchedSet[k] {
				watchedSet[k] = true
				watched = append(watched, k)
			}
		case apiType:
			if other.attrs["id"] == apiID && other.has("body") && other.mi == mi {
				apiKey = other.res.key()
				if b, ok := other.res.body.(*hclsyntax.Body); ok && b.Attributes["body"] != nil {
					apiBody = b.Attributes["body"].Expr
				}
			}
		}
	}
	if len(watched) == 0 && apiKey == "" {
		return
	}
	body, _ := in.res.body.(*hclsyntax.Body)
	var trig *hclsyntax.Attribute
	if body != nil {
		// triggers, or (provider v5) the arguments that force a new
		// deployment when they change.
		for _, n := range []string{"triggers", "stage_description", "variables"} {
			if a := body.Attributes[n]; a != nil && len(a.Expr.Variables()) > 0 || (a != nil && n == "triggers") {
				trig = a
				break
			}
		}
	}
	hint := "Add triggers = { redeployment = sha1(jsonencode([" + strings.Join(firstN(wholeRefs(watched, apiKey), 3), ", ") + "])) } and lifecycle { create_before_destroy = true }, so a change to any of them replaces the deployment (jsonencode the whole resources: their ids do not change on in-place updates)."
	if trig == nil {
		what := "no triggers"
		if len(in.res.dependsOn) > 0 {
			what = "depends_on but no triggers (depends_on orders the first apply only)"
		}
		what2 := "methods"
		if v2 {
			what2 = "routes"
		}
		l.diagOnce(ruleTriggers.warnf(in.res.declRange, in.addr, hint, "deployment has %s: later changes to %s and integrations will not be redeployed", what, what2))
		return
	}
	refs, dynamic := mi.referencedKeys(trig.Expr, map[string]bool{})
	if dynamic {
		return
	}
	if apiKey != "" && (refs[apiKey] || sameSource(apiBody, trig.Expr)) {
		return
	}
	if apiKey != "" && len(watched) == 0 {
		if _, read := refs[apiKey]; read {
			l.diagOnce(ruleTriggers.warnf(trig.Expr.Range(), in.addr, "Use "+apiKey+".body (or jsonencode the whole "+apiKey+") in the triggers.", "deployment triggers read only the REST API's id, which does not change when its body changes: the change will not be redeployed"))
			return
		}
	}
	var missing []string
	idOnly := 0
	for _, k := range watched {
		if !refs[k] {
			missing = append(missing, k)
			if _, read := refs[k]; read {
				idOnly++
			}
		}
	}
	if len(missing) == 0 || (apiKey != "" && len(watched) == 0) {
		if apiKey != "" && len(watched) == 0 && !refs[apiKey] {
			l.diagOnce(ruleTriggers.warnf(trig.Expr.Range(), in.addr, "Add "+apiKey+".body to the triggers.", "deployment triggers do not change when the REST API's body changes: the change will not be redeployed"))
		}
		return
	}
	list := strings.Join(firstN(missing, 3), ", ")
	if len(missing) > 3 {
		list += fmt.Sprintf(" and %d more", len(missing)-3)
	}
	fix := "Add them to the triggers expression as whole resources: sha1(jsonencode([" + strings.Join(firstN(wholeRefs(missing, ""), 3), ", ") + "]))."
	if idOnly == len(missing) {
		l.diagOnce(ruleTriggers.warnf(trig.Expr.Range(), in.addr, "Reference the whole resources instead of their ids: sha1(jsonencode(["+strings.Join(firstN(wholeRefs(missing, ""), 3), ", ")+"])).", "deployment triggers read only the ids of %s, which do not change on in-place updates: changes to them will not be redeployed", list))
		return
	}
	l.diagOnce(ruleTriggers.warnf(trig.Expr.Range(), in.addr, fix, "deployment triggers do not watch %s: changes to them will not be redeployed", list))
}

// pinnedV2Deployment reports whether an aws_apigatewayv2_deployment is
// what a stage serves without deploying by itself: a stage of the same
// API whose deployment_id is this deployment's id and whose auto_deploy
// is not true.
func (l *loader) pinnedV2Deployment(in *instance) bool {
	id := in.attrs["id"]
	if id == "" {
		return false
	}
	for _, st := range in.mi.l.insts {
		if st.res.data || st.res.typ != "aws_apigatewayv2_stage" || st.str("api_id") != in.str("api_id") {
			continue
		}
		if st.str("deployment_id") == id && !st.boolean("auto_deploy") {
			return true
		}
	}
	return false
}

// wholeRefs turns watched keys into expressions a triggers map can use:
// whole resources in the same module (jsonencode of the object changes on
// any update, its id only on replacement), the module itself for resources
// inside a module call (its outputs change with them).
func wholeRefs(keys []string, apiKey string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if apiKey != "" {
		add(apiKey + ".body")
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "module.") {
			parts := strings.SplitN(k, ".", 3)
			add(strings.Join(parts[:2], "."))
			continue
		}
		add(k)
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// identityAttrs are the attributes of API Gateway resources whose values
// change only when the resource is replaced: a triggers expression that
// reads only these does not see in-place updates. The provider's docs say
// as much of .id references: they "satisfy ordering considerations, but
// not pick up all future REST API changes". diff/hazards.go's triggered
// uses the same set.
var identityAttrs = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{
		"id": true, "rest_api_id": true, "resource_id": true, "http_method": true, "parent_id": true,
		"arn": true, "execution_arn": true, "root_resource_id": true, "created_date": true,
	}
}}

// referencedKeys returns the resource keys expr reads, following locals:
// true when it reads the whole object or an attribute that changes on an
// in-place update, false when it reads only identity attributes (ids).
// dynamic is true when it calls timestamp() or reads a module output,
// whose change cannot be predicted here (treated as "changes").
func (mi *modInst) referencedKeys(expr hcl.Expression, seenLocals map[string]bool) (map[string]bool, bool) {
	out := map[string]bool{}
	dynamic := false
	// idSplats are the sources of splats that read only an identity
	// attribute (aws_api_gateway_method.m[*].id): Variables() cuts the
	// .id off them.
	idSplats := map[hcl.Range]bool{}
	if sx, ok := expr.(hclsyntax.Expression); ok {
		hclsyntax.VisitAll(sx, func(n hclsyntax.Node) hcl.Diagnostics {
			switch n := n.(type) {
			case *hclsyntax.FunctionCallExpr:
				if n.Name == "timestamp" || n.Name == "uuid" {
					dynamic = true
				}
			case *hclsyntax.SplatExpr:
				src, ok1 := n.Source.(*hclsyntax.ScopeTraversalExpr)
				each, ok2 := n.Each.(*hclsyntax.RelativeTraversalExpr)
				if ok1 && ok2 && len(each.Traversal) > 0 {
					if a, ok := each.Traversal[0].(hcl.TraverseAttr); ok && identityAttrs.Get()[a.Name] {
						idSplats[src.SrcRange] = true
					}
				}
			}
			return nil
		})
	}
	for _, tr := range expr.Variables() {
		switch root := tr.RootName(); root {
		case "local":
			name, ok := attrStep(tr, 1)
			if !ok || seenLocals[name] {
				continue
			}
			seenLocals[name] = true
			if a := mi.m.locals[name]; a != nil {
				sub, dyn := mi.referencedKeys(a.Expr, seenLocals)
				dynamic = dynamic || dyn
				for k, whole := range sub {
					out[k] = out[k] || whole
				}
			}
		case "module":
			dynamic = true
		case "var", "path", "terraform", "count", "each", "self", "data":
		default:
			if n, ok := attrStep(tr, 1); ok {
				k := root + "." + n
				out[k] = out[k] || !(identityOnly(tr) || idSplats[tr.SourceRange()])
			}
		}
	}
	return out, dynamic
}

// sameSource reports whether the triggers read what the REST API's body
// is made of when the body is nothing but a reference
// (body = data.template_file.spec.rendered, local.spec, var.spec): the
// triggers then change with the body (triggers = { redeploy =
// sha1(data.template_file.spec.rendered) }).
func sameSource(body, trig hcl.Expression) bool {
	st, ok := body.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return false
	}
	src := sourceKey(st.Traversal)
	if src == "" {
		return false
	}
	for _, tr := range trig.Variables() {
		if sourceKey(tr) == src {
			return true
		}
	}
	return false
}

// sourceKey names what a traversal reads: data.TYPE.NAME, local.NAME or
// var.NAME; "" for anything else.
func sourceKey(tr hcl.Traversal) string {
	switch root := tr.RootName(); root {
	case "data":
		t, ok1 := attrStep(tr, 1)
		n, ok2 := attrStep(tr, 2)
		if ok1 && ok2 {
			return "data." + t + "." + n
		}
	case "local", "var":
		if n, ok := attrStep(tr, 1); ok {
			return root + "." + n
		}
	}
	return ""
}

// identityOnly reports whether a resource traversal (type.name[key].attr…)
// reads an identity attribute rather than the whole object. A traversal
// that stops at the resource (or goes on through a splat, which
// Variables() cuts off) reads the whole object.
func identityOnly(tr hcl.Traversal) bool {
	for _, st := range tr[2:] {
		switch s := st.(type) {
		case hcl.TraverseIndex:
			continue
		case hcl.TraverseAttr:
			return identityAttrs.Get()[s.Name]
		default:
			return false
		}
	}
	return false
}

// checkDependsOn reports depends_on entries naming nothing declared.
func (mi *modInst) checkDependsOn(deps []hcl.Traversal, addr string) {
	for _, tr := range deps {
		root := tr.RootName()
		var key string
		switch root {
		case "var", "local":
			// An input variable or local: ordering through it is allowed
			// (the references inside it are what Terraform waits for).
			n, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			if root == "var" && mi.m.varByName[n] == nil {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), addr, cmp.Or(diag.DidYouMean(n, diag.Names(mi.m.varByName)), "Declare it with a variable block."), "depends_on refers to undeclared input variable %q", n))
			}
			if root == "local" && mi.m.locals[n] == nil {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), addr, cmp.Or(diag.DidYouMean(n, diag.Names(mi.m.locals)), "Declare it in a locals block."), "depends_on refers to undeclared local value %q", n))
			}
			continue
		case "module":
			n, ok := attrStep(tr, 1)
			if ok && mi.m.calls[n] == nil {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), addr, cmp.Or(diag.DidYouMean(n, diag.Names(mi.m.calls)), "Declare it with a module block."), "depends_on refers to undeclared module %q", n))
			}
			continue
		case "data":
			t, ok1 := attrStep(tr, 1)
			n, ok2 := attrStep(tr, 2)
			if !ok1 || !ok2 {
				continue
			}
			key = "data." + t + "." + n
		default:
			n, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			key = root + "." + n
		}
		if mi.m.resources[key] != nil {
			continue
		}
		var cands []string
		for _, r := range mi.m.resList {
			cands = append(cands, r.key())
		}
		mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), addr, cmp.Or(diag.DidYouMean(key, cands), "depends_on takes resources, data sources and modules declared in this module."), "depends_on refers to undeclared %s", mi.prefix+key))
	}
}
