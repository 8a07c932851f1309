package model

import "strings"

// ModelURL is the URL API Gateway knows a model of API apiID by, the one
// a model's schema names another with in $ref.
func ModelURL(apiID, name string) string {
	return "https://apigateway.amazonaws.com/restapis/" + apiID + "/models/" + name
}

// LocalSchemaRef returns the model an OpenAPI reference to the document's
// own schemas names ("#/definitions/X" in Swagger 2.0,
// "#/components/schemas/X" in OpenAPI 3), as API Gateway's import makes
// each of them a model.
func LocalSchemaRef(ref string) (string, bool) {
	for _, p := range []string{"#/definitions/", "#/components/schemas/"} {
		if name, ok := strings.CutPrefix(ref, p); ok && name != "" && !strings.Contains(name, "/") {
			return name, true
		}
	}
	return "", false
}

// SchemaRefsToModelURLs rewrites, in place, every "$ref" of a decoded
// JSON schema that names one of the document's schemas to that model's
// URL, as API Gateway's import does so one model can name another.
func SchemaRefsToModelURLs(apiID string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				if name, ok := LocalSchemaRef(s); ok {
					x[k] = ModelURL(apiID, name)
				}
				continue
			}
			x[k] = SchemaRefsToModelURLs(apiID, e)
		}
	case []any:
		for i, e := range x {
			x[i] = SchemaRefsToModelURLs(apiID, e)
		}
	}
	return v
}
