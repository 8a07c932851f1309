package runtime

import (
	"io"
	"net/http"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestCustomDomains serves two REST APIs under custom domains over h2c:
// an exact domain with a two-level base path and a root mapping, and a
// wildcard domain; the MOCK template reads $context.path (the whole path,
// base path included) and $context.stage. A path no mapping has is 403
// Forbidden, and a domain's mappings never fall through to the
// path-style /{stage} form.
func TestCustomDomains(t *testing.T) {
	mock := func() *model.Integration {
		return &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{StatusCode: "200",
				ResponseTemplates: map[string]string{"application/json": `$context.apiId $context.stage $context.path $context.resourcePath`}}}}
	}
	a := newTB("aaaaaaaaaa", stage("prod", nil), stage("beta", nil))
	a.method("/pets/{id}", "GET", mock())
	b := newTB("bbbbbbbbbb", stage("live", nil))
	b.method("/", "GET", mock())
	tpl := a.t
	tpl.APIs = append(tpl.APIs, b.api)
	tpl.DomainNames = []*model.DomainName{
		{LogicalID: "D", Name: "api.example.com", Mappings: []*model.BasePathMapping{
			{LogicalID: "M1", BasePath: "shop/v2", APIID: "aaaaaaaaaa", Stage: "beta"},
			{LogicalID: "M2", BasePath: "", APIID: "aaaaaaaaaa", Stage: "prod"},
		}},
		{LogicalID: "W", Name: "*.example.org", Mappings: []*model.BasePathMapping{{LogicalID: "M3", BasePath: "b", APIID: "bbbbbbbbbb", Stage: "live"}}},
	}
	tpl.Finalize()
	r := start(t, tpl, nil)
	c := h2cClient(t)
	for _, tc := range []struct {
		host, path string
		status     int
		body       string
	}{
		{"api.example.com", "/shop/v2/pets/1", 200, "aaaaaaaaaa beta /shop/v2/pets/1 /pets/{id}"},
		{"Api.Example.COM:8443", "/pets/2", 200, "aaaaaaaaaa prod /pets/2 /pets/{id}"},
		{"api.example.com", "/shop/pets/3", 403, `{"message":"Missing Authentication Token"}`}, // the root mapping's, no such resource
		{"svc.example.org", "/b", 200, "bbbbbbbbbb live /b /"},
		{"svc.example.org", "/prod/pets/1", 403, `{"message":"Forbidden"}`},
		{"example.org", "/b", 403, `{"message":"Forbidden"}`}, // not under the wildcard: path-style, and no stage "b"
		{r.http, "/prod/pets/4", 200, "aaaaaaaaaa prod /prod/pets/4 /pets/{id}"},
	} {
		req, _ := http.NewRequest("GET", "http://"+r.http+tc.path, nil)
		req.Host = tc.host
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s%s: %d %s, want %d %s", tc.host, tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}
