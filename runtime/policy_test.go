package runtime

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// policyTemplate is an API with /open, /admin, /pets/{id} and / on stage
// prod, and the given resource policy.
func policyTemplate(doc string) *tb {
	b := newTB("policyapi1", stage("prod", nil))
	b.method("/open", "GET", mock200())
	b.method("/admin", "GET", mock200())
	b.method("/admin", "POST", mock200())
	b.method("/pets/{id}", "GET", mock200())
	b.method("/", "GET", mock200())
	b.api.Policy = doc
	return b
}

const (
	denyMsg     = `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:policyapi1/prod/`
	explicitEnd = ` with an explicit deny"}`
)

func TestResourcePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, policy string
		// want maps "METHOD /path" to "" (200), "deny" (explicit) or
		// "none" (no Allow).
		want map[string]string
	}{
		{"allow all, deny admin outside loopback", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
			{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/*/admin","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}]}`,
			map[string]string{"GET /open": "", "GET /admin": "deny", "POST /admin": "deny", "GET /": ""}},
		{"deny loopback by IpAddress", `{"Statement":[
			{"Effect":"Allow","Principal":"*","Action":"execute-api:*","Resource":"*"},
			{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/pets/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}}]}`,
			map[string]string{"GET /open": "", "GET /pets/7": "deny"}},
		{"allow only another network", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}}}`,
			map[string]string{"GET /open": "none", "GET /": "none"}},
		{"allow loopback network, full ARN with wildcards", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke",
			"Resource":["arn:aws:execute-api:us-east-1:123456789012:policyapi1/prod/GET/open","arn:aws:execute-api:*:*:*/*/GET/pets/*"],
			"Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.0/8"]}}}]}`,
			map[string]string{"GET /open": "", "GET /pets/1": "", "GET /admin": "none", "POST /admin": "none"}},
		{"NotResource and NotAction", `{"Statement":[
			{"Effect":"Allow","Principal":"*","NotAction":"execute-api:ManageConnections","NotResource":"execute-api:/prod/POST/*"}]}`,
			map[string]string{"GET /admin": "", "POST /admin": "none"}},
		{"another API's resources", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:otherapi00/*"}]}`,
			map[string]string{"GET /open": "none"}},
		{"statement with an unevaluated key is skipped", `{"Statement":[
			{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
			{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`,
			map[string]string{"GET /open": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := start(t, policyTemplate(tc.policy).build(), nil)
			c := h2cClient(t)
			for _, k := range sortedKeys(tc.want) {
				verb, path, _ := strings.Cut(k, " ")
				res := do(t, c, verb, "http://"+r.http+"/prod"+path, nil)
				arnTail := verb + path
				switch tc.want[k] {
				case "":
					if res.status != 200 {
						t.Errorf("%s: got %d %s, want 200", k, res.status, res.body)
					}
				case "deny":
					want := denyMsg + arnTail + explicitEnd
					if res.status != 403 || res.body != want || res.header.Get("x-amzn-ErrorType") != "AccessDeniedException" {
						t.Errorf("%s: got %d %s (%q), want 403 %s AccessDeniedException", k, res.status, res.body, res.header.Get("x-amzn-ErrorType"), want)
					}
				case "none":
					want := denyMsg + arnTail + `"}`
					if res.status != 403 || res.body != want || res.header.Get("x-amzn-ErrorType") != "AccessDeniedException" {
						t.Errorf("%s: got %d %s (%q), want 403 %s AccessDeniedException", k, res.status, res.body, res.header.Get("x-amzn-ErrorType"), want)
					}
				}
			}
		})
	}
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestResourcePolicyIPv6 calls over IPv6 loopback: ::1 is allowed, the
// IPv4 range is not what it matches.
func TestResourcePolicyIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ln.Close()
	for _, tc := range []struct {
		cidr   string
		status int
	}{{"::1/128", 200}, {"127.0.0.0/8", 403}, {"::/0", 200}} {
		doc := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"` + tc.cidr + `"}}}]}`
		r := start(t, policyTemplate(doc).build(), func(c *Config) { c.Addr = "[::1]:0" })
		res := do(t, h2cClient(t), "GET", "http://"+r.http+"/prod/open", nil)
		if res.status != tc.status {
			t.Errorf("Allow from %s, call from ::1: got %d %s, want %d", tc.cidr, res.status, res.body, tc.status)
		}
	}
}

// TestResourcePolicyCustomResponse: the ACCESS_DENIED gateway response
// customizes the denial, with $context.error.messageString.
func TestResourcePolicyCustomResponse(t *testing.T) {
	b := policyTemplate(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`)
	b.api.GatewayResponses = []*model.GatewayResponse{{ResponseType: "ACCESS_DENIED", StatusCode: "403",
		ResponseTemplates: map[string]string{"application/json": `{"error":$context.error.messageString}`}}}
	r := start(t, b.build(), nil)
	res := do(t, h2cClient(t), "GET", "http://"+r.http+"/prod/open", nil)
	want := `{"error":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:policyapi1/prod/GET/open with an explicit deny"}`
	if res.status != 403 || res.body != want {
		t.Errorf("got %d %s, want 403 %s", res.status, res.body, want)
	}
}

// TestResourcePolicyFindings: what the policy holds that cfnrun does not
// evaluate is said at load, naming the key.
func TestResourcePolicyFindings(t *testing.T) {
	for _, tc := range []struct {
		name, policy string
		want         []string
	}{
		{"unevaluated keys", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
			{"Sid":"vpce","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"},"StringLike":{"aws:Referer":"x"}}}]}`,
			[]string{"runtime-unsupported: statement 2 (vpce) of the resource policy of API Apipolicyapi1 is skipped: cfnrun up does not evaluate StringLike aws:Referer, StringNotEquals aws:SourceVpce"}},
		{"principals", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/dev"]},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`,
			[]string{"runtime-ignored: statement 1 of the resource policy of API Apipolicyapi1 names principals (AWS:arn:aws:iam::123456789012:role/dev): " +
				"cfnrun up applies it to AWS_IAM requests that carry an Authorization header, whose signature it does not verify"}},
		{"not JSON", `{"Statement": [`, []string{"runtime-ignored: the resource policy of API Apipolicyapi1 is not evaluated: the policy is not a JSON object: unexpected EOF"}},
		{"bad CIDR", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300"}}}]}`,
			[]string{`runtime-ignored: the resource policy of API Apipolicyapi1 is not evaluated: statement 1: aws:SourceIp "10.0.0.300" is not an IP address or CIDR block`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(Config{})
			if err != nil {
				t.Fatal(err)
			}
			b := policyTemplate(tc.policy)
			b.api.Props = model.Ranges{{Key: "Policy", Range: diag.Range{Filename: "t.yaml", Start: diag.Pos{Line: 7, Column: 7}}}}
			ds, err := g.Load(b.build())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				if d.Range.Start.Line == 7 {
					got = append(got, d.Rule+": "+d.Summary)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings at the Policy (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResourcePolicyIAMPrincipal: a statement naming principals applies to
// AWS_IAM requests with an Authorization header only.
func TestResourcePolicyIAMPrincipal(t *testing.T) {
	b := policyTemplate(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/dev"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`)
	b.api.Resources[0].Methods[0].AuthorizationType = "AWS_IAM" // GET /
	r := start(t, b.build(), nil)
	c := h2cClient(t)
	if res := do(t, c, "GET", "http://"+r.http+"/prod/", nil, "Authorization", "AWS4-HMAC-SHA256 Credential=x"); res.status != 200 {
		t.Errorf("signed AWS_IAM call: got %d %s, want 200", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+r.http+"/prod/open", nil, "Authorization", "AWS4-HMAC-SHA256 Credential=x"); res.status != 403 {
		t.Errorf("anonymous method: got %d %s, want 403", res.status, res.body)
	}
}

func TestMaskedARN(t *testing.T) {
	got := maskedARN("arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/", "123456789012")
	if want := "arn:aws:execute-api:us-east-1:********9012:abc/prod/GET/"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func BenchmarkResourcePolicy(b *testing.B) {
	doc := `{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":["execute-api:/prod/GET/open","execute-api:/*/GET/pets/*"]},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/*/admin","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}}]}`
	var ds diag.Diagnostics
	cp := compilePolicy(&model.RestAPI{LogicalID: "Api", ID: "policyapi1", Policy: doc}, &ds)
	if cp == nil {
		b.Fatal(ds)
	}
	arn := policyARNPrefix("us-east-1", "123456789012", "policyapi1", "prod") + "GET/pets/42"
	addr := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	for b.Loop() {
		if cp.evaluate(arn, addr, false) != verdictAllow {
			b.Fatal("not allowed")
		}
	}
}

// BenchmarkMockResourcePolicy is BenchmarkMock with a resource policy on
// the API (an Allow by path and a Deny by aws:SourceIp): compare its
// allocations and ns/op with BenchmarkMock's.
func BenchmarkMockResourcePolicy(b *testing.B) {
	t := newTB("benchmock0", stage("prod", nil))
	t.method("/mock", "GET", &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{
			StatusCode:         "200",
			ResponseParameters: map[string]string{"method.response.header.Access-Control-Allow-Origin": "'*'"},
			ResponseTemplates:  map[string]string{"application/json": `{"message":"hello from the mock"}`},
		}},
	})
	t.api.Policy = `{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"NotIpAddress":{"aws:SourceIp":["127.0.0.0/8","::1/128"]}}}]}`
	runHandler(b, benchGateway(b, t.build()), "GET", "http://127.0.0.1/prod/mock", 200)
}
