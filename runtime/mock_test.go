package runtime

import (
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestMockStatusCode: what API Gateway reads as a MOCK integration's
// statusCode. Strict JSON needs an integer; other text goes through a
// lenient token reader (CDK's preflight template has an unquoted key).
// Sources: LocalStack's AWS-validated MOCK integration (PR 11967, "they
// don't JSON parse but use a custom token parser") and API Gateway's
// execution log message for the failure.
func TestMockStatusCode(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" = errNoMockStatus
	}{
		{`{"statusCode": 200}`, "200"},
		{`{ statusCode: 200 }`, "200"},
		{"{\n  statusCode: 204\n}", "204"},
		{`{'statusCode': '201'}`, "201"},
		{`{statusCode: "404", message: "x, y"}`, "404"},
		{`{a: {b: [1, {statusCode: 1}]}, statusCode: 302}`, "302"},
		{`{"statusCode": -1}`, "-1"},
		{`{"statusCode": 200, "message": "Go ahead without me."}`, "200"},
		{`{"statusCode": "200"}`, ""}, // valid JSON: an integer is required
		{`{"statusCode": 2.5}`, ""},
		{`{"message": "no status"}`, ""},
		{`{message: "no status"}`, ""},
		{``, ""},
		{`   `, ""},
		{`[{"statusCode": 200}]`, ""},
		{`statusCode: 200`, ""},
		{`{statusCode: }`, ""},
		{`{statusCode: 2xx}`, ""},
		{`{"statusCode": 200`, ""},
	} {
		got, err := mockStatusCode([]byte(c.in))
		if c.want == "" {
			if err != errNoMockStatus {
				t.Errorf("%q: got %q, %v; want errNoMockStatus", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %s", c.in, got, err, c.want)
		}
	}
}

// TestMockOverHTTP2: CDK's preflight template answers 200 (it answered
// 500); a MOCK integration without a request template passes the client's
// body through and answers 500 unless that body has a statusCode, as API
// Gateway does, which is what validate's W3212 says.
func TestMockOverHTTP2(t *testing.T) {
	cors := []model.IntegrationResponse{{StatusCode: "204", ResponseParameters: map[string]string{
		"method.response.header.Access-Control-Allow-Origin":  "'*'",
		"method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET'",
	}}}
	b := newTB("mockstatus", stage("prod", nil))
	b.method("/cdk", "OPTIONS", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": "{ statusCode: 200 }"}, Responses: cors})
	b.method("/bare", "ANY", &model.Integration{Type: model.IntegrationMock, Responses: []model.IntegrationResponse{
		{StatusCode: "200"}, {StatusCode: "201", SelectionPattern: "201"}}})
	b.method("/vtl", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": "{ statusCode: $input.params('s') }"},
		Responses:        []model.IntegrationResponse{{StatusCode: "200"}, {StatusCode: "418", SelectionPattern: "418"}}})
	tpl := b.build()
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(tpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if strings.Contains(d.Summary, "MOCK request template") {
			t.Errorf("finding on a template AWS accepts: %s", d.Summary)
		}
	}
	gw := start(t, tpl, nil)
	c := h2cClient(t)
	base := "http://" + gw.http + "/prod"
	res := do(t, c, "OPTIONS", base+"/cdk", nil)
	if res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("CDK preflight: %d %v", res.status, res.header)
	}
	res = do(t, c, "GET", base+"/bare", nil)
	if res.status != 500 || res.body != `{"message": "Internal server error"}` {
		t.Errorf("MOCK without a template: %d %q, want 500", res.status, res.body)
	}
	res = do(t, c, "POST", base+"/bare", strings.NewReader(`{"statusCode": 201}`), "Content-Type", "application/json")
	if res.status != 201 {
		t.Errorf("MOCK without a template, statusCode in the body: %d %q, want 201", res.status, res.body)
	}
	res = do(t, c, "GET", base+"/vtl?s=418", nil)
	if res.status != 418 {
		t.Errorf("VTL template with an unquoted key: %d %q, want 418", res.status, res.body)
	}
	res = do(t, c, "GET", base+"/vtl?s=abc", nil)
	if res.status != 500 {
		t.Errorf("VTL template with a statusCode that is no integer: %d %q, want 500", res.status, res.body)
	}
	if logs := gw.logs.String(); !strings.Contains(logs, "unable to parse statusCode") {
		t.Errorf("access log does not say why:\n%s", logs)
	}
}
