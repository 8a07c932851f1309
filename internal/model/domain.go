package model

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// DomainName is a custom domain name of API Gateway
// (AWS::ApiGateway::DomainName, AWS::ApiGatewayV2::DomainName,
// aws_api_gateway_domain_name, aws_apigatewayv2_domain_name) with the
// base path mappings (AWS::ApiGateway::BasePathMapping,
// AWS::ApiGatewayV2::ApiMapping, aws_api_gateway_base_path_mapping,
// aws_apigatewayv2_api_mapping) that put a stage of an API under it.
// A request to https://{Name}/{BasePath}/{path} reaches {path} of that
// stage. A domain that only mappings name (one created outside the
// template) is a DomainName without LogicalID.
type DomainName struct {
	// LogicalID is the domain resource's logical id or address; empty
	// when the template only maps APIs to the domain.
	LogicalID string
	// Name is the domain as API Gateway stores it: lower case, without a
	// trailing dot. A wildcard domain starts with "*.".
	Name string
	// EndpointType is EDGE, REGIONAL or PRIVATE ("" for a domain defined
	// elsewhere).
	EndpointType string
	// V2 is true for an AWS::ApiGatewayV2::DomainName
	// (aws_apigatewayv2_domain_name).
	V2 bool
	// Certificate is the certificate ARN (or name) the domain is served
	// with; "" when none is given.
	Certificate string
	// Mappings are the domain's base path mappings, longest base path
	// first (the order a request is matched in), then by LogicalID.
	Mappings []*BasePathMapping
	Range    diag.Range
	Props    Ranges
}

// BasePathMapping maps a stage of an API to a base path of a domain.
type BasePathMapping struct {
	LogicalID string
	// BasePath is the path under the domain without a slash at either
	// end: "" for the domain's root (API Gateway's "(none)"), "v1", or
	// "v1/admin" (several levels).
	BasePath string
	// API is the REST or HTTP API mapped; WebSocket the WebSocket API.
	// Both are nil when the API is not one of the template's (APIID).
	API       *RestAPI
	WebSocket *WebSocketAPI
	// APIID is the id the mapping names.
	APIID string
	// Stage is the stage's name; "" (API Gateway's "(none)", or no stage
	// given) lets callers name any stage of the API as the first path
	// segment after the base path.
	Stage string
	// Unknown is true when the base path or stage comes from a value not
	// known before deploy (a parameter without a value, an import): the
	// mapping is not checked.
	Unknown bool
	// Domain is the domain the mapping belongs to.
	Domain *DomainName
	Range  diag.Range
	Props  Ranges
}

// CanonicalDomain returns name as API Gateway compares domain names: lower
// case, without a trailing dot.
func CanonicalDomain(name string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
}

// CanonicalBasePath returns a base path without the slashes at its ends;
// API Gateway's "(none)" is "".
func CanonicalBasePath(p string) string {
	p = strings.Trim(p, "/")
	if p == "(none)" {
		return ""
	}
	return p
}

// Domain returns the template's domain named name (any case), or nil.
func (t *Template) Domain(name string) *DomainName {
	name = CanonicalDomain(name)
	for _, d := range t.DomainNames {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// AddDomain appends a domain named name (as CanonicalDomain gives it) to
// t.DomainNames and returns it. A front end adds one for each resource that
// defines or maps a domain; Finalize merges those of one name, the first
// definition's settings winning.
func (t *Template) AddDomain(name string) *DomainName {
	d := &DomainName{Name: CanonicalDomain(name)}
	t.DomainNames = append(t.DomainNames, d)
	return d
}

// finalizeDomains merges domains of the same name (stacks served
// together each bring theirs), points each mapping at the API its APIID
// names, and sorts them as Template.DomainNames documents: by Name, each
// domain's mappings longest base path first.
func (t *Template) finalizeDomains() {
	if len(t.DomainNames) == 0 {
		return
	}
	byName := make(map[string]*DomainName, len(t.DomainNames))
	kept := t.DomainNames[:0]
	for _, d := range t.DomainNames {
		first := byName[d.Name]
		if first == nil {
			byName[d.Name] = d
			kept = append(kept, d)
			continue
		}
		if first.LogicalID == "" && d.LogicalID != "" {
			first.LogicalID, first.EndpointType, first.V2, first.Certificate, first.Range, first.Props = d.LogicalID, d.EndpointType, d.V2, d.Certificate, d.Range, d.Props
		}
		first.Mappings = append(first.Mappings, d.Mappings...)
	}
	t.DomainNames = kept
	apis := map[string]*RestAPI{}
	for _, a := range t.APIs {
		if _, dup := apis[a.ID]; !dup && a.ID != "" {
			apis[a.ID] = a
		}
	}
	ws := map[string]*WebSocketAPI{}
	for _, a := range t.WebSocketAPIs {
		if _, dup := ws[a.ID]; !dup && a.ID != "" {
			ws[a.ID] = a
		}
	}
	slices.SortStableFunc(t.DomainNames, func(a, b *DomainName) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.LogicalID, b.LogicalID))
	})
	for _, d := range t.DomainNames {
		for _, m := range d.Mappings {
			m.Domain, m.API, m.WebSocket = d, apis[m.APIID], ws[m.APIID]
		}
		slices.SortStableFunc(d.Mappings, func(a, b *BasePathMapping) int {
			return cmp.Or(-cmp.Compare(len(a.BasePath), len(b.BasePath)), strings.Compare(a.BasePath, b.BasePath), strings.Compare(a.LogicalID, b.LogicalID))
		})
	}
}

// URL returns the address of the mapping's base path on its domain, as
// clients call it (https://{domain}/{basePath}).
func (m *BasePathMapping) URL() string {
	u := "https://" + m.Domain.Name
	if m.WebSocket != nil {
		u = "wss://" + m.Domain.Name
	}
	if m.BasePath != "" {
		u += "/" + m.BasePath
	}
	return u
}

// DomainRoute is a base path mapping as `cfnrun routes` lists it.
type DomainRoute struct {
	// URL is https://{domain}/{basePath} (wss:// for a WebSocket API).
	URL      string `json:"url"`
	Domain   string `json:"domain"`
	BasePath string `json:"basePath"`
	// API is the mapped API's name, or its id when it is not the
	// template's; Served says whether `cfnrun up` serves it.
	API    string `json:"api"`
	APIID  string `json:"apiId"`
	Stage  string `json:"stage"`
	Served bool   `json:"served"`
}

// DomainRoutes lists t's base path mappings, by domain and longest base
// path first.
func DomainRoutes(t *Template) []DomainRoute {
	var out []DomainRoute
	for _, d := range t.DomainNames {
		for _, m := range d.Mappings {
			r := DomainRoute{URL: m.URL(), Domain: d.Name, BasePath: m.BasePath, API: m.APIID, APIID: m.APIID, Stage: m.Stage}
			switch {
			case m.API != nil:
				r.API, r.Served = m.API.Name, !m.Unknown
			case m.WebSocket != nil:
				r.API, r.Served = m.WebSocket.Name, m.Stage != "" && !m.Unknown
			}
			out = append(out, r)
		}
	}
	return out
}

// RegionalDomainName is the API Gateway host a regional custom domain's
// DNS record points at (d-{id}.execute-api.{region}.{suffix}), stable for
// the domain: what GetAtt RegionalDomainName, Terraform's
// regional_domain_name and the control plane give.
func RegionalDomainName(domain, region, urlSuffix string) string {
	return "d-" + StableID(10, "domain", domain) + ".execute-api." + region + "." + urlSuffix
}

// DistributionDomainName is the CloudFront host an edge-optimized custom
// domain's DNS record points at, stable for the domain.
func DistributionDomainName(domain string) string {
	sum := sha256.Sum256([]byte(domain))
	return hex.EncodeToString(sum[:])[:14] + ".cloudfront.net"
}

// The Route 53 hosted zones of API Gateway's regional endpoints
// (us-east-1's) and of CloudFront, as alias records name them.
const (
	RegionalHostedZoneID     = "Z1UJRXOUMOOFQ8"
	DistributionHostedZoneID = "Z2FDTNDATAQYW2"
)

// CanonicalStage returns a mapping's stage as the model keeps it: "" for
// API Gateway's "(none)".
func CanonicalStage(s string) string {
	if s == "(none)" {
		return ""
	}
	return s
}
