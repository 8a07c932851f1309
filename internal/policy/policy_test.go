package policy

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	p, err := Parse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"a","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":["execute-api:/*"]},
		{"Effect":"Deny","principal":{"AWS":["*","arn:aws:iam::1:role/r"]},"NotAction":"EXECUTE-API:*","NotResource":"x",
		 "Condition":{"NotIpAddress":{"aws:sourceip":["10.0.0.1/8","::ffff:192.0.2.1","2001:db8::/32"]},"StringEquals":{"aws:SourceVpce":"v"}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Statement{
		{Index: 0, Sid: "a", Anonymous: true, Actions: []string{"execute-api:invoke"}, Resources: []string{"execute-api:/*"}},
		{Index: 1, Deny: true, Anonymous: true, Principals: []string{"AWS:arn:aws:iam::1:role/r"}, Actions: []string{"execute-api:*"}, NotAction: true,
			Resources: []string{"x"}, NotResource: true,
			IPs: []IPCondition{{Not: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"),
				netip.MustParsePrefix("2001:db8::/32")}}},
			Unevaluated: []string{"StringEquals aws:SourceVpce"}},
	}
	if diff := cmp.Diff(want, p.Statements, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`[]`, "not a JSON object"},
		{`{}`, "no Statement"},
		{`{"Statement":"x"}`, "neither an object nor a list"},
		{`{"Statement":[1]}`, "statement 1 is not an object"},
		{`{"Statement":{"Effect":"Maybe","Principal":"*","Action":"a","Resource":"r"}}`, `Effect is "Maybe"`},
		{`{"Statement":{"Effect":"Allow","Action":"a","Resource":"r"}}`, "has no Principal"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Resource":"r"}}`, "has no Action"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"a"}}`, "has no Resource"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"a","Resource":"r","Condition":{"IpAddress":{"aws:SourceIp":"nope"}}}}`, `"nope" is not an IP address`},
	} {
		_, err := Parse(tc.doc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s): %v, want an error with %q", tc.doc, err, tc.want)
		}
	}
}

func TestIPCondition(t *testing.T) {
	c := IPCondition{Prefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	for _, tc := range []struct {
		addr string
		in   bool
	}{{"127.0.0.1", true}, {"::ffff:127.0.0.1", true}, {"::1", true}, {"10.0.0.1", false}, {"2001:db8::1", false}} {
		a := netip.MustParseAddr(tc.addr)
		if c.Holds(a) != tc.in {
			t.Errorf("IpAddress %s: %v, want %v", tc.addr, !tc.in, tc.in)
		}
		if (IPCondition{Not: true, Prefixes: c.Prefixes}).Holds(a) == tc.in {
			t.Errorf("NotIpAddress %s: %v, want %v", tc.addr, tc.in, !tc.in)
		}
	}
	if (IPCondition{Prefixes: c.Prefixes}).Holds(netip.Addr{}) {
		t.Error("IpAddress holds for no address")
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		ok     bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*c", "abc", true}, {"a*c", "ab", false}, {"a?c", "abc", true},
		{"api/*/GET/*", "api/prod/GET/pets/1", true}, {"api/*/GET/*", "api/prod/POST/pets", false},
		{"api/prod/GET/", "api/prod/GET/", true}, {"**x", "yyx", true}, {"Api", "api", false},
	} {
		if got := Match(tc.pat, tc.s); got != tc.ok {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	f.Add(`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"NotAction":"*","NotResource":["a"]}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := Parse(doc)
		if err == nil && p == nil {
			t.Fatal("nil policy without an error")
		}
	})
}
