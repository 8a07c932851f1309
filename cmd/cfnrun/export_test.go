package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/control"
)

// TestExportRoundTrip exports every stage of every example's APIs as
// OpenAPI 3 (get-export oas30, extensions=apigateway), imports the export
// again as a RestApi's Body, and compares the two route tables.
func TestExportRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves every example twice")
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "template.*"))
	if len(files) < 5 {
		t.Fatalf("found %d example templates", len(files))
	}
	opts := resolver.Options{AllowExtensions: true}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		if name == "broken" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := resolve(context.Background(), []string{file}, opts)
			if r != nil && r.Template != nil && len(r.Template.APIs) == 0 && len(r.Template.WebSocketAPIs) > 0 {
				t.Skip("WebSocket APIs only: get-export exports REST APIs")
			}
			if r == nil || r.Template == nil || len(r.Template.APIs) == 0 {
				t.Fatal("the example does not resolve to an API")
			}
			g, err := runtime.New(runtime.Config{})
			if err != nil {
				t.Fatal(err)
			}
			g.SetControlPlane(control.New(g, control.Options{}))
			if _, err := g.Load(r.Template); err != nil {
				t.Fatal(err)
			}
			exported := 0
			for _, api := range r.Template.APIs {
				if api.IsHTTP() {
					// get-export is API Gateway's (v1) export of REST
					// APIs; an HTTP API's is apigatewayv2 export-api.
					continue
				}
				for _, st := range model.EffectiveStages(api) {
					doc := exportStage(t, g, api.ID, st.Name)
					back := reimport(t, doc, api, st, opts)
					if d := cmp.Diff(routeKeys(r.Template, api.ID, st.Name), routeKeys(back, back.APIs[0].ID, st.Name)); d != "" {
						t.Errorf("API %s stage %s: the export's route table differs (-template +export):\n%s", api.LogicalID, st.Name, d)
					}
					exported++
				}
			}
			if exported == 0 && !slices.ContainsFunc(r.Template.APIs, func(a *model.RestAPI) bool { return !a.IsHTTP() }) {
				t.Skip("HTTP APIs only: nothing for get-export")
			}
			if exported == 0 {
				t.Fatal("no stage exported")
			}
		})
	}
}

// exportStage answers get-export through the gateway's handler, with a
// SigV4 header as the CLI sends (the signature is not checked).
func exportStage(t *testing.T, g *runtime.Gateway, apiID, stage string) map[string]any {
	t.Helper()
	req := httptest.NewRequest("GET", "/restapis/"+apiID+"/stages/"+stage+"/exports/oas30?extensions=apigateway", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	w := httptest.NewRecorder()
	g.Handler().ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("get-export %s %s: %d %s", apiID, stage, w.Code, w.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// reimport resolves a template whose RestApi's Body is doc, with a stage
// like st.
func reimport(t *testing.T, doc map[string]any, api *model.RestAPI, st *model.Stage, opts resolver.Options) *model.Template {
	t.Helper()
	stage := map[string]any{"RestApiId": map[string]any{"Ref": "Api"}, "DeploymentId": map[string]any{"Ref": "Deployment"}, "StageName": st.Name}
	if len(st.Variables) > 0 {
		stage["Variables"] = st.Variables
	}
	if st.HTTP2Enabled != nil {
		stage["Http2Enabled"] = *st.HTTP2Enabled
	}
	tpl := map[string]any{"Resources": map[string]any{
		"Api":        map[string]any{"Type": "AWS::ApiGateway::RestApi", "Properties": map[string]any{"Name": api.Name, "Body": doc}},
		"Deployment": map[string]any{"Type": "AWS::ApiGateway::Deployment", "Properties": map[string]any{"RestApiId": map[string]any{"Ref": "Api"}}},
		"Stage":      map[string]any{"Type": "AWS::ApiGateway::Stage", "Properties": stage},
	}}
	b, _ := json.MarshalIndent(tpl, "", "  ")
	file := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := resolve(context.Background(), []string{file}, opts)
	if r == nil || r.Template == nil || len(r.Template.APIs) != 1 {
		t.Fatalf("the export does not import:\n%s", b)
	}
	return r.Template
}

// routeKey is what a route serves, without the ids and names that differ
// between the template and its export.
type routeKey struct {
	Method, Path, Integration, IntegrationMethod, URI, ConnectionType string
	TimeoutMs                                                         int
	Authorization                                                     string
	APIKeyRequired, HTTP2                                             bool
}

func routeKeys(t *model.Template, apiID, stage string) []routeKey {
	var out []routeKey
	for _, r := range model.Routes(t) {
		if r.APIID != apiID || r.Stage != stage {
			continue
		}
		out = append(out, routeKey{r.Method, r.Path, r.Integration, r.IntegrationMethod, r.URI, r.ConnectionType,
			r.TimeoutMs, r.Authorization, r.APIKeyRequired, r.HTTP2})
	}
	return out
}
