package model

import (
	"strings"
	"testing"
)

// TestHTTPMappingParse covers the keys and values API Gateway's HTTP API
// parameter mapping takes, and what cfnrun reports for the rest.
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
		{"overwrite:header.Connection", "close", false, "belongs to", nil},
		{"overwrite:header.x", "$request.body.name", false, "cfnrun up does not evaluate request body selections", nil},
		{"overwrite:header.x", "$response.header.y", false, "not a value a request parameter takes", nil},
		{"overwrite:header.x", "$request.header.y", true, "not a value a response parameter takes", nil},
		{"overwrite:header.x", "${request.header.y", false, "not closed", nil},
	} {
		m, why, unsupported := ParseHTTPMapping(tc.key, tc.value, tc.response)
		if tc.why == "" && why != "" || tc.why != "" && !strings.Contains(why, tc.why) {
			t.Errorf("%s = %s: reason %q, want one with %q", tc.key, tc.value, why, tc.why)
			continue
		}
		if want := strings.Contains(tc.why, "cfnrun") || strings.Contains(tc.why, "belongs to"); unsupported != want {
			t.Errorf("%s = %s: unsupported %v, want %v", tc.key, tc.value, unsupported, want)
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
