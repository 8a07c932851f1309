package diff

import (
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/cfnspec"
	"github.com/cfnrun/cfnrun/internal/lazy"
)

// CloudFormation types: the createOnlyProperties of the resource provider
// schemas, from cfnrun's generated tables (internal/cfnspec, built from
// @aws-cdk/aws-service-spec; see createOnly), plus the few overrides below.
//
// createOnlyTable holds what those tables do not say well:
//
// SAM types: the SAM specification in the tables marks every property
// immutable, which is not what happens: the transform regenerates the
// resources and only the properties that rename them replace anything.
//
// Terraform types: the arguments marked ForceNew in terraform-provider-aws
// (internal/service/...).
//
// A type with an empty list is known to update every property in place. A
// type absent from both is unknown: the diff says "replacement unknown"
// rather than guess.
var createOnlyTable = lazy.Value[map[string][]string]{New: func() map[string][]string {
	return map[string][]string{
		// SAM: only the properties that replace what the transform generates
		// (the function's name); Events and the implicit API update in place.
		"AWS::Serverless::Function": {"FunctionName"},
		"AWS::Serverless::Api":      {},

		// Terraform: aws_api_gateway_* ForceNew arguments.
		"aws_api_gateway_account":                        {},
		"aws_api_gateway_api_key":                        {"value"},
		"aws_api_gateway_authorizer":                     {"rest_api_id"},
		"aws_api_gateway_base_path_mapping":              {"domain_name", "domain_name_id"},
		"aws_api_gateway_client_certificate":             {},
		"aws_api_gateway_deployment":                     {"canary_settings", "rest_api_id", "stage_description", "stage_name", "triggers", "variables"},
		"aws_api_gateway_documentation_part":             {"location", "rest_api_id"},
		"aws_api_gateway_documentation_version":          {"rest_api_id"},
		"aws_api_gateway_domain_name":                    {"domain_name"},
		"aws_api_gateway_domain_name_access_association": {"access_association_source", "access_association_source_type", "domain_name_arn"},
		"aws_api_gateway_gateway_response":               {"response_type", "rest_api_id"},
		"aws_api_gateway_integration":                    {"credentials", "http_method", "integration_http_method", "passthrough_behavior", "resource_id", "rest_api_id", "type"},
		"aws_api_gateway_integration_response":           {"http_method", "resource_id", "rest_api_id", "status_code"},
		"aws_api_gateway_method":                         {"http_method", "resource_id", "rest_api_id"},
		"aws_api_gateway_method_response":                {"http_method", "resource_id", "rest_api_id", "status_code"},
		"aws_api_gateway_method_settings":                {"method_path", "rest_api_id", "stage_name"},
		"aws_api_gateway_model":                          {"content_type", "name", "rest_api_id"},
		"aws_api_gateway_request_validator":              {"rest_api_id"},
		"aws_api_gateway_resource":                       {"rest_api_id"},
		"aws_api_gateway_rest_api":                       {},
		"aws_api_gateway_rest_api_policy":                {"rest_api_id"},
		"aws_api_gateway_stage":                          {"rest_api_id", "stage_name"},
		"aws_api_gateway_usage_plan":                     {},
		"aws_api_gateway_usage_plan_key":                 {"key_id", "key_type", "usage_plan_id"},
		"aws_api_gateway_vpc_link":                       {"target_arns"},

		// Terraform: what API modules commonly mix in.
		"aws_lambda_function":          {"function_name"},
		"aws_lambda_permission":        {"action", "event_source_token", "function_name", "function_url_auth_type", "principal", "principal_org_id", "qualifier", "source_account", "source_arn", "statement_id", "statement_id_prefix"},
		"aws_iam_role":                 {"name", "name_prefix", "path"},
		"aws_iam_role_policy":          {"name", "name_prefix", "role"},
		"aws_iam_policy":               {"description", "name", "name_prefix", "path"},
		"aws_dynamodb_table":           {"hash_key", "name", "range_key"},
		"aws_s3_bucket":                {"bucket", "bucket_prefix", "object_lock_enabled"},
		"aws_sqs_queue":                {"fifo_queue", "name", "name_prefix"},
		"aws_sns_topic":                {"fifo_topic", "name", "name_prefix"},
		"aws_cloudwatch_log_group":     {"name", "name_prefix"},
		"aws_apigatewayv2_api":         {"protocol_type"},
		"aws_apigatewayv2_stage":       {"api_id", "name"},
		"aws_apigatewayv2_route":       {"api_id"},
		"aws_apigatewayv2_integration": {"api_id", "integration_type"},
	}
}}

// statefulTypes hold data that a replacement or removal destroys.
var statefulTypes = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{
		"AWS::DynamoDB::Table": true, "AWS::S3::Bucket": true, "AWS::SQS::Queue": true,
		"AWS::Logs::LogGroup": true, "AWS::RDS::DBInstance": true, "AWS::RDS::DBCluster": true,
		"AWS::Cognito::UserPool": true, "AWS::KMS::Key": true,
		"aws_dynamodb_table": true, "aws_s3_bucket": true, "aws_sqs_queue": true,
		"aws_cloudwatch_log_group": true, "aws_db_instance": true, "aws_rds_cluster": true,
		"aws_cognito_user_pool": true, "aws_kms_key": true,
	}
}}

// extraCreateOnly lists top-level properties the CloudFormation
// documentation marks "Update requires: Replacement" although the resource
// schema omits them from createOnlyProperties.
func extraCreateOnly(typ string) []string {
	switch typ {
	case "AWS::DynamoDB::Table":
		return []string{"LocalSecondaryIndexes"}
	}
	return nil
}

// createOnly returns the top-level properties of typ whose change replaces
// the resource, and whether cfnrun knows typ's replacement behaviour.
func createOnly(typ string) ([]string, bool) {
	if props, ok := createOnlyTable.Get()[typ]; ok {
		return props, true
	}
	if strings.HasPrefix(typ, "AWS::Serverless::") {
		return nil, false // see createOnlyTable
	}
	props, ok := cfnspec.CreateOnly(typ)
	if !ok {
		return nil, false
	}
	return append(props, extraCreateOnly(typ)...), true
}

// knownType reports whether cfnrun knows the replacement behaviour of typ.
func knownType(typ string) bool {
	_, ok := createOnly(typ)
	return ok
}

// isCreateOnly reports whether changing top-level property prop of typ
// replaces the resource.
func isCreateOnly(typ, prop string) bool {
	props, _ := createOnly(typ)
	return slices.Contains(props, prop)
}

// isRestAPIType reports whether typ is a REST API.
func isRestAPIType(typ string) bool {
	return typ == "AWS::ApiGateway::RestApi" || typ == "aws_api_gateway_rest_api"
}

// deployableTypes are the API Gateway types whose changes reach clients only
// through a new deployment.
func isDeployable(typ string) bool {
	switch typ {
	case "AWS::ApiGateway::Method", "AWS::ApiGateway::Resource", "AWS::ApiGateway::Authorizer",
		"AWS::ApiGateway::GatewayResponse", "AWS::ApiGateway::Model", "AWS::ApiGateway::RequestValidator":
		return true
	}
	return strings.HasPrefix(typ, "aws_api_gateway_") && (strings.HasSuffix(typ, "_method") ||
		strings.HasSuffix(typ, "_integration") || strings.HasSuffix(typ, "_resource") ||
		strings.HasSuffix(typ, "_method_response") || strings.HasSuffix(typ, "_integration_response") ||
		strings.HasSuffix(typ, "_authorizer") || strings.HasSuffix(typ, "_gateway_response") ||
		strings.HasSuffix(typ, "_model") || strings.HasSuffix(typ, "_request_validator"))
}
