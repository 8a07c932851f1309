package runtime

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// TestHTTPAPIParameterMapping sends requests through the real gateway to a
// real h2c backend over HTTP/2 and checks what the backend receives and
// what the client gets back when an HTTP_PROXY integration maps
// parameters: headers and query strings appended, overwritten and
// removed, the path overwritten from a path parameter and a query string,
// values from the route, the stage's variables and the client's headers;
// the response's status and headers changed for the backend's status.
func TestHTTPAPIParameterMapping(t *testing.T) {
	backend := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newHTTPTB("httpapipm1", stage("$default", map[string]string{"color": "blue"}))
	in := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: backend.URL + "/base",
		RequestParameters: map[string]string{
			"append:header.x-from":       "$request.header.User-Agent",
			"append:header.x-list":       "added",
			"overwrite:header.x-route":   "${context.routeKey} on ${context.http.method}",
			"overwrite:header.x-color":   "$stageVariables.color",
			"remove:header.x-secret":     "''",
			"overwrite:querystring.v":    "2",
			"append:querystring.tag":     "new",
			"remove:querystring.drop":    "''",
			"overwrite:path":             "/v2/items/$request.path.id/${request.querystring.kind}",
			"overwrite:header.x-orig":    "$request.path",
			"overwrite:header.x-missing": "[${request.header.x-none}]",
		},
		ResponseMappings: map[string]map[string]string{
			"200": {"overwrite:statuscode": "202", "overwrite:header.x-server": "was $response.header.Server", "remove:header.Server": "''",
				"append:header.x-color": "${stageVariables.color}"},
			"404": {"overwrite:statuscode": "410"},
		}}
	b.route("GET", "/items/{id}", in)
	r := start(t, b.build(), nil)
	c := h2cClient(t)
	res := do(t, c, "GET", "http://"+r.http+"/items/42?kind=book&v=1&drop=x&tag=old", nil,
		"User-Agent", "pm-test", "X-List", "first", "X-Secret", "s3cret")
	if res.status != 202 || res.proto != "HTTP/2.0" {
		t.Fatalf("status %d %s, want 202 over HTTP/2: %s\n%s", res.status, res.proto, res.body, r.logs.String())
	}
	e := decodeEcho(t, res.body)
	if e.Path != "/v2/items/42/book" {
		t.Errorf("backend path %q, want /v2/items/42/book", e.Path)
	}
	if e.RawQuery != "kind=book&tag=old&tag=new&v=2" {
		t.Errorf("backend query %q, want kind=book&tag=old&tag=new&v=2", e.RawQuery)
	}
	h := http.Header(e.Headers)
	for k, want := range map[string]string{"X-From": "pm-test", "X-List": "first,added", "X-Route": "GET /items/{id} on GET",
		"X-Color": "blue", "X-Orig": "/items/42", "X-Missing": "[]", "X-Secret": ""} {
		if got := strings.Join(h.Values(k), "|"); got != want {
			t.Errorf("backend header %s = %q, want %q", k, got, want)
		}
	}
	if res.header.Get("X-Server") != "was echo" || res.header.Get("Server") != "" || res.header.Get("X-Color") != "blue" {
		t.Errorf("response headers: %v", res.header)
	}
}

// TestHTTPMappingParse covers the keys and values API Gateway's HTTP API
// parameter mapping takes, and what cfnrun reports for the rest.
func TestHTTPMappingParse(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		response   bool
		why        string // a fragment of the reason it is ignored, "" for none
		val        []hpSrc
	}{
		{"overwrite:header.x", "static", false, "", []hpSrc{{lit: "static"}}},
		{"append:querystring.q", "$request.header.a", false, "", []hpSrc{{kind: hpReqHeader, name: "a"}}},
		{"overwrite:path", "/p/${request.path.id}/x", false, "", []hpSrc{{lit: "/p/"}, {kind: hpReqPathPart, name: "id"}, {lit: "/x"}}},
		{"overwrite:path", "/a/$request.path.id-x/$5", false, "", []hpSrc{{lit: "/a/"}, {kind: hpReqPathPart, name: "id-x"}, {lit: "/$5"}}},
		{"overwrite:header.x", "$request.path", false, "", []hpSrc{{kind: hpReqPath}}},
		{"OVERWRITE:Header.X", "$context.requestId", false, "", []hpSrc{{kind: hpContext, name: "requestId"}}},
		{"remove:header.x", "anything", false, "", nil},
		{"overwrite:statuscode", "204", true, "", []hpSrc{{lit: "204"}}},
		{"append:header.x", "$response.header.y", true, "", []hpSrc{{kind: hpRespHeader, name: "y"}}},
		{"overwrite:statuscode", "204", false, "request parameter changes", nil},
		{"overwrite:querystring.q", "1", true, "response parameter changes", nil},
		{"append:path", "/x", false, "only be overwritten", nil},
		{"replace:header.x", "1", false, "append, overwrite or remove", nil},
		{"header.x", "1", false, "the key must be", nil},
		{"overwrite:header.Connection", "close", false, "reserves", nil},
		{"overwrite:header.x", "$request.body.name", false, "body selections", nil},
		{"overwrite:header.x", "$response.header.y", false, "not a value a request parameter takes", nil},
		{"overwrite:header.x", "$request.header.y", true, "not a value a response parameter takes", nil},
		{"overwrite:header.x", "${request.header.y", false, "not closed", nil},
	} {
		m, why := parseHTTPMapping(tc.key, tc.value, tc.response)
		if tc.why == "" && why != "" || tc.why != "" && !strings.Contains(why, tc.why) {
			t.Errorf("%s = %s: reason %q, want one with %q", tc.key, tc.value, why, tc.why)
			continue
		}
		if tc.why == "" && !equalSrcs(m.val, tc.val) {
			t.Errorf("%s = %s: value %+v, want %+v", tc.key, tc.value, m.val, tc.val)
		}
	}
}

func equalSrcs(a, b []hpSrc) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestHTTPMappingFindings: mappings cfnrun cannot apply are reported at the
// integration, never dropped in silence.
func TestHTTPMappingFindings(t *testing.T) {
	var ds diag.Diagnostics
	in := &model.Integration{Type: model.IntegrationAWSProxy, RequestParameters: map[string]string{"overwrite:header.x": "1"}}
	if compileHTTPParams(in, "Route", &ds) != nil || len(ds) != 1 || !strings.Contains(ds[0].Summary, "AWS_PROXY") {
		t.Errorf("Lambda integration: %v", ds)
	}
	ds = nil
	in = &model.Integration{Type: model.IntegrationHTTPProxy, RequestParameters: map[string]string{"overwrite:header.x": "$request.body.a", "overwrite:header.y": "1"},
		ResponseMappings: map[string]map[string]string{"2xx": {"overwrite:statuscode": "201"}}}
	hp := compileHTTPParams(in, "Route", &ds)
	if hp == nil || len(hp.req) != 1 || len(ds) != 2 {
		t.Errorf("findings %v, mappings %+v", ds, hp)
	}
}
