package control

import (
	"net/http"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Custom domain names, read: v1's get-domain-names, get-domain-name,
// get-base-path-mappings and get-base-path-mapping, and v2's
// get-domain-names, get-domain-name, get-api-mappings and
// get-api-mapping, from the served model's DomainNames (the domains and
// mappings of the template). Domain names are one namespace for both
// APIs, as in API Gateway; v1 lists the mappings of REST APIs, v2 all.

// domainName is v1's DomainName shape.
type domainName struct {
	DomainName               string          `json:"domainName"`
	DomainNameArn            string          `json:"domainNameArn,omitempty"`
	CertificateArn           string          `json:"certificateArn,omitempty"`
	RegionalCertificateArn   string          `json:"regionalCertificateArn,omitempty"`
	RegionalDomainName       string          `json:"regionalDomainName,omitempty"`
	RegionalHostedZoneID     string          `json:"regionalHostedZoneId,omitempty"`
	DistributionDomainName   string          `json:"distributionDomainName,omitempty"`
	DistributionHostedZoneID string          `json:"distributionHostedZoneId,omitempty"`
	EndpointConfiguration    *endpointConfig `json:"endpointConfiguration,omitempty"`
	DomainNameStatus         string          `json:"domainNameStatus"`
	SecurityPolicy           string          `json:"securityPolicy"`
}

// basePathMapping is v1's BasePathMapping shape.
type basePathMapping struct {
	BasePath  string `json:"basePath"`
	RestAPIID string `json:"restApiId"`
	Stage     string `json:"stage"`
}

// domainNameV2 and apiMapping are v2's shapes.
type domainNameV2 struct {
	DomainName                    string           `json:"domainName"`
	DomainNameArn                 string           `json:"domainNameArn,omitempty"`
	APIMappingSelectionExpression string           `json:"apiMappingSelectionExpression"`
	DomainNameConfigurations      []domainConfigV2 `json:"domainNameConfigurations"`
}

type domainConfigV2 struct {
	APIGatewayDomainName string `json:"apiGatewayDomainName"`
	CertificateArn       string `json:"certificateArn,omitempty"`
	EndpointType         string `json:"endpointType"`
	HostedZoneID         string `json:"hostedZoneId"`
	SecurityPolicy       string `json:"securityPolicy"`
	DomainNameStatus     string `json:"domainNameStatus"`
}

type apiMapping struct {
	APIID         string `json:"apiId"`
	APIMappingID  string `json:"apiMappingId"`
	APIMappingKey string `json:"apiMappingKey,omitempty"`
	Stage         string `json:"stage"`
}

func (p *Plane) domainNameOf(d *model.DomainName) *domainName {
	out := &domainName{DomainName: d.Name, DomainNameArn: "arn:aws:apigateway:" + p.opts.Region + "::/domainnames/" + d.Name,
		DomainNameStatus: "AVAILABLE", SecurityPolicy: "TLS_1_2"}
	typ := d.EndpointType
	if typ == "" {
		typ = "REGIONAL"
	}
	out.EndpointConfiguration = &endpointConfig{Types: []string{typ}}
	if typ == "EDGE" {
		out.CertificateArn = d.Certificate
		out.DistributionDomainName = model.DistributionDomainName(d.Name)
		out.DistributionHostedZoneID = model.DistributionHostedZoneID
	} else {
		out.RegionalCertificateArn = d.Certificate
		out.RegionalDomainName = p.regionalDomain(d)
		out.RegionalHostedZoneID = model.RegionalHostedZoneID
	}
	return out
}

// regionalDomain is the API Gateway name a regional domain's DNS record
// points at (d-{id}.execute-api.{region}.amazonaws.com), as the resolver
// gives RegionalDomainName.
func (p *Plane) regionalDomain(d *model.DomainName) string {
	return model.RegionalDomainName(d.Name, p.opts.Region, "amazonaws.com")
}

func (p *Plane) domainNameV2Of(d *model.DomainName) *domainNameV2 {
	typ := d.EndpointType
	if typ == "" || typ == "EDGE" && d.V2 {
		typ = "REGIONAL"
	}
	return &domainNameV2{DomainName: d.Name, DomainNameArn: "arn:aws:apigateway:" + p.opts.Region + "::/domainnames/" + d.Name,
		APIMappingSelectionExpression: "$request.basepath",
		DomainNameConfigurations: []domainConfigV2{{APIGatewayDomainName: p.regionalDomain(d), CertificateArn: d.Certificate, EndpointType: typ,
			HostedZoneID: model.RegionalHostedZoneID, SecurityPolicy: "TLS_1_2", DomainNameStatus: "AVAILABLE"}}}
}

// domain finds the domain named by segment i (any case, as API Gateway
// stores names in lower case).
func (rq *request) domain(i int) (*model.DomainName, error) {
	t, err := rq.template()
	if err != nil {
		return nil, err
	}
	if d := t.Domain(rq.segs[i]); d != nil {
		return d, nil
	}
	return nil, notFound("Invalid domain name identifier specified")
}

func getDomainNames(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	var all []*domainName
	for _, d := range t.DomainNames {
		all = append(all, rq.p.domainNameOf(d))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []*domainName{}
	}
	return http.StatusOK, listOf[*domainName]{Position: next, Items: items}, nil
}

func getDomainName(rq *request) (int, any, error) {
	d, err := rq.domain(1)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.domainNameOf(d), nil
}

func basePathMappingOf(m *model.BasePathMapping) *basePathMapping {
	base := m.BasePath
	if base == "" {
		base = "(none)"
	}
	return &basePathMapping{BasePath: base, RestAPIID: m.APIID, Stage: m.Stage}
}

// restMappings are d's mappings v1 shows: those of REST APIs, and of APIs
// not in the template (whose kind is not known).
func restMappings(d *model.DomainName) []*model.BasePathMapping {
	var out []*model.BasePathMapping
	for _, m := range d.Mappings {
		if m.WebSocket == nil && (m.API == nil || !m.API.IsHTTP()) {
			out = append(out, m)
		}
	}
	return out
}

func getBasePathMappings(rq *request) (int, any, error) {
	d, err := rq.domain(1)
	if err != nil {
		return 0, nil, err
	}
	var all []*basePathMapping
	for _, m := range restMappings(d) {
		all = append(all, basePathMappingOf(m))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []*basePathMapping{}
	}
	return http.StatusOK, listOf[*basePathMapping]{Position: next, Items: items}, nil
}

func getBasePathMapping(rq *request) (int, any, error) {
	d, err := rq.domain(1)
	if err != nil {
		return 0, nil, err
	}
	want := model.CanonicalBasePath(rq.segs[3])
	for _, m := range restMappings(d) {
		if m.BasePath == want {
			return http.StatusOK, basePathMappingOf(m), nil
		}
	}
	return 0, nil, notFound("Invalid base path mapping identifier specified")
}

func getDomainNamesV2(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	var all []*domainNameV2
	for _, d := range t.DomainNames {
		all = append(all, rq.p.domainNameV2Of(d))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getDomainNameV2(rq *request) (int, any, error) {
	d, err := rq.domain(2)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.domainNameV2Of(d), nil
}

// apiMappingOf is m in v2's shape; its id is stable for the mapping's
// logical id or address.
func apiMappingOf(d *model.DomainName, m *model.BasePathMapping) *apiMapping {
	return &apiMapping{APIID: m.APIID, APIMappingID: model.StableID(6, "apimapping", d.Name, m.LogicalID, m.BasePath),
		APIMappingKey: m.BasePath, Stage: m.Stage}
}

func getAPIMappingsV2(rq *request) (int, any, error) {
	d, err := rq.domain(2)
	if err != nil {
		return 0, nil, err
	}
	var all []*apiMapping
	for _, m := range d.Mappings {
		all = append(all, apiMappingOf(d, m))
	}
	out, err := pageV2(rq, all)
	return http.StatusOK, out, err
}

func getAPIMappingV2(rq *request) (int, any, error) {
	d, err := rq.domain(2)
	if err != nil {
		return 0, nil, err
	}
	for _, m := range d.Mappings {
		if am := apiMappingOf(d, m); strings.EqualFold(am.APIMappingID, rq.segs[4]) {
			return http.StatusOK, am, nil
		}
	}
	return 0, nil, notFound("Invalid API mapping identifier specified")
}
