package resolver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Model rules about methods and their integrations (see registry.go).

var (
	placeholder  = lazy.Regexp{Pattern: `\{([^{}$]+)\}`}
	validMethods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
)

var _ = define(Rule{
	ID: "E3218", Level: "error",
	Summary: "invalid HTTP method",
	Why:     "API Gateway accepts GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS and ANY.",
	Method: func(r report, mc methodCheck) {
		m := mc.m
		if !slices.Contains(validMethods, m.HTTPMethod) && !schemaChecked(r.template(), m.LogicalID) {
			r.errorf(m.Props.At("HttpMethod", m.Range), m.LogicalID, "Use one of "+strings.Join(validMethods, ", ")+". "+diag.DidYouMean(m.HTTPMethod, validMethods), "invalid HTTP method %q", m.HTTPMethod)
		}
	},
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if usesBackendMethod(in) && in.HTTPMethod != "" && !slices.Contains(validMethods, in.HTTPMethod) && !notKnown(in.HTTPMethod) {
			r.errorf(mc.at("IntegrationHttpMethod"), mc.m.LogicalID, "Use one of "+strings.Join(validMethods, ", ")+".", "invalid IntegrationHttpMethod %q", in.HTTPMethod)
		}
	},
})

var _ = define(Rule{
	ID: "E3214", Level: "error",
	Summary: "method without integration",
	Why:     "Deployment fails with \"No integration defined for method\".",
	Method: func(r report, mc methodCheck) {
		if mc.m.Integration == nil {
			r.errorf(mc.m.Range, mc.m.LogicalID, r.pick("Add an Integration", "Add an aws_api_gateway_integration")+
				" (MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY); deploying an API with a method without integration "+
				"fails with \"No integration defined for method\".",
				"%s has no integration", mc.where())
		}
	},
})

var _ = define(Rule{
	ID: "E9002", Level: "error (info with --allow-extensions)",
	Summary: "ConnectionType HTTP2: a cfnrun extension",
	Why:     "AWS accepts INTERNET and VPC_LINK only. cfnrun honours it: HTTP/2 to the backend (h2c or ALPN h2), falling back to HTTP/1.1.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if in.ConnectionType == model.ConnectionHTTP2 {
			r.extension(mc.at("ConnectionType"), mc.m.LogicalID,
				"ConnectionType HTTP2 is a cfnrun extension from the seed article: AWS accepts only INTERNET and VPC_LINK.",
				"ConnectionType HTTP2 is not an AWS value")
		}
	},
})

var _ = define(Rule{
	ID: "E3222", Level: "error",
	Summary: "VPC_LINK integration without ConnectionId",
	Why:     "API Gateway rejects the integration.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if in.ConnectionType == model.ConnectionVPCLink && in.ConnectionID == "" {
			r.errorf(mc.at("ConnectionType"), mc.m.LogicalID,
				r.pick("Set ConnectionId to the VPC link id (!Ref MyVpcLink).", "Set connection_id to the VPC link id (aws_api_gateway_vpc_link.<name>.id)."),
				"VPC_LINK integration without ConnectionId")
		}
	},
})

// usesBackendMethod reports whether the integration calls a backend with
// a Uri and an IntegrationHttpMethod (every type but MOCK).
func usesBackendMethod(in *model.Integration) bool {
	switch in.Type {
	case model.IntegrationHTTP, model.IntegrationHTTPProxy, model.IntegrationAWS, model.IntegrationAWSProxy:
		return true
	}
	return false
}

func isHTTPIntegration(in *model.Integration) bool {
	return in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy
}

var _ = define(Rule{
	ID: "E3208", Level: "error",
	Summary: "HTTP, HTTP_PROXY, AWS or AWS_PROXY integration without Uri",
	Why:     "API Gateway rejects the integration.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if usesBackendMethod(in) && in.URI == "" {
			r.errorf(mc.at("Type"), mc.m.LogicalID,
				r.pick("Set Uri", "Set uri")+" to the backend URL (http://host/path), or the AWS service / Lambda ARN.", "%s integration of %s has no Uri", in.Type, mc.where())
		}
	},
})

var _ = define(Rule{
	ID: "E3217", Level: "error",
	Summary: "HTTP/HTTP_PROXY/AWS integration without IntegrationHttpMethod",
	Why:     "API Gateway rejects the integration.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if usesBackendMethod(in) && in.HTTPMethod == "" {
			r.errorf(mc.at("Type"), mc.m.LogicalID,
				r.pick("Set IntegrationHttpMethod", "Set integration_http_method")+" (POST for Lambda; usually the same verb for HTTP backends).",
				"%s integration of %s has no IntegrationHttpMethod", in.Type, mc.where())
		}
	},
})

var _ = define(Rule{
	ID: "E3209", Level: "error",
	Summary: "HTTP integration Uri that is not an absolute http(s) URL",
	Why:     "API Gateway fails with \"Invalid HTTP endpoint specified for URI\".",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		u := in.URI
		if !isHTTPIntegration(in) || u == "" {
			return
		}
		if (!(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) || len(u) <= len("https://")) && !notKnown(u) {
			r.errorf(mc.at("Uri"), mc.m.LogicalID, "An HTTP integration's Uri is an absolute http:// or https:// URL.", "invalid HTTP endpoint %q", u)
		}
	},
})

var _ = define(Rule{
	ID: "E3210", Level: "error",
	Summary: "Uri {placeholder} without an integration.request.path mapping",
	Why:     "API Gateway rejects the integration; at run time the placeholder would stay in the URL.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if !isHTTPIntegration(in) {
			return
		}
		for _, name := range placeholderNames(in.URI) {
			if _, ok := in.RequestParameters["integration.request.path."+name]; !ok {
				r.errorf(mc.at("Uri"), mc.m.LogicalID,
					fmt.Sprintf(r.pick("Add RequestParameters: {integration.request.path.%[1]s: method.request.path.%[2]s} to the integration (and method.request.path.%[2]s: true to the method).",
						"Add request_parameters = {\"integration.request.path.%[1]s\" = \"method.request.path.%[2]s\"} to the "+
							"integration (and \"method.request.path.%[2]s\" = true to the method's request_parameters)."), name, strings.TrimSuffix(name, "+")),
					"Uri placeholder {%s} has no request parameter mapping", name)
			}
		}
	},
})

// placeholderNames returns the names of uri's {placeholders}, what the
// pattern placeholder finds in uri once every "${" (a Fn::Sub variable
// left in place) is "$[": each '{' not right after a '$', followed by
// one or more bytes up to the first '{', '}' or '$', which must be '}'.
// (The check runs once per HTTP integration: the pattern cost about a
// third of the model rules on a 2,000-resource template.)
func placeholderNames(uri string) []string {
	var names []string
	for i := 0; i < len(uri); {
		j := strings.IndexByte(uri[i:], '{')
		if j < 0 {
			break
		}
		i += j
		if i > 0 && uri[i-1] == '$' {
			i++
			continue
		}
		k := i + 1
		for k < len(uri) && uri[k] != '{' && uri[k] != '}' && uri[k] != '$' {
			k++
		}
		if k < len(uri) && uri[k] == '}' && k > i+1 {
			names = append(names, uri[i+1:k])
			i = k + 1
		} else {
			i++
		}
	}
	return names
}

var _ = define(Rule{
	ID: "E3211", Level: "error",
	Summary: "integration parameter mapping reads a method parameter the method does not declare",
	Why:     "API Gateway fails with \"Invalid mapping expression specified\".",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		for dst, src := range in.RequestParameters {
			if strings.HasPrefix(src, "method.request.") && !strings.HasPrefix(src, "method.request.body") && !strings.HasPrefix(src, "method.request.multivalue") {
				if _, ok := mc.m.RequestParameters[src]; !ok {
					r.errorf(in.Props.At("RequestParameters."+dst, mc.at("RequestParameters")), mc.m.LogicalID,
						fmt.Sprintf(r.pick("Declare it in the method's RequestParameters: {%s: true}.", "Declare it in the method's request_parameters: {\"%s\" = true}."), src),
						"integration parameter %s reads %s, which the method does not declare", dst, src)
				}
			}
		}
	},
})

var _ = define(Rule{
	ID: "W3212", Level: "warning",
	Summary: "MOCK integration without a statusCode request template",
	Why: "API Gateway reads the statusCode from the integration request body (without a template, the client's " +
		"body passed through) and answers 500, \"Unable to parse statusCode\", when it has none; see docs/runtime.md.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if in.Type != model.IntegrationMock {
			return
		}
		for _, tpl := range in.RequestTemplates {
			if strings.Contains(tpl, "statusCode") {
				return
			}
		}
		r.warnf(in.Range, mc.m.LogicalID, r.pick("Add RequestTemplates: {application/json: '{\"statusCode\": 200}'}",
			"Add request_templates = {\"application/json\" = jsonencode({statusCode = 200})}")+"; without it API Gateway (and cfnrun up) answers 500 to any request whose body has no statusCode.",
			"MOCK integration of %s has no statusCode request template", mc.where())
	},
})

var _ = define(Rule{
	ID: "W3227", Level: "warning",
	Summary: "AWS, HTTP or MOCK (non-proxy) integration without integration responses",
	Why: "A non-proxy integration's answer reaches the client only through an integration response; with none, every request answers " +
		"500 {\"message\": \"Internal server error\"} (execution log: \"No match for output mapping and no default output mapping configured\"). " +
		"AWS's docs: \"For a non-proxy integration, you must set up at least one integration response, and make it the default response\". " +
		"cfnrun up answers the same.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		switch in.Type {
		case model.IntegrationAWS, model.IntegrationHTTP, model.IntegrationMock:
		default:
			return
		}
		if len(in.Responses) > 0 {
			return
		}
		r.warnf(in.Range, mc.m.LogicalID, r.pick("Add IntegrationResponses: [{StatusCode: \"200\"}] (a default response: no SelectionPattern), with a matching MethodResponses entry",
			"Add an aws_api_gateway_integration_response (and its aws_api_gateway_method_response) with status_code = \"200\" and no selection_pattern")+
			"; without one, API Gateway (and cfnrun up) answers 500 to every request.",
			"%s integration of %s has no integration response", in.Type, mc.where())
	},
})

// timeoutOutOfRange reports whether API Gateway rejects the timeout
// whatever the account's quota.
func timeoutOutOfRange(api *model.RestAPI, ms int) bool {
	return ms < 50 || ms > 300000 || (ms > 29000 && edgeOptimized(api))
}

var _ = define(Rule{
	ID: "E3213", Level: "error",
	Summary: "TimeoutInMillis outside 50–29000 on an edge-optimized API, or outside 50–300000",
	Why:     "API Gateway rejects the integration.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if timeoutOutOfRange(mc.api, in.TimeoutMillis) {
			r.errorf(mc.at("TimeoutInMillis"), mc.m.LogicalID,
				"API Gateway accepts 50 to 29000 ms; Regional and private APIs up to 300000 ms after a quota increase.",
				"TimeoutInMillis %d is outside 50–29000", in.TimeoutMillis)
		}
	},
})

var _ = define(Rule{
	ID: "W3225", Level: "warning",
	Summary: "TimeoutInMillis above 29000 on a Regional or private API",
	Why:     "Allowed only after the account's \"Maximum integration timeout\" quota is raised (since June 2024).",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		if in.TimeoutMillis > 29000 && !timeoutOutOfRange(mc.api, in.TimeoutMillis) {
			r.warnf(mc.at("TimeoutInMillis"), mc.m.LogicalID,
				"Request an increase of the \"Maximum integration timeout\" quota for the account and region before deploying; without it API Gateway rejects the value.",
				"TimeoutInMillis %d needs a quota increase (the default maximum is 29000)", in.TimeoutMillis)
		}
	},
})

// methodResponse returns the method response for status, if declared.
func methodResponse(m *model.Method, status string) (model.MethodResponse, bool) {
	i := slices.IndexFunc(m.MethodResponses, func(mr model.MethodResponse) bool { return mr.StatusCode == status })
	if i < 0 {
		return model.MethodResponse{}, false
	}
	return m.MethodResponses[i], true
}

var _ = define(Rule{
	ID: "E3215", Level: "error",
	Summary: "integration response that maps response parameters without a matching method response",
	Why:     "API Gateway rejects the mapping (\"Invalid mapping expression specified\"). Without response parameters, an integration response needs no method response: AWS accepts it.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		for _, ir := range in.Responses {
			if _, ok := methodResponse(mc.m, ir.StatusCode); ok || len(ir.ResponseParameters) == 0 {
				continue
			}
			r.errorf(ir.Range, mc.m.LogicalID, fmt.Sprintf(r.pick("Add a MethodResponses entry with StatusCode %s that declares the mapped headers",
				"Add an aws_api_gateway_method_response with status_code = \"%s\" that declares the mapped headers")+
				"; API Gateway rejects response parameters without a matching method response.", ir.StatusCode),
				"integration response %s of %s maps response parameters, but the method has no %s response", ir.StatusCode, mc.where(), ir.StatusCode)
		}
	},
})

var _ = define(Rule{
	ID: "E3216", Level: "error",
	Summary: "integration response maps a header the method response does not declare",
	Why:     "API Gateway rejects the mapping.",
	Integration: func(r report, mc methodCheck, in *model.Integration) {
		for _, ir := range in.Responses {
			mr, ok := methodResponse(mc.m, ir.StatusCode)
			if !ok {
				continue // E3215, or nothing to check
			}
			for p := range ir.ResponseParameters {
				if _, ok := mr.ResponseParameters[p]; !ok && strings.HasPrefix(p, "method.response.header.") {
					r.errorf(ir.Range, mc.m.LogicalID, fmt.Sprintf(r.pick("Declare %s: true in the %s method response's ResponseParameters.",
						"Declare \"%s\" = true in the %s method response's response_parameters."), p, ir.StatusCode),
						"integration response %s maps %s, which the method response does not declare", ir.StatusCode, p)
				}
			}
		}
	},
})

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

// edgeOptimized reports whether api is an EDGE endpoint (the default when
// EndpointConfiguration is not set), whose integrations cannot exceed
// 29 seconds.
func edgeOptimized(api *model.RestAPI) bool {
	if len(api.EndpointTypes) == 0 {
		return true
	}
	return slices.ContainsFunc(api.EndpointTypes, func(t string) bool { return strings.EqualFold(t, "EDGE") })
}

// notKnown reports whether a model value is the text of a value not known
// before apply ("${var.backend_url}/pets", a Terraform variable without a
// value or an attribute only AWS knows): rules that check the value itself
// skip it, as terraform validate does.
func notKnown(v string) bool {
	return strings.HasPrefix(v, "${") && !strings.HasPrefix(v, "${stageVariables.")
}
