package resolver

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Request validation in an OpenAPI definition, as API Gateway's import
// reads it: the validators x-amazon-apigateway-request-validators
// declares (each named by its key), the one x-amazon-apigateway-request-validator
// picks for every operation at the top level or for one operation in it;
// models from Swagger 2.0 definitions and OpenAPI 3 components.schemas,
// their "#/definitions/X" and "#/components/schemas/X" references
// rewritten to model URLs, as the import does so one model can name
// another; and each operation's request models: a Swagger 2.0 body
// parameter's schema for each media type the operation consumes
// (application/json when none is written), or OpenAPI 3 requestBody's
// schema per media type. A schema written in place (no $ref) becomes a
// model of its own.

// openAPIValidation reads the definition's validators and models into api
// and returns the default validator's name ("" for none).
func (l *lowerer) openAPIValidation(api *model.RestAPI, owner string, body *props) string {
	if vs := body.node.Get("x-amazon-apigateway-request-validators"); vs != nil && vs.Kind == cfn.Mapping {
		for _, f := range vs.Fields {
			if slices.ContainsFunc(api.Validators, func(v *model.RequestValidator) bool { return v.ID == f.Key }) {
				continue
			}
			vp := l.bareProps(owner, f.Value)
			api.Validators = append(api.Validators, &model.RequestValidator{LogicalID: owner, ID: f.Key, Name: f.Key,
				ValidateRequestBody: vp.boolean("validateRequestBody"), ValidateRequestParameters: vp.boolean("validateRequestParameters"), Range: f.KeyRange()})
		}
	}
	for _, where := range [][]string{{"definitions"}, {"components", "schemas"}} {
		n := body.node
		for _, k := range where {
			if n != nil {
				n = n.Get(k)
			}
		}
		if n == nil || n.Kind != cfn.Mapping {
			continue
		}
		for _, f := range n.Fields {
			if slices.ContainsFunc(api.Models, func(m *model.APIModel) bool { return m.Name == f.Key }) {
				continue
			}
			api.Models = append(api.Models, &model.APIModel{LogicalID: owner, Name: f.Key, ContentType: "application/json",
				Schema: l.openAPISchema(api, body, f.Value), Range: f.KeyRange()})
		}
	}
	return body.str("x-amazon-apigateway-request-validator")
}

// openAPISchema is schema n as a model's JSON, its local references
// rewritten to model URLs.
func (l *lowerer) openAPISchema(api *model.RestAPI, body *props, n *cfn.Node) string {
	v := model.SchemaRefsToModelURLs(api.ID, body.typed(n))
	b, err := json.Marshal(v)
	if err != nil || !l.s.spendBytes(len(b), n) {
		return ""
	}
	return string(b)
}

// openAPIRequestModels returns op's request models by media type (nil for
// none), adding a model for each schema written in place.
func (l *lowerer) openAPIRequestModels(api *model.RestAPI, owner string, body, op *props, path, verb string) map[string]string {
	out := map[string]string{}
	modelFor := func(sch *cfn.Node, suffix string) string {
		if sch == nil || sch.Kind != cfn.Mapping {
			return ""
		}
		if ref := sch.Get("$ref"); ref != nil && ref.Kind == cfn.Scalar {
			if name, ok := model.LocalSchemaRef(ref.Value); ok {
				return name
			}
		}
		// API Gateway names a model it makes from a schema in place
		// itself; any name unique in the API serves.
		name := "Model" + model.StableID(8, "model", l.s.stackName, owner, verb, path, suffix)
		if !slices.ContainsFunc(api.Models, func(m *model.APIModel) bool { return m.Name == name }) {
			api.Models = append(api.Models, &model.APIModel{LogicalID: owner, Name: name, ContentType: "application/json",
				Schema: l.openAPISchema(api, body, sch), Range: sch.Range()})
		}
		return name
	}
	if ps := op.node.Get("parameters"); ps != nil && ps.Kind == cfn.Sequence {
		for _, it := range ps.Items {
			if it.Get("in").String() != "body" {
				continue
			}
			consumes := op.list("consumes")
			if len(consumes) == 0 {
				consumes = body.list("consumes")
			}
			if len(consumes) == 0 {
				consumes = []string{"application/json"}
			}
			for _, ct := range consumes {
				if name := modelFor(it.Get("schema"), ct); name != "" {
					out[ct] = name
				}
			}
		}
	}
	if c := op.node.Get("requestBody"); c != nil {
		if ref := c.Get("$ref"); ref != nil && ref.Kind == cfn.Scalar {
			// A shared request body in components.requestBodies.
			if name, ok := strings.CutPrefix(ref.Value, "#/components/requestBodies/"); ok {
				if rbs := body.node.Get("components"); rbs != nil {
					if rb := rbs.Get("requestBodies"); rb != nil {
						c = rb.Get(name)
					}
				}
			}
		}
		if c != nil {
			if cs := c.Get("content"); cs != nil && cs.Kind == cfn.Mapping {
				for _, f := range cs.Fields {
					if name := modelFor(f.Value.Get("schema"), f.Key); name != "" {
						out[f.Key] = name
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
