package tf

// The argument schema of the aws_api_gateway_* resource types, written
// from the AWS provider's documentation (website/docs/r/api_gateway_*),
// versions 5 and 6 both accepted. It drives `validate` (unknown
// arguments, missing required ones, enum values, value kinds) and gives
// every declared argument a null value when it is not set, so references
// to optional arguments evaluate as Terraform's do.

import (
	"maps"
	"slices"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

type argKind uint8

const (
	kString argKind = iota
	kBool
	kNumber
	kList  // list or set of strings
	kMap   // map of strings
	kMapB  // map of bools
	kAny   // anything (a JSON document, a number-or-string)
	kBlock // nested block
)

type arg struct {
	kind     argKind
	required bool
	enum     []string
	// fold: the provider compares enum values ignoring case
	// (validation.StringInSlice(..., true), enum.ValidateIgnoreCase).
	fold  bool
	block *typeSchema
	// many: the block may be repeated (a TypeSet or TypeList without
	// MaxItems: 1); others are given at most once.
	many bool
	// arn: the provider validates the string as an ARN (verify.ValidARN).
	arn bool
	// maxLen is a string's longest length (validation.StringLenBetween),
	// 0 for none; lo and hi bound a number (validation.IntBetween) when
	// hi > 0.
	maxLen int
	lo, hi float64
}

type typeSchema struct {
	args map[string]*arg
	// attrs are exported attributes besides id and the arguments.
	attrs []string
	// argNames are args's names, sorted: every instance's exported value
	// walks them.
	argNames []string
	// placeholder: validate checks the type's arguments against the
	// schema, but its instances evaluate as placeholders (the
	// aws_apigatewayv2_* types: placeholderObject makes their ids and
	// ARNs, and the lowering reads their arguments).
	placeholder bool
}

func newSchema(m map[string]*arg, attrs []string) *typeSchema {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return &typeSchema{args: m, attrs: attrs, argNames: names}
}

func req(k argKind) *arg                    { return &arg{kind: k, required: true} }
func opt(k argKind) *arg                    { return &arg{kind: k} }
func enum(required bool, vs ...string) *arg { return &arg{kind: kString, required: required, enum: vs} }
func enumFold(required bool, vs ...string) *arg {
	return &arg{kind: kString, required: required, enum: vs, fold: true}
}
func block(required bool, s *typeSchema) *arg {
	return &arg{kind: kBlock, required: required, block: s}
}

// arnArg is an optional string the provider validates as an ARN.
func arnArg(required bool) *arg { return &arg{kind: kString, required: required, arn: true} }

// upTo sets a string argument's longest length.
func upTo(a *arg, n int) *arg { a.maxLen = n; return a }

// between sets a number argument's range.
func between(a *arg, lo, hi float64) *arg { a.lo, a.hi = lo, hi; return a }

// repeated is a block the provider takes any number of times.
func repeated(s *typeSchema) *arg { return &arg{kind: kBlock, block: s, many: true} }

func args(m map[string]*arg, attrs ...string) *typeSchema {
	if _, ok := m["region"]; !ok {
		m["region"] = opt(kString) // provider v6: per-resource region
	}
	return newSchema(m, attrs)
}

func nested(m map[string]*arg) *typeSchema { return newSchema(m, nil) }

var httpMethods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

var gatewayResponseTypes = []string{"ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
	"BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN", "INTEGRATION_FAILURE",
	"INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED",
	"REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED"}

var canarySettings = nested(map[string]*arg{
	"percent_traffic": opt(kNumber), "stage_variable_overrides": opt(kMap), "use_stage_cache": opt(kBool), "deployment_id": opt(kString),
})

// schemas are the modelled aws_api_gateway_* types and the validated
// aws_apigatewayv2_* ones (schema_v2.go, placeholders), built on first
// use (a Terraform read), not at the start of every command.
var schemas = lazy.Value[map[string]*typeSchema]{New: func() map[string]*typeSchema {
	m := map[string]*typeSchema{
		"aws_api_gateway_rest_api": args(map[string]*arg{
			"name": req(kString), "description": opt(kString), "api_key_source": enum(false, "HEADER", "AUTHORIZER"),
			"binary_media_types": opt(kList), "body": opt(kString), "minimum_compression_size": opt(kAny),
			"parameters": opt(kMap), "policy": opt(kString), "put_rest_api_mode": enum(false, "merge", "overwrite"),
			"disable_execute_api_endpoint": opt(kBool), "fail_on_warnings": opt(kBool), "tags": opt(kMap),
			"endpoint_configuration": block(false, nested(map[string]*arg{
				"types": req(kList), "vpc_endpoint_ids": opt(kList), "ip_address_type": enum(false, "ipv4", "dualstack"),
			})),
		}, "root_resource_id", "arn", "execution_arn", "created_date", "tags_all"),
		"aws_api_gateway_resource": args(map[string]*arg{
			"rest_api_id": req(kString), "parent_id": req(kString), "path_part": req(kString),
		}, "path"),
		"aws_api_gateway_method": args(map[string]*arg{
			"rest_api_id": req(kString), "resource_id": req(kString), "http_method": enum(true, httpMethods...),
			"authorization": enum(true, "NONE", "CUSTOM", "AWS_IAM", "COGNITO_USER_POOLS"), "authorizer_id": opt(kString),
			"authorization_scopes": opt(kList), "api_key_required": opt(kBool), "operation_name": opt(kString),
			"request_models": opt(kMap), "request_validator_id": opt(kString), "request_parameters": opt(kMapB),
		}),
		"aws_api_gateway_integration": args(map[string]*arg{
			"rest_api_id": req(kString), "resource_id": req(kString), "http_method": enum(true, httpMethods...),
			"type": enum(true, "HTTP", "MOCK", "AWS", "AWS_PROXY", "HTTP_PROXY"), "integration_http_method": enum(false, httpMethods...),
			"uri": opt(kString), "connection_type": enum(false, "INTERNET", "VPC_LINK"), "connection_id": opt(kString),
			"credentials": opt(kString), "request_parameters": opt(kMap), "request_templates": opt(kMap),
			"passthrough_behavior": enum(false, "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"), "cache_key_parameters": opt(kList),
			"cache_namespace": opt(kString), "content_handling": enum(false, "CONVERT_TO_BINARY", "CONVERT_TO_TEXT"),
			"timeout_milliseconds": opt(kNumber), "integration_target": opt(kString),
			"response_transfer_mode": enum(false, "BUFFERED", "STREAM"),
			"tls_config":             block(false, nested(map[string]*arg{"insecure_skip_verification": opt(kBool)})),
		}),
		"aws_api_gateway_method_response": args(map[string]*arg{
			"rest_api_id": req(kString), "resource_id": req(kString), "http_method": enum(true, httpMethods...),
			"status_code": req(kString), "response_models": opt(kMap), "response_parameters": opt(kMapB),
		}),
		"aws_api_gateway_integration_response": args(map[string]*arg{
			"rest_api_id": req(kString), "resource_id": req(kString), "http_method": enum(true, httpMethods...),
			"status_code": req(kString), "selection_pattern": opt(kString), "response_templates": opt(kMap),
			"response_parameters": opt(kMap), "content_handling": enum(false, "CONVERT_TO_BINARY", "CONVERT_TO_TEXT"),
		}),
		"aws_api_gateway_deployment": args(map[string]*arg{
			"rest_api_id": req(kString), "description": opt(kString), "stage_name": opt(kString),
			"stage_description": opt(kString), "triggers": opt(kMap), "variables": opt(kMap),
			"canary_settings": block(false, canarySettings),
		}, "invoke_url", "execution_arn", "created_date"),
		"aws_api_gateway_stage": args(map[string]*arg{
			"rest_api_id": req(kString), "stage_name": req(kString), "deployment_id": req(kString),
			"description": opt(kString), "variables": opt(kMap), "cache_cluster_enabled": opt(kBool),
			"cache_cluster_size":    enum(false, "0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"),
			"client_certificate_id": opt(kString), "documentation_version": opt(kString), "xray_tracing_enabled": opt(kBool),
			"tags":                opt(kMap),
			"access_log_settings": block(false, nested(map[string]*arg{"destination_arn": req(kString), "format": req(kString)})),
			"canary_settings":     block(false, canarySettings),
			// cfnrun's extension (the seed's Http2Enabled); the shared model
			// rules report it (E9001).
			"http2_enabled": opt(kBool),
		}, "arn", "invoke_url", "execution_arn", "web_acl_arn", "tags_all"),
		"aws_api_gateway_method_settings": args(map[string]*arg{
			"rest_api_id": req(kString), "stage_name": req(kString), "method_path": req(kString),
			"settings": block(true, nested(map[string]*arg{
				"metrics_enabled": opt(kBool), "logging_level": enum(false, "OFF", "ERROR", "INFO"), "data_trace_enabled": opt(kBool),
				"throttling_burst_limit": opt(kNumber), "throttling_rate_limit": opt(kNumber), "caching_enabled": opt(kBool),
				"cache_ttl_in_seconds": opt(kNumber), "cache_data_encrypted": opt(kBool), "require_authorization_for_cache_control": opt(kBool),
				"unauthorized_cache_control_header_strategy": enum(false, "FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"),
			})),
		}),
		"aws_api_gateway_authorizer": args(map[string]*arg{
			"name": req(kString), "rest_api_id": req(kString), "authorizer_uri": opt(kString), "identity_source": opt(kString),
			"type": enum(false, "TOKEN", "REQUEST", "COGNITO_USER_POOLS"), "authorizer_credentials": opt(kString),
			"authorizer_result_ttl_in_seconds": opt(kNumber), "identity_validation_expression": opt(kString), "provider_arns": opt(kList),
		}, "arn"),
		"aws_api_gateway_gateway_response": args(map[string]*arg{
			"rest_api_id": req(kString), "response_type": enum(true, gatewayResponseTypes...), "status_code": opt(kString),
			"response_templates": opt(kMap), "response_parameters": opt(kMap),
		}),
		"aws_api_gateway_model": args(map[string]*arg{
			"rest_api_id": req(kString), "name": req(kString), "content_type": req(kString), "description": opt(kString), "schema": opt(kString),
		}),
		"aws_api_gateway_request_validator": args(map[string]*arg{
			"name": req(kString), "rest_api_id": req(kString), "validate_request_body": opt(kBool), "validate_request_parameters": opt(kBool),
		}),
		"aws_api_gateway_api_key": args(map[string]*arg{
			"name": req(kString), "description": opt(kString), "enabled": opt(kBool), "value": opt(kString), "customer_id": opt(kString), "tags": opt(kMap),
		}, "arn", "created_date", "last_updated_date", "tags_all"),
		"aws_api_gateway_usage_plan": args(map[string]*arg{
			"name": req(kString), "description": opt(kString), "product_code": opt(kString), "tags": opt(kMap),
			"api_stages": repeated(nested(map[string]*arg{
				"api_id": req(kString), "stage": req(kString),
				"throttle": repeated(nested(map[string]*arg{"path": req(kString), "burst_limit": opt(kNumber), "rate_limit": opt(kNumber)})),
			})),
			"quota_settings":    block(false, nested(map[string]*arg{"limit": req(kNumber), "offset": opt(kNumber), "period": enum(true, "DAY", "WEEK", "MONTH")})),
			"throttle_settings": block(false, nested(map[string]*arg{"burst_limit": opt(kNumber), "rate_limit": opt(kNumber)})),
		}, "arn", "tags_all"),
		"aws_api_gateway_rest_api_policy": args(map[string]*arg{
			"rest_api_id": req(kString), "policy": req(kString),
		}),
		"aws_api_gateway_usage_plan_key": args(map[string]*arg{
			"key_id": req(kString), "key_type": req(kString), "usage_plan_id": req(kString),
		}, "name", "value"),
	}
	maps.Copy(m, apigatewayv2Schemas())
	return m
}}

// cfnName maps Terraform argument names to the CloudFormation property
// names model.Ranges are keyed by.
var cfnName = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"name": "Name", "description": "Description", "rest_api_id": "RestApiId", "parent_id": "ParentId", "path_part": "PathPart",
		"http_method": "HttpMethod", "authorization": "AuthorizationType", "authorizer_id": "AuthorizerId",
		"authorization_scopes": "AuthorizationScopes", "api_key_required": "ApiKeyRequired", "operation_name": "OperationName",
		"request_models": "RequestModels", "request_validator_id": "RequestValidatorId", "request_parameters": "RequestParameters",
		"resource_id": "ResourceId", "type": "Type", "integration_http_method": "IntegrationHttpMethod", "uri": "Uri",
		"connection_type": "ConnectionType", "connection_id": "ConnectionId", "credentials": "Credentials",
		"request_templates": "RequestTemplates", "passthrough_behavior": "PassthroughBehavior", "cache_key_parameters": "CacheKeyParameters",
		"cache_namespace": "CacheNamespace", "content_handling": "ContentHandling", "timeout_milliseconds": "TimeoutInMillis",
		"status_code": "StatusCode", "selection_pattern": "SelectionPattern", "response_templates": "ResponseTemplates",
		"response_parameters": "ResponseParameters", "response_models": "ResponseModels", "stage_name": "StageName", "base_path": "BasePath", "stage": "Stage", "api_mapping_key": "ApiMappingKey", "domain_name": "DomainName",
		"certificate_arn": "CertificateArn", "regional_certificate_arn": "RegionalCertificateArn", "domain_name_configuration": "DomainNameConfigurations",
		"stage_description": "StageDescription", "deployment_id": "DeploymentId", "variables": "Variables",
		"cache_cluster_enabled": "CacheClusterEnabled", "cache_cluster_size": "CacheClusterSize", "xray_tracing_enabled": "TracingEnabled",
		"http2_enabled": "Http2Enabled", "binary_media_types": "BinaryMediaTypes", "minimum_compression_size": "MinimumCompressionSize",
		"api_key_source": "ApiKeySource", "disable_execute_api_endpoint": "DisableExecuteApiEndpoint", "body": "Body",
		"endpoint_configuration": "EndpointConfiguration", "policy": "Policy", "method_path": "MethodSettings", "settings": "MethodSettings",
		"identity_source": "IdentitySource", "authorizer_uri": "AuthorizerUri", "provider_arns": "ProviderARNs",
		"response_type": "ResponseType", "content_type": "ContentType", "schema": "Schema",
		"validate_request_body": "ValidateRequestBody", "validate_request_parameters": "ValidateRequestParameters",
		"access_log_settings": "AccessLogSetting", "canary_settings": "CanarySetting", "client_certificate_id": "ClientCertificateId",
		"documentation_version": "DocumentationVersion", "tags": "Tags",
	}
}}
