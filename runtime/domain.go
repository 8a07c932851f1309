package runtime

import (
	"net/http"
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
	// wsAPI is the id of the WebSocket API mapped (api is then nil): the
	// stage is looked up when a connection comes (locateWSDomain), as
	// WebSocket APIs are compiled after the domains.
	wsAPI string
}

// compileDomains builds v.domains from t's domain names: the mappings of
// the template's REST and HTTP APIs, longest base path first (the model's
// order).
func (v *version) compileDomains(t *model.Template) {
	for _, d := range t.DomainNames {
		var routes []domainRoute
		for _, m := range d.Mappings {
			if m.Unknown {
				continue // its stage or base path is not known before deploy
			}
			if m.WebSocket != nil {
				if m.Stage == "" {
					continue // a WebSocket API mapping names its stage
				}
				routes = append(routes, domainRoute{base: m.BasePath, stage: m.Stage, wsAPI: m.WebSocket.ID})
				continue
			}
			if m.API == nil {
				continue // not the template's (validate says so)
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
		if parent, ok := strings.CutPrefix(d.Name, "*."); ok {
			// Under its parent, so that a request's look-up builds no
			// "*."+parent string.
			if v.wildDomains == nil {
				v.wildDomains = map[string][]domainRoute{}
			}
			v.wildDomains[parent] = routes
			continue
		}
		v.domains[d.Name] = routes
	}
}

// domainRoutes returns the mappings of the domain host names (a request's
// Host: any case, a port allowed), and whether it is one of the domains.
// A domain of the template matches before a wildcard one
// (*.example.com) that covers it, as in API Gateway.
func (v *version) domainRoutes(host string) ([]domainRoute, bool) {
	// The port off, without net.SplitHostPort, which allocates its
	// error for a Host without one (curl -H 'Host: api.example.com').
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host[i:], ']') < 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	host = strings.TrimSuffix(host, ".")
	if routes, ok := v.domains[host]; ok {
		return routes, true
	}
	lower := strings.ToLower(host)
	if routes, ok := v.domains[lower]; ok {
		return routes, true
	}
	if _, parent, ok := strings.Cut(lower, "."); ok && v.wildDomains != nil {
		routes, ok := v.wildDomains[parent]
		return routes, ok
	}
	return nil, false
}

// matchDomain returns the first of routes whose base path is a
// whole-segment prefix of the escaped path p, the path's base part ("/v1",
// "" for the root mapping) and the rest; nil when none is.
func matchDomain(routes []domainRoute, p string) (dr *domainRoute, base, rest string) {
	if p == "" {
		p = "/"
	}
	for i := range routes {
		dr := &routes[i]
		if dr.base == "" {
			return dr, "", p
		}
		if after, found := strings.CutPrefix(p[1:], dr.base); found && (after == "" || after[0] == '/') {
			return dr, p[:1+len(dr.base)], after
		}
	}
	return nil, "", ""
}

// locateDomain is locate for a request to a custom domain: the mapping
// matchDomain finds; ok is false when there is none, or when it maps a
// WebSocket API (whose connections serveWebSocket takes first).
func locateDomain(routes []domainRoute, p string, rt *route) (api *capi, stage, rest string, more []*capi, ok bool) {
	dr, base, rest := matchDomain(routes, p)
	if dr == nil || dr.api == nil {
		return nil, "", "", nil, false
	}
	stage = dr.stage
	if stage == "" {
		// A mapping without a stage: the caller names one as the first
		// segment below the base path, which stays in the path events
		// carry.
		seg := strings.TrimPrefix(rest, "/")
		if i := strings.IndexByte(seg, '/'); i >= 0 {
			seg = seg[:i]
		}
		if seg == "" {
			return nil, "", "", nil, false
		}
		stage, base, rest = seg, base+"/"+seg, rest[1+len(seg):]
	}
	rt.domain, rt.base = true, base
	return dr.api, stage, rest, nil, true
}

// locateWSDomain is locateWS for a request to a custom domain: found is
// true when r's Host is one of the domains; st is then the WebSocket
// stage its mapping serves (nil when it maps a REST or HTTP API, or
// nothing), and rest the path below the base path. The management API
// answers below the base path, with or without the stage after it
// (https://{domain}/{stage}/@connections, as handlers build the endpoint
// from requestContext's domainName and stage).
func (v *version) locateWSDomain(r *http.Request) (st *cwsStage, rest string, found bool) {
	routes, found := v.domainRoutes(r.Host)
	if !found {
		return nil, "", false
	}
	dr, _, rest := matchDomain(routes, r.URL.EscapedPath())
	if dr == nil || dr.wsAPI == "" {
		return nil, "", true
	}
	api := v.ws[dr.wsAPI]
	if api == nil {
		return nil, "", true
	}
	st = api.stages[dr.stage]
	if st == nil {
		return nil, "", true
	}
	if after, ok := strings.CutPrefix(rest, "/"+st.name+"/@connections/"); ok {
		rest = "/@connections/" + after
	}
	return st, rest, true
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
