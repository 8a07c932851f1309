package control_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/resolver"
	"github.com/cfnrun/cfnrun/runtime/control"
)

const importDoc = `openapi: 3.0.1
info:
  title: imported-pets
  version: "1"
paths:
  /pets:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"pets": ["imported"]}'
      responses:
        "200":
          description: ok
`

const mergeDoc = `{"swagger": "2.0", "info": {"title": "more", "version": "1"},
 "paths": {"/orders": {"post": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 201}"},
   "responses": {"default": {"statusCode": "201", "responseTemplates": {"application/json": "{\"ordered\": true}"}}}},
   "responses": {"201": {"description": "created"}}}}}}`

// TestImportAndPutRestAPI: import-rest-api reads an OpenAPI document with
// the resolver's importer (a template's Body), served once a deployment
// gives it a stage; put-rest-api merges or overwrites; a document that
// cannot be read is API Gateway's BadRequestException.
func TestImportAndPutRestAPI(t *testing.T) {
	e := startWith(t, petstore(), control.Options{ImportOpenAPI: resolver.OpenAPIImporter(resolver.Options{})})
	a := e.must(t, "POST", "/restapis?mode=import", importDoc, 201)
	id, _ := a["id"].(string)
	if len(id) != 10 || a["name"] != "imported-pets" || a["warnings"] != nil {
		t.Fatalf("import-rest-api: %v", a)
	}
	get := func(method, path string) (int, string) {
		resp, b := do(t, http.DefaultClient, mustReq(t, method, e.base+"/restapis/"+id+"/dev/_user_request_"+path))
		return resp.StatusCode, string(b)
	}
	e.must(t, "POST", "/restapis/"+id+"/deployments", `{"stageName":"dev"}`, 201)
	if code, body := get("GET", "/pets"); code != 200 || body != `{"pets": ["imported"]}` {
		t.Errorf("GET /pets of the imported API: %d %s", code, body)
	}
	e.must(t, "PUT", "/restapis/"+id, mergeDoc, 200)
	paths := func() string {
		var out []string
		for _, r := range e.must(t, "GET", "/restapis/"+id+"/resources", "", 200)["item"].([]any) {
			out = append(out, r.(map[string]any)["path"].(string))
		}
		return strings.Join(out, " ")
	}
	if p := paths(); p != "/ /orders /pets" {
		t.Errorf("after put-rest-api (merge): %s", p)
	}
	e.must(t, "POST", "/restapis/"+id+"/deployments", `{"stageName":"dev"}`, 201)
	if code, body := get("POST", "/orders"); code != 201 || body != `{"ordered": true}` {
		t.Errorf("POST /orders after the merge: %d %s", code, body)
	}
	e.must(t, "PUT", "/restapis/"+id+"?mode=overwrite", mergeDoc, 200)
	if p := paths(); p != "/ /orders" {
		t.Errorf("after put-rest-api (overwrite): %s", p)
	}
	resp, b := e.call(t, "POST", "/restapis?mode=import", "not: [valid")
	if resp.StatusCode != 400 || !strings.Contains(string(b), "Errors found during import") {
		t.Errorf("a broken document: %d %s", resp.StatusCode, b)
	}
	e.must(t, "PUT", "/restapis/"+id+"?mode=replace", mergeDoc, 400)
	e.must(t, "PUT", "/restapis/nope", mergeDoc, 404)
}

// TestTagWrites: tag-resource and untag-resource on an API, a stage, a
// key and a plan, read back with get-tags.
func TestTagWrites(t *testing.T) {
	e := start(t, petstore())
	for _, arn := range []string{"/restapis/abcdef1234", "/restapis/abcdef1234/stages/prod", "/apikeys/key0000001", "/usageplans/plan01"} {
		path := "/tags/" + strings.ReplaceAll("arn:aws:apigateway:us-east-1::"+arn, "/", "%2F")
		e.must(t, "PUT", path, `{"tags":{"owner":"ci","env":"test"}}`, 204)
		e.must(t, "DELETE", path+"?tagKeys=env", "", 204)
		tags := e.must(t, "GET", path, "", 200)["tags"].(map[string]any)
		if tags["owner"] != "ci" || tags["env"] != nil {
			t.Errorf("%s: %v", arn, tags)
		}
	}
	e.must(t, "PUT", "/tags/"+strings.ReplaceAll("arn:aws:apigateway:us-east-1::/restapis/nope", "/", "%2F"), `{"tags":{"a":"b"}}`, 404)
	e.must(t, "PUT", "/tags/"+strings.ReplaceAll("arn:aws:apigateway:us-east-1::/restapis/abcdef1234", "/", "%2F"), `{"tags":{"aws:x":"b"}}`, 400)
	if st := e.must(t, "GET", "/restapis/abcdef1234/stages/prod", "", 200); !strings.Contains(fmt.Sprint(st["tags"]), "tag-resource env,owner stage prod") {
		t.Errorf("get-stage drift: %v", st["tags"])
	}
}
