package runtime

import (
	"net"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Custom domain names: a request whose Host is one of the template's
// domain names (model.DomainName) is served by the base path mapping
// whose base path starts its path, as API Gateway serves
// https://{domain}/{basePath}/{path}: the mapping's API and stage serve
// {path}. A path no mapping has is answered 403 {"message":"Forbidden"},
// as API Gateway answers it.

// domainRoute is a mapping of a domain, compiled: its base path
// ("v1/admin", "" for the root) and the API and stage it serves.
type domainRoute struct {
	base  string
	api   *capi
	stage string
}

// compileDomains builds v.domains from t's domain names: the mappings of
// the template's REST and HTTP APIs, longest base path first (the model's
// order).
func (v *version) compileDomains(t *model.Template) {
	for _, d := range t.DomainNames {
		var routes []domainRoute
		for _, m := range d.Mappings {
			if m.API == nil || m.Stage == "" {
				continue // not the template's, or a WebSocket API (validate says so)
			}
			if ca := v.byID[m.API.ID]; ca != nil {
				routes = append(routes, domainRoute{base: m.BasePath, api: ca, stage: m.Stage})
			}
		}
		if len(routes) == 0 {
			continue
		}
		if v.domains == nil {
			v.domains = map[string][]domainRoute{}
		}
		v.domains[d.Name] = routes
	}
}

// domainRoutes returns the mappings of the domain host names (a request's
// Host: any case, a port allowed), and whether it is one of the domains.
// A domain of the template matches before a wildcard one
// (*.example.com) that covers it, as in API Gateway.
func (v *version) domainRoutes(host string) ([]domainRoute, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if routes, ok := v.domains[host]; ok {
		return routes, true
	}
	lower := strings.ToLower(host)
	if routes, ok := v.domains[lower]; ok {
		return routes, true
	}
	if _, parent, ok := strings.Cut(lower, "."); ok {
		routes, ok := v.domains["*."+parent]
		return routes, ok
	}
	return nil, false
}

// locateDomain is locate for a request to a custom domain: the first
// mapping whose base path is a whole-segment prefix of the escaped path
// p; ok is false when none is.
func locateDomain(routes []domainRoute, p string, rt *route) (api *capi, stage, rest string, more []*capi, ok bool) {
	if p == "" {
		p = "/"
	}
	for i := range routes {
		dr := &routes[i]
		if dr.base == "" {
			rt.domain, rt.base = true, ""
			return dr.api, dr.stage, p, nil, true
		}
		if after, found := strings.CutPrefix(p[1:], dr.base); found && (after == "" || after[0] == '/') {
			rt.domain, rt.base = true, p[:1+len(dr.base)]
			return dr.api, dr.stage, after, nil, true
		}
	}
	return nil, "", "", nil, false
}

// domainPath is the path of a request to a custom domain as API Gateway
// passes it on (event path, rawPath, $context.path): the whole request
// path, base path included.
func (rt *route) domainPath() string {
	if p := rt.base + rt.rest; p != "" {
		return p
	}
	return "/"
}
