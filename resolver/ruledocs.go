package resolver

import (
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/tf"
)

// RuleDoc documents one rule for docs/rules.md and SARIF.
type RuleDoc struct {
	ID       string
	Severity string
	Summary  string
	// Why says what goes wrong at deploy time or at run time.
	Why string
}

// Rules lists every rule the CloudFormation resolver, the property-schema
// check and the shared model rules report; AllRules adds Terraform's. docs/rules.md is checked against it by a test.
func Rules() []RuleDoc {
	return []RuleDoc{
		{"E0000", "error", "YAML or JSON syntax error", "CloudFormation cannot parse the template."},
		{"E0001", "error", "duplicate mapping key", "CloudFormation rejects duplicate keys; YAML libraries silently keep one of them."},
		{"E0002", "error", "unknown short-form tag", "Only CloudFormation's intrinsic tags (!Ref, !GetAtt, !Sub, ...) are allowed."},
		{"E0003", "error", "unknown intrinsic function", "CloudFormation rejects unknown Fn:: functions."},
		{"E0004", "error", "malformed short-form intrinsic", "!GetAtt needs Resource.Attribute; !Ref and !Condition take a name."},
		{"E0005", "error", "template is not a mapping, or empty", "A template is a mapping of sections."},
		{"E0006", "error", "YAML aliases expand too far", "Protects against alias bombs."},
		{"E0100", "error", "input cannot be read", "The file or directory is missing or unreadable; the command exits 2."},
		{"E1001", "error", "unknown or malformed top-level section", "CloudFormation accepts only its documented sections."},
		{"E1010", "error", "Fn::GetAtt to an attribute the resource type does not have", "CloudFormation fails with \"Template error: resource X does not support attribute type Y\"."},
		{"E1012", "error", "reference to a name that is not a parameter, resource or pseudo parameter", "CloudFormation fails with \"Unresolved resource dependencies\". Locally, --set Name.Attr=value supplies a value."},
		{"E1020", "error", "intrinsic function with invalid arguments", "CloudFormation rejects the template."},
		{"E1021", "error", "Fn::ForEach, Fn::Length or Fn::ToJsonString without Transform: AWS::LanguageExtensions", "CloudFormation rejects the template: those functions come from the transform."},
		{"E2001", "error", "parameter definition problem (no Type, invalid type, bad attribute, --param for an undeclared parameter)", "CloudFormation rejects the template or the stack operation."},
		{"E2002", "error", "parameter value violates AllowedValues, AllowedPattern, lengths or bounds", "CloudFormation rejects the stack operation."},
		{"I2003", "info", "parameter without Default and without --param value: cfnrun uses a placeholder", "CloudFormation asks for the value at deploy time, so this is not an error; the placeholder satisfies AllowedValues, MinValue and AWS-specific id shapes where it can."},
		{"W2001", "warning", "parameter never used", "Usually a leftover or a typo in a !Ref."},
		{"E3000", "error", "malformed resource entry (no Type, unknown attribute, bad logical id)", "CloudFormation rejects the template."},
		{"E3001", "error (warning for third-party types)", "unknown resource type", "CloudFormation fails with \"Unrecognized resource types\"; a did-you-mean names the closest type."},
		{"E3002", "error (warning outside AWS::ApiGateway::* without a close match)", "unknown property", "CloudFormation fails with \"Encountered unsupported property\". When the property belongs to a sibling type (AutoDeploy on AWS::ApiGateway::Stage belongs to AWS::ApiGatewayV2::Stage) the hint says so. cfnrun's schema comes from goformation v7.14.9; a property newer than that is a warning."},
		{"E3003", "error", "required property missing", "CloudFormation fails with \"Property X cannot be empty\". Under the SAM transform, AWS::Serverless::* properties may come from Globals and are not reported."},
		{"E3004", "error", "circular dependency", "CloudFormation fails with \"Circular dependency between resources\"; the whole cycle is printed, starting at the smallest name."},
		{"E3012", "error", "property value of the wrong type (a list for a string, a map for a list ...)", "CloudFormation fails with \"Value of property X must be of type ...\". Numbers and booleans written as strings, and intrinsics that return the right type, are accepted as CloudFormation accepts them."},
		{"E3030", "error", "value outside the documented set (Integration Type, ConnectionType, PassthroughBehavior, AuthorizationType, HttpMethod, EndpointConfiguration Types ...)", "API Gateway rejects the value."},
		{"E3010", "error", "reference to a resource whose Condition is false", "CloudFormation fails with \"Unresolved resource dependencies\" when the condition is false."},
		{"E6001", "error", "malformed output", "CloudFormation rejects the template."},
		{"E7001", "error", "Fn::FindInMap key not found", "CloudFormation fails with \"Mapping X does not contain key Y\"."},
		{"E8001", "error", "unknown or malformed condition", "CloudFormation rejects the template."},
		{"I1001", "info", "something cfnrun does not model (a transform, Fn::ImportValue, Fn::ForEach)", "cfnrun resolves it to a placeholder and says so."},
		{"W1001", "warning", "value supplied by --set for a name the template does not define", "Works locally; CloudFormation will still reject the template."},
		{"E3101", "error", "API Gateway element points at a resource or API that is not in the template, or of another API", "CloudFormation or API Gateway rejects it (\"Invalid Resource identifier specified\")."},
		{"E3102", "error", "API Gateway property of the wrong shape (not a number, not a boolean)", "CloudFormation rejects the value."},
		{"I3103", "info", "API Gateway element cfnrun cannot serve (an API imported from outside, an OpenAPI Body)", "It deploys, but cfnrun does not serve it locally."},
		{"E3201", "error", "stage created twice", "A Deployment's StageName creates a stage; a Stage resource with the same name fails with \"Stage already exists\"."},
		{"E3202", "error", "stage without DeploymentId", "API Gateway needs a deployment to create a stage."},
		{"E3203", "error", "stage points at a deployment of another API", "API Gateway rejects the stage."},
		{"E3205", "error", "two resources with the same path part (or two path variables) under one parent", "API Gateway fails with \"Another resource with the same parent already has this name\"."},
		{"E3206", "error", "greedy {proxy+} path part that is not the last part", "API Gateway rejects resources under a greedy path variable."},
		{"E3207", "error", "invalid path part", "API Gateway accepts literal segments or one {param} / {param+}."},
		{"E3208", "error", "HTTP, HTTP_PROXY, AWS or AWS_PROXY integration without Uri", "API Gateway rejects the integration."},
		{"E3209", "error", "HTTP integration Uri that is not an absolute http(s) URL", "API Gateway fails with \"Invalid HTTP endpoint specified for URI\"."},
		{"E3210", "error", "Uri {placeholder} without an integration.request.path mapping", "API Gateway rejects the integration; at run time the placeholder would stay in the URL."},
		{"E3211", "error", "integration parameter mapping reads a method parameter the method does not declare", "API Gateway fails with \"Invalid mapping expression specified\"."},
		{"W3212", "warning", "MOCK integration without a statusCode request template", "API Gateway cannot pick an integration response and answers 500."},
		{"E3213", "error", "TimeoutInMillis outside 50–29000 on an edge-optimized API, or outside 50–300000", "API Gateway rejects the integration."},
		{"W3225", "warning", "TimeoutInMillis above 29000 on a Regional or private API", "Allowed only after the account's \"Maximum integration timeout\" quota is raised (since June 2024)."},
		{"E3214", "error", "method without integration", "Deployment fails with \"No integration defined for method\"."},
		{"E3215", "error", "integration response without a matching method response", "API Gateway rejects the integration response."},
		{"E3216", "error", "integration response maps a header the method response does not declare", "API Gateway rejects the mapping."},
		{"E3217", "error", "HTTP/HTTP_PROXY/AWS integration without IntegrationHttpMethod", "API Gateway rejects the integration."},
		{"E3218", "error", "invalid HTTP method", "API Gateway accepts GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS and ANY."},
		{"E3219", "error", "invalid stage name", "Stage names allow a-z, A-Z, 0-9, - and _."},
		{"W3220", "warning", "API with methods but no stage", "Nothing is deployed; cfnrun serves stages only."},
		{"E3221", "error", "the same HTTP method defined twice on one resource", "API Gateway fails with \"Method already exists\"."},
		{"E3222", "error", "VPC_LINK integration without ConnectionId", "API Gateway rejects the integration."},
		{"E3223", "error", "invalid stage variable name or value", "API Gateway rejects the stage."},
		{"E3224", "error", "deployment that does not depend on any method of its API", "CloudFormation may create the deployment first and fail with \"The REST API doesn't contain any methods\"."},
		{"runtime-not-served", "warning (cfnrun up only)", "a route `up` does not serve: AWS or AWS_PROXY integrations, a method without integration, an API without stage, an unresolved backend Uri", "The route answers as AWS does when an integration fails (500 \"Internal server error\"); the start-up banner lists it. See docs/runtime.md."},
		{"runtime-ignored", "warning or info (cfnrun up only)", "a declaration `up` ignores: the duplicate of a stage created twice, a setting it cannot honour locally", "Names what was dropped, so the served API is never silently different from the template. See docs/runtime.md."},
		{"runtime-unsupported", "warning (cfnrun up only)", "a mapping template uses VTL that runtime/vtl does not implement", "The route answers 500 and logs why when such a template runs, never silently wrong output. See docs/vtl.md."},
		{"E9001", "error (info with --allow-extensions)", "Http2Enabled on a stage: a cfnrun extension", "AWS::ApiGateway::Stage has no Http2Enabled; CloudFormation rejects it. cfnrun honours it: false makes the stage HTTP/1.1-only."},
		{"E9002", "error (info with --allow-extensions)", "ConnectionType HTTP2: a cfnrun extension", "AWS accepts INTERNET and VPC_LINK only. cfnrun honours it: HTTP/2 to the backend (h2c or ALPN h2), falling back to HTTP/1.1."},
	}
}

// AllRules is Rules plus the Terraform front end's rules (tf.Rules), in id
// order within each group.
func AllRules() []RuleDoc {
	out := Rules()
	for _, r := range tf.Rules() {
		out = append(out, RuleDoc{ID: r.ID, Severity: r.Severity, Summary: r.What, Why: r.Why})
	}
	return out
}

// RuleDocs returns the rules in the shape SARIF output needs.
func RuleDocs() []diag.RuleDoc {
	var out []diag.RuleDoc
	for _, r := range AllRules() {
		out = append(out, diag.RuleDoc{ID: r.ID, Summary: r.Summary})
	}
	return out
}
