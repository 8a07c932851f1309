// Package openapi reads the parts of an OpenAPI definition (Swagger 2.0 or
// OpenAPI 3, with API Gateway's x-amazon-apigateway-* extensions) that both
// front ends import the same way, so a CloudFormation Body and a Terraform
// body give the same model. A front end hands its document over as Nodes
// (the resolver's positioned template nodes with intrinsics evaluated,
// parser/tf's decoded JSON with the positions it knows) and says in an
// Import what differs between them: the elements' logical id, how a schema
// becomes a model's JSON, how a model made from a schema written in place
// is named.
//
// Invariants: the walk reads, never writes, the document; it adds a
// validator or model only when the API has none of that id or name yet (a
// declared aws_api_gateway_model or AWS::ApiGateway::Model wins); each
// element it adds carries where its key (or, for a schema in place, the
// schema) is written.
package openapi

import (
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Node is one map, list or scalar of an OpenAPI document as a front end
// reads it. Methods taking a key read the map entry of that name; on a
// node that is not a map they return the zero value. A Node that is absent
// is a nil interface, never a typed nil.
type Node interface {
	// Get returns the value of key, nil when absent.
	Get(key string) Node
	// Each calls f with each entry of a map, and where its key is written.
	Each(f func(key string, v Node, at diag.Range))
	// Items returns a list's elements (nil when not a list).
	Items() []Node
	// IsMap reports whether the node is a map.
	IsMap() bool
	// Str is the value of key as text ("" when absent).
	Str(key string) string
	// Strs is the value of key as a list of strings.
	Strs(key string) []string
	// Bool is the value of key as a boolean.
	Bool(key string) bool
	// Range is where the node is written.
	Range() diag.Range
}

// Import is one definition being read into an API.
type Import struct {
	API *model.RestAPI
	// Root is the document.
	Root Node
	// Owner is the LogicalID of the validators and models added.
	Owner string
	// Schema is schema n as a model's JSON, its local $refs rewritten to
	// model URLs (model.SchemaRefsToModelURLs); ok false adds no model.
	Schema func(n Node) (json string, ok bool)
	// InPlaceName names the model made from a schema written in place in
	// the request of verb path for mediaType (API Gateway picks a name of
	// its own; any name unique in the API serves).
	InPlaceName func(verb, path, mediaType string) string
}

// Validation reads the document's request validators and models into the
// API, as API Gateway's import does: the validators
// x-amazon-apigateway-request-validators declares (each named by its key);
// models from Swagger 2.0 definitions and OpenAPI 3 components.schemas
// (definitions first). It returns the name of the validator
// x-amazon-apigateway-request-validator picks for every operation that
// names none ("" for none).
func (im *Import) Validation() string {
	if vs := im.Root.Get("x-amazon-apigateway-request-validators"); vs != nil {
		vs.Each(func(name string, v Node, at diag.Range) {
			if im.hasValidator(name) {
				return
			}
			im.API.Validators = append(im.API.Validators, &model.RequestValidator{LogicalID: im.Owner, ID: name, Name: name,
				ValidateRequestBody: v.Bool("validateRequestBody"), ValidateRequestParameters: v.Bool("validateRequestParameters"), Range: at})
		})
	}
	for _, where := range [][]string{{"definitions"}, {"components", "schemas"}} {
		n := im.Root
		for _, k := range where {
			if n != nil {
				n = n.Get(k)
			}
		}
		if n == nil {
			continue
		}
		n.Each(func(name string, v Node, at diag.Range) { im.addModel(name, v, at) })
	}
	return im.Root.Str("x-amazon-apigateway-request-validator")
}

// RequestModels returns the request models of operation op (of verb
// path) by media type, nil for none: a Swagger 2.0 body parameter's schema
// for each media type the operation consumes (the document's consumes
// when it says none, application/json when neither does), or an OpenAPI 3
// requestBody's (or the components.requestBodies entry it names) schema
// for each media type. A schema written in place (no local $ref) becomes
// a model of its own.
func (im *Import) RequestModels(op Node, path, verb string) map[string]string {
	out := map[string]string{}
	modelFor := func(sch Node, mediaType string) string {
		if sch == nil || !sch.IsMap() {
			return ""
		}
		if name, ok := model.LocalSchemaRef(sch.Str("$ref")); ok {
			return name
		}
		name := im.InPlaceName(verb, path, mediaType)
		im.addModel(name, sch, sch.Range())
		return name
	}
	if ps := op.Get("parameters"); ps != nil {
		for _, p := range ps.Items() {
			if p.Str("in") != "body" {
				continue
			}
			consumes := op.Strs("consumes")
			if len(consumes) == 0 {
				consumes = im.Root.Strs("consumes")
			}
			if len(consumes) == 0 {
				consumes = []string{"application/json"}
			}
			for _, ct := range consumes {
				if name := modelFor(p.Get("schema"), ct); name != "" {
					out[ct] = name
				}
			}
		}
	}
	if rb := op.Get("requestBody"); rb != nil {
		if name, ok := strings.CutPrefix(rb.Str("$ref"), "#/components/requestBodies/"); ok {
			// A shared request body.
			if rbs := get(im.Root, "components", "requestBodies"); rbs != nil {
				rb = rbs.Get(name)
			}
		}
		if cs := get(rb, "content"); cs != nil {
			cs.Each(func(ct string, c Node, _ diag.Range) {
				if name := modelFor(c.Get("schema"), ct); name != "" {
					out[ct] = name
				}
			})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (im *Import) hasValidator(id string) bool {
	for _, v := range im.API.Validators {
		if v.ID == id {
			return true
		}
	}
	return false
}

// addModel adds schema as model name unless the API has it already.
func (im *Import) addModel(name string, schema Node, at diag.Range) {
	for _, m := range im.API.Models {
		if m.Name == name {
			return
		}
	}
	js, ok := im.Schema(schema)
	if !ok {
		return
	}
	im.API.Models = append(im.API.Models, &model.APIModel{LogicalID: im.Owner, Name: name, ContentType: "application/json", Schema: js, Range: at})
}

// get follows keys from n, nil when one is absent.
func get(n Node, keys ...string) Node {
	for _, k := range keys {
		if n == nil {
			return nil
		}
		n = n.Get(k)
	}
	return n
}
