package tf

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Request validation in a REST API's OpenAPI body, as API Gateway's import
// reads it (the resolver reads a CloudFormation Body the same way):
// x-amazon-apigateway-request-validators declares the validators,
// x-amazon-apigateway-request-validator picks one for every operation (at
// the top level) or for one; Swagger 2.0 definitions and OpenAPI 3
// components.schemas become models (content type application/json, local
// $refs rewritten to model URLs); an operation's Swagger body parameter
// names its model for each media type it consumes (application/json when
// none is written), an OpenAPI 3 requestBody one per media type; a schema
// written in place becomes a model of its own.

// validation reads the body's validators and models into the API and
// returns the default validator's name.
func (o *openAPIImport) validation() string {
	if vs, ok := o.root["x-amazon-apigateway-request-validators"].(map[string]any); ok {
		for _, name := range slices.Sorted(maps.Keys(vs)) {
			if slices.ContainsFunc(o.api.Validators, func(v *model.RequestValidator) bool { return v.ID == name }) {
				continue
			}
			v, _ := vs[name].(map[string]any)
			o.api.Validators = append(o.api.Validators, &model.RequestValidator{LogicalID: o.api.LogicalID + ".body", ID: name, Name: name,
				ValidateRequestBody: str(v["validateRequestBody"]) == "true", ValidateRequestParameters: str(v["validateRequestParameters"]) == "true", Range: o.rng})
		}
	}
	defs, _ := o.root["definitions"].(map[string]any)
	if c, ok := o.root["components"].(map[string]any); ok {
		if s, ok := c["schemas"].(map[string]any); ok {
			defs = mergedSchemas(defs, s)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		o.addModel(name, defs[name])
	}
	return str(o.root["x-amazon-apigateway-request-validator"])
}

func mergedSchemas(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range b {
		if _, dup := out[k]; !dup {
			out[k] = v
		}
	}
	return out
}

// addModel adds schema as model name unless the API has it already.
func (o *openAPIImport) addModel(name string, schema any) {
	if slices.ContainsFunc(o.api.Models, func(m *model.APIModel) bool { return m.Name == name }) {
		return
	}
	// A copy: the document stays as written.
	b, err := json.Marshal(schema)
	if err != nil {
		return
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return
	}
	b, err = json.Marshal(model.SchemaRefsToModelURLs(o.api.ID, v))
	if err != nil {
		return
	}
	o.api.Models = append(o.api.Models, &model.APIModel{LogicalID: o.api.LogicalID + ".body", Name: name, ContentType: "application/json",
		Schema: string(b), Range: o.rng})
}

// requestModels returns op's request models by media type, nil for none.
func (o *openAPIImport) requestModels(op map[string]any, path, verb string) map[string]string {
	out := map[string]string{}
	modelFor := func(sch any, ct string) string {
		m, ok := sch.(map[string]any)
		if !ok {
			return ""
		}
		if name, ok := model.LocalSchemaRef(str(m["$ref"])); ok {
			return name
		}
		// API Gateway names a model it makes from a schema in place
		// itself; any name unique in the API serves.
		name := "Model" + model.StableID(8, "model", o.api.LogicalID, verb, path, ct)
		o.addModel(name, m)
		return name
	}
	if ps, ok := op["parameters"].([]any); ok {
		for _, e := range ps {
			p, _ := e.(map[string]any)
			if p == nil || str(p["in"]) != "body" {
				continue
			}
			consumes := strList(op["consumes"])
			if len(consumes) == 0 {
				consumes = strList(o.root["consumes"])
			}
			if len(consumes) == 0 {
				consumes = []string{"application/json"}
			}
			for _, ct := range consumes {
				if name := modelFor(p["schema"], ct); name != "" {
					out[ct] = name
				}
			}
		}
	}
	rb, _ := op["requestBody"].(map[string]any)
	if ref, ok := strings.CutPrefix(str(rb["$ref"]), "#/components/requestBodies/"); ok {
		c, _ := o.root["components"].(map[string]any)
		rbs, _ := c["requestBodies"].(map[string]any)
		rb, _ = rbs[ref].(map[string]any)
	}
	if cs, ok := rb["content"].(map[string]any); ok {
		for _, ct := range slices.Sorted(maps.Keys(cs)) {
			c, _ := cs[ct].(map[string]any)
			if name := modelFor(c["schema"], ct); name != "" {
				out[ct] = name
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func strList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, str(e))
	}
	return out
}
