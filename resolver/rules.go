package resolver

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Rule ids of the model rules both template languages share
// (docs/rules.md documents each).
const (
	ruleStageTwice        = "E3201"
	ruleStageNoDeployment = "E3202"
	ruleStageDeployment   = "E3203"
	ruleExtHTTP2Stage     = "E9001"
	ruleExtHTTP2Conn      = "E9002"
	ruleDuplicatePath     = "E3205"
	ruleGreedyNotLast     = "E3206"
	rulePathPart          = "E3207"
	ruleNoURI             = "E3208"
	ruleBadURI            = "E3209"
	ruleURIPlaceholder    = "E3210"
	ruleParamMapping      = "E3211"
	ruleMockStatus        = "W3212"
	ruleTimeout           = "E3213"
	ruleTimeoutQuota      = "W3225"
	ruleNoIntegration     = "E3214"
	ruleResponseStatus    = "E3215"
	ruleResponseParam     = "E3216"
	ruleNoIntegMethod     = "E3217"
	ruleHTTPMethod        = "E3218"
	ruleStageName         = "E3219"
	ruleNotDeployed       = "W3220"
	ruleDuplicateMethod   = "E3221"
	ruleVPCLink           = "E3222"
	ruleStageVariable     = "E3223"
	ruleDeployNoMethods   = "E3224"
)

var (
	pathPartRe   = regexp.MustCompile(`^(?:[a-zA-Z0-9._:@~!$&'()*+,;=-]+|\{[a-zA-Z0-9._-]+\+?\})$`)
	stageNameRe  = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	stageVarName = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
	stageVarVal  = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#&=,]+$`)
	placeholder  = regexp.MustCompile(`\{([^{}$]+)\}`)
	validMethods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
)

// CheckModel runs the API Gateway rules that do not depend on the
// template language, on a resolved model. Both front ends call it.
func CheckModel(t *model.Template, allowExtensions bool) diag.Diagnostics {
	h := hints{t.Format}
	var ds diag.Diagnostics
	add := func(d diag.Diagnostic) { ds = append(ds, d) }
	ext := extensionReporter(allowExtensions, add)
	for _, api := range t.APIs {
		// Stages.
		byName := map[string]*model.Stage{}
		deployments := map[string]*model.Deployment{}
		for _, d := range api.Deployments {
			deployments[d.ID] = d
		}
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
			reach := reachable(t, st.LogicalID)
			for _, x := range stages {
				if !x.Implicit && x.Name == st.Name && reach[x.LogicalID] {
					updates[st] = true
				}
			}
		}
		for _, st := range stages {
			nameRng := st.Props.At("StageName", st.Range)
			if first, dup := byName[st.Name]; updates[st] {
				// updates the stage created by the Stage resource
			} else if dup {
				by := "stage " + first.LogicalID
				if first.Implicit {
					by = h.pick("the StageName", "the stage_name") + " of deployment " + first.LogicalID
				}
				add(diag.Errorf(ruleStageTwice, nameRng, st.LogicalID,
					fmt.Sprintf("Stage %q is already created by %s (line %d); "+h.pick("CloudFormation", "terraform apply")+" fails with \"%s already exists\". "+h.pick("Remove StageName from the deployment and keep the AWS::ApiGateway::Stage, or use another stage name.", "Remove stage_name from the aws_api_gateway_deployment and keep the aws_api_gateway_stage, or use another stage name."), st.Name, by, first.Props.At("StageName", first.Range).Start.Line, st.Name),
					"stage %q is created twice", st.Name))
			} else {
				byName[st.Name] = st
			}
			if !stageNameRe.MatchString(st.Name) && st.Name != "" {
				add(diag.Errorf(ruleStageName, nameRng, st.LogicalID, "Stage names may contain only a-z, A-Z, 0-9, - and _.", "invalid stage name %q", st.Name))
			}
			if !st.Implicit {
				if st.DeploymentID == "" {
					add(diag.Errorf(ruleStageNoDeployment, st.Range, st.LogicalID, h.pick("Add DeploymentId: !Ref <your AWS::ApiGateway::Deployment>", "Set deployment_id = aws_api_gateway_deployment.<name>.id")+"; API Gateway cannot create a stage without a deployment.",
						"stage %q has no DeploymentId", st.Name))
				} else if _, ok := deployments[st.DeploymentID]; !ok {
					add(diag.Errorf(ruleStageDeployment, st.Props.At("DeploymentId", st.Range), st.LogicalID, "Reference a deployment of the same REST API.",
						"stage %q: DeploymentId %q is not a deployment of API %s", st.Name, st.DeploymentID, api.LogicalID))
				}
			}
			if st.HTTP2Enabled != nil {
				ext(ruleExtHTTP2Stage, st.Props.At("Http2Enabled", st.Range), st.LogicalID,
					h.pick("Http2Enabled is a cfnrun extension from the seed article: AWS::ApiGateway::Stage has no such property and CloudFormation rejects the template;",
						"http2_enabled is a cfnrun extension from the seed article: aws_api_gateway_stage has no such argument and terraform validate rejects it;")+" REST APIs negotiate HTTP/2 with clients on their own.",
					"Http2Enabled is not an AWS property")
			}
			for k, v := range st.Variables {
				if !stageVarName.MatchString(k) {
					add(diag.Errorf(ruleStageVariable, st.Props.At("Variables", st.Range), st.LogicalID, "Stage variable names may contain only A-Z, a-z, 0-9 and _.", "invalid stage variable name %q", k))
				}
				if v != "" && !stageVarVal.MatchString(v) {
					add(diag.Errorf(ruleStageVariable, st.Props.At("Variables", st.Range), st.LogicalID, "Stage variable values may contain only A-Z, a-z, 0-9 and - . _ ~ : / ? # & = ,", "invalid value for stage variable %q: %q", k, v))
				}
			}
		}
		methods := 0
		for _, res := range api.Resources {
			methods += len(res.Methods)
			checkResource(api, res, add)
			for _, m := range res.Methods {
				checkMethod(t, h, api, res, m, add, ext)
			}
		}
		if methods > 0 && len(api.Stages) == 0 {
			add(diag.Warnf(ruleNotDeployed, api.Range, api.LogicalID, h.pick("Add an AWS::ApiGateway::Deployment and an AWS::ApiGateway::Stage (or a deployment with StageName)", "Add an aws_api_gateway_deployment and an aws_api_gateway_stage")+"; cfnrun serves stages only.",
				"API %s has methods but no stage, so nothing is deployed", api.LogicalID))
		}
	}
	return ds
}

func checkResource(api *model.RestAPI, res *model.Resource, add func(diag.Diagnostic)) {
	if res.Parent == nil {
		return
	}
	if _, written := res.Props["PathPart"]; !written && res.PathPart == "" {
		return // the missing required property is reported by the schema check
	}
	rng := res.Props.At("PathPart", res.Range)
	if !pathPartRe.MatchString(res.PathPart) {
		add(diag.Errorf(rulePathPart, rng, res.LogicalID, "A path part is a literal segment (letters, digits, . _ - :) or one {param} / {param+}, without slashes.", "invalid path part %q", res.PathPart))
	}
	if strings.HasSuffix(res.PathPart, "+}") && len(res.Children) > 0 {
		add(diag.Errorf(ruleGreedyNotLast, rng, res.LogicalID, fmt.Sprintf("A greedy path variable must be the last part of the path; %s has child %s.", res.Path, res.Children[0].PathPart),
			"greedy path part %s is not the last part", res.PathPart))
	}
	seenVar := ""
	for _, sib := range res.Parent.Children {
		if sib == res {
			break
		}
		if _, written := sib.Props["PathPart"]; !written && sib.PathPart == "" {
			continue
		}
		if sib.PathPart == res.PathPart {
			add(diag.Errorf(ruleDuplicatePath, rng, res.LogicalID, fmt.Sprintf("%s already defines %s under the same parent; API Gateway rejects a second one. Reuse it.", sib.LogicalID, res.Path),
				"path part %q is defined twice under %s", res.PathPart, res.Parent.Path))
			return
		}
		if strings.HasPrefix(sib.PathPart, "{") {
			seenVar = sib.PathPart
		}
	}
	if seenVar != "" && strings.HasPrefix(res.PathPart, "{") {
		add(diag.Errorf(ruleDuplicatePath, rng, res.LogicalID, fmt.Sprintf("%s already has the variable %s; API Gateway allows one variable per level.", res.Parent.Path, seenVar),
			"a sibling path variable %s already exists under %s", seenVar, res.Parent.Path))
	}
}

func checkMethod(t *model.Template, h hints, api *model.RestAPI, res *model.Resource, m *model.Method, add func(diag.Diagnostic), ext func(string, diag.Range, string, string, string, ...any)) {
	where := m.HTTPMethod + " " + res.Path
	if !slices.Contains(validMethods, m.HTTPMethod) && !schemaChecked(t, m.LogicalID) {
		add(diag.Errorf(ruleHTTPMethod, m.Props.At("HttpMethod", m.Range), m.LogicalID, "Use one of "+strings.Join(validMethods, ", ")+". "+diag.DidYouMean(m.HTTPMethod, validMethods), "invalid HTTP method %q", m.HTTPMethod))
	}
	in := m.Integration
	if in == nil {
		add(diag.Errorf(ruleNoIntegration, m.Range, m.LogicalID, h.pick("Add an Integration", "Add an aws_api_gateway_integration")+" (MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY); deploying an API with a method without integration fails with \"No integration defined for method\".",
			"%s has no integration", where))
		return
	}
	irng := func(key string) diag.Range { return in.Props.At(key, in.Range) }
	if in.ConnectionType == model.ConnectionHTTP2 {
		ext(ruleExtHTTP2Conn, irng("ConnectionType"), m.LogicalID,
			"ConnectionType HTTP2 is a cfnrun extension from the seed article: AWS accepts only INTERNET and VPC_LINK.",
			"ConnectionType HTTP2 is not an AWS value")
	}
	if in.ConnectionType == model.ConnectionVPCLink && in.ConnectionID == "" {
		add(diag.Errorf(ruleVPCLink, irng("ConnectionType"), m.LogicalID, h.pick("Set ConnectionId to the VPC link id (!Ref MyVpcLink).", "Set connection_id to the VPC link id (aws_api_gateway_vpc_link.<name>.id)."), "VPC_LINK integration without ConnectionId"))
	}
	switch in.Type {
	case model.IntegrationHTTP, model.IntegrationHTTPProxy, model.IntegrationAWS, model.IntegrationAWSProxy:
		if in.URI == "" {
			add(diag.Errorf(ruleNoURI, irng("Type"), m.LogicalID, h.pick("Set Uri", "Set uri")+" to the backend URL (http://host/path), or the AWS service / Lambda ARN.", "%s integration of %s has no Uri", in.Type, where))
		}
		if in.HTTPMethod == "" {
			add(diag.Errorf(ruleNoIntegMethod, irng("Type"), m.LogicalID, h.pick("Set IntegrationHttpMethod", "Set integration_http_method")+" (POST for Lambda; usually the same verb for HTTP backends).", "%s integration of %s has no IntegrationHttpMethod", in.Type, where))
		} else if !slices.Contains(validMethods, in.HTTPMethod) {
			add(diag.Errorf(ruleHTTPMethod, irng("IntegrationHttpMethod"), m.LogicalID, "Use one of "+strings.Join(validMethods, ", ")+".", "invalid IntegrationHttpMethod %q", in.HTTPMethod))
		}
	}
	if (in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy) && in.URI != "" {
		u := in.URI
		if !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) || len(u) <= len("https://") {
			add(diag.Errorf(ruleBadURI, irng("Uri"), m.LogicalID, "An HTTP integration's Uri is an absolute http:// or https:// URL.", "invalid HTTP endpoint %q", u))
		}
	}
	// {placeholders} in the Uri need integration.request.path mappings.
	if in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy {
		for _, ph := range placeholder.FindAllStringSubmatch(strings.ReplaceAll(in.URI, "${", "$["), -1) {
			name := ph[1]
			if _, ok := in.RequestParameters["integration.request.path."+name]; !ok {
				add(diag.Errorf(ruleURIPlaceholder, irng("Uri"), m.LogicalID,
					fmt.Sprintf(h.pick("Add RequestParameters: {integration.request.path.%[1]s: method.request.path.%[2]s} to the integration (and method.request.path.%[2]s: true to the method).", "Add request_parameters = {\"integration.request.path.%[1]s\" = \"method.request.path.%[2]s\"} to the integration (and \"method.request.path.%[2]s\" = true to the method's request_parameters)."), name, strings.TrimSuffix(name, "+")),
					"Uri placeholder {%s} has no request parameter mapping", name))
			}
		}
	}
	// Request parameter mappings must read declared method parameters.
	for dst, src := range in.RequestParameters {
		if strings.HasPrefix(src, "method.request.") && !strings.HasPrefix(src, "method.request.body") && !strings.HasPrefix(src, "method.request.multivalue") {
			if _, ok := m.RequestParameters[src]; !ok {
				add(diag.Errorf(ruleParamMapping, in.Props.At("RequestParameters."+dst, irng("RequestParameters")), m.LogicalID,
					fmt.Sprintf(h.pick("Declare it in the method's RequestParameters: {%s: true}.", "Declare it in the method's request_parameters: {\"%s\" = true}."), src),
					"integration parameter %s reads %s, which the method does not declare", dst, src))
			}
		}
	}
	if in.Type == model.IntegrationMock {
		hasStatus := false
		for _, tpl := range in.RequestTemplates {
			if strings.Contains(tpl, "statusCode") {
				hasStatus = true
			}
		}
		if !hasStatus {
			add(diag.Warnf(ruleMockStatus, in.Range, m.LogicalID, h.pick("Add RequestTemplates: {application/json: '{\"statusCode\": 200}'}", "Add request_templates = {\"application/json\" = jsonencode({statusCode = 200})}")+"; without it API Gateway cannot pick an integration response and answers 500.",
				"MOCK integration of %s has no statusCode request template", where))
		}
	}
	if in.TimeoutMillis < 50 || in.TimeoutMillis > 300000 || (in.TimeoutMillis > 29000 && edgeOptimized(api)) {
		add(diag.Errorf(ruleTimeout, irng("TimeoutInMillis"), m.LogicalID, "API Gateway accepts 50 to 29000 ms; Regional and private APIs up to 300000 ms after a quota increase.", "TimeoutInMillis %d is outside 50–29000", in.TimeoutMillis))
	} else if in.TimeoutMillis > 29000 {
		add(diag.Warnf(ruleTimeoutQuota, irng("TimeoutInMillis"), m.LogicalID, "Request an increase of the \"Maximum integration timeout\" quota for the account and region before deploying; without it API Gateway rejects the value.", "TimeoutInMillis %d needs a quota increase (the default maximum is 29000)", in.TimeoutMillis))
	}
	declared := map[string]model.MethodResponse{}
	for _, mr := range m.MethodResponses {
		declared[mr.StatusCode] = mr
	}
	for _, ir := range in.Responses {
		mr, ok := declared[ir.StatusCode]
		if !ok && in.Type != model.IntegrationHTTPProxy && in.Type != model.IntegrationAWSProxy {
			add(diag.Errorf(ruleResponseStatus, ir.Range, m.LogicalID, fmt.Sprintf(h.pick("Add a MethodResponses entry with StatusCode %s", "Add an aws_api_gateway_method_response with status_code = \"%s\"")+"; API Gateway rejects an integration response without a matching method response.", ir.StatusCode),
				"integration response %s of %s has no method response", ir.StatusCode, where))
			continue
		}
		for p := range ir.ResponseParameters {
			if _, ok := mr.ResponseParameters[p]; !ok && strings.HasPrefix(p, "method.response.header.") {
				add(diag.Errorf(ruleResponseParam, ir.Range, m.LogicalID, fmt.Sprintf(h.pick("Declare %s: true in the %s method response's ResponseParameters.", "Declare \"%s\" = true in the %s method response's response_parameters."), p, ir.StatusCode),
					"integration response %s maps %s, which the method response does not declare", ir.StatusCode, p))
			}
		}
	}
}

// checkCFN runs the CloudFormation-only rules, then the shared ones.
func checkCFN(s *stack, t *model.Template) diag.Diagnostics {
	var ds diag.Diagnostics
	// A deployment must depend on the API's methods, or CloudFormation may
	// create it first and fail with "The REST API doesn't contain any
	// methods".
	for _, api := range t.APIs {
		var methodIDs []string
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				methodIDs = append(methodIDs, m.LogicalID)
			}
		}
		if len(methodIDs) == 0 {
			continue
		}
		for _, d := range api.Deployments {
			if t.Node(d.LogicalID) == nil {
				continue // generated by a transform, which orders it itself
			}
			reach := reachable(t, d.LogicalID)
			dependsOnMethod := false
			for _, id := range methodIDs {
				if reach[id] {
					dependsOnMethod = true
					break
				}
			}
			if !dependsOnMethod {
				ds = append(ds, diag.Errorf(ruleDeployNoMethods, d.Range, d.LogicalID,
					fmt.Sprintf("Add DependsOn: [%s] to the deployment; without it CloudFormation may create the deployment before any method and fail with \"The REST API doesn't contain any methods\", or deploy a snapshot without the newest methods.", strings.Join(methodIDs, ", ")),
					"deployment %s does not depend on any method of %s", d.LogicalID, api.LogicalID))
			}
		}
	}
	ds = append(ds, CheckModel(t, s.opts.AllowExtensions)...)
	if len(s.orphans) > 0 {
		detached := &model.RestAPI{}
		h := hints{t.Format}
		add := func(d diag.Diagnostic) { ds = append(ds, d) }
		ext := extensionReporter(s.opts.AllowExtensions, add)
		for _, m := range s.orphans {
			m.ApplyDefaults()
			checkMethod(t, h, detached, &model.Resource{Path: "(unattached)"}, m, add, ext)
		}
	}
	return ds
}

func reachable(t *model.Template, from string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := t.Node(a)
		if n == nil {
			continue
		}
		for _, e := range n.Deps {
			if !seen[e.To] {
				seen[e.To] = true
				stack = append(stack, e.To)
			}
		}
	}
	return seen
}

// schemaChecked reports whether the property schema check already covered
// the element declared by id (an AWS::ApiGateway::* resource of a
// CloudFormation template), so model rules do not report it twice.
func schemaChecked(t *model.Template, id string) bool {
	if t.Format != model.CloudFormation {
		return false
	}
	n := t.Node(id)
	return n != nil && strings.HasPrefix(n.Type, "AWS::ApiGateway::")
}

// hints words fixes in the vocabulary of the template's language.
type hints struct{ format model.Format }

func (h hints) pick(cfn, tf string) string {
	if h.format == model.Terraform {
		return tf
	}
	return cfn
}

// edgeOptimized reports whether api is an EDGE endpoint (the default when
// EndpointConfiguration is not set), whose integrations cannot exceed
// 29 seconds.
func edgeOptimized(api *model.RestAPI) bool {
	if len(api.EndpointTypes) == 0 {
		return true
	}
	for _, t := range api.EndpointTypes {
		if strings.EqualFold(t, "EDGE") {
			return true
		}
	}
	return false
}

// extensionReporter reports a use of one of cfnrun's extensions: an error,
// since AWS rejects it, or info with --allow-extensions.
func extensionReporter(allow bool, add func(diag.Diagnostic)) func(rule string, rng diag.Range, res, hint, format string, args ...any) {
	return func(rule string, rng diag.Range, res, hint, format string, args ...any) {
		if allow {
			add(diag.Infof(rule, rng, res, hint, format, args...))
		} else {
			add(diag.Errorf(rule, rng, res, hint+" Pass --allow-extensions to accept it (cfnrun honours it locally).", format, args...))
		}
	}
}
