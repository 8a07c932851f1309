package control

import (
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The management API's shapes, with the JSON field names of botocore's
// service model for apigateway 2015-07-09. Timestamps are epoch seconds,
// as AWS sends them. Every conversion from the model is here.

type epoch int64

func epochOf(t time.Time) epoch { return epoch(t.Unix()) }

type restAPI struct {
	ID                        string            `json:"id"`
	Name                      string            `json:"name"`
	Description               string            `json:"description,omitempty"`
	CreatedDate               epoch             `json:"createdDate"`
	BinaryMediaTypes          []string          `json:"binaryMediaTypes,omitempty"`
	MinimumCompressionSize    *int              `json:"minimumCompressionSize,omitempty"`
	APIKeySource              string            `json:"apiKeySource"`
	EndpointConfiguration     endpointConfig    `json:"endpointConfiguration"`
	Policy                    string            `json:"policy,omitempty"`
	Tags                      map[string]string `json:"tags,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	RootResourceID            string            `json:"rootResourceId,omitempty"`
	Warnings                  []string          `json:"warnings,omitempty"`
}

type endpointConfig struct {
	Types []string `json:"types"`
}

type listOf[T any] struct {
	Position string `json:"position,omitempty"`
	Items    []T    `json:"item"`
}

type resource struct {
	ID              string             `json:"id"`
	ParentID        string             `json:"parentId,omitempty"`
	PathPart        string             `json:"pathPart,omitempty"`
	Path            string             `json:"path"`
	ResourceMethods map[string]*method `json:"resourceMethods,omitempty"`
}

type method struct {
	HTTPMethod          string                     `json:"httpMethod,omitempty"`
	AuthorizationType   string                     `json:"authorizationType,omitempty"`
	AuthorizerID        string                     `json:"authorizerId,omitempty"`
	APIKeyRequired      *bool                      `json:"apiKeyRequired,omitempty"`
	RequestValidatorID  string                     `json:"requestValidatorId,omitempty"`
	OperationName       string                     `json:"operationName,omitempty"`
	RequestParameters   map[string]bool            `json:"requestParameters,omitempty"`
	RequestModels       map[string]string          `json:"requestModels,omitempty"`
	MethodResponses     map[string]*methodResponse `json:"methodResponses,omitempty"`
	MethodIntegration   *integration               `json:"methodIntegration,omitempty"`
	AuthorizationScopes []string                   `json:"authorizationScopes,omitempty"`
}

type methodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

type integration struct {
	Type                 string                          `json:"type"`
	HTTPMethod           string                          `json:"httpMethod,omitempty"`
	URI                  string                          `json:"uri,omitempty"`
	ConnectionType       string                          `json:"connectionType,omitempty"`
	ConnectionID         string                          `json:"connectionId,omitempty"`
	Credentials          string                          `json:"credentials,omitempty"`
	RequestParameters    map[string]string               `json:"requestParameters,omitempty"`
	RequestTemplates     map[string]string               `json:"requestTemplates,omitempty"`
	PassthroughBehavior  string                          `json:"passthroughBehavior,omitempty"`
	ContentHandling      string                          `json:"contentHandling,omitempty"`
	TimeoutInMillis      int                             `json:"timeoutInMillis"`
	CacheNamespace       string                          `json:"cacheNamespace,omitempty"`
	CacheKeyParameters   []string                        `json:"cacheKeyParameters"`
	IntegrationResponses map[string]*integrationResponse `json:"integrationResponses,omitempty"`
}

type integrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   string            `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	ContentHandling    string            `json:"contentHandling,omitempty"`
}

type stage struct {
	DeploymentID        string                    `json:"deploymentId,omitempty"`
	StageName           string                    `json:"stageName"`
	Description         string                    `json:"description,omitempty"`
	CacheClusterEnabled bool                      `json:"cacheClusterEnabled"`
	CacheClusterSize    string                    `json:"cacheClusterSize,omitempty"`
	CacheClusterStatus  string                    `json:"cacheClusterStatus"`
	MethodSettings      map[string]*methodSetting `json:"methodSettings"`
	Variables           map[string]string         `json:"variables,omitempty"`
	TracingEnabled      bool                      `json:"tracingEnabled"`
	Tags                map[string]string         `json:"tags,omitempty"`
	CreatedDate         epoch                     `json:"createdDate"`
	LastUpdatedDate     epoch                     `json:"lastUpdatedDate"`
	// HTTP2Enabled is cfnrun's extension (the seed article's stage
	// property); SDKs that parse by the service model drop it, so it is
	// also the tag cfnrun:http2Enabled.
	HTTP2Enabled bool `json:"http2Enabled"`
}

type methodSetting struct {
	MetricsEnabled       bool    `json:"metricsEnabled"`
	LoggingLevel         string  `json:"loggingLevel"`
	DataTraceEnabled     bool    `json:"dataTraceEnabled"`
	ThrottlingBurstLimit int     `json:"throttlingBurstLimit"`
	ThrottlingRateLimit  float64 `json:"throttlingRateLimit"`
	CachingEnabled       bool    `json:"cachingEnabled"`
	CacheTTLInSeconds    int     `json:"cacheTtlInSeconds"`
	CacheDataEncrypted   bool    `json:"cacheDataEncrypted"`
	// RequireAuthorizationForCacheControl and the header strategy are
	// AWS's defaults: cfnrun does not cache.
	RequireAuthorizationForCacheControl    bool   `json:"requireAuthorizationForCacheControl"`
	UnauthorizedCacheControlHeaderStrategy string `json:"unauthorizedCacheControlHeaderStrategy"`
}

type stages struct {
	Item []*stage `json:"item"`
}

type deployment struct {
	ID          string                                `json:"id"`
	Description string                                `json:"description,omitempty"`
	CreatedDate epoch                                 `json:"createdDate"`
	APISummary  map[string]map[string]*methodSnapshot `json:"apiSummary,omitempty"`
}

type methodSnapshot struct {
	AuthorizationType string `json:"authorizationType"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
}

type authorizer struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials        string   `json:"authorizerCredentials,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTTLInSeconds int      `json:"authorizerResultTtlInSeconds"`
}

type apiModel struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema,omitempty"`
	ContentType string `json:"contentType"`
}

type requestValidator struct {
	ID                        string `json:"id"`
	Name                      string `json:"name"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

type apiKey struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     epoch             `json:"createdDate"`
	LastUpdatedDate epoch             `json:"lastUpdatedDate"`
	StageKeys       []string          `json:"stageKeys"`
	Tags            map[string]string `json:"tags,omitempty"`
}

type usagePlan struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	APIStages   []apiStage        `json:"apiStages"`
	Throttle    *throttle         `json:"throttle,omitempty"`
	Quota       *quota            `json:"quota,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

type apiStage struct {
	APIID    string               `json:"apiId"`
	Stage    string               `json:"stage"`
	Throttle map[string]*throttle `json:"throttle,omitempty"`
}

type throttle struct {
	BurstLimit *int     `json:"burstLimit,omitempty"`
	RateLimit  *float64 `json:"rateLimit,omitempty"`
}

type quota struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Period string `json:"period"`
}

type usagePlanKey struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
	Name  string `json:"name"`
}

type gatewayResponse struct {
	ResponseType       string            `json:"responseType"`
	StatusCode         string            `json:"statusCode,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
	DefaultResponse    bool              `json:"defaultResponse"`
}

type tags struct {
	Tags map[string]string `json:"tags"`
}

// Conversions from the model.

func (p *Plane) restAPIOf(t *model.Template, a *model.RestAPI) *restAPI {
	out := &restAPI{
		ID: a.ID, Name: a.Name, Description: a.Description,
		CreatedDate:               epochOf(p.started),
		BinaryMediaTypes:          a.BinaryMediaTypes,
		APIKeySource:              a.APIKeySource,
		EndpointConfiguration:     endpointConfig{Types: a.EndpointTypes},
		Policy:                    a.Policy,
		Tags:                      tagsOf(a.Tags),
		DisableExecuteAPIEndpoint: a.DisableExecuteAPIEndpoint,
	}
	if a.Root != nil {
		out.RootResourceID = a.Root.ID
	}
	if a.MinimumCompressionSize >= 0 {
		n := a.MinimumCompressionSize
		out.MinimumCompressionSize = &n
	}
	if out.APIKeySource == "" {
		out.APIKeySource = "HEADER"
	}
	if d := p.driftOf(t, a.ID); d != "" {
		if out.Tags == nil {
			out.Tags = map[string]string{}
		}
		out.Tags[tagDrift] = d
	}
	if len(out.EndpointConfiguration.Types) == 0 {
		out.EndpointConfiguration.Types = []string{"EDGE"}
	}
	return out
}

// resourceOf is a resource; with methods, each method in full (embed=methods),
// else each as {} as AWS lists them.
func resourceOf(r *model.Resource, methods bool) *resource {
	out := &resource{ID: r.ID, Path: r.Path}
	if r.Parent != nil {
		out.ParentID = r.Parent.ID
		out.PathPart = r.PathPart
	}
	if len(r.Methods) > 0 {
		out.ResourceMethods = map[string]*method{}
		for _, m := range r.Methods {
			if methods {
				out.ResourceMethods[m.HTTPMethod] = methodOf(r, m)
			} else {
				out.ResourceMethods[m.HTTPMethod] = &method{}
			}
		}
	}
	return out
}

func methodOf(r *model.Resource, m *model.Method) *method {
	req := m.APIKeyRequired
	out := &method{
		HTTPMethod: m.HTTPMethod, AuthorizationType: m.AuthorizationType, AuthorizerID: m.AuthorizerID,
		APIKeyRequired: &req, RequestValidatorID: m.RequestValidatorID, OperationName: m.OperationName,
		RequestParameters: m.RequestParameters, RequestModels: m.RequestModels,
		AuthorizationScopes: m.AuthorizationScopes,
	}
	if out.AuthorizationType == "" {
		out.AuthorizationType = "NONE"
	}
	if len(m.MethodResponses) > 0 {
		out.MethodResponses = map[string]*methodResponse{}
		for _, mr := range m.MethodResponses {
			out.MethodResponses[mr.StatusCode] = methodResponseOf(mr)
		}
	}
	if m.Integration != nil {
		out.MethodIntegration = integrationOf(r, m.Integration)
	}
	return out
}

func methodResponseOf(mr model.MethodResponse) *methodResponse {
	return &methodResponse{StatusCode: mr.StatusCode, ResponseParameters: mr.ResponseParameters, ResponseModels: mr.ResponseModels}
}

func integrationOf(r *model.Resource, in *model.Integration) *integration {
	out := &integration{
		Type: in.Type, HTTPMethod: in.HTTPMethod, URI: in.URI, ConnectionType: in.ConnectionType,
		ConnectionID: in.ConnectionID, Credentials: in.Credentials,
		RequestParameters: in.RequestParameters, RequestTemplates: in.RequestTemplates,
		PassthroughBehavior: in.PassthroughBehavior, ContentHandling: in.ContentHandling,
		TimeoutInMillis: in.TimeoutMillis, CacheNamespace: in.CacheNamespace,
		CacheKeyParameters: in.CacheKeyParameters,
	}
	if out.CacheNamespace == "" {
		out.CacheNamespace = r.ID // AWS's default
	}
	if out.CacheKeyParameters == nil {
		out.CacheKeyParameters = []string{}
	}
	if out.TimeoutInMillis == 0 {
		out.TimeoutInMillis = model.DefaultTimeoutMillis
	}
	if len(in.Responses) > 0 {
		out.IntegrationResponses = map[string]*integrationResponse{}
		for _, ir := range in.Responses {
			// Several responses may share a status code; the map keeps
			// the first, as AWS allows only one per code.
			if _, dup := out.IntegrationResponses[ir.StatusCode]; !dup {
				out.IntegrationResponses[ir.StatusCode] = integrationResponseOf(ir)
			}
		}
	}
	return out
}

func integrationResponseOf(ir model.IntegrationResponse) *integrationResponse {
	return &integrationResponse{StatusCode: ir.StatusCode, SelectionPattern: ir.SelectionPattern,
		ResponseParameters: ir.ResponseParameters, ResponseTemplates: ir.ResponseTemplates, ContentHandling: ir.ContentHandling}
}

// Tag keys of cfnrun's extensions on stages.
const (
	tagHTTP2 = "cfnrun:http2Enabled"
	tagDrift = "cfnrun:drift"
)

func (p *Plane) stageOf(t *model.Template, a *model.RestAPI, st *model.Stage) *stage {
	h2 := st.HTTP2Enabled == nil || *st.HTTP2Enabled
	created := p.created0(a.ID + "/stage/" + st.Name)
	out := &stage{
		DeploymentID: st.DeploymentID, StageName: st.Name, Description: st.Description,
		CacheClusterEnabled: st.CacheClusterEnabled, CacheClusterSize: st.CacheClusterSize, CacheClusterStatus: "NOT_AVAILABLE",
		MethodSettings: map[string]*methodSetting{}, Variables: st.Variables,
		TracingEnabled: st.TracingEnabled, CreatedDate: epochOf(created), LastUpdatedDate: epochOf(created),
		HTTP2Enabled: h2,
	}
	out.Tags = tagsOf(st.Tags)
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	out.Tags[tagHTTP2] = strconv.FormatBool(h2)
	if d := p.stageDrift(t, a.ID, st.Name); d != "" {
		out.Tags[tagDrift] = d
		out.LastUpdatedDate = epochOf(p.opts.Now())
	}
	for _, ms := range st.MethodSettings {
		key := strings.TrimPrefix(ms.ResourcePath, "/") + "/" + ms.HTTPMethod
		s := &methodSetting{
			MetricsEnabled: ms.MetricsEnabled, LoggingLevel: ms.LoggingLevel, DataTraceEnabled: ms.DataTraceEnabled,
			ThrottlingBurstLimit: model.AccountBurstLimit, ThrottlingRateLimit: model.AccountRateLimit,
			CachingEnabled: ms.CachingEnabled, CacheTTLInSeconds: 300, RequireAuthorizationForCacheControl: true,
			UnauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
		}
		if s.LoggingLevel == "" {
			s.LoggingLevel = "OFF"
		}
		if ms.ThrottlingBurstLimit >= 0 {
			s.ThrottlingBurstLimit = ms.ThrottlingBurstLimit
		}
		if ms.ThrottlingRateLimit >= 0 {
			s.ThrottlingRateLimit = ms.ThrottlingRateLimit
		}
		out.MethodSettings[key] = s
	}
	return out
}

// tagsOf is a copy of tags (the answers add cfnrun's own; the model's
// are shared), nil when there are none.
func tagsOf(tags model.Tags) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return maps.Clone(tags)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
