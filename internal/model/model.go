// Package model is THE shared API model of cfnrun: the resolved,
// format-independent form of a template. Both front ends (CloudFormation and
// Terraform) lower to it; validate rules, the route table, diff and the
// runtime read only it.
//
// Invariants:
//   - Every element carries the diag.Range it came from.
//   - Slices are sorted deterministically (resources by path, methods by
//     verb, stages by name), so Dump output is stable across runs.
//   - All strings are fully resolved: no intrinsics remain, except stage
//     variable references (${stageVariables.x}) and request placeholders
//     ({param}) inside integration URIs, which are per-request.
//   - The model is immutable once built; the runtime may share one model
//     between goroutines.
package model

import (
	"sync"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Format names the template language a Template came from.
type Format string

const (
	CloudFormation Format = "cloudformation"
	Terraform      Format = "terraform"
)

// Template is one resolved stack (CloudFormation) or root module
// (Terraform).
type Template struct {
	Format Format
	// Files are the source files, in the order they were read.
	Files []string
	// Nodes is every resource of the template (API Gateway or not), sorted
	// by Address. Resources whose condition is false are absent.
	Nodes []*Node
	// APIs are the REST APIs, sorted by LogicalID (stacks merged together:
	// the first stack's first among equal ids).
	APIs []*RestAPI
	// WebSocketAPIs are the API Gateway v2 APIs of ProtocolType
	// WEBSOCKET, sorted by LogicalID.
	WebSocketAPIs []*WebSocketAPI
	// DomainNames are the custom domain names with their base path
	// mappings, sorted by Name (see DomainName).
	DomainNames []*DomainName
	// Functions are the Lambda functions, sorted by Name (then LogicalID).
	// Integrations and authorizers point at them (Integration.Lambda,
	// Authorizer.Function).
	Functions []*Function
	// APIKeys are the API keys, sorted by Name (then LogicalID).
	APIKeys []*APIKey
	// UsagePlans are the usage plans, with their keys, sorted by Name
	// (then LogicalID).
	UsagePlans []*UsagePlan
	// UserPoolClients are the Cognito user pool app clients
	// (AWS::Cognito::UserPoolClient, aws_cognito_user_pool_client),
	// sorted by PoolID then LogicalID.
	UserPoolClients []*UserPoolClient
	// Outputs are the evaluated outputs, in source order.
	Outputs []Output
	// Parameters are the template's parameters (CloudFormation) or input
	// variables (Terraform) with their effective values, in source order.
	Parameters []Parameter
	// Moved maps a node's address to the address the same object had
	// before a refactoring (Terraform moved blocks, chains followed; keys
	// are instance addresses such as aws_x.b["k"]). Diff compares a moved
	// node against its old address instead of replacing it. Nil when
	// nothing moved; always nil for CloudFormation.
	Moved map[string]string // new address -> old address (Terraform moved blocks)
	// Pending are the elements whose instances, or whose place in the API,
	// are not known before apply (a Terraform count, for_each, path part or
	// HTTP method that depends on a variable without a value): they are
	// checked once as a template and serve no routes. Sorted by Address;
	// always nil for CloudFormation.
	Pending []Pending
	// Nested are the nested stacks whose template is a local file
	// (AWS::CloudFormation::Stack TemplateURL, AWS::Serverless::Application
	// Location, as written before sam package uploads them): the resolver
	// reads them as stacks of their own and merges them in, as sam local
	// start-api serves them. Always nil for Terraform.
	Nested []NestedStack
	// Unplaced are places the elements of a part of the template point at
	// because the tighter place is not known: a Terraform REST API body
	// built by templatefile or read from a variable is known only as the
	// attribute, so the resources, methods and validators imported from it
	// point there, and each finding at one of these ranges says so (Why).
	// Nil when every element has its own place.
	Unplaced []Unplaced `json:"-"`
}

// Unplaced is a range that stands for places inside it, and why.
type Unplaced struct {
	Range diag.Range
	// Why is a sentence for the findings there: "cfnrun knows where the
	// body attribute is, not the place inside it: it is built by
	// templatefile(...)."
	Why string
}

// NestedStack is a nested stack whose template is a local file.
type NestedStack struct {
	// LogicalID is the nested stack resource's logical id.
	LogicalID string
	// Location is the path as the template writes it; Path is where it
	// is (relative ones made relative to the parent template's directory).
	Location, Path string
	// Params are the evaluated Parameters the parent passes.
	Params map[string]string
	// StackName is the name the nested stack gets: the parent's, then
	// the logical id.
	StackName string
	Range     diag.Range
}

// Pending is an element of a Terraform configuration that is not known
// before apply, and what it waits for.
type Pending struct {
	// Address is the resource (or module call) address, without instance
	// keys when its instances are what is unknown.
	Address string `json:"address"`
	// What is unknown: "instances", or the argument ("path_part",
	// "http_method").
	What string `json:"what"`
	// DependsOn names the unknown values it derives from, such as
	// "var.routes" or "aws_lambda_function.f.arn", sorted.
	DependsOn []string   `json:"dependsOn"`
	Range     diag.Range `json:"-"`
}

// Node is one resource of the template, as the dependency graph and the
// resource-level diff see it.
type Node struct {
	// Address is the logical id (CloudFormation, "MyMethod") or the
	// resource address (Terraform, "aws_api_gateway_method.get" or
	// "aws_api_gateway_method.get[\"a\"]").
	Address string
	// Type is the resource type as written ("AWS::ApiGateway::Method",
	// "aws_api_gateway_method").
	Type string
	// Range is the resource's declaration (the logical id key, or the
	// resource block's header).
	Range diag.Range
	// Props are the resource's properties / arguments, unevaluated but
	// normalised: intrinsics in long form, references as Ref nodes. Diff
	// compares these. May be nil.
	Props *Value
	// Deps are the outgoing edges, sorted by To then Kind.
	Deps []Edge
	// Attrs are the resolved return values: "Ref" and every attribute
	// GetAtt (or a Terraform reference) may read ("RootResourceId",
	// "Arn", "id", ...).
	Attrs map[string]string
	// Placeholder is true when Attrs were invented because cfnrun does not
	// model this type (a Lambda function's ARN, say).
	Placeholder bool
	// Generated is true when Attrs["Ref"] is an id or a name AWS decides
	// at deploy time (a REST API or deployment id, the name CloudFormation
	// generates for a resource without a name property): cfnrun made up a
	// stand-in, stable for the stack name and address, that no deployed
	// stack has. diff shows it as the reference, never the stand-in.
	Generated bool
	// Origin is, for a resource a transform generates rather than the
	// template declares (SAM's FnRole, ApiDeployment,
	// FnEventPermissionProd ...), the logical id of the declared resource
	// it comes from; empty otherwise. Such nodes carry no Props: their
	// Deps are the dependency shape the transform gives them.
	Origin string
	// lazy, when set (SetPropsSource), builds Props on first use instead:
	// Props stays nil and Properties gives them.
	lazy PropsSource
}

// PropsSource builds a node's Props on demand (SetPropsSource). diff's
// resolve leaves most of them unbuilt: two resources of a 2,000-resource
// pair whose properties are the same need never be copied, and the copy
// is a quarter of that resolve's bytes. An implementation embeds a
// PropsCache.
type PropsSource interface {
	// Build returns the Props. It is called at most once per node, and
	// may be called from any goroutine.
	Build() *Value
	// Equal reports whether the Props this source and other build would
	// be Equal, without building them; ok is false when it cannot tell
	// (other is another kind of source).
	Equal(other PropsSource) (eq, ok bool)
	cache() *PropsCache
}

// PropsCache keeps what a PropsSource built; embedding it (by value)
// makes a type a PropsSource's, so that a node built on demand costs no
// allocation of its own.
type PropsCache struct {
	once  sync.Once
	props *Value
}

// cache is how Properties reaches the PropsCache a source embeds. Sources
// live in other packages (resolver) and get the method by embedding, which
// staticcheck's unused check does not follow.
//
//lint:ignore U1000 called through PropsSource on types that embed PropsCache
func (c *PropsCache) cache() *PropsCache { return c }

// SetPropsSource makes n's Props built by src on first use: n.Props stays
// nil, and Properties (or SameProps) is what reads them. Only code that
// knows it (diff) may be given such nodes.
func (n *Node) SetPropsSource(src PropsSource) {
	n.Props = nil
	n.lazy = src
}

// PropsSource returns the source SetPropsSource gave n, or nil.
func (n *Node) PropsSource() PropsSource { return n.lazy }

// Properties returns n.Props, built first when n has a PropsSource. It is
// safe to call from several goroutines.
func (n *Node) Properties() *Value {
	if n == nil {
		return nil
	}
	if n.lazy == nil {
		return n.Props
	}
	c := n.lazy.cache()
	c.once.Do(func() { c.props = n.lazy.Build() })
	return c.props
}

// SameProps reports whether Equal(a.Properties(), b.Properties()),
// without building either when both sources can tell.
func SameProps(a, b *Node) bool {
	if a.lazy != nil && b.lazy != nil {
		if eq, ok := a.lazy.Equal(b.lazy); ok {
			return eq
		}
	}
	return Equal(a.Properties(), b.Properties())
}

// EdgeKind says how one resource refers to another.
type EdgeKind string

const (
	EdgeRef       EdgeKind = "Ref"
	EdgeGetAtt    EdgeKind = "GetAtt"
	EdgeSub       EdgeKind = "Sub"
	EdgeDependsOn EdgeKind = "DependsOn"
	// EdgeReference is a Terraform expression reference.
	EdgeReference EdgeKind = "reference"
)

// Edge is a reference from one node to another.
type Edge struct {
	To   string
	Kind EdgeKind
	// Attr is the attribute read (GetAtt, Sub ${A.B}, Terraform a.b.attr).
	Attr  string
	Range diag.Range
}

// Output is an evaluated template output.
type Output struct {
	Name        string
	Value       string
	Description string
	ExportName  string
	Sensitive   bool
	Range       diag.Range
}

// Parameter is a template parameter / input variable with its effective
// value.
type Parameter struct {
	Name   string
	Type   string
	Value  string
	NoEcho bool
	// Source says where Value came from: "default", "--param",
	// "--param-file", "-var", "tfvars", "env".
	Source string
	Range  diag.Range
}

// RestAPI is an AWS::ApiGateway::RestApi / aws_api_gateway_rest_api.
type RestAPI struct {
	LogicalID string
	// ID is the API id: 10 lowercase alphanumerics, stable for the same
	// template.
	ID          string
	Name        string
	Description string
	// EndpointTypes is EndpointConfiguration.Types (EDGE, REGIONAL, PRIVATE).
	EndpointTypes    []string
	BinaryMediaTypes []string
	// MinimumCompressionSize is -1 when unset.
	MinimumCompressionSize int
	// APIKeySource is ApiKeySourceType: HEADER (the x-api-key header; the
	// default when empty) or AUTHORIZER (the usageIdentifierKey a Lambda
	// authorizer returns).
	APIKeySource string
	// Policy is the resource policy (Policy, policy, or an
	// aws_api_gateway_rest_api_policy) as a JSON document; "" when none.
	// Props["Policy"] is where it was written.
	Policy string
	// DisableExecuteAPIEndpoint mirrors the AWS property.
	DisableExecuteAPIEndpoint bool
	// Tags are the API's tags, evaluated (see Tags).
	Tags Tags
	// Root is the "/" resource; it owns the tree.
	Root *Resource
	// Resources lists every resource of the tree including Root, sorted
	// by Path.
	Resources        []*Resource
	Deployments      []*Deployment
	Stages           []*Stage
	Authorizers      []*Authorizer
	GatewayResponses []*GatewayResponse
	Models           []*APIModel
	Validators       []*RequestValidator
	// Protocol is "" for a REST API (API Gateway v1) and ProtocolHTTP for
	// an HTTP API (API Gateway v2: AWS::ApiGatewayV2::Api with ProtocolType
	// HTTP, AWS::Serverless::HttpApi or a function's HttpApi event,
	// aws_apigatewayv2_api). An HTTP API's routes are Resources and Methods
	// as a REST API's are: route "GET /pets/{id}" is Method GET (RouteKey
	// "GET /pets/{id}") on Resource /pets/{id}, "ANY /x" is Method ANY; its
	// "$default" route is DefaultRoute; its stages are Stages, and the stage
	// named "$default" is served without a stage prefix in the URL.
	// WebSocket APIs are Template.WebSocketAPIs.
	Protocol string
	// DefaultRoute is an HTTP API's "$default" route (RouteKey "$default",
	// HTTPMethod ANY), which serves every request no other route matches.
	// Nil when the API has none, and for REST APIs.
	DefaultRoute *Method
	// CORS is an HTTP API's CorsConfiguration (API Gateway answers
	// preflight requests and adds the headers itself); nil when absent and
	// for REST APIs.
	CORS  *CORSConfig
	Range diag.Range
	Props Ranges
}

// API protocols (RestAPI.Protocol).
const (
	// ProtocolREST is a REST API's protocol, written "" in RestAPI.
	ProtocolREST = ""
	// ProtocolHTTP is an HTTP API's (API Gateway v2).
	ProtocolHTTP = "HTTP"
	// RouteKeyDefault is the route key of an HTTP API's catch-all route.
	RouteKeyDefault = "$default"
	// StageDefault is the name of an HTTP API's stage served at the root
	// of the URL space (no /{stage} prefix).
	StageDefault = "$default"
)

// IsHTTP reports whether api is an HTTP API (API Gateway v2).
func (api *RestAPI) IsHTTP() bool { return api.Protocol == ProtocolHTTP }

// CORSConfig is an HTTP API's CorsConfiguration (cors_configuration in
// Terraform, CorsConfiguration of AWS::Serverless::HttpApi). Values are as
// written; header names are kept as written (API Gateway compares them
// case-insensitively).
type CORSConfig struct {
	AllowOrigins     []string
	AllowMethods     []string
	AllowHeaders     []string
	ExposeHeaders    []string
	AllowCredentials bool
	// MaxAge is Access-Control-Max-Age in seconds; -1 when unset.
	MaxAge int
	Range  diag.Range
}

// Resource is one path segment of the API's resource tree.
type Resource struct {
	// LogicalID is empty for the root resource.
	LogicalID string
	// ID is the resource id (10 chars for the root, 6 for others, as AWS).
	ID       string
	PathPart string
	// Path is the full path, "/" for the root, "/pets/{id}" otherwise.
	Path     string
	Parent   *Resource `json:"-"`
	Children []*Resource
	// Methods are sorted by HTTPMethod.
	Methods []*Method
	Range   diag.Range
	Props   Ranges
}

// Method is an AWS::ApiGateway::Method / aws_api_gateway_method (with its
// integration and responses folded in).
type Method struct {
	LogicalID string
	// HTTPMethod is upper case: GET, POST, ..., or ANY.
	HTTPMethod          string
	AuthorizationType   string // NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS
	AuthorizerID        string
	AuthorizationScopes []string
	APIKeyRequired      bool
	OperationName       string
	// RequestParameters maps "method.request.{path|querystring|header}.name"
	// to whether it is required.
	RequestParameters  map[string]bool
	RequestModels      map[string]string
	RequestValidatorID string
	MethodResponses    []MethodResponse
	// Integration is nil when the method has none (AWS rejects invoking
	// such a method with 500 "Internal server error").
	Integration *Integration
	// RouteKey is an HTTP API route's key as written ("GET /pets/{id}",
	// "ANY /{proxy+}", "$default"): the payload format 2.0 event's
	// routeKey. "" for a REST API's methods.
	RouteKey string
	// RouteResponseSelectionExpression is a WebSocket route's ("$default",
	// the only value API Gateway takes), "" when unset.
	RouteResponseSelectionExpression string
	Range                            diag.Range
	Props                            Ranges
}

// MethodResponse is one Method.MethodResponses entry.
type MethodResponse struct {
	StatusCode string
	// ResponseParameters maps "method.response.header.X" to required.
	ResponseParameters map[string]bool
	ResponseModels     map[string]string
	Range              diag.Range
}

// Integration types.
const (
	IntegrationHTTP      = "HTTP"
	IntegrationHTTPProxy = "HTTP_PROXY"
	IntegrationMock      = "MOCK"
	IntegrationAWS       = "AWS"
	IntegrationAWSProxy  = "AWS_PROXY"
)

// Connection types. ConnectionHTTP2 is cfnrun's extension from the seed
// article; AWS knows only INTERNET and VPC_LINK.
const (
	ConnectionInternet = "INTERNET"
	ConnectionVPCLink  = "VPC_LINK"
	ConnectionHTTP2    = "HTTP2"
)

// DefaultTimeoutMillis is API Gateway's default integration timeout.
const DefaultTimeoutMillis = 29000

// DefaultHTTPAPITimeoutMillis is an HTTP API integration's default (and
// largest) timeout, TimeoutInMillis: 30 seconds.
const DefaultHTTPAPITimeoutMillis = 30000

// Integration is a Method's backend.
type Integration struct {
	// ID is the integration's own id when it has one apart from its
	// route (an HTTP API integration made through the control plane);
	// "" otherwise.
	ID   string
	Type string
	// HTTPMethod is IntegrationHttpMethod (upper case), may be empty.
	HTTPMethod string
	// URI is resolved except for ${stageVariables.x} and {placeholders}.
	URI string
	// ConnectionType is INTERNET when unset (Finalize fills it).
	ConnectionType string
	ConnectionID   string
	Credentials    string
	// TemplateSelectionExpression is a WebSocket integration's: which
	// of RequestTemplates a message takes ("" when unset).
	TemplateSelectionExpression string
	// Subtype is an HTTP API integration's IntegrationSubtype: the AWS
	// service action of a first-class AWS service integration
	// ("SQS-SendMessage"), whose RequestParameters are the action's
	// parameters, not mappings; "" for others.
	Subtype string
	// TimeoutMillis is DefaultTimeoutMillis when unset (Finalize fills it).
	TimeoutMillis int
	// RequestParameters maps "integration.request.{path|querystring|header}.x"
	// to a source expression ("method.request.path.id", "'static'",
	// "context.requestId", "stageVariables.v").
	RequestParameters map[string]string
	// RequestTemplates maps content type to VTL template.
	RequestTemplates map[string]string
	// PassthroughBehavior is WHEN_NO_MATCH when unset (Finalize fills it).
	PassthroughBehavior string
	ContentHandling     string
	CacheKeyParameters  []string
	CacheNamespace      string
	// PayloadFormatVersion is an HTTP API integration's payload format
	// version, "1.0" or "2.0" (the Lambda proxy event and response
	// shapes); "" for REST APIs, whose Lambda proxy event is 1.0.
	PayloadFormatVersion string
	// Lambda is what the URI names when it invokes a Lambda function
	// (AWS_PROXY, or AWS with a ":lambda:path/2015-03-31/functions/" URI):
	// a function of the template with its qualifier, a stage variable the
	// runtime resolves per stage, or a function outside the template.
	// Nil for other integrations. Template.Finalize fills it from URI.
	Lambda *LambdaTarget
	// ResponseMappings are an HTTP API integration's response parameter
	// mappings: by the backend's status code ("200"), each key
	// ("overwrite:statuscode", "append|overwrite|remove:header.NAME") to
	// its value. RequestParameters holds an HTTP API integration's request
	// mappings ("append|overwrite|remove:header.NAME", ...:querystring.NAME,
	// "overwrite:path").
	ResponseMappings map[string]map[string]string
	// Responses are the integration responses, sorted with the default
	// (empty SelectionPattern) last, then by SelectionPattern.
	Responses []IntegrationResponse
	Range     diag.Range
	Props     Ranges
}

// IntegrationResponse is one Integration.IntegrationResponses entry, or
// a WebSocket integration's AWS::ApiGatewayV2::IntegrationResponse (Key
// set, StatusCode and SelectionPattern empty).
type IntegrationResponse struct {
	StatusCode       string
	SelectionPattern string
	// ID is a WebSocket integration response's IntegrationResponseId.
	ID string
	// Key is a WebSocket integration response's IntegrationResponseKey:
	// "$default", or "/regex/" matched against the integration's status
	// code (a Lambda function's error message for AWS integrations).
	Key string
	// TemplateSelectionExpression picks a WebSocket integration
	// response's ResponseTemplates entry ("" when unset).
	TemplateSelectionExpression string
	// ResponseParameters maps "method.response.header.X" to a source
	// ("'static'", "integration.response.header.Y",
	// "integration.response.body.field").
	ResponseParameters map[string]string
	ResponseTemplates  map[string]string
	ContentHandling    string
	Range              diag.Range
}

// Deployment is an AWS::ApiGateway::Deployment / aws_api_gateway_deployment.
type Deployment struct {
	LogicalID   string
	ID          string
	Description string
	// StageName is the stage the deployment itself creates, or "".
	StageName string
	// Resources is the API's resource tree as this deployment captured
	// it: the stages that point to the deployment serve it, whatever
	// the API has become since. Nil for a template's deployments, which
	// serve the API's current tree (CloudFormation and Terraform deploy
	// the template's API as it is); the control plane sets it.
	Resources []*Resource
	Range     diag.Range
	Props     Ranges
}

// StageResources is the resource tree stage st serves: its deployment's
// snapshot when the deployment has one, else the API's current tree.
func (api *RestAPI) StageResources(st *Stage) []*Resource {
	for _, d := range api.Deployments {
		if d.ID == st.DeploymentID && d.Resources != nil {
			return d.Resources
		}
	}
	return api.Resources
}

// Stage is an AWS::ApiGateway::Stage, or the stage a Deployment's
// StageName creates (Implicit).
type Stage struct {
	// LogicalID is the Stage resource, or the Deployment's for an
	// implicit stage.
	LogicalID string
	// Name is the stage's name, usable in a URL. When the name is not
	// known before apply (a Terraform stage_name such as
	// "prod-${random_id.x.hex}"), Name is a stand-in built from the
	// expression (prod-random_id_x_hex) and NameStandsFor holds the
	// expression as written; empty otherwise.
	Name          string
	NameStandsFor string
	DeploymentID  string
	Description   string
	// Variables are the stage variables.
	Variables map[string]string
	// HTTP2Enabled is cfnrun's extension from the seed article: nil when
	// absent (served as true). false makes the stage HTTP/1.1 only.
	HTTP2Enabled        *bool
	TracingEnabled      bool
	CacheClusterEnabled bool
	// CacheClusterSize is the cache's size in GB ("0.5", "1.6", ...): what
	// get-stage answers; cfnrun does not cache.
	CacheClusterSize string
	MethodSettings   []MethodSetting
	// AccessLogFormat and AccessLogDestination are the stage's access
	// log (a REST stage's AccessLogSetting, an HTTP API stage's
	// AccessLogSettings): its Format, with $context variables, and the
	// log group or Firehose ARN it goes to.
	AccessLogFormat, AccessLogDestination string
	// Implicit is true for a stage created by a Deployment's StageName.
	Implicit bool
	// Tags are the stage's tags (an implicit stage's are its
	// StageDescription's; a SAM Api's are its Tags, as the transform
	// puts them on the stage).
	Tags  Tags
	Range diag.Range
	Props Ranges
}

// Tags are a resource's tags, evaluated as the stack it belongs to
// evaluates them (its parameters, a nested stack's own): CloudFormation's
// list of Key/Value pairs, SAM's and Terraform's map. Tags whose key or
// value is not known before apply are left out; nil when none. Shared by
// every reader: never written after the model is built.
type Tags map[string]string

// MethodSetting is one Stage.MethodSettings entry. An HTTP API stage's
// DefaultRouteSettings are the entry for "/*" and "*", and each of its
// RouteSettings an entry with RouteKey set.
type MethodSetting struct {
	// ResourcePath is "/*" for all, or an escaped path such as "/~1pets".
	ResourcePath string
	HTTPMethod   string
	// RouteKey is the HTTP API route the entry is for ("GET /pets",
	// "$default"); "" for a REST API's entries and the default route
	// settings.
	RouteKey string
	// ThrottlingBurstLimit and ThrottlingRateLimit are -1 when unset.
	ThrottlingBurstLimit int
	ThrottlingRateLimit  float64
	LoggingLevel         string
	MetricsEnabled       bool
	DataTraceEnabled     bool
	CachingEnabled       bool
	Range                diag.Range
}

// Authorizer is an AWS::ApiGateway::Authorizer / aws_api_gateway_authorizer
// (or one SAM generates from an API's Auth.Authorizers).
type Authorizer struct {
	LogicalID string
	ID        string
	Name      string
	// Type is TOKEN, REQUEST or COGNITO_USER_POOLS (upper case; TOKEN in
	// Terraform when unset); an HTTP API's is REQUEST (a Lambda authorizer)
	// or JWT.
	Type string
	// IdentitySource is as written ("method.request.header.Authorization",
	// comma-separated for REQUEST authorizers).
	IdentitySource string
	// AuthorizerURI is the Lambda invocation URI of TOKEN and REQUEST
	// authorizers, resolved like Integration.URI.
	AuthorizerURI string
	// Function is what AuthorizerURI names (see Integration.Lambda); nil
	// for Cognito authorizers. Template.Finalize fills it.
	Function *LambdaTarget
	// ResultTTLSeconds is AuthorizerResultTtlInSeconds: how long a policy
	// is cached per identity. DefaultAuthorizerTTL (300) when unset; 0
	// disables caching.
	ResultTTLSeconds int
	// IdentityValidationExpression is the regular expression a TOKEN
	// authorizer's token must match before the function is called; "" for
	// none.
	IdentityValidationExpression string
	// Credentials is AuthorizerCredentials: the role API Gateway assumes
	// to invoke the function ("" uses the function's resource policy).
	Credentials  string
	ProviderARNs []string
	// JWTIssuer and JWTAudience are an HTTP API JWT authorizer's
	// JwtConfiguration (Issuer, Audience); IdentitySource is then as
	// written for HTTP APIs ("$request.header.Authorization").
	JWTIssuer   string
	JWTAudience []string
	// PayloadFormatVersion is an HTTP API Lambda authorizer's
	// AuthorizerPayloadFormatVersion ("1.0" or "2.0"); "" for REST APIs.
	PayloadFormatVersion string
	// SimpleResponses is an HTTP API Lambda authorizer's
	// EnableSimpleResponses: the function answers {"isAuthorized": bool,
	// "context": {...}} instead of an IAM policy (format 2.0 only).
	SimpleResponses bool
	Range           diag.Range
	Props           Ranges
}

// GatewayResponse is an AWS::ApiGateway::GatewayResponse.
type GatewayResponse struct {
	LogicalID          string
	ResponseType       string
	StatusCode         string
	ResponseParameters map[string]string
	ResponseTemplates  map[string]string
	Range              diag.Range
}

// APIModel is an AWS::ApiGateway::Model.
type APIModel struct {
	LogicalID   string
	Name        string
	ContentType string
	Schema      string
	// Description is the control plane's (create-model, update-model);
	// "" for a template's.
	Description string
	Range       diag.Range
}

// RequestValidator is an AWS::ApiGateway::RequestValidator.
type RequestValidator struct {
	LogicalID                 string
	ID                        string
	Name                      string
	ValidateRequestBody       bool
	ValidateRequestParameters bool
	Range                     diag.Range
}

// Ranges records where individual properties of an element were written,
// keyed by CloudFormation property name ("Uri", "ConnectionType",
// "Http2Enabled", "PathPart", ...); the Terraform front end maps its
// argument names to the same keys. It lets rules point at the exact line.
// An element has a handful of properties, so a list searched in order
// is smaller and faster to build than a map (each lowered element has
// one, and as maps they were a tenth of a large template's resolve).
// An element of the list may stand for many keys (KeyRange.Keys, see
// RangesOf): their ranges are then read where the template holds them,
// when a rule asks, instead of copied for every key of every element.
type Ranges []KeyRange

// KeyRange is where property Key was written; or, when Keys is set, where
// each key Keys knows was written (Key and Range are then unused).
type KeyRange struct {
	Key   string
	Range diag.Range
	Keys  KeySource
}

// KeySource tells where each key of an element's properties is written,
// for Ranges that look them up on demand (RangesOf): the CloudFormation
// resolver's is the property mapping of the parsed template.
type KeySource interface {
	KeyRange(key string) (diag.Range, bool)
}

// RangesOf returns Ranges whose keys are looked up in src when asked.
// Set adds or replaces keys in front of src's.
func RangesOf(src KeySource) Ranges { return Ranges{{Keys: src}} }

// At returns the range of property key, or fallback when unknown.
func (r Ranges) At(key string, fallback diag.Range) diag.Range {
	if rng, ok := r.Lookup(key); ok {
		return rng
	}
	return fallback
}

// Lookup returns the range of property key, and whether it is known; of a
// key recorded twice, the last (a key Set on Ranges made by RangesOf comes
// after all of the source's).
func (r Ranges) Lookup(key string) (diag.Range, bool) {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i].Keys != nil {
			if rng, ok := r[i].Keys.KeyRange(key); ok {
				return rng, true
			}
		} else if r[i].Key == key {
			return r[i].Range, true
		}
	}
	return diag.Range{}, false
}

// Set records the range of property key, replacing the one known.
func (r *Ranges) Set(key string, rng diag.Range) {
	for i := range *r {
		if (*r)[i].Keys == nil && (*r)[i].Key == key {
			(*r)[i].Range = rng
			return
		}
	}
	*r = append(*r, KeyRange{Key: key, Range: rng})
}
