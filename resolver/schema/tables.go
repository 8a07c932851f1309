package schema

import (
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/cfnspec"
)

// This file holds what the generated tables (internal/cfnspec) do not say:
// the documented enum values of API Gateway properties (the registry
// schemas of most API Gateway types declare none), properties and types
// the tables lack, corrections to the SAM specification the tables carry,
// and cfnrun's own extensions, which the resolver reports with a dedicated
// rule. Every table is a function over constants, so nothing here can be
// mutated at run time.

// schemaSource names the data cfnrun checks against, for hints.
const schemaSource = cfnspec.Package + " " + cfnspec.Version + " of " + cfnspec.Date

// enumFor returns the documented values of property prop of object obj
// (a CloudFormation name such as "AWS::ApiGateway::Method.Integration"),
// or nil. Sources: the CloudFormation template reference and the API
// Gateway REST API reference (valid values of each field).
func enumFor(obj, prop string) *enum {
	switch obj + "/" + prop {
	case "AWS::ApiGateway::Method.Integration/Type":
		return &enum{values: []string{"AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"}}
	case "AWS::ApiGateway::Method.Integration/ConnectionType":
		// HTTP2 is cfnrun's extension; the resolver reports it.
		return &enum{values: []string{"INTERNET", "VPC_LINK"}, skip: []string{"HTTP2"}}
	case "AWS::ApiGateway::Method.Integration/ContentHandling",
		"AWS::ApiGateway::Method.IntegrationResponse/ContentHandling":
		return &enum{values: []string{"CONVERT_TO_BINARY", "CONVERT_TO_TEXT"}}
	case "AWS::ApiGateway::Method.Integration/PassthroughBehavior":
		return &enum{values: []string{"WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"}}
	case "AWS::ApiGateway::Method.Integration/ResponseTransferMode":
		return &enum{values: []string{"BUFFERED", "STREAM"}}
	case "AWS::ApiGateway::Method/AuthorizationType":
		return &enum{values: []string{"NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"}}
	case "AWS::ApiGateway::Method/HttpMethod":
		// API Gateway's method verbs; compared without case because
		// templates in the wild write "get".
		return &enum{values: []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, fold: true}
	case "AWS::ApiGateway::RestApi.EndpointConfiguration/Types",
		"AWS::ApiGateway::DomainName.EndpointConfiguration/Types":
		return &enum{values: []string{"EDGE", "REGIONAL", "PRIVATE"}}
	case "AWS::ApiGateway::RestApi.EndpointConfiguration/IpAddressType",
		"AWS::ApiGateway::DomainName.EndpointConfiguration/IpAddressType":
		return &enum{values: []string{"ipv4", "dualstack"}}
	case "AWS::ApiGateway::RestApi/ApiKeySourceType":
		return &enum{values: []string{"HEADER", "AUTHORIZER"}}
	case "AWS::ApiGateway::RestApi/Mode":
		return &enum{values: []string{"overwrite", "merge"}}
	case "AWS::ApiGateway::Authorizer/Type":
		return &enum{values: []string{"TOKEN", "REQUEST", "COGNITO_USER_POOLS"}}
	case "AWS::ApiGateway::GatewayResponse/ResponseType":
		return &enum{values: []string{"DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED",
			"INVALID_API_KEY", "ACCESS_DENIED", "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR",
			"INVALID_SIGNATURE", "EXPIRED_TOKEN", "MISSING_AUTHENTICATION_TOKEN", "INTEGRATION_FAILURE",
			"INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR", "UNSUPPORTED_MEDIA_TYPE",
			"BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "REQUEST_TOO_LARGE", "THROTTLED",
			"QUOTA_EXCEEDED", "WAF_FILTERED"}}
	case "AWS::ApiGateway::Stage.MethodSetting/LoggingLevel",
		"AWS::ApiGateway::Deployment.MethodSetting/LoggingLevel",
		"AWS::ApiGateway::Deployment.StageDescription/LoggingLevel":
		return &enum{values: []string{"OFF", "ERROR", "INFO"}}
	case "AWS::ApiGateway::Stage/CacheClusterSize",
		"AWS::ApiGateway::Deployment.StageDescription/CacheClusterSize":
		return &enum{values: []string{"0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"}}
	case "AWS::ApiGateway::UsagePlan.QuotaSettings/Period":
		return &enum{values: []string{"DAY", "WEEK", "MONTH"}}
	case "AWS::ApiGateway::UsagePlanKey/KeyType":
		return &enum{values: []string{"API_KEY"}}
	// API Gateway v2 (HTTP and WebSocket APIs): the values of the API
	// Gateway V2 API reference. Its resource schemas declare no enums, so
	// case is not held against a template.
	case "AWS::ApiGatewayV2::Api/ProtocolType":
		return &enum{values: []string{"HTTP", "WEBSOCKET"}, fold: true}
	case "AWS::ApiGatewayV2::Integration/IntegrationType":
		return &enum{values: []string{"AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"}, fold: true}
	case "AWS::ApiGatewayV2::Integration/ConnectionType":
		return &enum{values: []string{"INTERNET", "VPC_LINK"}, fold: true}
	case "AWS::ApiGatewayV2::Integration/PassthroughBehavior":
		return &enum{values: []string{"WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"}, fold: true}
	case "AWS::ApiGatewayV2::Integration/ContentHandlingStrategy",
		"AWS::ApiGatewayV2::IntegrationResponse/ContentHandlingStrategy":
		return &enum{values: []string{"CONVERT_TO_BINARY", "CONVERT_TO_TEXT"}, fold: true}
	case "AWS::ApiGatewayV2::Integration/PayloadFormatVersion":
		return &enum{values: []string{"1.0", "2.0"}}
	case "AWS::ApiGatewayV2::Authorizer/AuthorizerType":
		return &enum{values: []string{"REQUEST", "JWT"}, fold: true}
	case "AWS::ApiGatewayV2::Route/AuthorizationType":
		return &enum{values: []string{"NONE", "AWS_IAM", "CUSTOM", "JWT"}, fold: true}
	case "AWS::ApiGatewayV2::DomainName.DomainNameConfiguration/EndpointType":
		return &enum{values: []string{"REGIONAL", "EDGE"}, fold: true}
	case "AWS::ApiGatewayV2::Stage.RouteSettings/LoggingLevel":
		return &enum{values: []string{"ERROR", "INFO", "OFF"}, fold: true}
	case "AWS::Serverless::Function.EventSource/Type":
		// SAM developer guide, EventSource: Type valid values.
		return &enum{open: true, values: []string{"AlexaSkill", "Api", "CloudWatchEvent", "CloudWatchLogs",
			"Cognito", "DocumentDB", "DynamoDB", "EventBridgeRule", "HttpApi", "IoTRule", "Kinesis", "MQ",
			"MSK", "S3", "Schedule", "ScheduleV2", "SelfManagedKafka", "SNS", "SQS"}}
	case "AWS::Serverless::StateMachine.EventSource/Type":
		return &enum{open: true, values: []string{"Api", "CloudWatchEvent", "EventBridgeRule", "Schedule", "ScheduleV2"}}
	case "AWS::ApiGateway::DocumentationPart.Location/Type":
		return &enum{values: []string{"API", "AUTHORIZER", "MODEL", "RESOURCE", "METHOD", "PATH_PARAMETER",
			"QUERY_PARAMETER", "REQUEST_HEADER", "REQUEST_BODY", "RESPONSE", "RESPONSE_HEADER", "RESPONSE_BODY"}}
	}
	return nil
}

// added is a property AWS documents that the tables lack. A kList is a
// list of strings; a kMap a map of anything.
type added struct {
	name string
	kind kind
}

// addedProps returns the properties of object obj that AWS documents and
// the generated tables do not have. The SAM specification the tables
// carry is hand-written and lags SAM itself, so SAM's documented
// additions are listed here, so real SAM templates do not warn.
func addedProps(obj string) []added {
	switch obj {
	case "AWS::Serverless::Function":
		return []added{{"AutoPublishAliasAllProperties", kBool}, {"CapacityProviderConfig", kAny},
			{"DurableConfig", kAny}, {"FunctionScalingConfig", kAny}, {"LoggingConfig", kAny},
			{"PublishToLatestPublished", kBool}, {"PropagateTags", kBool}, {"RecursiveLoop", kString},
			{"RolePath", kString}, {"RuntimeManagementConfig", kAny}, {"SnapStart", kAny},
			{"SourceKMSKeyArn", kString}, {"TenancyConfig", kAny}, {"VersionDeletionPolicy", kString}}
	case "AWS::Serverless::Api":
		return []added{{"ApiKeySourceType", kString}, {"FailOnWarnings", kBool}, {"Mode", kString},
			{"MergeDefinitions", kBool}, {"PropagateTags", kBool}, {"Policy", kAny}, {"SecurityPolicy", kString},
			{"EndpointAccessMode", kString}}
	case "AWS::Serverless::Api.Auth":
		return []added{{"AddApiKeyRequiredToCorsPreflight", kBool}, {"ApiKeyRequired", kBool},
			{"InvokeRole", kString}, {"ResourcePolicy", kAny}, {"UsagePlan", kObject}}
	case "AWS::Serverless::HttpApi":
		// AccessLogSettings (plural, as the stage's): what the translator
		// reads; the tables carry Api's singular name (removedProps).
		return []added{{"PropagateTags", kBool}, {"Name", kString}, {"AccessLogSettings", kAny}}
	case "AWS::Serverless::LayerVersion":
		return []added{{"CompatibleArchitectures", kList}}
	case "AWS::Serverless::HttpApi.HttpApiAuth":
		return []added{{"EnableIamAuthorizer", kBool}}
	case "AWS::Serverless::StateMachine":
		return []added{{"AutoPublishAlias", kString}, {"DeploymentPreference", kAny}, {"PropagateTags", kBool},
			{"RolePath", kString}, {"UseAliasAsEventTarget", kBool}}
	case "AWS::Route53::RecordSet":
		// Documented since 2024; the tables' data for this
		// pre-registry type predates it.
		return []added{{"GeoProximityLocation", kAny}}
	}
	return nil
}

// addedObject returns the schema of an added kObject property, or nil.
func addedObject(obj, prop string) *object {
	if obj+"/"+prop == "AWS::Serverless::Api.Auth/UsagePlan" {
		return samUsagePlan()
	}
	return nil
}

// samUsagePlan is the schema of a SAM Api's Auth.UsagePlan, which the SAM
// specification the tables carry leaves untyped: what the transform
// checks (samtranslator api_generator.py, UsagePlanProperties; its schema's
// UsagePlan): CreateUsagePlan is required and SHARED, PER_API or NONE, and
// no other property than these six is taken ("Invalid property for
// 'UsagePlan'"). Quota, Tags and Throttle pass to the usage plan as they
// are.
func samUsagePlan() *object {
	o := &object{name: "AWS::Serverless::Api.UsagePlan", sam: true, strict: true, props: map[string]*prop{
		"CreateUsagePlan": {shape: &shape{kind: kString, enum: &enum{values: []string{"SHARED", "PER_API", "NONE"}}}, required: true},
		"Description":     {shape: &shape{kind: kString}},
		"Quota":           {shape: &shape{kind: kAny}},
		"Tags":            {shape: &shape{kind: kAny}},
		"Throttle":        {shape: &shape{kind: kAny}},
		"UsagePlanName":   {shape: &shape{kind: kString}},
	}}
	for n, p := range o.props {
		o.names = append(o.names, n)
		if p.required {
			o.required = append(o.required, n)
		}
	}
	slices.Sort(o.names)
	o.index()
	return o
}

// removedProps lists the properties the tables give obj that SAM does not
// take: the translator refuses them ("property X not defined for resource
// of type ...").
func removedProps(obj string) []string {
	switch obj {
	case "AWS::Serverless::HttpApi":
		return []string{"AccessLogSetting"} // Api's; HttpApi's is AccessLogSettings
	}
	return nil
}

// overrideShape corrects the tables' shapes where they disagree with the
// SAM documentation or AWS's behaviour; nil keeps the generated shape.
func overrideShape(obj, prop string) *shape {
	switch obj + "/" + prop {
	case "AWS::Serverless::Api/GatewayResponses":
		// A map of response objects (the tables say only "JSON").
		return &shape{kind: kMap, elem: &shape{kind: kAny}}
	case "AWS::Serverless::HttpApi/RouteSettings":
		// Settings per route key ("GET /items": {ThrottlingRateLimit: 1}),
		// passed to the stage's RouteSettings as the translator does; the
		// SAM specification gives it the shape of one route's settings.
		return &shape{kind: kMap, elem: &shape{kind: kAny}}
	case "AWS::Serverless::HttpApi.HttpApiDomainConfiguration/BasePath":
		// A list of API mapping keys, as for Api (the transform makes a
		// mapping for each); the SAM specification says a string.
		return &shape{kind: kList, elem: &shape{kind: kString}, lax: true}
	case "AWS::Serverless::HttpApi.MutualTlsAuthentication/TruststoreVersion":
		// An S3 object version id; the SAM specification says boolean.
		return &shape{kind: kString}
	case "AWS::ApiGateway::RestApi/Parameters":
		// The resource schema types it "object or string".
		return &shape{kind: kUnion, alts: []*shape{{kind: kMap, elem: &shape{kind: kString}}, {kind: kString}}}
	}
	return nil
}

// strictEnum reports whether a value outside the generated tables'
// allowed set is an error even without a did-you-mean match: on API
// Gateway types (see strictUnknown) and on Lambda's, whose registry enums
// (PackageType, TracingConfig.Mode, LoggingConfig levels, …) Lambda
// enforces and cfn-lint reports as errors.
func strictEnum(typ string) bool {
	return strictUnknown(typ) || strings.HasPrefix(typ, "AWS::Lambda::")
}

// conditional is a property required unless one of the others is given.
type conditional struct {
	name   string
	unless []string
	why    string // the hint's explanation
}

// requiredUnless returns the conditionally required properties of object
// obj, which registry schemas express (when at all) as oneOf/anyOf and the
// generated tables do not carry.
func requiredUnless(obj string) []conditional {
	switch obj {
	case "AWS::ApiGateway::RestApi":
		// CreateRestApi needs a name; ImportRestApi takes it from the
		// OpenAPI definition's info.title.
		return []conditional{{"Name", []string{"Body", "BodyS3Location"},
			"API Gateway needs a name unless the REST API is imported from an OpenAPI definition (Body or BodyS3Location)."}}
	}
	return nil
}

// newerType reports whether typ is a resource type AWS documents that the
// generated tables do not have. Its properties are not checked.
func newerType(typ string) bool {
	switch typ {
	case "AWS::Serverless::Connector", "AWS::Serverless::GraphQLApi", "AWS::Serverless::CapacityProvider",
		// CDK's metadata resource: every CDK template has one; it is
		// not a registry type.
		"AWS::CDK::Metadata":
		return true
	}
	return false
}

// isExtension reports whether prop on object obj is one of cfnrun's own
// extensions, which the resolver reports with its own rule.
func isExtension(obj, prop string) bool {
	return obj == "AWS::ApiGateway::Stage" && prop == "Http2Enabled"
}

// strictUnknown reports whether an unknown property on typ, or a value
// outside a property's allowed set, is an error even without a
// did-you-mean match: cfnrun keeps its API Gateway data (REST and HTTP or
// WebSocket APIs) complete. Elsewhere such a finding is a warning, since
// AWS may have added the property or value after the generated tables.
func strictUnknown(typ string) bool {
	return strings.HasPrefix(typ, "AWS::ApiGateway::") || strings.HasPrefix(typ, "AWS::ApiGatewayV2::")
}

// siblingTypes returns the types whose properties are often confused with
// typ's: the same resource in another version of the service
// (AWS::ApiGateway::Stage and AWS::ApiGatewayV2::Stage, ELB and ELBv2, …)
// and SAM's counterparts.
func siblingTypes(typ string, known func(string) bool) []string {
	var out []string
	add := func(t string) {
		if t != typ && known(t) {
			out = append(out, t)
		}
	}
	if typ == "AWS::ApiGateway::Method.Integration" {
		// A REST API integration written with HTTP API field names.
		add("AWS::ApiGatewayV2::Integration")
		return out
	}
	parts := strings.Split(typ, "::")
	if len(parts) != 3 || strings.Contains(parts[2], ".") {
		return nil
	}
	svc, res := parts[1], parts[2]
	base := strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(svc, "V2"), "v2"), "0123456789")
	for _, s := range []string{base, base + "V2", base + "v2"} {
		add(parts[0] + "::" + s + "::" + res)
	}
	switch typ {
	case "AWS::ApiGateway::RestApi":
		add("AWS::Serverless::Api")
		add("AWS::ApiGatewayV2::Api")
	case "AWS::ApiGatewayV2::Api":
		add("AWS::Serverless::HttpApi")
		add("AWS::ApiGateway::RestApi")
	case "AWS::Serverless::Api":
		add("AWS::ApiGateway::RestApi")
		add("AWS::ApiGateway::Stage")
	case "AWS::Serverless::HttpApi":
		add("AWS::ApiGatewayV2::Api")
		add("AWS::ApiGatewayV2::Stage")
	case "AWS::Serverless::Function":
		add("AWS::Lambda::Function")
	case "AWS::Lambda::Function":
		add("AWS::Serverless::Function")
	case "AWS::ApiGateway::Method":
		add("AWS::ApiGatewayV2::Route")
		add("AWS::ApiGatewayV2::Integration")
	}
	return out
}

// packagedPaths returns the paths (dotted, from the resource's Properties)
// of resource type typ's properties ("", "" for most types) that `aws
// cloudformation package` fills in from a local path: it uploads the file
// or directory the string names and writes the S3 location CloudFormation
// needs. The list is the AWS CLI's (RESOURCES_EXPORT_LIST in
// awscli/customizations/cloudformation/artifact_exporter.py) less the SAM
// types, whose transform `sam deploy` packages for; cfn-lint's W3002
// (TEMPLATED_PROPERTY_CFN_PATHS) lists the same, without Glue's.
func packagedPaths(typ string) (a, b string) {
	switch typ {
	case "AWS::Lambda::Function":
		return "Code", ""
	case "AWS::Lambda::LayerVersion":
		return "Content", ""
	case "AWS::ApiGateway::RestApi":
		return "BodyS3Location", ""
	case "AWS::CloudFormation::Stack":
		return "TemplateURL", ""
	case "AWS::StepFunctions::StateMachine", "AWS::AppSync::GraphQLSchema":
		return "DefinitionS3Location", ""
	case "AWS::AppSync::Resolver", "AWS::AppSync::FunctionConfiguration":
		return "RequestMappingTemplateS3Location", "ResponseMappingTemplateS3Location"
	case "AWS::ElasticBeanstalk::ApplicationVersion":
		return "SourceBundle", ""
	case "AWS::CodeCommit::Repository":
		return "Code.S3", ""
	case "AWS::Glue::Job":
		return "Command.ScriptLocation", ""
	}
	return "", ""
}
