package tf

// The argument schema of the aws_apigatewayv2_* resource types (HTTP and
// WebSocket APIs), taken from the AWS provider's source,
// hashicorp/terraform-provider-aws internal/service/apigatewayv2/*.go:
// api.go, route.go and domain_name.go at commit 00a35305 and stage.go at
// 02f6d2d9 (v6, the 2014-2026 headers), integration_response.go at
// 0657871b and authorizer.go at 01f43111 (v5/v6), integration.go,
// vpc_link.go, api_mapping.go and deployment.go at v4/v5 commits, checked
// against the v6 documentation (website/docs/r/apigatewayv2_*.html.markdown,
// whose argument lists match) — and for model and route_response, the
// documentation. Versions 5 and 6 are both accepted: arguments added in
// v6 (region, ip_address_type, routing_mode) are known. Enums are
// case-sensitive, as the provider's validation is, except where it folds
// case (endpoint_type, security_policy, routing_mode).
//
// These types are validated against the schema (TF010-TF013) but
// evaluate as placeholders (typeSchema.placeholder): their ids and ARNs
// come from placeholderObject, and the HTTP API and WebSocket lowering
// reads their arguments.
//
// The HTTP API and WebSocket lowering leaves to these checks what they
// cover: a missing route_key, an authorization_type or
// payload_format_version the provider refuses.

var ipAddressTypes = []string{"ipv4", "dualstack"}

// routeSettingsArgs are a stage's default_route_settings; route_settings
// add route_key.
func routeSettingsArgs(routeKey bool) *typeSchema {
	m := map[string]*arg{
		"data_trace_enabled": opt(kBool), "detailed_metrics_enabled": opt(kBool),
		"logging_level":          enum(false, "ERROR", "INFO", "OFF"),
		"throttling_burst_limit": opt(kNumber), "throttling_rate_limit": opt(kNumber),
	}
	if routeKey {
		m["route_key"] = req(kString)
	}
	return nested(m)
}

// timeouts is the timeouts block of a type whose schema.Resource sets
// Timeouts (domain_name: create, update; authorizer: delete).
func timeouts(ops ...string) *arg {
	m := map[string]*arg{}
	for _, op := range ops {
		m[op] = opt(kString)
	}
	return block(false, nested(m))
}

func apigatewayv2Schemas() map[string]*typeSchema {
	v2 := func(m map[string]*arg, attrs ...string) *typeSchema {
		s := args(m, attrs...)
		s.placeholder = true
		return s
	}
	return map[string]*typeSchema{
		"aws_apigatewayv2_api": v2(map[string]*arg{
			"name": upTo(req(kString), 128), "protocol_type": enum(true, "HTTP", "WEBSOCKET"),
			"api_key_selection_expression": enum(false, "$context.authorizer.usageIdentifierKey", "$request.header.x-api-key"),
			"body":                         opt(kString), "credentials_arn": arnArg(false), "description": upTo(opt(kString), 1024),
			"disable_execute_api_endpoint": opt(kBool), "fail_on_warnings": opt(kBool), "ip_address_type": enum(false, ipAddressTypes...),
			"route_key": opt(kString), "route_selection_expression": opt(kString), "tags": opt(kMap), "target": opt(kString),
			"version": upTo(opt(kString), 64),
			"cors_configuration": block(false, nested(map[string]*arg{
				"allow_credentials": opt(kBool), "allow_headers": opt(kList), "allow_methods": opt(kList),
				"allow_origins": opt(kList), "expose_headers": opt(kList), "max_age": opt(kNumber),
			})),
		}, "api_endpoint", "arn", "execution_arn", "tags_all"),
		"aws_apigatewayv2_route": v2(map[string]*arg{
			"api_id": req(kString), "route_key": req(kString), "api_key_required": opt(kBool), "authorization_scopes": opt(kList),
			"authorization_type": enum(false, "NONE", "AWS_IAM", "CUSTOM", "JWT"), "authorizer_id": opt(kString),
			"model_selection_expression": opt(kString), "operation_name": upTo(opt(kString), 64), "request_models": opt(kMap),
			"route_response_selection_expression": opt(kString), "target": upTo(opt(kString), 128),
			"request_parameter": repeated(nested(map[string]*arg{"request_parameter_key": req(kString), "required": req(kBool)})),
		}),
		"aws_apigatewayv2_integration": v2(map[string]*arg{
			"api_id": req(kString), "integration_type": enum(true, "AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"),
			"connection_id": upTo(opt(kString), 1024), "connection_type": enum(false, "INTERNET", "VPC_LINK"),
			"content_handling_strategy": enum(false, "CONVERT_TO_BINARY", "CONVERT_TO_TEXT"), "credentials_arn": arnArg(false),
			"description": opt(kString), "integration_method": enum(false, httpMethods...), "integration_subtype": upTo(opt(kString), 128),
			"integration_uri": opt(kString), "passthrough_behavior": enum(false, "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"),
			"payload_format_version": enum(false, "1.0", "2.0"), "request_parameters": opt(kMap), "request_templates": opt(kMap),
			"template_selection_expression": opt(kString), "timeout_milliseconds": opt(kNumber),
			"response_parameters": repeated(nested(map[string]*arg{"mappings": req(kMap), "status_code": req(kString)})),
			"tls_config":          block(false, nested(map[string]*arg{"server_name_to_verify": opt(kString)})),
		}, "integration_response_selection_expression"),
		"aws_apigatewayv2_integration_response": v2(map[string]*arg{
			"api_id": req(kString), "integration_id": req(kString), "integration_response_key": req(kString),
			"content_handling_strategy": enum(false, "CONVERT_TO_BINARY", "CONVERT_TO_TEXT"), "response_templates": opt(kMap),
			"template_selection_expression": opt(kString),
		}),
		"aws_apigatewayv2_route_response": v2(map[string]*arg{
			"api_id": req(kString), "route_id": req(kString), "route_response_key": req(kString),
			"model_selection_expression": opt(kString), "response_models": opt(kMap),
		}),
		"aws_apigatewayv2_stage": v2(map[string]*arg{
			"api_id": req(kString), "name": upTo(req(kString), 128), "auto_deploy": opt(kBool), "client_certificate_id": opt(kString),
			"deployment_id": opt(kString), "description": upTo(opt(kString), 1024), "stage_variables": opt(kMap), "tags": opt(kMap),
			"access_log_settings":    block(false, nested(map[string]*arg{"destination_arn": arnArg(true), "format": req(kString)})),
			"default_route_settings": block(false, routeSettingsArgs(false)),
			"route_settings":         repeated(routeSettingsArgs(true)),
		}, "arn", "execution_arn", "invoke_url", "tags_all"),
		"aws_apigatewayv2_deployment": v2(map[string]*arg{
			"api_id": req(kString), "description": upTo(opt(kString), 1024), "triggers": opt(kMap),
		}, "auto_deployed"),
		"aws_apigatewayv2_authorizer": v2(map[string]*arg{
			"api_id": req(kString), "name": upTo(req(kString), 128), "authorizer_type": enum(true, "JWT", "REQUEST"),
			"authorizer_credentials_arn": arnArg(false), "authorizer_payload_format_version": enum(false, "1.0", "2.0"),
			"authorizer_result_ttl_in_seconds": between(opt(kNumber), 0, 3600), "authorizer_uri": upTo(opt(kString), 2048), "enable_simple_responses": opt(kBool),
			"identity_sources":  opt(kList),
			"jwt_configuration": block(false, nested(map[string]*arg{"audience": opt(kList), "issuer": opt(kString)})),
			"timeouts":          timeouts("delete"),
		}),
		"aws_apigatewayv2_domain_name": v2(map[string]*arg{
			"domain_name": upTo(req(kString), 512), "tags": opt(kMap),
			"routing_mode": enumFold(false, "API_MAPPING_ONLY", "ROUTING_RULE_ONLY", "ROUTING_RULE_THEN_API_MAPPING"),
			"domain_name_configuration": block(true, nested(map[string]*arg{
				"certificate_arn": arnArg(true), "endpoint_type": enumFold(true, "REGIONAL"),
				"ip_address_type": enum(false, ipAddressTypes...), "ownership_verification_certificate_arn": arnArg(false),
				"security_policy": enumFold(true, "TLS_1_2"),
			})),
			"mutual_tls_authentication": block(false, nested(map[string]*arg{"truststore_uri": req(kString), "truststore_version": opt(kString)})),
			"timeouts":                  timeouts("create", "update"),
		}, "api_mapping_selection_expression", "arn", "tags_all"),
		"aws_apigatewayv2_api_mapping": v2(map[string]*arg{
			"api_id": req(kString), "domain_name": req(kString), "stage": req(kString), "api_mapping_key": opt(kString),
		}),
		"aws_apigatewayv2_vpc_link": v2(map[string]*arg{
			"name": upTo(req(kString), 128), "security_group_ids": req(kList), "subnet_ids": req(kList), "tags": opt(kMap),
		}, "arn", "tags_all"),
		"aws_apigatewayv2_model": v2(map[string]*arg{
			"api_id": req(kString), "content_type": upTo(req(kString), 256), "name": upTo(req(kString), 128), "schema": upTo(req(kString), 32768),
			"description": upTo(opt(kString), 128),
		}),
	}
}
