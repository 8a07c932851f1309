package runtime

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

const petSchema = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title": "Pet",
  "type": "object",
  "required": ["name", "type"],
  "properties": {
    "name": {"type": "string"},
    "type": {"type": "string", "enum": ["dog", "cat"]},
    "price": {"type": "number", "minimum": 0},
    "tags": {"type": "array", "items": {"$ref": "https://apigateway.amazonaws.com/restapis/validapi00/models/Tag"}}
  },
  "additionalProperties": false
}`

const tagSchema = `{"$schema": "http://json-schema.org/draft-04/schema#", "type": "string", "minLength": 1, "maxLength": 5}`

// mockAnyType is a MOCK integration with a template for the media types
// the tests send.
func mockAnyType() *model.Integration {
	in := mock200()
	for _, ct := range []string{"text/plain", "application/xml"} {
		in.RequestTemplates[ct] = `{"statusCode": 200}`
	}
	return in
}

func validationTemplate() *tb {
	b := newTB("validapi00", stage("prod", nil))
	b.api.Models = []*model.APIModel{
		{LogicalID: "PetModel", Name: "Pet", ContentType: "application/json", Schema: petSchema},
		{LogicalID: "TagModel", Name: "Tag", ContentType: "application/json", Schema: tagSchema},
	}
	b.api.Validators = []*model.RequestValidator{
		{ID: "both00", LogicalID: "Both", Name: "both", ValidateRequestBody: true, ValidateRequestParameters: true},
		{ID: "params", LogicalID: "Params", Name: "params", ValidateRequestParameters: true},
	}
	post := b.method("/pets", "POST", mockAnyType())
	post.RequestValidatorID = "both00"
	post.RequestModels = map[string]string{"application/json": "Pet"}
	post.RequestParameters = map[string]bool{"method.request.header.X-Source": true}
	put := b.method("/pets", "PUT", mock200())
	put.RequestValidatorID = "params" // models, but the validator does not check bodies
	put.RequestModels = map[string]string{"application/json": "Pet"}
	any := b.method("/any", "POST", mockAnyType())
	any.RequestValidatorID = "Both"
	any.RequestModels = map[string]string{"$default": "Empty"}
	return b
}

func TestRequestBodyValidation(t *testing.T) {
	gw := start(t, validationTemplate().build(), nil)
	c := h2cClient(t)
	url := "http://" + gw.http + "/prod/pets"
	src := []string{"X-Source", "test", "Content-Type", "application/json"}
	for _, tc := range []struct {
		name, body string
		hdr        []string
		status     int
		want       string
	}{
		{"valid", `{"name": "Rex", "type": "dog", "price": 3, "tags": ["good"]}`, src, 200, `{"ok":true}`},
		{"empty object", `{}`, src, 400, `{"message": "Invalid request body"}`},
		{"empty body", ``, src, 400, `{"message": "Invalid request body"}`},
		{"not JSON", `name=Rex`, src, 400, `{"message": "Invalid request body"}`},
		{"wrong type", `{"name": 7, "type": "dog"}`, src, 400, `{"message": "Invalid request body"}`},
		{"enum", `{"name": "Rex", "type": "cow"}`, src, 400, `{"message": "Invalid request body"}`},
		{"additional property", `{"name": "Rex", "type": "dog", "age": 3}`, src, 400, `{"message": "Invalid request body"}`},
		{"ref to the Tag model", `{"name": "Rex", "type": "dog", "tags": ["toolong"]}`, src, 400, `{"message": "Invalid request body"}`},
		{"array", `[]`, src, 400, `{"message": "Invalid request body"}`},
		{"missing header first", `{}`, []string{"Content-Type", "application/json"}, 400, `{"message": "Missing required request parameters: [X-Source]"}`},
		{"no Content-Type is application/json", `{}`, []string{"X-Source", "t"}, 400, `{"message": "Invalid request body"}`},
		{"charset parameter", `{}`, []string{"X-Source", "t", "Content-Type", "application/json; charset=utf-8"}, 400, `{"message": "Invalid request body"}`},
		{"no model for the media type", `not json`, []string{"X-Source", "t", "Content-Type", "text/plain"}, 200, `{"ok":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, c, "POST", url, strings.NewReader(tc.body), tc.hdr...)
			if res.status != tc.status || res.body != tc.want {
				t.Errorf("%d %s, want %d %s", res.status, res.body, tc.status, tc.want)
			}
			if res.status == 400 && (res.header.Get("x-amzn-ErrorType") != "BadRequestException" || res.header.Get("Content-Type") != "application/json") {
				t.Errorf("headers %v", res.header)
			}
		})
	}
	if res := do(t, c, "PUT", url, strings.NewReader(`{}`), src...); res.status != 200 {
		t.Errorf("a validator without ValidateRequestBody: %d %s", res.status, res.body)
	}
	// The Empty model: an object, anything in it.
	anyURL := "http://" + gw.http + "/prod/any"
	if res := do(t, c, "POST", anyURL, strings.NewReader(`{"x": 1}`), "Content-Type", "application/xml"); res.status != 200 {
		t.Errorf("$default Empty model, object: %d %s", res.status, res.body)
	}
	if res := do(t, c, "POST", anyURL, strings.NewReader(`"x"`), "Content-Type", "application/xml"); res.status != 400 {
		t.Errorf("$default Empty model, string: %d %s", res.status, res.body)
	}
}

func TestValidationGatewayResponse(t *testing.T) {
	b := validationTemplate()
	b.api.GatewayResponses = []*model.GatewayResponse{{ResponseType: "BAD_REQUEST_BODY", StatusCode: "422",
		ResponseTemplates: map[string]string{"application/json": `{"message": $context.error.messageString, "errors": "$context.error.validationErrorString"}`}}}
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	for _, tc := range []struct{ body, want string }{
		{`{}`, `{"message": "Invalid request body", "errors": "[object has missing required properties (["name","type"])]"}`},
		{`{"name": 1, "type": "dog", "price": -1}`, `{"message": "Invalid request body", "errors": "[` +
			`instance type (integer) does not match any allowed primitive type (allowed: ["string"]), ` +
			`numeric instance is lower than the required minimum (minimum: 0, found: -1)]"}`},
	} {
		res := do(t, c, "POST", "http://"+gw.http+"/prod/pets", strings.NewReader(tc.body), "X-Source", "t", "Content-Type", "application/json")
		if res.status != 422 || res.body != tc.want {
			t.Errorf("%s: %d\n got %s\nwant %s", tc.body, res.status, res.body, tc.want)
		}
	}
}

func TestModelFindings(t *testing.T) {
	b := validationTemplate()
	b.api.Models = append(b.api.Models,
		&model.APIModel{LogicalID: "Broken", Name: "Broken", Schema: `{"type": 7}`, Range: diag.Range{Filename: "t.yaml", Start: diag.Pos{Line: 40, Column: 3}}},
		&model.APIModel{LogicalID: "NotJSON", Name: "NotJSON", Schema: `{`},
		&model.APIModel{LogicalID: "Dangling", Name: "Dangling", Schema: `{"$ref": "https://example.com/other.json"}`},
	)
	for _, name := range []string{"Broken", "NotJSON", "Dangling", "Missing"} {
		m := b.method("/"+strings.ToLower(name), "POST", mock200())
		m.RequestValidatorID = "both00"
		m.RequestModels = map[string]string{"application/json": name}
	}
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(b.build())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Range.String()+" "+d.Summary)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`t.yaml:40:3 model Broken does not compile`,
		`model NotJSON is not JSON`,
		`model Dangling does not compile`,
		`RequestModels names model "Missing", which the API does not define`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("findings lack %q:\n%s", want, all)
		}
	}
	// Those methods still serve, without body validation.
	gw := start(t, b.t, nil)
	if res := do(t, h2cClient(t), "POST", "http://"+gw.http+"/prod/broken", strings.NewReader(`x`), "X-Source", "t"); res.status != 200 {
		t.Errorf("method with a broken model: %d %s", res.status, res.body)
	}
}

// TestValidationBounds: a 10 MB body against a deeply nested schema is
// answered, in bounded time, without a panic.
func TestValidationBounds(t *testing.T) {
	b := newTB("validapi00", stage("prod", nil))
	deep := strings.Repeat(`{"type":"array","items":`, 200) + `{"type":"integer"}` + strings.Repeat(`}`, 200)
	b.api.Models = []*model.APIModel{{Name: "Deep", Schema: deep}}
	b.api.Validators = []*model.RequestValidator{{ID: "v", ValidateRequestBody: true}}
	m := b.method("/deep", "POST", mock200())
	m.RequestValidatorID, m.RequestModels = "v", map[string]string{"application/json": "Deep"}
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	c.Timeout = 5 * time.Minute // the race detector and a loaded machine slow decoding 5M values
	var big bytes.Buffer
	big.WriteString("[")
	for big.Len() < 10<<20-16 {
		big.WriteString("1,")
	}
	big.WriteString("1]")
	t0 := time.Now()
	if res := do(t, c, "POST", "http://"+gw.http+"/prod/deep", &big); res.status != 400 {
		t.Errorf("10 MB against a deep schema: %d %.200s", res.status, res.body)
	}
	nested := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	if res := do(t, c, "POST", "http://"+gw.http+"/prod/deep", strings.NewReader(nested)); res.status != 400 {
		t.Errorf("100000 nested arrays: %d %.200s", res.status, res.body)
	}
	t.Logf("answered in %v", time.Since(t0))
}
