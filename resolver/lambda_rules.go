package resolver

import (
	"archive/zip"
	"cmp"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// The Lambda rules both template languages share: what Lambda or API
// Gateway rejects, and what deploys but fails on every request. CheckLambda
// reports them (it needs the options: today's date, --lambda names). Where
// cfn-lint has a rule for the same thing, the Why says how cfnrun compares.
var (
	ruleRuntimeUnknown = define(Rule{ID: "E3401", Level: "error",
		Summary: "a Lambda runtime identifier that does not exist (with did-you-mean)",
		Why:     "Lambda rejects the function (\"Value ... at 'runtime' failed to satisfy constraint\"). cfn-lint reports the same through the resource schema's enum (E3030)."})
	ruleRuntimeBlocked = define(Rule{ID: "E3402", Level: "error",
		Summary: "a deprecated runtime whose function creation is blocked (Lambda's deprecation table, judged against today's date)",
		Why: "Lambda refuses to create the function (and, after the update-block date, to update it): the " +
			"deployment fails. cfn-lint: E2531 (create blocked) and E2533 (update blocked), from the same AWS " +
			"table; cfnrun reports one finding that says which block applies."})
	ruleRuntimeDeprecated = define(Rule{ID: "W3403", Level: "warning",
		Summary: "a deprecated runtime that Lambda still lets you create functions with",
		Why:     "It deploys, but Lambda no longer patches the runtime, and creation will be blocked on the date the finding names. cfn-lint: W2531, same dates."})
	ruleZipProps = define(Rule{ID: "E3404", Level: "error (warning for a provided runtime without Handler)",
		Summary: "a .zip function without Runtime, or without Handler",
		Why: "Lambda requires both for .zip packages (CreateFunction fails). cfn-lint reports both as the warning " +
			"W2533; cfnrun makes a missing Runtime, and a missing Handler outside provided runtimes, an error " +
			"because nothing can run."})
	ruleHandlerFile = define(Rule{ID: "E3405", Level: "error",
		Summary: "the handler's file (Node.js .js/.mjs/.cjs, Python module, or a custom runtime's bootstrap) is not in the function's code",
		Why:     "It deploys, then every invocation fails with Runtime.ImportModuleError (or Runtime.InvalidEntrypoint) and API Gateway answers 502. cfn-lint does not read code."})
	ruleHandlerExport = define(Rule{ID: "W3406", Level: "warning",
		Summary: "the handler's file does not export the handler function (checked statically; reported only when the file's exports are plain enough to be sure)",
		Why:     "It deploys, then every invocation fails with Runtime.HandlerNotFound. Re-exports, bundler output and dynamic exports are never reported. cfn-lint does not read code."})
	ruleFnTimeout = define(Rule{ID: "E3407", Level: "error",
		Summary: "function Timeout outside 1–900 seconds",
		Why:     "Lambda rejects the function. cfn-lint checks the same bounds from the resource schema (E3034)."})
	ruleFnMemory = define(Rule{ID: "E3408", Level: "error",
		Summary: "function MemorySize outside 128–10240 MB",
		Why:     "Lambda rejects the function. cfn-lint checks the same bounds from the resource schema (E3034)."})
	ruleProxyMethod = define(Rule{ID: "E3409", Level: "error",
		Summary: "a Lambda integration (AWS_PROXY, or AWS with a Lambda Uri) whose IntegrationHttpMethod is not POST",
		Why:     "Lambda is invoked with POST only; any other method makes every request fail with 500 (\"Internal server error\"). cfn-lint has no such rule."})
	ruleNoPermission = define(Rule{ID: "E3410", Level: "error",
		Summary: "a route or authorizer backed by a function of the template that API Gateway is not allowed to " +
			"invoke: no AWS::Lambda::Permission / aws_lambda_permission for apigateway.amazonaws.com on the " +
			"function (or on the alias or version the Uri names), and no integration Credentials",
		Why: "It deploys, then every request answers 500 (\"Internal server error\", \"Invalid permissions on " +
			"Lambda function\" in the logs). SAM generates the permission for Api events, so those are covered. " +
			"cfn-lint has no such rule."})
	rulePermissionSource = define(Rule{ID: "E3411", Level: "error",
		Summary: "every apigateway.amazonaws.com permission of the function has a SourceArn (execute-api ARN, * wildcards) that does not cover the method, stage or authorizer",
		Why:     "It deploys, then the uncovered requests answer 500. cfn-lint has no such rule."})
	ruleExternalFunction = define(Rule{ID: "I3412", Level: "info",
		Summary: "an integration or authorizer names a Lambda function that the template does not define",
		Why:     "It deploys if the function exists. cfnrun up does not serve the route unless --lambda NAME=URL (an Invoke API endpoint) or --lambda NAME=COMMAND supplies the function."})
	ruleQualifier = define(Rule{ID: "W3415", Level: "warning",
		Summary: "a Lambda Uri qualified with an alias or version the function does not have",
		Why:     "It deploys, then every request answers 500 (the function version is not found)."})
	ruleReservedEnv = define(Rule{ID: "E3419", Level: "error",
		Summary: "an environment variable name Lambda reserves (AWS_REGION, _HANDLER, LAMBDA_TASK_ROOT, ...)",
		Why:     "Lambda rejects the function. cfn-lint: E3663, the same list."})
)

// lambdaRules documents the Lambda rules (docs/rules.md). Where cfn-lint
// has a rule for the same thing, the Why says how cfnrun compares.

// runtimeLife is one row of Lambda's runtime deprecation table: the dates
// the runtime is deprecated, function creation is blocked and function
// update is blocked (YYYY-MM-DD), and the runtime to move to. Written from
// the AWS Lambda developer guide's "Lambda runtimes" page
// (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), as of late
// 2026; cfn-lint 1.51's LmbdRuntimeLifecycle.json carries the same dates.
type runtimeLife struct {
	deprecated, createBlock, updateBlock, successor string
}

var runtimeTable = lazy.Value[map[string]runtimeLife]{New: func() map[string]runtimeLife {
	return map[string]runtimeLife{
		// Supported runtimes (dates are AWS's forecasts).
		"nodejs24.x":      {"2028-04-30", "2028-06-01", "2028-07-01", ""},
		"nodejs22.x":      {"2027-04-30", "2027-06-01", "2027-07-01", "nodejs24.x"},
		"python3.14":      {"2029-06-30", "2029-07-31", "2029-08-31", ""},
		"python3.13":      {"2029-06-30", "2029-07-31", "2029-08-31", "python3.14"},
		"python3.12":      {"2028-10-31", "2028-11-30", "2029-01-10", "python3.14"},
		"java25":          {"2029-06-30", "2029-07-31", "2029-08-31", ""},
		"java21":          {"2029-06-30", "2029-07-31", "2029-08-31", "java25"},
		"dotnet10":        {"2028-11-14", "2028-12-14", "2029-01-15", ""},
		"dotnet8":         {"2026-11-10", "2026-12-10", "2027-01-11", "dotnet10"},
		"ruby3.4":         {"2028-03-31", "2028-04-30", "2028-05-31", ""},
		"ruby3.3":         {"2027-03-31", "2027-04-30", "2027-05-31", "ruby3.4"},
		"provided.al2023": {"2029-06-30", "2029-07-31", "2029-08-31", ""},
		"ruby4.0":         {"2029-03-31", "2029-04-30", "2029-05-31", ""},
		// Deprecated runtimes.
		"nodejs20.x":     {"2026-04-30", "2026-06-01", "2026-07-01", "nodejs24.x"},
		"nodejs18.x":     {"2025-09-01", "2026-06-01", "2026-07-01", "nodejs24.x"},
		"nodejs16.x":     {"2024-06-12", "2026-06-01", "2026-07-01", "nodejs24.x"},
		"nodejs14.x":     {"2023-12-04", "2024-01-09", "2026-07-01", "nodejs24.x"},
		"nodejs12.x":     {"2023-03-31", "2023-03-31", "2023-04-30", "nodejs24.x"},
		"nodejs10.x":     {"2021-07-30", "2021-07-30", "2022-02-14", "nodejs24.x"},
		"nodejs8.10":     {"2020-03-06", "2020-02-04", "2020-03-06", "nodejs24.x"},
		"nodejs6.10":     {"2019-08-12", "2019-07-12", "2019-08-12", "nodejs24.x"},
		"nodejs4.3":      {"2020-03-05", "2020-02-03", "2020-03-05", "nodejs24.x"},
		"nodejs4.3-edge": {"2020-03-05", "2019-03-31", "2019-04-30", "nodejs24.x"},
		"nodejs":         {"2016-08-30", "2016-09-30", "2016-10-31", "nodejs24.x"},
		"python3.11":     {"2026-06-30", "2026-07-31", "2026-08-31", "python3.14"},
		"python3.10":     {"2026-06-30", "2026-07-31", "2026-08-31", "python3.14"},
		"python3.9":      {"2025-12-15", "2026-06-01", "2026-07-01", "python3.14"},
		"python3.8":      {"2024-10-14", "2026-06-01", "2026-07-01", "python3.14"},
		"python3.7":      {"2023-12-04", "2024-01-09", "2026-03-09", "python3.14"},
		"python3.6":      {"2022-07-18", "2022-07-18", "2022-08-29", "python3.14"},
		"python2.7":      {"2021-07-15", "2021-07-15", "2022-05-30", "python3.14"},
		"java17":         {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
		"java11":         {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
		"java8.al2":      {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
		"java8":          {"2024-01-08", "2024-02-08", "2026-07-01", "java25"},
		"dotnet6":        {"2024-12-20", "2026-06-01", "2026-07-01", "dotnet10"},
		"dotnetcore3.1":  {"2023-04-03", "2023-04-03", "2023-05-03", "dotnet10"},
		"dotnetcore2.1":  {"2022-01-05", "2022-01-05", "2022-04-13", "dotnet10"},
		"dotnetcore2.0":  {"2019-05-30", "2019-04-30", "2019-05-30", "dotnet10"},
		"dotnetcore1.0":  {"2019-06-27", "2019-06-30", "2019-07-30", "dotnet10"},
		"ruby3.2":        {"2026-03-31", "2026-06-01", "2026-07-01", "ruby3.4"},
		"ruby2.7":        {"2023-12-07", "2024-01-09", "2026-07-01", "ruby3.4"},
		"ruby2.5":        {"2021-07-30", "2021-07-30", "2022-03-31", "ruby3.4"},
		"provided.al2":   {"2026-06-30", "2026-07-31", "2026-08-31", "provided.al2023"},
		"provided":       {"2024-01-08", "2024-02-08", "2026-07-01", "provided.al2023"},
		"go1.x":          {"2024-01-08", "2024-02-08", "2026-07-01", "provided.al2023"},
	}
}}

// reservedEnv are the environment variable names Lambda sets itself
// (configuration-envvars in the Lambda developer guide).
var reservedEnv = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}

// CheckLambda runs the Lambda rules on a resolved model. Both front ends
// call it after CheckModel.
func CheckLambda(t *model.Template, opts Options) diag.Diagnostics {
	h := hints{t.Format}
	var ds diag.Diagnostics
	add := func(d diag.Diagnostic) { ds = append(ds, d) }
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	base := ""
	if len(t.Files) > 0 {
		base = filepath.Dir(t.Files[0])
	}
	day := today.UTC().Format("2006-01-02")
	handlers := handlerMemo{}
	// A property from SAM's Globals is checked once per function, at the
	// one line it is written on: one finding there, naming the others.
	seen := map[string]int{}
	for _, fn := range t.Functions {
		checkFunction(h, fn, day, base, handlers, func(d diag.Diagnostic) {
			key := fmt.Sprint(d.Rule, d.Range, d.Summary)
			if i, ok := seen[key]; ok {
				ds[i].Related = append(ds[i].Related, diag.Related{Range: fn.Range, Message: "function " + fn.LogicalID + " has it too"})
				return
			}
			seen[key] = len(ds)
			add(d)
		})
	}
	reported := map[string]bool{}
	external := func(lt *model.LambdaTarget, rng diag.Range, owner, what string) {
		if lt == nil || !lt.External || reported[lt.ARN] {
			return
		}
		unq := strings.TrimSuffix(lt.ARN, ":"+lt.Qualifier)
		for _, e := range opts.ExternalFunctions {
			if e == lt.Name || e == lt.ARN || e == unq {
				return
			}
		}
		reported[lt.ARN] = true
		if lt.Name == "" {
			// No function name in it (FunctionArn: arn:aws): nothing
			// to pass to --lambda either.
			add(ruleExternalFunction.infof(rng, owner,
				"Give the function's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME, or !GetAtt Function.Arn / aws_lambda_function.x.arn).",
				"%s names %q as its function, which is not a Lambda function ARN; cfnrun up does not serve it", what, lt.ARN))
			return
		}
		add(ruleExternalFunction.infof(rng, owner,
			fmt.Sprintf("Define the function in this template, or run cfnrun up with --lambda %s=URL (a Lambda Invoke API endpoint such as sam local start-lambda) or --lambda %s=COMMAND.", lt.Name, lt.Name),
			"%s names function %s, which is not defined in this template; cfnrun up does not serve it", what, lt.Name))
	}
	for _, api := range t.APIs {
		// route checks one method (resPath "$default" for an HTTP API's
		// $default route).
		route := func(m *model.Method, resPath string) {
			in := m.Integration
			if in == nil || in.Lambda == nil {
				return
			}
			where := m.HTTPMethod + " " + resPath
			if resPath == model.RouteKeyDefault {
				where = "the $default route"
			}
			irng := func(key string) diag.Range { return in.Props.At(key, in.Range) }
			if in.HTTPMethod != "" && in.HTTPMethod != "POST" && !api.IsHTTP() { // HTTP APIs invoke Lambda with POST whatever it says
				add(ruleProxyMethod.errorf(irng("IntegrationHttpMethod"), m.LogicalID,
					h.pick("Set IntegrationHttpMethod: POST", "Set integration_http_method = \"POST\"")+": API Gateway invokes Lambda with POST whatever the client's method; any other value makes every "+
						"request fail with 500.",
					"the Lambda integration of %s has IntegrationHttpMethod %s", where, in.HTTPMethod))
			}
			// A Uri with a stage variable names one function per stage.
			type target struct {
				lt     *model.LambdaTarget
				stages []string
			}
			var targets []target
			if in.Lambda.StageVariable {
				for _, st := range model.EffectiveStages(api) {
					if lt := t.ResolveLambdaURI(model.SubstituteStageVariables(in.URI, st.Variables)); lt != nil && !lt.StageVariable {
						targets = append(targets, target{lt, []string{st.Name}})
					}
				}
			} else {
				var stages []string
				for _, st := range model.EffectiveStages(api) {
					stages = append(stages, st.Name)
				}
				targets = append(targets, target{in.Lambda, stages})
			}
			for _, tg := range targets {
				external(tg.lt, irng("Uri"), m.LogicalID, "the integration of "+where)
				fn := tg.lt.Function
				if fn == nil {
					continue
				}
				if !fn.HasQualifier(tg.lt.Qualifier) {
					add(ruleQualifier.warnf(irng("Uri"), m.LogicalID, qualifierHint(fn),
						"the integration of %s invokes %s:%s, but the function has no alias or version %q", where, fn.Name, tg.lt.Qualifier, tg.lt.Qualifier))
				}
				if in.Credentials != "" {
					continue // API Gateway assumes the role; no resource policy is needed
				}
				checkInvokePermission(h, fn, tg.lt.Qualifier, m.LogicalID, irng("Uri"), "the integration of "+where, tg.stages, func(src, stage string) string {
					var stages []string
					if stage != "" {
						stages = []string{stage}
					}
					if resPath == model.RouteKeyDefault {
						return defaultRouteUncovered(src, api.ID, stages)
					}
					return sourceUncovered(src, api.ID, stages, m.HTTPMethod, resPath)
				}, add)
			}
		}
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				route(m, res.Path)
			}
		}
		if api.DefaultRoute != nil {
			route(api.DefaultRoute, model.RouteKeyDefault)
		}
		for _, a := range api.Authorizers {
			checkAuthorizerPermission(h, a, api.ID, external, add)
		}
	}
	for _, api := range t.WebSocketAPIs {
		checkWebSocketPermissions(h, api, external, add)
	}
	return ds
}

// checkAuthorizerPermission reports a Lambda authorizer of API apiID
// whose function is not the template's (I3412), or that API Gateway may
// not invoke as {apiId}/authorizers/{id} (E3410, E3411).
func checkAuthorizerPermission(h hints, a *model.Authorizer, apiID string, external func(lt *model.LambdaTarget, rng diag.Range, owner, what string), add func(diag.Diagnostic)) {
	lt := a.Function
	if lt == nil {
		return
	}
	rng := a.Props.At("AuthorizerUri", a.Range)
	external(lt, rng, a.LogicalID, "authorizer "+a.Name)
	if lt.Function == nil || a.Credentials != "" {
		return
	}
	checkInvokePermission(h, lt.Function, lt.Qualifier, a.LogicalID, rng, "authorizer "+a.Name, nil, func(src, _ string) string {
		if src == "" || strings.Contains(src, "${") || arnGlob(src, executeARNPrefix(src)+apiID+"/authorizers/"+a.ID) {
			return ""
		}
		return "its SourceArn does not match " + apiID + "/authorizers/" + a.ID
	}, add)
}

// checkWebSocketPermissions reports the routes and authorizers of a
// WebSocket API whose function API Gateway may not invoke (E3410, E3411):
// a route is invoked as {apiId}/{stage}/{routeKey}, an authorizer as
// {apiId}/authorizers/{id}.
func checkWebSocketPermissions(h hints, api *model.WebSocketAPI, external func(lt *model.LambdaTarget, rng diag.Range, owner, what string), add func(diag.Diagnostic)) {
	stages := make([]string, 0, len(api.Stages))
	for _, st := range api.Stages {
		stages = append(stages, st.Name)
	}
	if len(stages) == 0 {
		stages = []string{"*"}
	}
	for _, m := range api.Routes {
		in := m.Integration
		if in == nil || in.Lambda == nil {
			continue
		}
		rng, what := in.Props.At("IntegrationUri", in.Range), "route "+m.RouteKey+" of WebSocket API "+api.LogicalID
		external(in.Lambda, rng, m.LogicalID, "the integration of "+what)
		if in.Lambda.Function == nil || in.Credentials != "" {
			continue
		}
		checkInvokePermission(h, in.Lambda.Function, in.Lambda.Qualifier, m.LogicalID, rng, what, stages, func(src, st string) string {
			if src == "" || strings.Contains(src, "${") {
				return ""
			}
			if !strings.Contains(src, ":execute-api:") {
				return "a SourceArn that is not an execute-api ARN"
			}
			if !arnGlob(src, executeARNPrefix(src)+api.ID+"/"+st+"/"+m.RouteKey) {
				return "its SourceArn does not match " + api.ID + "/" + st + "/" + m.RouteKey
			}
			return ""
		}, add)
	}
	for _, a := range api.Authorizers {
		checkAuthorizerPermission(h, a, api.ID, external, add)
	}
}

func qualifierHint(fn *model.Function) string {
	var qs []string
	for _, a := range fn.Aliases {
		qs = append(qs, a.Name)
	}
	for _, v := range fn.Versions {
		qs = append(qs, v.Version)
	}
	if len(qs) == 0 {
		return "The function has no aliases or versions; invoke it unqualified, or add an alias (AutoPublishAlias, AWS::Lambda::Alias, aws_lambda_alias)."
	}
	return "Use one of " + strings.Join(qs, ", ") + ", or invoke it unqualified."
}

// checkInvokePermission reports a function API Gateway may not invoke:
// no permission for apigateway.amazonaws.com on the qualifier invoked, or
// a stage of stages (nil: a caller without stages, an authorizer) that no
// permission's SourceArn covers (uncovered returns what a SourceArn does
// not cover of the caller on that stage, "" when it covers it).
// Permissions add up: one per stage covers them all.
func checkInvokePermission(h hints, fn *model.Function, qualifier, owner string, rng diag.Range, what string, stages []string, uncovered func(src, stage string) string, add func(diag.Diagnostic)) {
	if qualifier == "$LATEST" {
		qualifier = ""
	}
	var cands []model.Permission
	for _, p := range fn.Permissions {
		q := p.Qualifier
		if q == "$LATEST" {
			q = ""
		}
		if q != qualifier || !invokesAPIGateway(p) {
			continue
		}
		cands = append(cands, p)
	}
	target := fn.Name
	if qualifier != "" {
		target += ":" + qualifier
	}
	if len(cands) == 0 {
		add(ruleNoPermission.errorf(rng, owner,
			fmt.Sprintf(h.pick("Add an AWS::Lambda::Permission with Action lambda:InvokeFunction, Principal apigateway.amazonaws.com "+
				"and FunctionName %s (or set the integration's Credentials to a role API Gateway can assume)",
				"Add an aws_lambda_permission with action = \"lambda:InvokeFunction\", principal = "+
					"\"apigateway.amazonaws.com\" and function_name = %s (or set the integration's credentials to a role "+
					"API Gateway can assume)"), target)+
				"; without it the API deploys and then answers 500 \"Internal server error\" on every request.",
			"API Gateway has no permission to invoke %s for %s", target, what))
		return
	}
	if len(stages) == 0 {
		stages = []string{""}
	}
	missing := ""
	for _, st := range stages {
		why := ""
		for _, p := range cands {
			if why = uncovered(p.SourceArn, st); why == "" {
				break
			}
		}
		if why != "" {
			missing = why // no permission covers stage st: the last one's reason
			break
		}
	}
	if missing == "" {
		return
	}
	var ids []string
	hint := "Widen the SourceArn (arn:aws:execute-api:REGION:ACCOUNT:API_ID/*/* covers every stage, method and " +
		"path), or add a permission for this route; API Gateway answers 500 for every request it does not cover."
	for _, p := range cands {
		ids = append(ids, p.LogicalID)
		if p.Fix != "" && len(cands) == 1 {
			hint = p.Fix
		}
	}
	add(rulePermissionSource.errorf(rng, owner, hint,
		"no permission of %s lets API Gateway invoke it for %s (%s; permissions: %s)", target, what, missing, strings.Join(ids, ", ")))
}

func invokesAPIGateway(p model.Permission) bool {
	switch p.Action {
	case "lambda:InvokeFunction", "lambda:*", "*", "lambda:Invoke*":
	default:
		return false
	}
	return p.Principal == "apigateway.amazonaws.com" || p.Principal == "*" || strings.HasPrefix(p.Principal, "apigateway.")
}

// executeARNPrefix is the "arn:aws:execute-api:REGION:ACCOUNT:" part of an
// execute-api ARN.
func executeARNPrefix(src string) string {
	parts := strings.SplitN(src, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return strings.Join(parts[:5], ":") + ":"
}

// sourceUncovered says which (stage, method, path) of a route a
// permission's SourceArn does not cover, "" when it covers them all. The
// ARN is "arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH" with *
// and ? wildcards; a path variable may be matched as written ({id}) or as
// a value. An ANY method is covered when some verb is.
func sourceUncovered(src, apiID string, stages []string, verb, resPath string) string {
	if src == "" || strings.Contains(src, "${") {
		return ""
	}
	if !strings.Contains(src, ":execute-api:") {
		return "a SourceArn that is not an execute-api ARN"
	}
	prefix := executeARNPrefix(src) + apiID + "/"
	if other := sourceAPI(src); other != "" && other != apiID {
		return "its SourceArn names API " + other + ", not " + apiID
	}
	if len(stages) == 0 {
		stages = []string{"*"}
	}
	verbs := []string{verb}
	if verb == "ANY" {
		verbs = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}
	}
	p := strings.TrimPrefix(resPath, "/")
	sample := placeholder.Get().ReplaceAllString(p, "x")
	for _, st := range stages {
		ok := false
		for _, v := range verbs {
			for _, rp := range []string{p, sample} {
				if arnGlob(src, prefix+st+"/"+v+"/"+rp) {
					ok = true
				}
			}
		}
		if !ok {
			return "stage " + st + " is not covered"
		}
	}
	return ""
}

// sourceAPI is the API id an execute-api SourceArn names literally (no
// wildcard in it), or "".
func sourceAPI(src string) string {
	parts := strings.SplitN(src, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	api, _, _ := strings.Cut(parts[5], "/")
	if strings.ContainsAny(api, "*?") {
		return ""
	}
	return api
}

// defaultRouteUncovered is sourceUncovered for an HTTP API's $default
// route, whose execute-api ARN is API/STAGE/$default.
func defaultRouteUncovered(src, apiID string, stages []string) string {
	if src == "" || strings.Contains(src, "${") {
		return ""
	}
	if !strings.Contains(src, ":execute-api:") {
		return "a SourceArn that is not an execute-api ARN"
	}
	if len(stages) == 0 {
		stages = []string{"*"}
	}
	for _, st := range stages {
		if !arnGlob(src, executeARNPrefix(src)+apiID+"/"+st+"/"+model.RouteKeyDefault) {
			return "stage " + st + " is not covered"
		}
	}
	return ""
}

// arnGlob matches an ARN pattern with * (any run of characters) and ?
// (one character), as IAM does.
func arnGlob(pattern, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && pattern[px] == '*':
			// First: a * in the pattern is a wildcard even where s has a
			// * (the stand-in stage of an API without one).
			star, mark = px, sx
			px++
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

func checkFunction(h hints, fn *model.Function, today, base string, handlers handlerMemo, add func(diag.Diagnostic)) {
	rng := func(key string) diag.Range { return fn.Props.At(key, fn.Range) }
	zip := !strings.EqualFold(fn.PackageType, "Image")
	if zip && fn.Runtime == "" {
		add(ruleZipProps.errorf(fn.Range, fn.LogicalID,
			h.pick("Set Runtime", "Set runtime")+" (nodejs22.x, python3.13, provided.al2023, ...): Lambda requires it for .zip packages.", "function %s has no Runtime", fn.LogicalID))
	}
	if zip && fn.Handler == "" && fn.Runtime != "" {
		hint := h.pick("Set Handler", "Set handler") + " (index.handler for Node.js, app.lambda_handler for Python): Lambda requires it for .zip packages."
		if strings.HasPrefix(fn.Runtime, "provided") {
			add(ruleZipProps.warnf(fn.Range, fn.LogicalID,
				h.pick("Set Handler", "Set handler")+" (bootstrap is the convention for custom runtimes): Lambda requires it for .zip packages.", "function %s has no Handler", fn.LogicalID))
		} else {
			add(ruleZipProps.errorf(fn.Range, fn.LogicalID, hint, "function %s has no Handler", fn.LogicalID))
		}
	}
	if fn.Runtime != "" && !strings.Contains(fn.Runtime, "${") {
		if life, ok := runtimeTable.Get()[fn.Runtime]; !ok {
			add(ruleRuntimeUnknown.errorf(rng("Runtime"), fn.LogicalID, cmp.Or(diag.DidYouMean(fn.Runtime, supportedRuntimes(today)),
				"Use a runtime Lambda supports: "+strings.Join(supportedRuntimes(today), ", ")+"."),
				"%q is not a Lambda runtime", fn.Runtime))
		} else if life.createBlock <= today {
			block := "creating functions with it since " + life.createBlock
			if life.updateBlock <= today {
				block = "creating and updating functions with it since " + life.updateBlock
			} else {
				block += ", and will block updates on " + life.updateBlock
			}
			add(ruleRuntimeBlocked.errorf(rng("Runtime"), fn.LogicalID, fmt.Sprintf("Move to %s.", life.successor),
				"runtime %s is deprecated (%s): Lambda blocks %s", fn.Runtime, life.deprecated, block))
		} else if life.deprecated <= today {
			add(ruleRuntimeDeprecated.warnf(rng("Runtime"), fn.LogicalID, fmt.Sprintf("Move to %s before %s, when Lambda blocks creating functions with it.", life.successor, life.createBlock),
				"runtime %s is deprecated since %s", fn.Runtime, life.deprecated))
		}
	}
	if fn.Timeout < 1 || fn.Timeout > model.MaxFunctionTimeout {
		add(ruleFnTimeout.errorf(rng("Timeout"), fn.LogicalID,
			"Lambda accepts a Timeout of 1 to 900 seconds (15 minutes); API Gateway stops waiting after the integration timeout (29 s by default) anyway.",
			"function Timeout %d is outside 1–900 seconds", fn.Timeout))
	}
	if fn.MemorySize < model.MinFunctionMemory || fn.MemorySize > model.MaxFunctionMemory {
		add(ruleFnMemory.errorf(rng("MemorySize"), fn.LogicalID, "Lambda accepts 128 to 10240 MB.", "function MemorySize %d is outside 128–10240 MB", fn.MemorySize))
	}
	var reserved []string // the few names to sort, not every variable
	for k := range fn.Environment {
		if slices.Contains(reservedEnv, k) {
			reserved = append(reserved, k)
		}
	}
	slices.Sort(reserved)
	for _, k := range reserved {
		add(ruleReservedEnv.errorf(fn.Props.At("Environment."+k, rng("Environment")), fn.LogicalID, "Lambda sets it itself; rename the variable.", "environment variable %s is reserved by Lambda", k))
	}
	inlineOnly := len(fn.Code.Files) == 1 && fn.Code.Files[0].Source == "" && !strings.HasPrefix(fn.Runtime, "nodejs") && !strings.HasPrefix(fn.Runtime, "python")
	if zip && fn.BuildMethod == "" && !inlineOnly { // inline code for another runtime is E3418
		checkHandler(fn, base, handlers, add)
	}
}

func supportedRuntimes(today string) []string {
	var out []string
	for id, life := range runtimeTable.Get() {
		if life.deprecated > today {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// codeRoot reads the files of a function's code without extracting it:
// a directory, a zip, or in-memory files.
type codeRoot struct {
	c     model.Code
	zip   map[string]*zip.File
	files map[string]model.CodeFile
}

func openCode(c model.Code) (*codeRoot, bool) {
	cr := &codeRoot{c: c}
	switch {
	case c.Dir != "":
		fi, err := os.Stat(c.Dir)
		return cr, err == nil && fi.IsDir()
	case c.Zip != "":
		zr, err := zip.OpenReader(c.Zip)
		if err != nil {
			return cr, false
		}
		cr.zip = map[string]*zip.File{}
		for _, f := range zr.File {
			cr.zip[strings.TrimPrefix(f.Name, "./")] = f
		}
		return cr, true
	case len(c.Files) > 0:
		// A few files (inline code is one) are looked up in c.Files
		// itself (codeRoot.file): a 2,000-resource template has hundreds
		// of functions, each with its own one-file code.
		if len(c.Files) > maxFilesScanned {
			cr.files = map[string]model.CodeFile{}
			for _, f := range c.Files {
				cr.files[path.Clean(f.Name)] = f
			}
		}
		return cr, true
	}
	return cr, false
}

// maxHandlerSource bounds how much of a handler file is read.
const maxHandlerSource = 4 << 20

// read returns the content of name (slash-separated) and whether it
// exists.
func (cr *codeRoot) read(name string) (string, bool) {
	name = path.Clean(name)
	switch {
	case cr.c.Dir != "":
		p := filepath.Join(cr.c.Dir, filepath.FromSlash(name))
		for _, ex := range cr.c.Excludes {
			if path.Clean(ex) == name {
				return "", false
			}
		}
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() {
			return "", false
		}
		f, err := os.Open(p)
		if err != nil {
			return "", true
		}
		defer f.Close()
		b, _ := io.ReadAll(io.LimitReader(f, maxHandlerSource))
		return string(b), true
	case cr.zip != nil:
		f, ok := cr.zip[name]
		if !ok || f.FileInfo().IsDir() {
			return "", false
		}
		rc, err := f.Open()
		if err != nil {
			return "", true
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, maxHandlerSource))
		return string(b), true
	default:
		f, ok := cr.file(name)
		if !ok {
			return "", false
		}
		if f.Source != "" {
			b, err := os.ReadFile(f.Source)
			if err != nil {
				return "", false
			}
			return string(b), true
		}
		return f.Content, true
	}
}

// exists reports whether a file or directory name exists in the code.
func (cr *codeRoot) exists(name string) bool {
	name = path.Clean(name)
	switch {
	case cr.c.Dir != "":
		_, err := os.Stat(filepath.Join(cr.c.Dir, filepath.FromSlash(name)))
		return err == nil
	case cr.zip != nil:
		if _, ok := cr.zip[name]; ok {
			return true
		}
		for n := range cr.zip {
			if strings.HasPrefix(n, name+"/") {
				return true
			}
		}
		return false
	default:
		if _, ok := cr.file(name); ok {
			return true
		}
		if cr.files != nil {
			for n := range cr.files {
				if strings.HasPrefix(n, name+"/") {
					return true
				}
			}
			return false
		}
		for _, f := range cr.c.Files {
			if strings.HasPrefix(path.Clean(f.Name), name+"/") {
				return true
			}
		}
		return false
	}
}

// maxFilesScanned is the most in-memory files codeRoot looks up by
// scanning them; more get a map.
const maxFilesScanned = 16

// file returns the in-memory file named name (clean): of several with
// that name once cleaned, the last, as the map openCode builds keeps.
func (cr *codeRoot) file(name string) (model.CodeFile, bool) {
	if cr.files != nil {
		f, ok := cr.files[name]
		return f, ok
	}
	for i := len(cr.c.Files) - 1; i >= 0; i-- {
		if path.Clean(cr.c.Files[i].Name) == name {
			return cr.c.Files[i], true
		}
	}
	return model.CodeFile{}, false
}

// checkHandler reports a handler whose file or export is missing from the
// function's code (E3405, W3406). Layers may provide files, so a function
// with layers is only checked for what layers cannot provide (a Node.js or
// Python handler module lives in the function's code).
// handlerMemo remembers, per source text and handler name, whether the
// source exports or defines the handler: templates often give hundreds of
// functions the same inline source, and the checks compile a pattern per
// name.
type handlerMemo map[[2]string][2]bool

func (m handlerMemo) check(src, name string, f func(src, name string) (bool, bool)) (ok, sure bool) {
	k := [2]string{src, name}
	if r, hit := m[k]; hit {
		return r[0], r[1]
	}
	ok, sure = f(src, name)
	m[k] = [2]bool{ok, sure}
	return ok, sure
}

func checkHandler(fn *model.Function, base string, handlers handlerMemo, add func(diag.Diagnostic)) {
	cr, ok := openCode(fn.Code)
	if !ok || fn.Handler == "" || strings.Contains(fn.Handler, "${") {
		return
	}
	rng := fn.Props.At("Handler", fn.Range)
	where := "the function's code"
	if p := cmp.Or(fn.Code.Dir, fn.Code.Zip); p != "" {
		if rel, err := filepath.Rel(base, p); err == nil && base != "" {
			p = rel
		}
		where = filepath.ToSlash(p)
	}
	switch rt := fn.Runtime; {
	case strings.HasPrefix(rt, "nodejs"):
		i := strings.LastIndex(fn.Handler, ".")
		if i <= 0 || i == len(fn.Handler)-1 {
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, "A Node.js handler is FILE.EXPORT, such as index.handler (index.js exporting handler).", "handler %q is not FILE.EXPORT", fn.Handler))
			return
		}
		mod, export := fn.Handler[:i], fn.Handler[i+1:]
		var file, src string
		for _, ext := range []string{".js", ".mjs", ".cjs"} {
			if s, ok := cr.read(mod + ext); ok {
				file, src = mod+ext, s
				break
			}
		}
		if file == "" {
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, fmt.Sprintf("Lambda looks for %s.js, %s.mjs or %s.cjs in the code root; fix the handler's file part, or the code path.", mod, mod, mod),
				"handler %s: no %s.js, .mjs or .cjs in %s", fn.Handler, mod, where))
			return
		}
		if exported, sure := handlers.check(src, export, jsExports); sure && !exported {
			add(ruleHandlerExport.warnf(rng, fn.LogicalID, fmt.Sprintf("Export it (exports.%[1]s = async (event) => {...}, or export const %[1]s = ...), or fix the handler's export part.", export),
				"handler %s: %s does not export %s", fn.Handler, file, export))
		}
	case strings.HasPrefix(rt, "python"):
		i := strings.LastIndex(fn.Handler, ".")
		if i <= 0 || i == len(fn.Handler)-1 {
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, "A Python handler is MODULE.FUNCTION, such as app.lambda_handler (app.py defining lambda_handler).", "handler %q is not MODULE.FUNCTION", fn.Handler))
			return
		}
		mod, name := strings.ReplaceAll(fn.Handler[:i], ".", "/"), fn.Handler[i+1:]
		src, ok := cr.read(mod + ".py")
		if !ok {
			src, ok = cr.read(mod + "/__init__.py")
		}
		if !ok {
			if cr.exists(mod) || cr.exists(mod+".pyc") || len(fn.Layers) > 0 || compiledPython(cr, mod) {
				return // a namespace package, compiled module, or a module from a layer
			}
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, fmt.Sprintf("Lambda imports %s from the code root; fix the handler's module part, or the code path.", strings.ReplaceAll(mod, "/", ".")),
				"handler %s: no %s.py in %s", fn.Handler, mod, where))
			return
		}
		if defined, sure := handlers.check(src, name, pyDefines); sure && !defined {
			add(ruleHandlerExport.warnf(rng, fn.LogicalID, fmt.Sprintf("Define it (def %s(event, context): ...), or fix the handler's function part.", name),
				"handler %s: %s.py does not define %s", fn.Handler, mod, name))
		}
		dir, _ := path.Split(mod)
		checkPythonImports(fn, cr, dir, mod+".py", src, where, rng, add)
	case strings.HasPrefix(rt, "provided"):
		if len(fn.Layers) > 0 {
			return // a layer may provide /opt/bootstrap
		}
		if !cr.exists("bootstrap") {
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, "A custom runtime starts the executable named bootstrap at the root of the code (for Go: GOOS=linux "+
				"go build -o bootstrap); build it into the code, or provide it in a layer.",
				"runtime %s needs an executable bootstrap in %s", rt, where))
		}
	case rt == "go1.x":
		if !cr.exists(fn.Handler) {
			add(ruleHandlerFile.errorf(rng, fn.LogicalID, "The go1.x runtime runs the executable the handler names; build it into the code.",
				"handler %s: no such executable in %s", fn.Handler, where))
		}
	}
}

func compiledPython(cr *codeRoot, mod string) bool {
	dir, base := path.Split(mod)
	check := func(names []string) bool {
		for _, n := range names {
			d, b := path.Split(n)
			if path.Clean(d+".") == path.Clean(dir+".") && strings.HasPrefix(b, base+".") && (strings.HasSuffix(b, ".so") || strings.HasSuffix(b, ".pyc")) {
				return true
			}
		}
		return false
	}
	switch {
	case cr.c.Dir != "":
		entries, _ := os.ReadDir(filepath.Join(cr.c.Dir, filepath.FromSlash(dir)))
		var names []string
		for _, e := range entries {
			names = append(names, dir+e.Name())
		}
		return check(names)
	case cr.zip != nil:
		var names []string
		for n := range cr.zip {
			names = append(names, n)
		}
		return check(names)
	}
	return false
}

var (
	jsDynamic   = lazy.Regexp{Pattern: `\bexports\s*\[|module\.exports\s*\[|Object\.(assign|defineProperty|defineProperties)\s*\(\s*(module\.)?exports|__exportStar|__export\s*\(|\bexport\s*\*|\brequire\s*\(\s*[^'"\x60]|\beval\s*\(`}
	jsNamed     = lazy.Regexp{Pattern: `(?:\bmodule\.)?\bexports\.([A-Za-z_$][\w$]*)\s*=[^=]`}
	jsDecl      = lazy.Regexp{Pattern: `\bexport\s+(?:default\s+)?(?:async\s+)?(?:function\s*\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)`}
	jsList      = lazy.Regexp{Pattern: `\bexport\s*\{([^}]*)\}`}
	jsDefault   = lazy.Regexp{Pattern: `\bexport\s+default\b`}
	jsWhole     = lazy.Regexp{Pattern: `\bmodule\.exports\s*=\s*`}
	pyDynamic   = lazy.Regexp{Pattern: `\bimport\s+\*|\bglobals\s*\(|\bexec\s*\(|\bsetattr\s*\(|\b__getattr__\b|\bvars\s*\(|\blocals\s*\(`}
	tscESModule = lazy.Regexp{Pattern: `Object\.defineProperty\(\s*exports\s*,\s*["']__esModule["']\s*,\s*\{\s*value:\s*true\s*\}\s*\);?`}
	identRe     = lazy.Regexp{Pattern: `^[A-Za-z_$][\w$]*$`}
	jsObjectKey = lazy.Regexp{Pattern: `^(?:async\s+)?\*?\s*(?:get\s+|set\s+)?["']?([A-Za-z_$][\w$]*)["']?\s*(?:[:(,]|$)`}
)

// jsExports says whether JavaScript source exports name (CommonJS or ES
// module), and whether the answer is sure: re-exports, computed or
// dynamic exports and anything the scan does not understand make it
// unsure.
func jsExports(src, name string) (exported, sure bool) {
	src = tscESModule.Get().ReplaceAllString(src, "")
	code := stripJS(src)
	if strings.TrimSpace(code) == "" {
		return false, false
	}
	if jsDynamic.Get().MatchString(code) {
		return false, false
	}
	names := map[string]bool{}
	for _, m := range jsNamed.Get().FindAllStringSubmatch(code, -1) {
		names[m[1]] = true
	}
	for _, m := range jsDecl.Get().FindAllStringSubmatch(code, -1) {
		names[m[1]] = true
	}
	if jsDefault.Get().MatchString(code) {
		names["default"] = true
	}
	for _, m := range jsList.Get().FindAllStringSubmatch(code, -1) {
		for _, part := range strings.Split(m[1], ",") {
			f := strings.Fields(part)
			switch {
			case len(f) == 1:
				names[f[0]] = true
			case len(f) == 3 && f[1] == "as":
				names[f[2]] = true
			case len(f) == 0:
			default:
				return false, false
			}
		}
	}
	for _, loc := range jsWhole.Get().FindAllStringIndex(code, -1) {
		rest := code[loc[1]:]
		if !strings.HasPrefix(rest, "{") {
			return false, false // module.exports = someValue: unknown shape
		}
		keys, ok := objectKeys(rest)
		if !ok {
			return false, false
		}
		for _, k := range keys {
			names[k] = true
		}
	}
	return names[name], true
}

// objectKeys lists the keys of the object literal at the start of s (a
// "{" ... "}" with strings already blanked), false when a key is computed
// or spread.
func objectKeys(s string) ([]string, bool) {
	depth, start := 0, 1
	var keys []string
	entry := func(e string) bool {
		e = strings.TrimSpace(e)
		if e == "" {
			return true
		}
		if strings.HasPrefix(e, "...") || strings.HasPrefix(e, "[") {
			return false
		}
		m := jsObjectKey.Get().FindStringSubmatch(e)
		if m == nil {
			return false
		}
		keys = append(keys, m[1])
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			depth--
			if depth == 0 {
				return keys, entry(s[start:i])
			}
		case ',':
			if depth == 1 {
				if !entry(s[start:i]) {
					return nil, false
				}
				start = i + 1
			}
		}
	}
	return nil, false
}

// stripJS blanks comments and the contents of string and template
// literals, keeping the quotes, so regular expressions see only code. It
// returns "" when the source does not scan (an unterminated literal).
func stripJS(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return ""
			}
			i += j + 3
			b.WriteByte(' ')
		case c == '\'' || c == '"' || c == '`':
			b.WriteByte(c)
			j := i + 1
			for ; j < len(src) && src[j] != c; j++ {
				if src[j] == '\\' {
					j++
				} else if src[j] == '\n' && c != '`' {
					return ""
				}
			}
			if j >= len(src) {
				return ""
			}
			b.WriteByte(c)
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pyDefines says whether Python source binds name at module level as far
// as a scan can tell (def, class, assignment, import), and whether the
// answer is sure: star imports and dynamic definitions make it unsure. A
// name bound anywhere (inside if/try blocks too) counts as defined.
func pyDefines(src, name string) (defined, sure bool) {
	code := stripPython(src)
	if strings.TrimSpace(code) == "" || pyDynamic.Get().MatchString(code) {
		return false, false
	}
	if !identRe.Get().MatchString(name) {
		return false, false
	}
	q := regexp.QuoteMeta(name)
	binding := regexp.MustCompile(`(?m)(?:\bdef\s+` + q + `\s*\(|\bclass\s+` + q + `\b|^\s*` + q + `\s*(?::[^=\n]*)?=[^=]|\bimport\s+[^\n]*\b` + q + `\b|\bas\s+` + q + `\b|^\s*(?:[\w, ]*,\s*)?` + q + `\s*(?:,[\w, ]*)?=[^=]|\bfor\s+[^\n]*\b` + q + `\b[^\n]*\bin\b)`)
	return binding.MatchString(code), true
}

// stripPython blanks comments and string contents.
func stripPython(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '\'' || c == '"':
			if strings.HasPrefix(src[i:], strings.Repeat(string(c), 3)) {
				end := strings.Index(src[i+3:], strings.Repeat(string(c), 3))
				if end < 0 {
					return b.String()
				}
				b.WriteString(`""`)
				i += end + 5
				continue
			}
			j := i + 1
			for ; j < len(src) && src[j] != c && src[j] != '\n'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			b.WriteString(`""`)
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
