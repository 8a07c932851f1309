package model

import (
	"strings"
	"testing"
)

// TestHTTPMappingParse covers the keys and values API Gateway's HTTP API
// parameter mapping takes, and what API Gateway rejects.
func TestHTTPMappingParse(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		response   bool
		why        string // a fragment of the reason it is ignored, "" for none
		val        []HTTPMappingSrc
	}{
		{"overwrite:header.x", "static", false, "", []HTTPMappingSrc{{Lit: "static"}}},
		{"append:querystring.q", "$request.header.a", false, "", []HTTPMappingSrc{{Kind: SrcRequestHeader, Name: "a"}}},
		{"overwrite:path", "/p/${request.path.id}/x", false, "", []HTTPMappingSrc{{Lit: "/p/"}, {Kind: SrcRequestPathParam, Name: "id"}, {Lit: "/x"}}},
		{"overwrite:path", "/a/$request.path.id-x/$5", false, "", []HTTPMappingSrc{{Lit: "/a/"}, {Kind: SrcRequestPathParam, Name: "id-x"}, {Lit: "/$5"}}},
		{"overwrite:header.x", "$request.path", false, "", []HTTPMappingSrc{{Kind: SrcRequestPath}}},
		{"OVERWRITE:Header.X", "$context.requestId", false, "", []HTTPMappingSrc{{Kind: SrcContext, Name: "requestId"}}},
		{"remove:header.x", "anything", false, "", nil},
		{"overwrite:statuscode", "204", true, "", []HTTPMappingSrc{{Lit: "204"}}},
		{"append:header.x", "$response.header.y", true, "", []HTTPMappingSrc{{Kind: SrcResponseHeader, Name: "y"}}},
		{"overwrite:statuscode", "204", false, "request parameter changes", nil},
		{"overwrite:querystring.q", "1", true, "response parameter changes", nil},
		{"append:path", "/x", false, "only be overwritten", nil},
		{"replace:header.x", "1", false, "append, overwrite or remove", nil},
		{"header.x", "1", false, "the key must be", nil},
		{"overwrite:header.Connection", "close", false, "is reserved", nil},
		{"append:header.X-Amz-Date", "1", false, "is reserved", nil},
		{"append:header.x-amzn-trace-id", "1", false, "is reserved", nil},
		{"overwrite:header.Access-Control-Allow-Origin", "*", true, "is reserved", nil},
		{"remove:header.Authorization", "", false, "is reserved", nil},
		{"overwrite:header.Origin", "x", false, "is reserved", nil},
		{"overwrite:header.Trailers", "x", false, "is reserved", nil},
		{"overwrite:header.X-Forwarded-Host", "x", false, "is reserved", nil},
		// Not on API Gateway's list: taken.
		{"overwrite:header.Host", "example.com", false, "", []HTTPMappingSrc{{Lit: "example.com"}}},
		{"overwrite:header.X-Forwarded-Port", "443", false, "", []HTTPMappingSrc{{Lit: "443"}}},
		{"overwrite:header.x", "$request.body.name", false, "", []HTTPMappingSrc{{Kind: SrcRequestBody, Name: "name"}}},
		{"overwrite:header.x", "$request.body", false, "", []HTTPMappingSrc{{Kind: SrcRequestBody}}},
		{"overwrite:header.x", "id=$request.body.items[0].id;", false, "", []HTTPMappingSrc{{Lit: "id="}, {Kind: SrcRequestBody, Name: "items[0].id"}, {Lit: ";"}}},
		{"overwrite:header.x", "${request.body['odd key'].v}", false, "", []HTTPMappingSrc{{Kind: SrcRequestBody, Name: "['odd key'].v"}}},
		{"overwrite:header.x", "$request.body[1]", false, "", []HTTPMappingSrc{{Kind: SrcRequestBody, Name: "[1]"}}},
		{"overwrite:header.x", "$request.body.a[0", false, "", []HTTPMappingSrc{{Kind: SrcRequestBody, Name: "a"}, {Lit: "[0"}}},
		{"append:header.x", "${response.body.order.id}", true, "", []HTTPMappingSrc{{Kind: SrcResponseBody, Name: "order.id"}}},
		{"overwrite:statuscode", "$response.body.code", true, "", []HTTPMappingSrc{{Kind: SrcResponseBody, Name: "code"}}},
		{"overwrite:header.x", "$request.body..name", false, "recursive descent", nil},
		{"overwrite:header.x", "${request.body.items[?(@.id)]}", false, "filter expression", nil},
		{"overwrite:header.x", "$response.body.x", false, "not a value a request parameter takes", nil},
		{"overwrite:header.x", "$request.body.x", true, "not a value a response parameter takes", nil},
		{"overwrite:header.x", "$request.bodyx", false, "not a value a request parameter takes", nil},
		{"overwrite:header.x", "$response.header.y", false, "not a value a request parameter takes", nil},
		{"overwrite:header.x", "$request.header.y", true, "not a value a response parameter takes", nil},
		{"overwrite:header.x", "${request.header.y", false, "not closed", nil},
	} {
		m, why := ParseHTTPMapping(tc.key, tc.value, tc.response)
		if tc.why == "" && why != "" || tc.why != "" && !strings.Contains(why, tc.why) {
			t.Errorf("%s = %s: reason %q, want one with %q", tc.key, tc.value, why, tc.why)
			continue
		}
		if tc.why == "" && !equalSrcs(m.Value, tc.val) {
			t.Errorf("%s = %s: value %+v, want %+v", tc.key, tc.value, m.Value, tc.val)
		}
	}
}

func equalSrcs(a, b []HTTPMappingSrc) bool {
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
