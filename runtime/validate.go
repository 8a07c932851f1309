package runtime

// Request validation: a method's RequestValidator checks the required
// RequestParameters (ValidateRequestParameters) and the body against the
// method's RequestModels (ValidateRequestBody), as API Gateway does, before
// the integration runs.
//
// Models are JSON Schema draft 4 documents (a schema without $schema is
// read as draft 4, API Gateway's dialect). Every model of an API is
// registered under its model URL,
// https://apigateway.amazonaws.com/restapis/{apiId}/models/{name}, so one
// model can $ref another by that URL; each model is compiled once per
// template version (runtime/internal/schema4), never per request.
//
// The body's model is RequestModels[the request's media type] (a request
// without Content-Type is application/json, as on API Gateway), else
// RequestModels["$default"]; with neither, the body is not validated. An
// empty body is validated as {}; a body that is not JSON, or does not
// match, answers 400 {"message": "Invalid request body"} (BAD_REQUEST_BODY),
// and $context.error.validationErrorString says why in the words of the
// validator API Gateway uses.

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/internal/schema4"
)

// ModelURL is the URL a model's schema is known by, for $ref.
func ModelURL(apiID, name string) string { return model.ModelURL(apiID, name) }

// API Gateway's built-in models, which every API has unless it defines
// its own of the same name.
var builtinModels = map[string]string{
	"Empty": `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Empty Schema","type":"object"}`,
	"Error": `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Error Schema","type":"object","properties":{"message":{"type":"string"}}}`,
}

// bodyValidation is an endpoint's compiled body validation.
type bodyValidation struct {
	// byType maps a lower-case media type (or "$default") to its model.
	byType map[string]*modelSchema
}

// modelSchema is a compiled model.
type modelSchema struct {
	name   string
	schema *schema4.Schema
}

// maxValidationErrors bounds the failures listed in
// $context.error.validationErrorString; validation stops there.
const maxValidationErrors = 10

// modelSet compiles an API's models on demand, each once.
type modelSet struct {
	api      *model.RestAPI
	set      *schema4.Set
	compiled map[string]*modelSchema
	failed   map[string]bool
	ds       *diag.Diagnostics
}

func newModelSet(api *model.RestAPI, ds *diag.Diagnostics) *modelSet {
	ms := &modelSet{api: api, set: schema4.NewSet(), compiled: map[string]*modelSchema{}, failed: map[string]bool{}, ds: ds}
	names := map[string]bool{}
	for _, m := range api.Models {
		names[m.Name] = true
		doc, err := schema4.Parse([]byte(m.Schema))
		if err != nil {
			ms.failed[m.Name] = true
			*ds = append(*ds, diag.NewWarning(ruleIgnored, m.Range,
				"model %s is not JSON (%v): request bodies are not validated against it", m.Name, err).
				WithResource(m.LogicalID).
				WithHint("Write the Schema as a JSON Schema draft 4 document (a JSON object)."))
			continue
		}
		ms.set.Add(ModelURL(api.ID, m.Name), doc)
	}
	for _, name := range sortedMapKeys(builtinModels) {
		if !names[name] {
			doc, _ := schema4.Parse([]byte(builtinModels[name]))
			ms.set.Add(ModelURL(api.ID, name), doc)
		}
	}
	return ms
}

// schema returns the compiled model name, or nil (with a finding, once)
// when it cannot be used.
func (ms *modelSet) schema(name string, m *model.Method) *modelSchema {
	if s := ms.compiled[name]; s != nil {
		return s
	}
	if ms.failed[name] {
		return nil
	}
	known := builtinModels[name] != ""
	var mdl *model.APIModel
	for _, x := range ms.api.Models {
		if x.Name == name {
			known, mdl = true, x
		}
	}
	if !known {
		ms.failed[name] = true
		*ms.ds = append(*ms.ds, diag.NewWarning(ruleIgnored, m.Props.At("RequestModels", m.Range),
			"RequestModels names model %q, which the API does not define: request bodies are not validated", name).
			WithResource(m.LogicalID).
			WithHint("Define an AWS::ApiGateway::Model with this Name on the API (AWS refuses to deploy a method that names a missing model)."))
		return nil
	}
	s, err := ms.set.Compile(ModelURL(ms.api.ID, name))
	if err != nil {
		ms.failed[name] = true
		rng, id := m.Range, m.LogicalID
		if mdl != nil {
			rng, id = mdl.Range, mdl.LogicalID
		}
		*ms.ds = append(*ms.ds, diag.NewWarning(ruleIgnored, rng,
			"model %s does not compile: %v; request bodies are not validated against it", name, err).
			WithResource(id).
			WithHint("Fix the schema (JSON Schema draft 4); API Gateway refuses a model whose schema is invalid. "+
				"A $ref names another model by its URL, https://apigateway.amazonaws.com/restapis/{api id}/models/{name}."))
		return nil
	}
	cs := &modelSchema{name: name, schema: s}
	ms.compiled[name] = cs
	return cs
}

// compileBodyValidation returns the body validation of a method whose
// validator has ValidateRequestBody, or nil.
func compileBodyValidation(ms *modelSet, v *model.RequestValidator, m *model.Method) *bodyValidation {
	if v == nil || !v.ValidateRequestBody || len(m.RequestModels) == 0 {
		return nil
	}
	bv := &bodyValidation{byType: map[string]*modelSchema{}}
	for _, ct := range sortedMapKeys(m.RequestModels) {
		if s := ms.schema(m.RequestModels[ct], m); s != nil {
			bv.byType[strings.ToLower(ct)] = s
		}
	}
	if len(bv.byType) == 0 {
		return nil
	}
	return bv
}

// methodValidator returns the method's RequestValidator, or nil.
func methodValidator(api *model.RestAPI, m *model.Method) *model.RequestValidator {
	if m.RequestValidatorID == "" {
		return nil
	}
	for _, v := range api.Validators {
		if v.ID == m.RequestValidatorID || v.LogicalID == m.RequestValidatorID {
			return v
		}
	}
	return nil
}

// validateRequest runs the method's request validator: required
// parameters, then the body.
func (g *Gateway) validateRequest(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	if len(ep.required) > 0 {
		if missing := rs.missingParams(); missing != "" {
			return rs.failMessage(errBadParams, "Missing required request parameters: ["+missing+"]", "request validator: missing "+missing)
		}
	}
	if ep.body == nil {
		return nil
	}
	s := ep.body.schemaFor(r.Header.Get("Content-Type"))
	if s == nil {
		return nil
	}
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the body to validate it")
	}
	// The integration reads the body again.
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	doc, err := schema4.Parse(body)
	if err != nil {
		rs.access.validation = "[Invalid JSON: " + err.Error() + "]"
		return rs.failMessage(errBadRequest, "Invalid request body", "request validator: the body is not JSON")
	}
	errs := s.schema.Validate(doc, maxValidationErrors)
	if errs == nil {
		return nil
	}
	msgs := make([]string, len(errs))
	where := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Message
		where[i] = e.Message
		if e.Path != "" {
			where[i] = e.Path + ": " + e.Message
		}
	}
	rs.access.validation = "[" + strings.Join(msgs, ", ") + "]"
	return rs.failMessage(errBadRequest, "Invalid request body", "request validator: model "+s.name+": "+strings.Join(where, "; "))
}

// schemaFor picks the schema for a request's Content-Type.
func (bv *bodyValidation) schemaFor(ctype string) *modelSchema {
	mt := "application/json"
	if ctype != "" {
		if t, _, err := mime.ParseMediaType(ctype); err == nil {
			mt = t
		} else {
			mt = strings.ToLower(strings.TrimSpace(strings.Split(ctype, ";")[0]))
		}
	}
	if s := bv.byType[mt]; s != nil {
		return s
	}
	return bv.byType["$default"]
}
