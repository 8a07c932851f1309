package control

import (
	"net/http/httptest"
	"testing"
)

const sig = "Signature=" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestSigV4Service(t *testing.T) {
	for _, tc := range []struct{ name, auth, want string }{
		{"aws cli", "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=accept;host;x-amz-date, " + sig, "apigateway"},
		{"no spaces", "AWS4-HMAC-SHA256 Credential=AKID/20261202/eu-west-1/execute-api/aws4_request,SignedHeaders=host," + sig, "execute-api"},
		{"basic auth", "Basic dXNlcjpwYXNz", ""},
		{"bearer", "Bearer abc", ""},
		{"short scope", "AWS4-HMAC-SHA256 Credential=x/20261202/apigateway/aws4_request, SignedHeaders=host, " + sig, ""},
		{"bad date", "AWS4-HMAC-SHA256 Credential=x/2026120/us-east-1/apigateway/aws4_request, SignedHeaders=host, " + sig, ""},
		{"no terminator", "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws5_request, SignedHeaders=host, " + sig, ""},
		{"no signed headers", "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws4_request, " + sig, ""},
		{"short signature", "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=abc", ""},
		{"upper-case signature", "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SigV4Service(tc.auth); got != tc.want {
				t.Errorf("SigV4Service = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	good := "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host, " + sig
	other := "AWS4-HMAC-SHA256 Credential=x/20261202/us-east-1/execute-api/aws4_request, SignedHeaders=host, " + sig
	p := New(nil, Options{})
	for _, tc := range []struct {
		name, path, auth string
		want             bool
	}{
		{"get-rest-apis", "/restapis", good, true},
		{"get-api-keys", "/apikeys", good, true},
		{"get-usage-plans", "/usageplans", good, true},
		{"get-tags", "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc", good, true},
		{"get-account", "/account", good, true},
		{"unsigned", "/restapis", "", false},
		{"execute-api", "/restapis", other, false},
		{"stage path", "/prod/pets", good, false},
		{"stage named like a collection prefix", "/restapisx/pets", good, false},
		{"localstack data plane", "/restapis/abc/prod/_user_request_/pets", good, false},
		{"root", "/", good, false},
		{"page", "/_cfnrun/", "", true},
		{"page without slash", "/_cfnrun", "", true},
		{"stage named like the page", "/_cfnrunx/pets", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.path, nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if got := p.Match(r); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// BenchmarkMatchDataPlane is the cost Match adds to every data plane
// request.
func BenchmarkMatchDataPlane(b *testing.B) {
	p := New(nil, Options{})
	r := httptest.NewRequest("GET", "/prod/pets/1", nil)
	b.ReportAllocs()
	for b.Loop() {
		if p.Match(r) {
			b.Fatal("matched")
		}
	}
}
