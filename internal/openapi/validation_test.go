package openapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/openapi"
)

// run imports doc's validation into a fresh API (with the declared
// validators and models given) and returns what it added, one line each,
// and the request models of every operation under paths.
func run(t *testing.T, doc string, declared ...string) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	api := &model.RestAPI{ID: "abc", LogicalID: "Api"}
	for _, d := range declared {
		kind, name, _ := strings.Cut(d, " ")
		if kind == "validator" {
			api.Validators = append(api.Validators, &model.RequestValidator{ID: name, Name: name, LogicalID: "declared"})
		} else {
			api.Models = append(api.Models, &model.APIModel{Name: name, LogicalID: "declared"})
		}
	}
	// Every place is known: a key's range is its path's length as line,
	// a value's one column further, so the test sees which one is used.
	d := &openapi.Doc{Root: root, Fallback: diag.Range{Filename: "attr"},
		Where: func(path []string) (diag.Range, diag.Range, bool) {
			f := strings.Join(path, "/")
			return diag.Range{Filename: f, Start: diag.Pos{Line: 1, Column: 1}}, diag.Range{Filename: f, Start: diag.Pos{Line: 1, Column: 2}}, true
		}}
	im := &openapi.Import{API: api, Root: d.Node(), Owner: "Api.body",
		Schema: func(n openapi.Node) (string, bool) {
			b, err := json.Marshal(model.SchemaRefsToModelURLs(api.ID, n.(openapi.Value).V()))
			return string(b), err == nil
		},
		InPlaceName: func(verb, path, ct string) string { return "Model " + verb + " " + path + " " + ct }}
	var out []string
	if def := im.Validation(); def != "" {
		out = append(out, "default "+def)
	}
	if paths := d.Node().Get("paths"); paths != nil {
		paths.Each(func(p string, item openapi.Node, _ diag.Range) {
			item.Each(func(verb string, op openapi.Node, _ diag.Range) {
				rm := im.RequestModels(op, p, verb)
				for _, ct := range slices.Sorted(maps.Keys(rm)) {
					out = append(out, fmt.Sprintf("%s %s %s -> %s", verb, p, ct, rm[ct]))
				}
			})
		})
	}
	for _, v := range api.Validators {
		out = append(out, fmt.Sprintf("validator %s body=%t params=%t %s @%s", v.ID, v.ValidateRequestBody, v.ValidateRequestParameters, v.LogicalID, v.Range))
	}
	for _, m := range api.Models {
		out = append(out, fmt.Sprintf("model %q %s %s @%s", m.Name, m.Schema, m.LogicalID, m.Range))
	}
	return out
}

func TestImport(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		declared  []string
		want      []string
	}{
		{name: "empty", doc: `{}`},
		{name: "validators", doc: `{"x-amazon-apigateway-request-validators": {
				"b": {"validateRequestBody": true}, "a": {"validateRequestBody": "true", "validateRequestParameters": true}},
				"x-amazon-apigateway-request-validator": "a"}`,
			want: []string{"default a",
				"validator a body=true params=true Api.body @x-amazon-apigateway-request-validators/a:1:1",
				"validator b body=true params=false Api.body @x-amazon-apigateway-request-validators/b:1:1"}},
		{name: "declared validator wins", doc: `{"x-amazon-apigateway-request-validators": {"a": {"validateRequestBody": true}}}`,
			declared: []string{"validator a"},
			want:     []string{"validator a body=false params=false declared @"}},
		{name: "definitions before components", doc: `{
				"definitions": {"Pet": {"type": "object", "properties": {"tag": {"$ref": "#/definitions/Tag"}}}},
				"components": {"schemas": {"Pet": {"type": "string"}, "Tag": {"$ref": "#/components/schemas/X/y"}}}}`,
			want: []string{
				`model "Pet" {"properties":{"tag":{"$ref":"https://apigateway.amazonaws.com/restapis/abc/models/Tag"}},"type":"object"} Api.body @definitions/Pet:1:1`,
				`model "Tag" {"$ref":"#/components/schemas/X/y"} Api.body @components/schemas/Tag:1:1`}},
		{name: "declared model wins", doc: `{"definitions": {"Pet": {"type": "object"}}}`, declared: []string{"model Pet"},
			want: []string{`model "Pet"  declared @`}},
		{name: "swagger body parameter", doc: `{"consumes": ["text/plain"], "paths": {"/p": {
				"post": {"consumes": ["application/json", "application/xml"], "parameters": [{"in": "query", "name": "q"}, {"in": "body", "schema": {"$ref": "#/definitions/Pet"}}]},
				"put": {"parameters": [{"in": "body", "schema": {"type": "string"}}]},
				"patch": {"parameters": [{"in": "body", "schema": "not a schema"}]}}}}`,
			want: []string{
				"post /p application/json -> Pet", "post /p application/xml -> Pet",
				"put /p text/plain -> Model put /p text/plain",
				`model "Model put /p text/plain" {"type":"string"} Api.body @paths//p/put/parameters/0/schema:1:2`}},
		{name: "swagger default media type", doc: `{"paths": {"/p": {"post": {"parameters": [{"in": "body", "schema": {"$ref": "#/definitions/Pet"}}]}}}}`,
			want: []string{"post /p application/json -> Pet"}},
		{name: "openapi3 requestBody", doc: `{"paths": {"/p": {
				"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}, "text/plain": {}}}},
				"put": {"requestBody": {"$ref": "#/components/requestBodies/Shared"}},
				"patch": {"requestBody": {"$ref": "#/components/requestBodies/Missing"}}}},
				"components": {"requestBodies": {"Shared": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}}}}`,
			want: []string{
				"post /p application/json -> Pet",
				"put /p application/x-www-form-urlencoded -> Model put /p application/x-www-form-urlencoded",
				`model "Model put /p application/x-www-form-urlencoded" {"type":"object"} Api.body @components/requestBodies/Shared/content/application/x-www-form-urlencoded/schema:1:2`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.doc, tc.declared...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("import (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFallback(t *testing.T) {
	d := &openapi.Doc{Root: map[string]any{"definitions": map[string]any{"A": map[string]any{}}}, Fallback: diag.Range{Filename: "main.tf", Start: diag.Pos{Line: 3, Column: 10}}}
	api := &model.RestAPI{}
	im := &openapi.Import{API: api, Root: d.Node(), Owner: "x", Schema: func(openapi.Node) (string, bool) { return "{}", true }}
	im.Validation()
	if len(api.Models) != 1 || api.Models[0].Range != d.Fallback {
		t.Fatalf("models %+v, want one at the fallback %v", api.Models, d.Fallback)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[any]string{nil: "", "s": "s", 1.5: "1.5", 1e21: "1000000000000000000000", 3: "3", true: "true"} {
		if got := openapi.Text(in); got != want {
			t.Errorf("Text(%v) = %q, want %q", in, got, want)
		}
	}
}
