package tf

import (
	"encoding/json"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/openapi"
)

// Request validation in a REST API's OpenAPI body is read by
// internal/openapi, the walk the resolver uses for a CloudFormation Body:
// validators, definitions / components.schemas as models, and each
// operation's request models.

// validation reads the body's validators and models into the API and
// returns the default validator's name.
func (o *openAPIImport) validation() string {
	o.oa = &openapi.Import{API: o.api, Root: o.doc.Node(), Owner: o.api.LogicalID + ".body", Schema: o.schema,
		InPlaceName: func(verb, path, ct string) string {
			return "Model" + model.StableID(8, "model", o.api.LogicalID, verb, path, ct)
		}}
	return o.oa.Validation()
}

// schema is a copy of n's schema (the document stays as written) with its
// local references as model URLs.
func (o *openAPIImport) schema(n openapi.Node) (string, bool) {
	b, err := json.Marshal(n.(openapi.Value).V())
	if err != nil {
		return "", false
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return "", false
	}
	b, err = json.Marshal(model.SchemaRefsToModelURLs(o.api.ID, v))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// requestModels returns op's request models by media type, nil for none.
func (o *openAPIImport) requestModels(op openapi.Node, path, verb string) map[string]string {
	return o.oa.RequestModels(op, path, verb)
}
